/**
 * ferrous-lua -t DIR: every *.lua file directly in DIR (sorted by name) runs as one test on a flushed
 * keyspace. A test passes when its reply is not an error and, if it declares `-- expect:` lines, the
 * reply printed as redis-cli prints it equals those lines joined with newlines. A test whose
 * expectation itself starts with "(error)" expects that error reply.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RespClient } from './resp-client.js';
import { formatReply } from './format.js';
import { evalScript, parseDeclarations } from './script.js';

export interface TestOptions {
  /** -k / -a from the command line: when given, they replace every file's own declarations. */
  keys?: string[];
  args?: string[];
  write: (line: string) => void;
}

export interface TestSummary {
  passed: number;
  failed: number;
}

/** The test files of `dir`, sorted; throws when the folder cannot be read. */
export function listTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name.endsWith('.lua') && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
}

export async function runTests(client: RespClient, dir: string, files: string[], o: TestOptions): Promise<TestSummary> {
  const sum: TestSummary = { passed: 0, failed: 0 };
  for (const name of files) {
    const why = await runOne(client, path.join(dir, name), o);
    if (why === null) {
      sum.passed++;
      o.write(`ok ${name}\n`);
    } else {
      sum.failed++;
      o.write(`not ok ${name}: ${why}\n`);
    }
  }
  const total = sum.passed + sum.failed;
  o.write(`\n${total} test${total === 1 ? '' : 's'}, ${sum.passed} passed, ${sum.failed} failed\n`);
  return sum;
}

/** null when the test passed, else why not (one line). */
async function runOne(client: RespClient, file: string, o: TestOptions): Promise<string | null> {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read: ${(e as Error).message}`;
  }
  const decl = parseDeclarations(source);
  const flushed = await client.call('FLUSHALL');
  if (flushed.type === 'error') throw new Error(`FLUSHALL failed: ${flushed.value}`);
  const reply = await evalScript(client, source, o.keys ?? decl.keys ?? [], o.args ?? decl.args ?? []);
  // Byte strings (latin1) on both sides: the file's UTF-8 text against the bytes redis-cli would print.
  const got = formatReply(reply).replace(/\n$/, '');
  const expected = decl.expect === undefined ? undefined : Buffer.from(decl.expect.join('\n'), 'utf8').toString('latin1');
  const errorExpected = expected !== undefined && expected.startsWith('(error)');
  if (reply.type === 'error' && !errorExpected) return readable(got);
  if (expected !== undefined && got !== expected) return `expected ${quoted(expected)}, got ${quoted(got)}`;
  return null;
}

function readable(byteString: string): string {
  return Buffer.from(byteString, 'latin1').toString('utf8');
}

/** On one line: multi-line output shows its newlines as \n. */
function quoted(byteString: string): string {
  return JSON.stringify(readable(byteString));
}

/**
 * What ferrous-lua knows about a script: the KEYS/ARGV lists it runs with, the declarations a script
 * file may carry in comment lines, and running it with EVAL.
 */
import type { RespClient, Reply } from './resp-client.js';

/** "a, b,c" → ['a', 'b', 'c']; an empty (or blank) list is no elements. Spaces around commas go. */
export function splitList(s: string): string[] {
  if (s.trim() === '') return [];
  return s.split(',').map((x) => x.trim());
}

export interface Declarations {
  /** From `-- keys: a,b` (the last such line wins). */
  keys?: string[];
  /** From `-- args: x,y` (the last such line wins). */
  args?: string[];
  /** The lines of `-- expect: <text>`, in order: together the expected output, one line each. */
  expect?: string[];
}

const DECLARATION = /^\s*--\s*(keys|args|expect)\s*:(.*)$/i;

/**
 * Comment lines declaring how to run a script file and what it should reply:
 *   -- keys: a,b        -- args: x,y        -- expect: (integer) 5
 * For `expect`, one space after the colon is dropped and trailing whitespace is ignored; any further
 * leading spaces are part of the expected text (nested replies are indented).
 */
export function parseDeclarations(source: string): Declarations {
  const d: Declarations = {};
  for (const line of source.split(/\r?\n/)) {
    const m = DECLARATION.exec(line);
    if (m === null) continue;
    const name = m[1].toLowerCase();
    const value = m[2];
    if (name === 'expect') (d.expect ??= []).push(value.replace(/^ /, '').trimEnd());
    else if (name === 'keys') d.keys = splitList(value);
    else d.args = splitList(value);
  }
  return d;
}

export function evalScript(client: RespClient, script: string, keys: string[], args: string[]): Promise<Reply> {
  return client.call('EVAL', script, String(keys.length), ...keys, ...args);
}

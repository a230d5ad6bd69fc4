#!/usr/bin/env node
/**
 * ferrous-lua: write and test Redis Lua scripts against a real keyspace (issue 5, "The Lua CLI").
 *
 *   ferrous-lua -e "return redis.call('PING')"        inline script
 *   ferrous-lua -f script.lua -k key1,key2 -a v1,v2   script file with KEYS and ARGV
 *   ferrous-lua -i                                   REPL
 *   ferrous-lua -t tests/                            every tests/*.lua as a test
 *
 * Scripts run with EVAL on an embedded Ferrous started in this process for the run, or on an existing
 * server given with --host/--port. Replies print as redis-cli prints them on a terminal.
 */
import fs from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RespClient } from './cli/resp-client.js';
import { formatReply, toBytes } from './cli/format.js';
import { evalScript, parseDeclarations, splitList } from './cli/script.js';
import { listTests, runTests } from './cli/test-runner.js';
import { runRepl } from './cli/repl.js';

/** Exit statuses: the reply was an error / a test failed; bad usage, unreadable file, no connection. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const USAGE = `Usage: ferrous-lua (-e SCRIPT | -f FILE | -i | -t DIR) [-k KEYS] [-a ARGS] [options]

Runs Redis Lua scripts with EVAL and prints each reply the way redis-cli prints it on a terminal.
By default the scripts run on an embedded Ferrous server started for this run (an empty keyspace,
gone at exit); --host/--port run them on an existing server instead.`;

const EPILOG = `Examples:
  ferrous-lua -e "return redis.call('PING')"
  ferrous-lua -e "return redis.call('SET', KEYS[1], ARGV[1])" -k greeting -a hello
  ferrous-lua -f script.lua -k user:1 -a 42
  ferrous-lua -t tests/
  ferrous-lua -t tests/ --port 6379 --flush
  ferrous-lua -i

KEYS and ARGV lists (-k, -a, .keys, .args, -- keys:, -- args:) are comma-separated; spaces
around the commas are dropped. Repeating -k or -a adds to the list. -e, -k and -a always take the
next argument as their value, even one starting with "-" (a script opening with a comment).

Output, as redis-cli on a terminal: status replies bare (OK), bulk strings quoted with C escapes
("a\\n", "\\xc3\\xa9"), (integer) 5, (nil), (error) ERR ..., arrays numbered 1) 2) ... with nested
arrays indented under their parent, (empty array).

Script files (-f, -t) may declare, each in a comment line of its own:
  -- keys: a,b        KEYS, unless -k is given
  -- args: x,y        ARGV, unless -a is given
  -- expect: TEXT     one line of the output the test expects (for -t)

Tests (-t DIR): every *.lua file directly in DIR runs, in name order, after a FLUSHALL. A test passes
when its reply is not an error and, if it has "-- expect:" lines, the reply printed as above equals
those lines joined with newlines: the whole output, one "-- expect:" line per output line, in order.
The single space after "expect:" is not part of the text; further spaces are (nested arrays are
indented); trailing spaces are ignored. An expectation starting with "(error)" expects that error.
Each test prints "ok FILE" or "not ok FILE: WHY", then a summary line. On a server given with
--host/--port, -t flushes every database before each test, so it needs --flush to say so.

Interactive (-i): each line is a script; end a line with \\ to continue it on the next one.
.keys a,b and .args x,y set KEYS and ARGV, .show prints them, .help, .exit (or Ctrl-D) quits.
History: ~/.ferrous_lua_history, last 1000 lines ($FERROUS_LUA_HISTFILE overrides; empty: none).

Exit status: 0 success; 1 the reply was an error, or a test failed; 2 bad usage, unreadable file
or no connection to the server.`;

class UsageError extends Error {
  constructor(
    message: string,
    /** Add "Run ferrous-lua --help" (the command line itself was wrong). */
    readonly hint = false,
  ) {
    super(message);
  }
}

/** Options whose value is always the next argument, even when it starts with "-" ("-- comment"). */
const VALUE_OPTIONS = new Set(['-e', '--eval', '-k', '--keys', '-a', '--args']);

/** yargs would read a script starting with "--" as an option: glue such values to their flag. */
function glueValues(args: string[]): string[] {
  const outArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      outArgs.push(...args.slice(i));
      break;
    }
    if (VALUE_OPTIONS.has(a) && i + 1 < args.length && args[i + 1].startsWith('-')) {
      outArgs.push(`${a}=${args[i + 1]}`);
      i++;
    } else outArgs.push(a);
  }
  return outArgs;
}

function out(s: string | Buffer): void {
  process.stdout.write(s);
}

function parseArgs() {
  const y = yargs(glueValues(hideBin(process.argv)))
    .scriptName('ferrous-lua')
    .usage(USAGE)
    .option('e', { alias: 'eval', type: 'string', requiresArg: true, describe: 'Run this script', group: 'Scripts:' })
    .option('f', { alias: 'file', type: 'string', requiresArg: true, describe: 'Run the script in this file (- reads stdin)', group: 'Scripts:' })
    .option('i', { alias: 'interactive', type: 'boolean', describe: 'Read scripts line by line (REPL)', group: 'Scripts:' })
    .option('t', { alias: 'test', type: 'string', requiresArg: true, describe: 'Run every *.lua file in this folder as a test', group: 'Scripts:' })
    .option('k', { alias: 'keys', type: 'string', describe: 'KEYS, comma-separated', group: 'Scripts:' })
    .option('a', { alias: 'args', type: 'string', describe: 'ARGV, comma-separated', group: 'Scripts:' })
    .option('host', { type: 'string', requiresArg: true, describe: 'Use the server on this host (default 127.0.0.1 with --port)', group: 'Server:' })
    .option('port', { type: 'number', requiresArg: true, describe: 'Use the server on this port (default 6379 with --host)', group: 'Server:' })
    .option('pass', { type: 'string', requiresArg: true, describe: 'Password for AUTH', group: 'Server:' })
    .option('user', { type: 'string', requiresArg: true, describe: 'ACL user name for AUTH (with --pass)', group: 'Server:' })
    .option('flush', { type: 'boolean', describe: 'Let -t run FLUSHALL on the --host/--port server', group: 'Server:' })
    .option('shards', { type: 'number', requiresArg: true, describe: 'Shard workers of the embedded server [default: 2]', group: 'Server:' })
    .conflicts('shards', ['host', 'port'])
    .strict()
    .version(false)
    .help('help')
    .epilog(EPILOG)
    .wrap(null)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || "bad command line", true);
    });
  return y.parseSync();
}

/** A string option given several times arrives as an array: the last one counts. */
function last(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** -k / -a as given: undefined when absent; repeated flags add to the list. */
function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => splitList(String(s)));
}

function readScript(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

interface Target {
  client: RespClient;
  describe: string;
  close(): Promise<void>;
}

async function connectTarget(argv: ReturnType<typeof parseArgs>): Promise<Target> {
  const external = argv.host !== undefined || argv.port !== undefined;
  if (external) {
    const host = argv.host ?? '127.0.0.1';
    const port = argv.port ?? 6379;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad --port ${String(argv.port)}`);
    let client: RespClient;
    try {
      client = await RespClient.connect(host, port);
    } catch (e) {
      throw new UsageError(`could not connect to ${host}:${port}: ${(e as Error).message}`);
    }
    if (argv.pass !== undefined) {
      const auth = await client.call('AUTH', ...(argv.user !== undefined ? [argv.user] : []), argv.pass);
      if (auth.type === 'error') {
        client.close();
        throw new UsageError(`AUTH failed: ${auth.value}`);
      }
    }
    return { client, describe: `${host}:${port}`, close: async () => client.close() };
  }
  const shards = argv.shards ?? 2;
  if (!Number.isInteger(shards) || shards < 1) throw new UsageError(`bad --shards ${String(argv.shards)}`);
  // Imported only when needed: against an existing server ferrous-lua stays a small client.
  const { startServer } = await import('../index.js');
  const srv = await startServer({ port: 0, shards });
  const client = await RespClient.connect(srv.host, srv.port);
  return {
    client,
    describe: `an embedded Ferrous (${shards} shard${shards === 1 ? '' : 's'}, port ${srv.port})`,
    close: async () => {
      client.close();
      await srv.close();
    },
  };
}

async function main(): Promise<number> {
  const argv = parseArgs();
  const modes = (['e', 'f', 'i', 't'] as const).filter((m) => argv[m] !== undefined && argv[m] !== false);
  if (modes.length !== 1) throw new UsageError('give exactly one of -e SCRIPT, -f FILE, -i or -t DIR', true);
  const keys = list(argv.k);
  const args = list(argv.a);
  if (argv.user !== undefined && argv.pass === undefined) throw new UsageError('--user needs --pass');
  const external = argv.host !== undefined || argv.port !== undefined;

  // Everything that can fail without a server fails before one starts.
  let script: string | undefined;
  let tests: { dir: string; files: string[] } | undefined;
  if (argv.e !== undefined) script = last(argv.e);
  else if (argv.f !== undefined) {
    script = readScript(last(argv.f)!);
  } else if (argv.t !== undefined) {
    const dir = last(argv.t)!;
    if (external && argv.flush !== true) {
      throw new UsageError(`-t runs FLUSHALL before every test; add --flush to allow that on the server at ${argv.host ?? '127.0.0.1'}:${argv.port ?? 6379}`);
    }
    let files: string[];
    try {
      files = listTests(dir);
    } catch (e) {
      throw new UsageError(`cannot read ${dir}: ${(e as Error).message}`);
    }
    if (files.length === 0) throw new UsageError(`no *.lua files in ${dir}`);
    tests = { dir, files };
  }

  const target = await connectTarget(argv);
  try {
    if (script !== undefined) {
      const decl = argv.f !== undefined ? parseDeclarations(script) : {};
      const reply = await evalScript(target.client, script, keys ?? decl.keys ?? [], args ?? decl.args ?? []);
      out(toBytes(formatReply(reply)));
      return reply.type === 'error' ? EXIT_FAILED : 0;
    }
    if (tests !== undefined) {
      const sum = await runTests(target.client, tests.dir, tests.files, { keys, args, write: out });
      return sum.failed > 0 ? EXIT_FAILED : 0;
    }
    await runRepl(target.client, {
      keys: keys ?? [],
      args: args ?? [],
      banner: `ferrous-lua on ${target.describe}. .help lists the commands, .exit quits.\n`,
    });
    return 0;
  } finally {
    await target.close();
  }
}

// Output piped into a reader that went away (| head): stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : EXIT_USAGE));

let code: number;
try {
  code = await main();
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`ferrous-lua: ${e.message}\n`);
    if (e.hint) process.stderr.write('Run ferrous-lua --help for usage.\n');
    code = EXIT_USAGE;
  } else {
    process.stderr.write(`ferrous-lua: ${(e as Error).message}\n`);
    code = EXIT_USAGE;
  }
}
// Worker threads of the embedded server are gone after close(); exit without waiting on stray handles.
process.exit(code);

/**
 * ferrous-lua, the Lua CLI (src/scripting/cli.ts), run as a child process the way people run it:
 * -e / -f / -t / -i on the embedded server and against a server given with --port, with its output
 * checked byte for byte against what redis-cli --no-raw (its TTY format) prints for the same EVAL.
 */
import t, { type Test } from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../src/index.js';
import { RawConn, startRealRedis } from '../helpers/server.js';

const CLI = fileURLToPath(new URL('../../src/scripting/cli.js', import.meta.url));

interface Run {
  code: number | null;
  /** Raw bytes as latin1, so binary output compares exactly. */
  out: string;
  err: string;
}

function spawnCollect(cmd: string, args: string[], o: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: o.env ?? process.env, cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: Buffer.concat(out).toString('latin1'), err: Buffer.concat(err).toString('utf8') });
    });
    // A child that never reads stdin (redis-cli) may be gone before the write.
    p.stdin.on('error', () => {});
    p.stdin.end(o.input ?? '');
  });
}

function lua(args: string[], o: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return spawnCollect(process.execPath, [CLI, ...args], o);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-lua-test-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const f = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

// A server in this process for the --port tests (the CLI runs as a child, so it can use it).
const srv = await startServer({ port: 0, shards: 2 });
t.teardown(() => srv.close());
const port = String(srv.port);

t.test('-e runs an inline script (on the embedded server unless --port)', async (t) => {
  t.test('PING prints the status reply bare', async (t) => {
    const r = await lua(['-e', "return redis.call('PING')"]);
    t.equal(r.out, 'PONG\n');
    t.equal(r.code, 0);
    t.equal(r.err, '');
  });

  t.test('SET/GET with -k and -a', async (t) => {
    const r = await lua([
      '-e',
      "redis.call('SET', KEYS[1], ARGV[1]); return {redis.call('GET', KEYS[1]), #KEYS, #ARGV, KEYS[2], ARGV[2]}",
      '-k',
      '{g}greeting, {g}other',
      '-a',
      'hello,world',
    ]);
    t.equal(r.out, '1) "hello"\n2) (integer) 2\n3) (integer) 2\n4) "{g}other"\n5) "world"\n');
    t.equal(r.code, 0);
  });

  t.test('an error reply exits 1', async (t) => {
    const r = await lua(['-e', "return redis.error_reply('ERR boom')"]);
    t.equal(r.out, '(error) ERR boom\n');
    t.equal(r.code, 1);
    const r2 = await lua(['-e', "error('oops')"]);
    t.match(r2.out, /^\(error\) ERR user_script:1: oops script: [0-9a-f]{40}, on @user_script:1\.\n$/);
    t.equal(r2.code, 1);
  });

  t.test('arrays, nested arrays, nil and empty arrays', async (t) => {
    const r = await lua(['-e', "return {1, 'two', {3, {'four'}, {}}, redis.call('GET', 'missing'), -5}"]);
    t.equal(r.out, ['1) (integer) 1', '2) "two"', '3) 1) (integer) 3', '   2) 1) "four"', '   3) (empty array)', '4) (nil)', '5) (integer) -5', ''].join('\n'));
    t.equal(r.code, 0);
    const nil = await lua(['-e', "return redis.call('GET', 'missing')"]);
    t.equal(nil.out, '(nil)\n');
  });

  t.test('values starting with "-": a script opening with a comment, negative arguments', async (t) => {
    const r = await lua(['--port', port, '-e', '-- returns its argument\nreturn ARGV[1]', '-a', '-1']);
    t.equal(r.out, '"-1"\n');
    t.equal(r.code, 0);
    const r2 = await lua(['--port', port, '-k', '-x', '-e', 'return KEYS[1]']);
    t.equal(r2.out, '"-x"\n');
  });

  t.test('repeated -k/-a add to the lists; -k "" means no keys', async (t) => {
    const r = await lua(['--port', port, '-e', 'return {#KEYS, #ARGV}', '-k', 'a', '-k', 'b,c', '-a', '']);
    t.equal(r.out, '1) (integer) 3\n2) (integer) 0\n');
  });
});

t.test('-f runs a file, with its declarations unless -k/-a are given', async (t) => {
  const f = write('incr.lua', "-- keys: counter\n-- args: 5\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])\n");
  const r = await lua(['-f', f]);
  t.equal(r.out, '(integer) 5\n');
  t.equal(r.code, 0);
  const r2 = await lua(['-f', f, '-a', '7']);
  t.equal(r2.out, '(integer) 7\n');
  const r3 = await lua(['--port', port, '-f', '-', '-a', 'from stdin'], { input: 'return ARGV[1]\n' });
  t.equal(r3.out, '"from stdin"\n');
  const bad = write('bad.lua', "return redis.call('NOPE')\n");
  const r4 = await lua(['--port', port, '-f', bad]);
  t.match(r4.out, /^\(error\) ERR Unknown Redis command called from script/);
  t.equal(r4.code, 1);
});

t.test('usage problems exit 2 with a message on stderr', async (t) => {
  const none = await lua([]);
  t.equal(none.code, 2);
  t.match(none.err, /give exactly one of -e SCRIPT, -f FILE, -i or -t DIR/);
  t.match(none.err, /--help/);
  const two = await lua(['-e', 'return 1', '-f', 'x.lua']);
  t.equal(two.code, 2);
  const unknown = await lua(['-e', 'return 1', '--bogus']);
  t.equal(unknown.code, 2);
  t.match(unknown.err, /Unknown argument: bogus/);
  const missing = await lua(['-f', path.join(tmp, 'nope.lua')]);
  t.equal(missing.code, 2);
  t.match(missing.err, /cannot read .*nope\.lua/);
  t.equal(missing.out, '');
  const conflict = await lua(['-e', 'return 1', '--port', port, '--shards', '3']);
  t.equal(conflict.code, 2);
  const closedPort = await (async () => {
    const s = await startServer({ port: 0, shards: 1 });
    const p = s.port;
    await s.close();
    return p;
  })();
  const refused = await lua(['-e', 'return 1', '--port', String(closedPort)]);
  t.equal(refused.code, 2);
  t.match(refused.err, /could not connect to 127\.0\.0\.1:\d+/);
  const help = await lua(['--help']);
  t.equal(help.code, 0);
  t.match(help.out, /Usage: ferrous-lua \(-e SCRIPT \| -f FILE \| -i \| -t DIR\)/);
  t.match(help.out, /-- expect: TEXT/);
});

t.test('-t runs a folder of tests', async (t) => {
  const dir = path.join(tmp, 'tests');
  write('tests/01-ping.lua', "-- expect: PONG\nreturn redis.call('PING')\n");
  // Leaves a key behind: the next test must not see it (FLUSHALL before each).
  write('tests/02-set.lua', "-- keys: leftover\nredis.call('SET', KEYS[1], 'x')\nreturn redis.call('GET', KEYS[1])\n-- expect: \"x\"\n");
  write(
    'tests/03-list.lua',
    [
      '-- keys: l',
      '-- args: a, b, c',
      "redis.call('RPUSH', KEYS[1], unpack(ARGV))",
      "return {redis.call('LRANGE', KEYS[1], 0, -1), redis.call('EXISTS', 'leftover')}",
      '-- expect: 1) 1) "a"',
      '-- expect:    2) "b"',
      '-- expect:    3) "c"',
      '-- expect: 2) (integer) 0',
      '',
    ].join('\n'),
  );
  write('tests/04-no-expectation.lua', "return redis.call('DBSIZE')\n");
  write('tests/05-expected-error.lua', "-- expect: (error) ERR boom\nreturn redis.error_reply('ERR boom')\n");
  write('tests/notes.txt', 'not a test\n');

  t.test('all passing: exit 0', async (t) => {
    const r = await lua(['-t', dir]);
    t.equal(
      r.out,
      ['ok 01-ping.lua', 'ok 02-set.lua', 'ok 03-list.lua', 'ok 04-no-expectation.lua', 'ok 05-expected-error.lua', '', '5 tests, 5 passed, 0 failed', ''].join('\n'),
    );
    t.equal(r.code, 0);
  });

  t.test('failures: wrong output, error reply, error not expected by an (error) expectation', async (t) => {
    const d2 = path.join(tmp, 'failing');
    write('failing/a-good.lua', '-- expect: (integer) 1\nreturn 1\n');
    write('failing/b-wrong.lua', '-- expect: (integer) 2\nreturn 1\n');
    write('failing/c-error.lua', "return redis.call('NOPE')\n");
    write('failing/d-multiline.lua', "-- expect: 1) \"a\"\n-- expect: 2) \"c\"\nreturn {'a', 'b'}\n");
    write('failing/e-wants-error.lua', '-- expect: (error) ERR boom\nreturn 1\n');
    const r = await lua(['-t', d2]);
    const lines = r.out.split('\n');
    t.equal(lines[0], 'ok a-good.lua');
    t.equal(lines[1], 'not ok b-wrong.lua: expected "(integer) 2", got "(integer) 1"');
    t.match(lines[2], /^not ok c-error\.lua: \(error\) ERR Unknown Redis command called from script/);
    t.equal(lines[3], 'not ok d-multiline.lua: expected "1) \\"a\\"\\n2) \\"c\\"", got "1) \\"a\\"\\n2) \\"b\\""');
    t.equal(lines[4], 'not ok e-wants-error.lua: expected "(error) ERR boom", got "(integer) 1"');
    t.equal(lines.slice(5).join('\n'), '\n5 tests, 1 passed, 4 failed\n');
    t.equal(r.code, 1);
  });

  t.test('an empty folder or a missing one is a usage problem', async (t) => {
    fs.mkdirSync(path.join(tmp, 'empty'));
    const r = await lua(['-t', path.join(tmp, 'empty')]);
    t.equal(r.code, 2);
    t.match(r.err, /no \*\.lua files/);
    const r2 = await lua(['-t', path.join(tmp, 'nowhere')]);
    t.equal(r2.code, 2);
  });

  t.test('against --port: refuses to flush without --flush, runs with it', async (t) => {
    const c = await RawConn.connect(srv.port);
    t.teardown(() => c.close());
    t.equal(await c.call('SET', 'precious', '1'), '+OK\r\n');
    const r = await lua(['-t', dir, '--port', port]);
    t.equal(r.code, 2);
    t.match(r.err, /add --flush/);
    t.equal(await c.call('EXISTS', 'precious'), ':1\r\n');
    const r2 = await lua(['-t', dir, '--port', port, '--flush']);
    t.equal(r2.code, 0);
    t.match(r2.out, /5 tests, 5 passed, 0 failed/);
    t.equal(await c.call('EXISTS', 'precious'), ':0\r\n');
  });
});

t.test('--port runs on that server; --pass authenticates', async (t) => {
  const r = await lua(['--port', port, '-e', "return redis.call('SET', KEYS[1], ARGV[1])", '-k', 'cli:key', '-a', 'v1']);
  t.equal(r.out, 'OK\n');
  t.equal(r.code, 0);
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('GET', 'cli:key'), '$2\r\nv1\r\n');

  const locked = await startServer({ port: 0, shards: 1, requirepass: 'sekrit' });
  t.teardown(() => locked.close());
  const lp = String(locked.port);
  const noAuth = await lua(['--port', lp, '-e', 'return 1']);
  t.match(noAuth.out, /^\(error\) NOAUTH/);
  t.equal(noAuth.code, 1);
  const ok = await lua(['--host', '127.0.0.1', '--port', lp, '--pass', 'sekrit', '-e', 'return 1']);
  t.equal(ok.out, '(integer) 1\n');
  const bad = await lua(['--port', lp, '--pass', 'wrong', '-e', 'return 1']);
  t.equal(bad.code, 2);
  t.match(bad.err, /AUTH failed/);
});

t.test('-i: a REPL reading scripts line by line, with history', async (t) => {
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);
  const histFile = path.join(home, '.ferrous_lua_history');
  // 1100 old lines: the file keeps the last 1000 after the session.
  fs.writeFileSync(histFile, Array.from({ length: 1100 }, (_, i) => `return ${i}\n`).join(''));
  const input = [
    "return redis.call('PING')",
    '.keys k1',
    '.args v1, v2',
    "redis.call('SET', KEYS[1], ARGV[2]) \\",
    "return redis.call('GET', KEYS[1])",
    '',
    '.bogus',
    "error('x')",
    'return {1, {2}}',
    '.exit',
    "return 'not reached'",
    '',
  ].join('\n');
  const r = await lua(['-i'], { input, env: { ...process.env, HOME: home, FERROUS_LUA_HISTFILE: undefined } });
  const lines = r.out.split('\n');
  t.equal(lines[0], 'PONG');
  t.equal(lines[1], 'KEYS: ["k1"]');
  t.equal(lines[4], 'ARGV: ["v1","v2"]');
  t.equal(lines[5], '"v2"');
  t.equal(lines[6], 'unknown command .bogus; .help lists them');
  t.match(lines[7], /^\(error\) ERR user_script:1: x /);
  t.equal(lines.slice(8).join('\n'), '1) (integer) 1\n2) 1) (integer) 2\n');
  t.equal(r.code, 0, 'an error reply inside the REPL does not change the exit status');
  const hist = fs.readFileSync(histFile, 'utf8').split('\n');
  t.equal(hist.pop(), '');
  t.equal(hist.length, 1000);
  // 9 non-empty lines entered (the empty one is not kept): 1109 in all, the first 109 dropped.
  t.equal(hist[0], 'return 109');
  t.same(hist.slice(-3), ["error('x')", 'return {1, {2}}', '.exit']);

  // End of input ends the session too.
  const r2 = await lua(['-i', '--port', port, '-k', 'cli:key'], { input: 'return redis.call("GET", KEYS[1])\n', env: { ...process.env, FERROUS_LUA_HISTFILE: '' } });
  t.equal(r2.out, '"v1"\n');
  t.equal(r2.code, 0);
});

// The same EVAL through redis-cli --no-raw (its TTY format) and ferrous-lua prints the same bytes.
const SAMPLES: Array<{ script: string; keys?: string[]; args?: string[] }> = [
  { script: "return redis.call('PING')" },
  { script: "return redis.status_reply('FINE')" },
  { script: 'return 42' },
  { script: 'return -7' },
  { script: 'return 3.99' },
  { script: "return 'hello world'" },
  { script: 'return \'q"uote\\\\ back\\\\slash tab\\t cr\\r lf\\n bell\\a bs\\b\'' },
  { script: "return 'h\\195\\169llo \\0 \\1 \\127 \\255 ~'" },
  { script: 'return false' },
  { script: 'return {}' },
  { script: "return {1, 'two', {3, {'four', {}}}, false, -1}" },
  { script: 'local t = {} for i = 1, 12 do t[i] = i end t[13] = {"x", {"y", "z"}} return t' },
  { script: 'local t = {} for i = 1, 100 do t[i] = "v" .. i end t[101] = {1, 2} return t' },
  { script: 'return {{{{{}}}}}' },
  { script: "return redis.error_reply('ERR boom')" },
  { script: "return {err = 'custom failure'}" },
  { script: "return redis.error_reply('ERR caf\\195\\169')" },
  { script: "return redis.call('NOPE')" },
  { script: "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]}", keys: ['{k}1', '{k}2'], args: ['a', 'b c', ''] },
  { script: "redis.call('DEL', KEYS[1]) redis.call('RPUSH', KEYS[1], 'x', 'y') return redis.call('LRANGE', KEYS[1], 0, -1)", keys: ['samples:list'] },
];

async function compareWithRedisCli(t: Test, p: number): Promise<void> {
  for (const s of SAMPLES) {
    const keys = s.keys ?? [];
    const args = s.args ?? [];
    const want = await spawnCollect('redis-cli', ['--no-raw', '-p', String(p), 'EVAL', s.script, String(keys.length), ...keys, ...args]);
    const cli = ['--port', String(p), '-e', s.script];
    if (keys.length > 0) cli.push('-k', keys.join(','));
    if (args.length > 0) cli.push('-a', args.join(','));
    const got = await lua(cli);
    t.equal(got.out, want.out, s.script);
    t.equal(got.code, want.out.startsWith('(error)') ? 1 : 0, `${s.script}: exit status`);
  }
}

const haveRedisCli = (await spawnCollect('sh', ['-c', 'command -v redis-cli'])).code === 0;
const real = haveRedisCli ? await startRealRedis() : null;
if (real !== null) t.teardown(() => real.stop());

t.test('output matches redis-cli --no-raw, on Ferrous', { skip: haveRedisCli ? false : 'no redis-cli' }, async (t) => {
  await compareWithRedisCli(t, srv.port);
});

t.test('output matches redis-cli --no-raw, on a real redis-server', { skip: real === null ? 'no redis-cli or redis-server' : false }, async (t) => {
  await compareWithRedisCli(t, real!.port);
});

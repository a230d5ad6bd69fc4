/**
 * What each write puts in the AOF, compared with what redis-server 7.0 writes for the same commands:
 * both servers run the same sequence with appendfsync always, and their incremental files must hold
 * the same commands (absolute times, which differ by the clock, are masked).
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConn, freePort, startRealRedis } from '../helpers/server.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-effects-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Deterministic writes whose logged form differs from their text, and some whose form does not. */
const COMMANDS: string[][] = [
  ['SET', 'a', '1'],
  ['SET', 'b', '2', 'EX', '100'],
  ['SET', 'c', '3', 'PX', '100000', 'NX'],
  ['SET', 'c2', '3', 'EXAT', '4000000000', 'GET'],
  ['SETEX', 'd', '100', 'x'],
  ['PSETEX', 'e', '100000', 'x'],
  ['EXPIRE', 'a', '100'],
  ['PEXPIRE', 'a', '100000'],
  ['EXPIREAT', 'a', '4000000000'],
  ['PERSIST', 'a'],
  ['INCRBYFLOAT', 'f', '1.5'],
  ['HINCRBYFLOAT', 'h', 'x', '2.5'],
  ['SADD', 's', '1', '2', '3'],
  ['SPOP', 's', '5'],
  ['RPUSH', 'l', 'a', 'b', 'c'],
  ['BLPOP', 'l', '0'],
  ['BRPOP', 'l', '1'],
  ['LPUSH', 'l2', 'x'],
  ['BLMOVE', 'l2', 'l3', 'LEFT', 'RIGHT', '0'],
  ['RPUSH', 'l4', 'y'],
  ['BRPOPLPUSH', 'l4', 'l5', '0'],
  ['ZADD', 'z', '1', 'a', '2', 'b'],
  ['BZPOPMIN', 'z', '0'],
  ['GETDEL', 'b'],
  ['SET', 'g', '1'],
  ['GETEX', 'g', 'EX', '100'],
  ['GETEX', 'g', 'PERSIST'],
  ['GETSET', 'gs', '1'],
  ['SET', 'nx', '1', 'NX', 'GET'],
  ['INCR', 'n'],
  ['DEL', 'nope'],
  ['SET', 'k', 'v', 'KEEPTTL'],
  ['EXPIRE', 'k', '-1'],
  ['SELECT', '3'],
  ['SET', 'in3', 'x'],
  ['FLUSHDB'],
  ['EVAL', "redis.call('set','sx','1') redis.call('incr','sy') return 1", '0'],
  ['MULTI'],
  ['SET', 't1', '1'],
  ['INCR', 't2'],
  ['EXEC'],
  ['SETRANGE', 'sr', '2', 'ab'],
  ['APPEND', 'ap', 'x'],
  ['ZADD', 'z2', '1', 'a'],
  ['ZPOPMAX', 'z2'],
  ['SET', 'last', '1'],
];

function commandsOf(text: string): string[] {
  const out: string[] = [];
  let p = 0;
  while (p < text.length) {
    let e = text.indexOf('\r\n', p);
    const n = Number(text.slice(p + 1, e));
    p = e + 2;
    const argv: string[] = [];
    for (let i = 0; i < n; i++) {
      e = text.indexOf('\r\n', p);
      const len = Number(text.slice(p + 1, e));
      p = e + 2;
      argv.push(text.slice(p, p + len));
      p += len + 2;
    }
    out.push(argv.join(' ').replace(/\b1[6-9]\d{11}\b/g, '<ms>'));
  }
  return out;
}

async function runOn(proc: (port: number, dir: string) => ChildProcess, name: string): Promise<string[]> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const port = await freePort();
  const child = proc(port, dir);
  try {
    let c: RawConn | null = null;
    for (let i = 0; i < 200 && c === null; i++) {
      try {
        c = await RawConn.connect(port);
        if ((await c.call('PING')) !== '+PONG\r\n') {
          c.close();
          c = null;
          await new Promise((r) => setTimeout(r, 25));
        }
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    if (c === null) throw new Error(`${name} did not start`);
    for (const cmd of COMMANDS) await c.call(...cmd);
    c.close();
  } finally {
    child.kill('SIGKILL');
  }
  const aofDir = path.join(dir, 'appendonlydir');
  const incr = fs.readdirSync(aofDir).filter((f) => f.endsWith('.incr.aof')).sort().pop();
  if (incr === undefined) throw new Error(`${name}: no incremental AOF file`);
  return commandsOf(fs.readFileSync(path.join(aofDir, incr), 'latin1'));
}

const probe = await startRealRedis();
await probe?.stop();

t.test('the AOF holds what redis-server writes for the same commands', { skip: probe === null ? 'redis-server is not installed' : false }, async (t) => {  const args = (port: number, dir: string) => ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  const redis = await runOn((port, dir) => spawn('redis-server', args(port, dir), { stdio: 'ignore' }), 'redis');
  const ferrous = await runOn((port, dir) => spawn(process.execPath, [CLI, '--shards', '1', ...args(port, dir)], { stdio: 'ignore' }), 'ferrous');
  t.ok(redis.length > 30, `redis logged ${redis.length} commands`);
  t.same(ferrous, redis);
});

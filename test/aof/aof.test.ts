/**
 * The AOF through ferrous-server processes: effects survive a restart (every type, expiries), files
 * redis-check-aof and redis-server accept, SIGKILL with appendfsync always loses no acknowledged write,
 * a torn tail loads with aof-load-truncated yes and is refused with no, BGREWRITEAOF under writes keeps
 * everything, and atomic units appear as MULTI/EXEC blocks.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, keysByShard } from '../helpers/server.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => {
  const d = path.join(tmp, `d${dirs++}`);
  fs.mkdirSync(d);
  return d;
};

interface Proc {
  port: number;
  out: () => string;
  exited: Promise<number | null>;
  kill: () => Promise<void>;
  redis: Redis;
}

async function start(dir: string, extra: string[] = [], bin = 'ferrous'): Promise<Proc> {
  const port = await freePort();
  const args = ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', '', ...extra];
  const proc = bin === 'ferrous' ? spawn(process.execPath, [CLI, '--shards', '2', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = await Promise.race([
    (async () => {
      for (let i = 0; i < 200 && !/Ready to accept connections/.test(out); i++) await new Promise((r) => setTimeout(r, 25));
      return /Ready to accept connections/.test(out);
    })(),
    exited.then(() => false),
  ]);
  const redis = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  if (ready) await redis.connect();
  return {
    port,
    out: () => out,
    exited,
    redis,
    kill: async () => {
      redis.disconnect();
      if (proc.exitCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Everything in db 0 and 1 as comparable text (TTLs rounded to seconds). */
async function dumpAll(r: Redis): Promise<string> {
  const out: string[] = [];
  for (const db of [0, 1]) {
    await r.select(db);
    const keys = (await r.keys('*')).sort();
    for (const k of keys) {
      const type = await r.type(k);
      let v: unknown;
      if (type === 'string') v = await r.get(k);
      else if (type === 'list') v = await r.lrange(k, 0, -1);
      else if (type === 'hash') v = Object.entries(await r.hgetall(k)).sort();
      else if (type === 'set') v = (await r.smembers(k)).sort();
      else if (type === 'zset') v = await r.zrange(k, 0, -1, 'WITHSCORES');
      const ttl = await r.pttl(k);
      out.push(`${db} ${k} ${type} ${JSON.stringify(v)} ${ttl < 0 ? ttl : Math.round(ttl / 10000)}`);
    }
  }
  await r.select(0);
  return out.join('\n');
}

async function writeEveryType(r: Redis): Promise<void> {
  await r.set('s', 'v');
  await r.set('sx', 'v', 'EX', 1000);
  await r.setex('se', 2000, 'v');
  await r.psetex('sp', 3000000, 'v');
  await r.set('tmp', 'v', 'PX', 1);
  await r.set('e1', 'v');
  await r.expire('e1', 500);
  await r.set('e2', 'v');
  await r.expire('e2', -1); // deleted: logged as DEL
  await r.set('g', 'v');
  await r.getex('g', 'EX', 700);
  await r.incrbyfloat('f', '1.25');
  await r.incrbyfloat('f', '0.1');
  await r.incr('n');
  await r.getdel('s');
  await r.rpush('l', 'a', 'b', 'c', 'd');
  await r.lpop('l');
  await r.blpop('l', 1);
  await r.hset('h', 'a', '1', 'b', '2');
  await r.hincrbyfloat('h', 'f', '2.5');
  await r.sadd('set', 'a', 'b', 'c', 'd', 'e');
  await r.spop('set');
  await r.spop('set', 2);
  await r.zadd('z', 1, 'a', 2, 'b', 3, 'c');
  await r.bzpopmin('z', 1);
  await r.zincrby('z', 5, 'c');
  await r.mset('m1', '1', 'm2', '2', 'm3', '3');
  await r.rename('m1', 'm1b');
  await r.restore('rs', 100000, await r.dumpBuffer('z').then((b) => b!));
  await r.select(1);
  await r.set('in1', 'x');
  await r.select(0);
  await new Promise((res) => setTimeout(res, 5));
}

t.test('every type and expiry survives a restart (appendfsync always, SIGKILL)', async (t) => {
  const dir = freshDir();
  let p = await start(dir, ['--appendfsync', 'always']);
  await writeEveryType(p.redis);
  const before = await dumpAll(p.redis);
  await p.kill();
  p = await start(dir);
  t.equal(await dumpAll(p.redis), before);
  await p.kill();
  const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof'), 'latin1');
  t.match(incr, /PEXPIREAT/);
  t.match(incr, /KEEPTTL/);
  t.notMatch(incr, /\bSPOP|spop|GETDEL|getdel|BLPOP|blpop|incrbyfloat\b/);

  const check = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'utf8' });
  if (check.error) t.comment('redis-check-aof not installed');
  else t.match(check.stdout, /All AOF files and manifest are valid/, 'redis-check-aof accepts the directory');

  if (spawnSync('redis-server', ['--version']).error === undefined) {
    // Redis loads Ferrous's directory …
    const redis = await start(dir, [], 'redis-server');
    t.equal(await dumpAll(redis.redis), before, 'redis-server loads it identically');
    await redis.redis.set('fromredis', 'yes');
    await redis.redis.call('SHUTDOWN').catch(() => null);
    await redis.exited;
    // … and Ferrous loads what Redis appended to it.
    p = await start(dir);
    t.equal(await p.redis.get('fromredis'), 'yes');
    t.equal(await dumpAll(p.redis), await dumpAll(p.redis));
    await p.kill();
  }
});

t.test('SIGKILL: no acknowledged write is lost with appendfsync always', async (t) => {
  const dir = freshDir();
  let p = await start(dir, ['--appendfsync', 'always']);
  const acked = new Map<string, number>();
  let stop = false;
  const writer = async (k: string) => {
    while (!stop) {
      try {
        acked.set(k, await p.redis.incr(k));
      } catch {
        return;
      }
    }
  };
  const writers = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((k) => writer(k));
  await new Promise((r) => setTimeout(r, 700));
  await p.kill();
  stop = true;
  await Promise.all(writers);
  p = await start(dir);
  for (const [k, n] of acked) t.ok(Number(await p.redis.get(k)) >= n, `${k}: ${n} acknowledged`);
  await p.kill();
});

t.test('SIGKILL with everysec loses at most about a second', async (t) => {
  const dir = freshDir();
  let p = await start(dir, ['--appendfsync', 'everysec']);
  let acked = 0;
  const t0 = Date.now();
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        acked = await p.redis.incr('c');
      } catch {
        return;
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 1500));
  await p.kill();
  stop = true;
  await loop;
  const rate = acked / ((Date.now() - t0) / 1000);
  p = await start(dir);
  const got = Number(await p.redis.get('c'));
  t.ok(acked - got <= rate * 1.5 + 10, `lost ${acked - got} of ${acked} (≈${Math.round(rate)}/s)`);
  await p.kill();
});

t.test('a torn last command: loaded with aof-load-truncated yes, refused with no', async (t) => {
  const dir = freshDir();
  let p = await start(dir);
  await p.redis.set('a', '1');
  await p.redis.set('b', '2');
  await p.redis.call('SHUTDOWN', 'NOSAVE').catch(() => null);
  await p.exited;
  const incr = path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof');
  fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nab');
  p = await start(dir, ['--aof-load-truncated', 'no']);
  t.not(await p.exited, 0, 'refused');
  t.match(p.out(), /Unexpected end of file/);
  p = await start(dir, ['--aof-load-truncated', 'yes']);
  t.equal(await p.redis.get('b'), '2');
  t.equal(await p.redis.get('c'), null);
  t.match(p.out(), /short read while loading/);
  await p.kill();
  // A damaged middle is refused whatever aof-load-truncated says.
  const bytes = fs.readFileSync(incr);
  bytes[0] = 0x21;
  fs.writeFileSync(incr, bytes);
  p = await start(dir, ['--aof-load-truncated', 'yes']);
  t.not(await p.exited, 0, 'corrupt file refused');
  t.match(p.out(), /Bad file format/);
});

t.test('BGREWRITEAOF under writes keeps every write', async (t) => {
  const dir = freshDir();
  let p = await start(dir);
  const pipe = p.redis.pipeline();
  for (let i = 0; i < 20000; i++) pipe.set(`pre${i}`, String(i));
  await pipe.exec();
  let n = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) await p.redis.set(`w${n}`, String(n++));
  })();
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await p.redis.bgrewriteaof(), 'Background append only file rewriting started');
  for (let i = 0; i < 200; i++) {
    const info = await p.redis.info('persistence');
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrites:2/.test(info)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 50));
  stop = true;
  await loop;
  const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
  t.match(manifest, /appendonly\.aof\.2\.base\.rdb seq 2 type b/);
  t.equal(fs.readdirSync(path.join(dir, 'appendonlydir')).length, 3, 'old files deleted');
  await p.kill();
  p = await start(dir);
  t.equal(await p.redis.dbsize(), 20000 + n);
  t.equal(await p.redis.get(`w${n - 1}`), String(n - 1));
  await p.kill();
});

t.test('MULTI/EXEC across shards and a cross-shard script are MULTI/EXEC blocks; FLUSHALL once', async (t) => {
  const dir = freshDir();
  const p = await start(dir, ['--appendfsync', 'always']);
  const [[a], [b]] = keysByShard(2, 1, 'x');
  await p.redis.multi().set(a, '1').set(b, '2').exec();
  await p.redis.eval("redis.call('set', KEYS[1], 's1'); redis.call('set', KEYS[2], 's2'); return 1", 2, a, b);
  await p.redis.flushall();
  await p.redis.set('after', '1');
  await new Promise((r) => setTimeout(r, 50));
  const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.2.incr.aof'), 'latin1');
  const cmds = incr.split(/\*\d+\r\n/).filter(Boolean).map((c) => c.split('\r\n').filter((_, i) => i % 2 === 1).join(' '));
  const text = cmds.join('\n');
  t.match(text, new RegExp(`MULTI\\n(SELECT 0\\n)?(set|SET) ${a} 1\\n(set|SET) ${b} 2\\nEXEC|MULTI\\n(SELECT 0\\n)?(set|SET) ${b} 2\\n(set|SET) ${a} 1\\nEXEC`));
  t.match(text, new RegExp(`MULTI\\nset ${a} s1\\nset ${b} s2\\nEXEC`));
  t.equal(cmds.filter((c) => /^flushall$/i.test(c)).length, 1, 'FLUSHALL logged once');
  t.notMatch(text, /eval/i);
  await p.kill();
});

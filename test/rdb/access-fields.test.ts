/**
 * The IDLE and FREQ opcodes of RDB files (rdbSaveKeyValuePair / rdbLoad): written under an LRU resp.
 * LFU maxmemory-policy and under no other, applied again when loading (objectSetLRUOrLFU), between
 * Ferrous and Ferrous, Redis and Ferrous, Ferrous and Redis.
 */
import t, { type Test } from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { RawConn, withServer } from '../helpers/server.js';
import { redisInstalled, startRedis, stringDumpPayload, freshDirs } from './helpers.js';
import { readRdb, type RdbEntry } from '../../src/rdb/rdb-file.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';

const freshDir = freshDirs('ferrous-access-');


function entries(file: string): Map<string, RdbEntry> {
  const out = new Map<string, RdbEntry>();
  for (const item of readRdb(fs.readFileSync(file), { config: defaultShardConfig() })) if (item.type === 'entry') out.set(item.key, item);
  return out;
}

function intReply(r: string): number {
  const m = /^:(-?\d+)\r\n$/.exec(r);
  if (m === null) throw new Error(`not an integer reply: ${JSON.stringify(r)}`);
  return Number(m[1]);
}

/** Idle times are whole seconds on a clock that may tick between two commands. */
function near(t: Test, got: number, want: number, slack: number, msg: string): void {
  t.ok(got >= want && got <= want + slack, `${msg}: ${got} in [${want}, ${want + slack}]`);
}

/** Keys on both shards (and in two databases), with known idle times or counters. */
async function fill(c: RawConn, option: 'IDLETIME' | 'FREQ'): Promise<void> {
  for (let i = 0; i < 20; i++) t.equal(await c.call('RESTORE', `k${i}`, '0', stringDumpPayload(`v${i}`), option, String(100 + i)), '+OK\r\n');
  await c.call('SET', 'plain', 'value');
  await c.call('SELECT', '3');
  await c.call('RESTORE', 'other', '0', stringDumpPayload('x'), option, '42');
  await c.call('SELECT', '0');
}

t.test('allkeys-lru: Ferrous writes IDLE, and loads it back', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir, 'maxmemory-policy': 'allkeys-lru' });
  const c = await RawConn.connect(a.port);
  await fill(c, 'IDLETIME');
  t.equal(await c.call('SAVE'), '+OK\r\n');
  c.close();
  await a.close();
  const file = entries(path.join(dir, 'dump.rdb'));
  for (let i = 0; i < 20; i++) {
    const e = file.get(`k${i}`)!;
    near(t, e.idle, 100 + i, 1, `IDLE of k${i}`);
    t.equal(e.freq, -1, `no FREQ for k${i}`);
  }
  near(t, file.get('plain')!.idle, 0, 1, 'IDLE of a fresh key');
  near(t, file.get('other')!.idle, 42, 1, 'IDLE in db 3');
  // Loaded under the default policy (LRU tracking): the idle times come back.
  const b = await withServer({ shards: 2, dir });
  t.teardown(() => b.close());
  const d = await RawConn.connect(b.port);
  t.teardown(() => d.close());
  for (let i = 0; i < 20; i++) near(t, intReply(await d.call('OBJECT', 'IDLETIME', `k${i}`)), 100 + i, 3, `k${i} after loading`);
  await d.call('SELECT', '3');
  near(t, intReply(await d.call('OBJECT', 'IDLETIME', 'other')), 42, 3, 'other after loading');
});

t.test('allkeys-lfu: Ferrous writes FREQ, and loads it back under LFU only', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir, 'maxmemory-policy': 'allkeys-lfu', 'lfu-decay-time': 0 });
  const c = await RawConn.connect(a.port);
  await fill(c, 'FREQ');
  t.equal(await c.call('SAVE'), '+OK\r\n');
  c.close();
  await a.close();
  const file = entries(path.join(dir, 'dump.rdb'));
  for (let i = 0; i < 20; i++) {
    t.equal(file.get(`k${i}`)!.freq, 100 + i, `FREQ of k${i}`);
    t.equal(file.get(`k${i}`)!.idle, -1, `no IDLE for k${i}`);
  }
  t.equal(file.get('plain')!.freq, 5, 'a new key counts LFU_INIT_VAL');
  t.equal(file.get('other')!.freq, 42);

  const b = await withServer({ shards: 2, dir, 'maxmemory-policy': 'volatile-lfu', 'lfu-decay-time': 0 });
  const d = await RawConn.connect(b.port);
  for (let i = 0; i < 20; i++) t.equal(await d.call('OBJECT', 'FREQ', `k${i}`), `:${100 + i}\r\n`, `k${i} after loading`);
  t.equal(await d.call('OBJECT', 'FREQ', 'plain'), ':5\r\n');
  d.close();
  await b.close();
  // Under an LRU policy FREQ is not applied: the keys are as fresh as any loaded key.
  const e = await withServer({ shards: 1, dir });
  t.teardown(() => e.close());
  const f = await RawConn.connect(e.port);
  t.teardown(() => f.close());
  near(t, intReply(await f.call('OBJECT', 'IDLETIME', 'k3')), 0, 2, 'FREQ ignored without an LFU policy');
});

t.test('policies without LRU or LFU flag write neither opcode', async (t) => {
  for (const policy of ['noeviction', 'allkeys-random', 'volatile-ttl']) {
    const dir = freshDir();
    const a = await withServer({ shards: 2, dir, 'maxmemory-policy': policy });
    const c = await RawConn.connect(a.port);
    await c.call('SET', 'k', 'v');
    await c.call('RESTORE', 'r', '0', stringDumpPayload('x'), 'IDLETIME', '500');
    t.equal(await c.call('SAVE'), '+OK\r\n');
    c.close();
    await a.close();
    for (const [key, e] of entries(path.join(dir, 'dump.rdb'))) t.same([e.idle, e.freq], [-1, -1], `${policy}: ${key}`);
  }
});

t.test('BGSAVE writes the fields too', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir, 'maxmemory-policy': 'volatile-lru' });
  t.teardown(() => a.close());
  const c = await RawConn.connect(a.port);
  t.teardown(() => c.close());
  await fill(c, 'IDLETIME');
  t.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
  for (let i = 0; i < 200 && /rdb_bgsave_in_progress:1/.test(await c.call('INFO', 'persistence')); i++) await new Promise((r) => setTimeout(r, 25));
  const file = entries(path.join(dir, 'dump.rdb'));
  for (let i = 0; i < 20; i++) near(t, file.get(`k${i}`)!.idle, 100 + i, 1, `IDLE of k${i}`);
  // Lookups do not touch while a snapshot is written (as Redis while its child saves); after, they do.
  for (let i = 0; i < 20; i++) await c.call('GET', `k${i}`);
  for (let i = 0; i < 20; i++) near(t, intReply(await c.call('OBJECT', 'IDLETIME', `k${i}`)), 0, 1, `k${i} touched after the save`);
});

t.test("Redis's IDLE and FREQ loaded by Ferrous, and Ferrous's by Redis", { skip: !redisInstalled() && 'redis-server is not installed' }, async (t) => {
  // Redis, allkeys-lru → Ferrous.
  let dir = freshDir();
  let r = (await startRedis(['--dir', dir, '--maxmemory-policy', 'allkeys-lru']))!;
  await r.conn.call('RESTORE', 'k', '0', stringDumpPayload('hello'), 'IDLETIME', '1000');
  t.equal(await r.conn.call('SAVE'), '+OK\r\n');
  await r.stop();
  near(t, entries(path.join(dir, 'dump.rdb')).get('k')!.idle, 1000, 1, "Redis's IDLE");
  let f = await withServer({ shards: 2, dir });
  let c = await RawConn.connect(f.port);
  near(t, intReply(await c.call('OBJECT', 'IDLETIME', 'k')), 1000, 3, "Redis's IDLE applied by Ferrous");
  c.close();
  await f.close();

  // Redis, allkeys-lfu → Ferrous.
  dir = freshDir();
  r = (await startRedis(['--dir', dir, '--maxmemory-policy', 'allkeys-lfu']))!;
  await r.conn.call('RESTORE', 'k', '0', stringDumpPayload('hello'), 'FREQ', '100');
  t.equal(await r.conn.call('SAVE'), '+OK\r\n');
  await r.stop();
  t.equal(entries(path.join(dir, 'dump.rdb')).get('k')!.freq, 100, "Redis's FREQ");
  f = await withServer({ shards: 2, dir, 'maxmemory-policy': 'allkeys-lfu', 'lfu-decay-time': 0 });
  c = await RawConn.connect(f.port);
  t.equal(await c.call('OBJECT', 'FREQ', 'k'), ':100\r\n', "Redis's FREQ applied by Ferrous");
  c.close();
  await f.close();

  // Ferrous, allkeys-lru → Redis.
  dir = freshDir();
  f = await withServer({ shards: 2, dir, 'maxmemory-policy': 'allkeys-lru' });
  c = await RawConn.connect(f.port);
  await c.call('RESTORE', 'k', '0', stringDumpPayload('hello'), 'IDLETIME', '1000');
  t.equal(await c.call('SAVE'), '+OK\r\n');
  c.close();
  await f.close();
  r = (await startRedis(['--dir', dir]))!;
  near(t, intReply(await r.conn.call('OBJECT', 'IDLETIME', 'k')), 1000, 3, "Ferrous's IDLE applied by Redis");
  await r.stop();

  // Ferrous, allkeys-lfu → Redis.
  dir = freshDir();
  f = await withServer({ shards: 2, dir, 'maxmemory-policy': 'allkeys-lfu' });
  c = await RawConn.connect(f.port);
  await c.call('RESTORE', 'k', '0', stringDumpPayload('hello'), 'FREQ', '77');
  t.equal(await c.call('SAVE'), '+OK\r\n');
  c.close();
  await f.close();
  r = (await startRedis(['--dir', dir, '--maxmemory-policy', 'allkeys-lfu']))!;
  t.equal(await r.conn.call('OBJECT', 'FREQ', 'k'), ':77\r\n', "Ferrous's FREQ applied by Redis");
  await r.stop();
});

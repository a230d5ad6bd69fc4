/**
 * Whole servers saving and loading RDB files: SAVE / BGSAVE then a restart on the same directory,
 * Ferrous's files checked by redis-check-rdb and loaded by a real redis-server, Redis's files loaded
 * by Ferrous, the INFO persistence fields, and files that must keep the server from starting.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { RawConn, withServer } from '../helpers/server.js';
import { ALL_BYTES, canonicalFromServer, checkRdb, query, redisInstalled, startRedis, type Canonical, freshDirs } from './helpers.js';
import { RdbFileWriter, readRdb } from '../../src/rdb/rdb-file.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';

// Several servers save and reload 200k keys here: ~30 s alone, and once past the suite's 120 s while
// the whole suite ran in parallel on a 2-core machine.
t.setTimeout(300_000);

const freshDir = freshDirs('ferrous-save-');

const LIB = "#!lua name=savelib\nredis.register_function('echo1', function(keys, args) return args[1] end)";

/** Data of every type and encoding in several databases, some keys with a TTL. */
async function populate(c: RawConn): Promise<void> {
  const bigList: string[] = [];
  for (let i = 0; i < 3000; i++) bigList.push(i % 3 ? `item-${i}` : String(i * 977));
  const bigHash: string[] = [];
  for (let i = 0; i < 700; i++) bigHash.push(`f${i}`, `v${i}`);
  const bigSet: string[] = [];
  for (let i = 0; i < 700; i++) bigSet.push(String(i * 31));
  const bigZ: string[] = [];
  for (let i = 0; i < 300; i++) bigZ.push(String(i / 3), `m${i}`);
  const cmds: Array<Array<string>> = [
    ['SET', 'str', 'hello'],
    ['SET', 'int', '12345'],
    ['SET', 'neg', '-9223372036854775808'],
    ['SET', 'empty', ''],
    ['SET', 'binary', ALL_BYTES],
    ['SET', 'long', 'compressible text '.repeat(300)],
    ['SET', ALL_BYTES, 'binary key'],
    ['RPUSH', 'list', 'a', 'b', '3', ALL_BYTES],
    ['RPUSH', 'biglist', ...bigList],
    ['HSET', 'hash', 'f', 'v', 'n', '1'],
    ['HSET', 'bighash', ...bigHash],
    ['SADD', 'intset', '1', '-2', '300000', '9223372036854775807'],
    ['SADD', 'set', 'x', 'y', ALL_BYTES],
    ['SADD', 'bigset', ...bigSet],
    ['ZADD', 'zset', '1', 'a', '0.5', 'b', 'inf', 'c', '-inf', 'd'],
    ['ZADD', 'bigzset', ...bigZ],
    ['PFADD', 'hll', 'a', 'b', 'c'],
    ['SETBIT', 'bits', '1000', '1'],
    ['SET', 'ttl', 'v', 'PXAT', String(Date.now() + 3_600_000)],
    ['HSET', 'ttlhash', 'f', 'v'],
    ['PEXPIREAT', 'ttlhash', String(Date.now() + 7_200_000)],
    ['SELECT', '1'],
    ['SET', 'str', 'in db 1'],
    ['SELECT', '9'],
    ['RPUSH', 'list', 'nine'],
    ['SELECT', '15'],
    ['ZADD', 'z', '2', 'two'],
    ['SELECT', '0'],
  ];
  for (let i = 0; i < 2000; i++) cmds.push(['SET', `k:${i}`, `value-${i}`]);
  for (const cmd of cmds) await c.call(...cmd);
  await c.call('FUNCTION', 'LOAD', LIB);
}

/** Every key of every database: "db/key" → [content, expire time] (sorted for comparison). */
async function contents(c: RawConn): Promise<Array<[string, Canonical | null, string]>> {
  const out: Array<[string, Canonical | null, string]> = [];
  for (let db = 0; db < 16; db++) {
    await c.call('SELECT', String(db));
    const keys = (await query(c, 'KEYS', '*')) as unknown as string[];
    for (const key of keys.slice(1).sort()) {
      out.push([`${db}/${key}`, await canonicalFromServer(c, key), String(await query(c, 'PEXPIRETIME', key))]);
    }
  }
  await c.call('SELECT', '0');
  return out;
}

async function info(c: RawConn, field: string): Promise<string> {
  const text = (await query(c, 'INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  if (m === null) throw new Error(`no ${field} in ${text}`);
  return m[1].trim();
}

async function waitBgsave(c: RawConn): Promise<void> {
  for (let i = 0; i < 600 && (await info(c, 'rdb_bgsave_in_progress')) !== '0'; i++) await new Promise((r) => setTimeout(r, 20));
}

t.test('SAVE, then a restart on the same directory brings back every type, expiry and database', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir });
  const c = await RawConn.connect(a.port);
  await populate(c);
  const before = await contents(c);
  t.equal(await c.call('SAVE'), '+OK\r\n');
  t.ok(fs.existsSync(path.join(dir, 'dump.rdb')));
  t.same(fs.readdirSync(dir), ['dump.rdb'], 'no temp file left');
  c.close();
  await a.close();
  for (const shards of [1, 3]) {
    const b = await withServer({ shards, dir });
    const d = await RawConn.connect(b.port);
    t.same(await contents(d), before, `with ${shards} shard(s)`);
    t.match(await d.call('FCALL', 'echo1', '0', 'hi'), '$2\r\nhi\r\n', 'function libraries are saved too');
    t.equal(await info(d, 'rdb_last_load_keys_loaded'), String(before.length));
    d.close();
    await b.close();
  }
});

t.test('BGSAVE: INFO fields, LASTSAVE, "already in progress", then a restart', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir });
  const c = await RawConn.connect(a.port);
  t.equal(await info(c, 'rdb_saves'), '0');
  t.equal(await info(c, 'rdb_last_bgsave_time_sec'), '-1');
  // Enough keys for the save to take a moment.
  for (let i = 0; i < 200_000; i += 1000) {
    const args = ['MSET'];
    for (let k = i; k < i + 1000; k++) args.push(`key:${k}`, `v${k}`);
    await c.call(...args);
  }
  t.equal(await info(c, 'rdb_changes_since_last_save'), '200000');
  const lastBefore = Number(((await c.call('LASTSAVE')) as string).slice(1));
  await new Promise((r) => setTimeout(r, 1100));
  t.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
  const second = await c.call('BGSAVE');
  const inProgress = await info(c, 'rdb_bgsave_in_progress');
  if (inProgress === '1') t.equal(second, '-ERR Background save already in progress\r\n');
  t.equal(await c.call('SAVE'), inProgress === '1' ? '-ERR Background save already in progress\r\n' : '+OK\r\n');
  await waitBgsave(c);
  t.equal(await info(c, 'rdb_last_bgsave_status'), 'ok');
  t.equal(await info(c, 'rdb_changes_since_last_save'), '0');
  t.equal(await info(c, 'rdb_current_bgsave_time_sec'), '-1');
  t.not(await info(c, 'rdb_last_bgsave_time_sec'), '-1');
  t.equal(await info(c, 'rdb_saves'), inProgress === '1' ? '1' : '2', 'BGSAVE and SAVE count, refused ones do not');
  t.ok(Number(((await c.call('LASTSAVE')) as string).slice(1)) > lastBefore, 'LASTSAVE moved');
  t.equal(await c.call('BGSAVE', 'SCHEDULE'), '+Background saving started\r\n');
  t.equal(await c.call('BGSAVE', 'NOW'), '-ERR syntax error\r\n');
  await waitBgsave(c);
  await c.call('SET', 'after', 'x');
  t.equal(await info(c, 'rdb_changes_since_last_save'), '1');
  c.close();
  await a.close();
  const b = await withServer({ shards: 2, dir });
  const d = await RawConn.connect(b.port);
  t.equal(await d.call('DBSIZE'), ':200000\r\n');
  t.equal(await d.call('GET', 'key:123456'), '$7\r\nv123456\r\n');
  t.equal(await d.call('EXISTS', 'after'), ':0\r\n');
  d.close();
  await b.close();
});

t.test('BGSAVE inside MULTI is scheduled, as in Redis', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir, hz: 100 });
  t.teardown(() => a.close());
  const c = await RawConn.connect(a.port);
  await c.call('SET', 'k', 'v');
  await c.call('MULTI');
  t.equal(await c.call('BGSAVE'), '+QUEUED\r\n');
  t.equal(await c.call('EXEC'), '*1\r\n+Background saving scheduled\r\n');
  for (let i = 0; i < 200 && !fs.existsSync(path.join(dir, 'dump.rdb')); i++) await new Promise((r) => setTimeout(r, 20));
  t.ok(fs.existsSync(path.join(dir, 'dump.rdb')), 'the cron started it');
  c.close();
});

t.test('redis-check-rdb accepts the file; redis-server loads it (compression and checksum on and off)', { skip: !redisInstalled() && 'redis-server is not installed' }, async (t) => {
  for (const [compression, checksum] of [
    ['yes', 'yes'],
    ['no', 'no'],
  ]) {
    const dir = freshDir();
    const a = await withServer({ shards: 2, dir, rdbcompression: compression, rdbchecksum: checksum });
    const c = await RawConn.connect(a.port);
    await populate(c);
    const before = await contents(c);
    t.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
    await waitBgsave(c);
    c.close();
    await a.close();
    const [ok, out] = checkRdb(path.join(dir, 'dump.rdb'));
    t.ok(ok, `redis-check-rdb (rdbcompression ${compression}, rdbchecksum ${checksum}): ${out}`);
    const r = await startRedis(['--dir', dir]);
    t.same(await contents(r!.conn), before, `redis-server reads back the same (rdbcompression ${compression})`);
    t.match(await r!.conn.call('FCALL', 'echo1', '0', 'hi'), '$2\r\nhi\r\n');
    await r!.stop();
  }
});

t.test("Ferrous starts on redis-server's dump.rdb", { skip: !redisInstalled() && 'redis-server is not installed' }, async (t) => {
  const dir = freshDir();
  const r = (await startRedis(['--dir', dir]))!;
  await populate(r.conn);
  const before = await contents(r.conn);
  // A key that expires while Redis's file waits: dropped at load, as a Redis master does.
  await r.conn.call('SET', 'short', 'v', 'PX', '300');
  t.equal(await r.conn.call('SAVE'), '+OK\r\n');
  await r.stop();
  await new Promise((res) => setTimeout(res, 400));
  const b = await withServer({ shards: 2, dir });
  const d = await RawConn.connect(b.port);
  t.same(await contents(d), before);
  t.equal(await info(d, 'rdb_last_load_keys_expired'), '1');
  t.match(await d.call('FCALL', 'echo1', '0', 'hi'), '$2\r\nhi\r\n');
  d.close();
  await b.close();
});

t.test('FLUSHALL with save points saves the emptied dataset and drops a running BGSAVE', async (t) => {
  const dir = freshDir();
  const a = await withServer({ shards: 2, dir, save: '3600 1' });
  const c = await RawConn.connect(a.port);
  for (let i = 0; i < 100_000; i += 1000) {
    const args = ['MSET'];
    for (let k = i; k < i + 1000; k++) args.push(`key:${k}`, 'v');
    await c.call(...args);
  }
  t.equal(await c.call('BGSAVE'), '+Background saving started\r\n');
  t.equal(await c.call('FLUSHALL'), '+OK\r\n');
  const file = path.join(dir, 'dump.rdb');
  t.equal([...readRdb(fs.readFileSync(file), { config: defaultShardConfig() })].filter((i) => i.type === 'entry').length, 0, 'the file is empty');
  t.match(await c.call('INFO', 'persistence'), /rdb_changes_since_last_save:0\r\nrdb_bgsave_in_progress:0\r\n[^]*rdb_last_bgsave_status:ok\r\n[^]*rdb_saves:1\r\n/);
  await c.call('SET', 'after', '1');
  c.close();
  await a.close();
  const b = await withServer({ shards: 2, dir });
  const d = await RawConn.connect(b.port);
  t.equal(await d.call('DBSIZE'), ':0\r\n', 'a restart finds the flushed dataset');
  d.close();
  await b.close();
  t.same(fs.readdirSync(dir), ['dump.rdb'], 'no temp file left by the dropped BGSAVE');
});

t.test('CONFIG SET rdbcompression reaches DUMP payloads', async (t) => {
  const a = await withServer({ shards: 2 });
  t.teardown(() => a.close());
  const c = await RawConn.connect(a.port);
  await c.call('SET', 'long', 'compressible text '.repeat(50));
  const compressed = (await c.call('DUMP', 'long')).length;
  t.equal(await c.call('CONFIG', 'SET', 'rdbcompression', 'no'), '+OK\r\n');
  const plain = (await c.call('DUMP', 'long')).length;
  t.ok(compressed < plain / 5, `LZF on (${compressed} bytes) and off (${plain} bytes)`);
  c.close();
});

/** A valid file of `n` string keys (and the writer's chunks, to corrupt). */
function rdbFile(n: number): Buffer {
  const w = new RdbFileWriter({ compress: true, checksum: true, config: defaultShardConfig() });
  w.begin();
  for (let i = 0; i < n; i++) w.entry(0, `key:${i}`, `value:${i}`);
  w.end();
  return Buffer.concat(w.take());
}

t.test('a damaged file keeps the server from starting, with the reason', async (t) => {
  const good = rdbFile(1000);
  const flipped = Buffer.from(good);
  flipped[good.length - 100] ^= 0x20;
  const cases: Array<[string, Buffer, RegExp]> = [
    ['truncated', good.subarray(0, good.length - 500), /truncated|Unexpected EOF/],
    ['bad checksum', flipped, /checksum|corrupt|Bad RDB/],
    ['not an RDB file', Buffer.from('hello world, this is not an RDB file'), /Wrong signature/],
    ['newer format', Buffer.concat([Buffer.from('REDIS0099'), good.subarray(9)]), /RDB format version 99/],
  ];
  for (const [name, bytes, reason] of cases) {
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, 'dump.rdb'), bytes);
    await t.rejects(withServer({ shards: 2, dir }), reason, name);
  }
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'dump.rdb'), good);
  const ok = await withServer({ shards: 2, dir });
  const c = await RawConn.connect(ok.port);
  t.equal(await c.call('DBSIZE'), ':1000\r\n', 'the intact file loads');
  c.close();
  await ok.close();
});

import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdbFileReader, RdbFileWriter, readRdb, type RdbEntry, type RdbItem } from '../../src/rdb/rdb-file.js';
import { ByteWriter, RdbError, writeLen, writeString, writeStringBytes } from '../../src/rdb/rdb-io.js';
import { crc64, writeCrc64LE } from '../../src/rdb/crc64.js';
import { RdbType, type EncodingConfig } from '../../src/rdb/value-codec.js';
import { encodeListpack } from '../../src/rdb/packed-formats.js';
import type { Value } from '../../src/shard-worker/keyspace.js';
import {
  ALL_BYTES,
  REDIS_DEFAULTS,
  canonicalFromServer,
  canonicalOf,
  checkRdb,
  encodingOf,
  makeHash,
  makeList,
  makeSet,
  makeZSet,
  query,
  redisInstalled,
  startRedis,
  ziplist,
  zipmap,
} from './helpers.js';

const config: EncodingConfig = REDIS_DEFAULTS;
const tmp = mkdtempSync(join(tmpdir(), 'ferrous-rdb-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

const LIB = "#!lua name=ferrouslib\nredis.register_function('echo1', function(keys, args) return args[1] end)";

/** Values of every type and encoding Ferrous writes. */
function sampleValues(): Array<[string, Value]> {
  const bigList: string[] = [];
  for (let i = 0; i < 5000; i++) bigList.push(i % 3 ? `item-${i}` : String(i * 977));
  const bigHash: string[] = [];
  for (let i = 0; i < 600; i++) bigHash.push(`f${i}`, `v${i}`);
  const bigSet: string[] = [];
  for (let i = 0; i < 1000; i++) bigSet.push(String(i * 31));
  const bigZ: Array<[string, number]> = [];
  for (let i = 0; i < 200; i++) bigZ.push([`m${i}`, i / 3]);
  return [
    ['str', 'hello'],
    ['int', '12345'],
    ['bigint', '-9223372036854775808'],
    ['binary', ALL_BYTES],
    ['long', 'compressible text '.repeat(500)],
    ['list', makeList(['a', 'b', '3', ALL_BYTES])],
    ['biglist', makeList(bigList)],
    ['hash', makeHash(['f', 'v', 'n', '1'])],
    ['bighash', makeHash(bigHash)],
    ['intset', makeSet(['1', '-2', '300000', '9223372036854775807'])],
    ['set', makeSet(['x', 'y', ALL_BYTES])],
    ['bigintset', makeSet(bigSet)],
    ['zset', makeZSet([['a', 1], ['b', 0.5], ['c', Infinity], ['d', -Infinity]])],
    ['bigzset', makeZSet(bigZ)],
    [ALL_BYTES, 'binary key'],
  ];
}

function writeFile(name: string, build: (w: RdbFileWriter) => void, opts: Partial<{ compress: boolean; checksum: boolean; chunkSize: number }> = {}): Buffer {
  const w = new RdbFileWriter({ compress: opts.compress ?? true, checksum: opts.checksum ?? true, config, chunkSize: opts.chunkSize ?? 4096 });
  build(w);
  w.end();
  const bytes = Buffer.concat(w.take());
  writeFileSync(join(tmp, name), bytes);
  return bytes;
}

function entries(items: Iterable<RdbItem>): RdbEntry[] {
  return [...items].filter((i): i is RdbEntry => i.type === 'entry');
}

/** Items in a comparable form (values canonicalised). */
function comparable(items: RdbItem[]): unknown[] {
  return items.map((i) => (i.type === 'entry' ? { ...i, value: canonicalOf(i.value), encoding: encodingOf(i.value) } : i));
}

const skipNoRedis = redisInstalled() ? false : 'redis-server / redis-check-rdb are not installed';

t.test('a file written by Ferrous: redis-check-rdb accepts it and redis-server loads identical data', { skip: skipNoRedis }, async (t) => {
  const values = sampleValues();
  const future = Date.now() + 3_600_000;
  const bytes = writeFile('ferrous.rdb', (w) => {
    w.begin();
    w.func(LIB);
    for (const db of [0, 3, 15]) {
      w.selectDb(db, values.length, 2);
      values.forEach(([k, v], i) => w.entry(db, k, v, i < 2 ? future + i : -1));
    }
  });
  t.equal(bytes.subarray(0, 9).toString(), 'REDIS0010');
  const [ok, out] = checkRdb(join(tmp, 'ferrous.rdb'));
  t.ok(ok, 'redis-check-rdb: RDB looks OK');
  if (!ok) t.comment(out);

  // Our own reader gives the same back.
  const back = entries(readRdb(bytes, { config }));
  t.equal(back.length, 3 * values.length);
  t.same(
    back.slice(0, values.length).map((e) => [e.key, canonicalOf(e.value), encodingOf(e.value), e.expireAt]),
    values.map(([k, v], i) => [k, canonicalOf(v), encodingOf(v), i < 2 ? future + i : -1]),
  );

  const redis = (await startRedis(['--dir', tmp, '--dbfilename', 'ferrous.rdb']))!;
  t.teardown(() => redis.stop());
  const c = redis.conn;
  for (const db of [0, 3, 15]) {
    await query(c, 'SELECT', String(db));
    t.equal(await query(c, 'DBSIZE'), values.length, `db ${db} size`);
    for (const [i, [k, v]] of values.entries()) {
      t.same(await canonicalFromServer(c, k), canonicalOf(v), `db ${db} ${k.slice(0, 10)}: content`);
      t.equal(await query(c, 'OBJECT', 'ENCODING', k), encodingOf(v), `db ${db} ${k.slice(0, 10)}: encoding`);
      t.equal(await query(c, 'PEXPIRETIME', k), i < 2 ? future + i : -1, `db ${db} ${k.slice(0, 10)}: expiry`);
    }
  }
  const fl = JSON.stringify(await query(c, 'FUNCTION', 'LIST', 'WITHCODE'));
  t.ok(fl.includes('ferrouslib') && fl.includes('echo1'), 'the function library was loaded');
});

t.test('rdbchecksum and rdbcompression off', { skip: skipNoRedis }, async (t) => {
  const values = sampleValues();
  const bytes = writeFile(
    'plain.rdb',
    (w) => {
      w.begin({ ctime: 1700000000, usedMem: 12345, aofBase: true });
      for (const [k, v] of values) w.entry(2, k, v);
    },
    { compress: false, checksum: false },
  );
  t.same([...bytes.subarray(bytes.length - 8)], [0, 0, 0, 0, 0, 0, 0, 0], 'CRC written as 0');
  t.ok(bytes.includes(Buffer.from('compressible text '.repeat(500))), 'long strings stored verbatim');
  const items = [...readRdb(bytes, { config })];
  t.same(
    items.filter((i) => i.type === 'aux').map((i) => (i.type === 'aux' ? [i.key, i.value] : [])),
    [
      ['redis-ver', '7.0.15'],
      ['redis-bits', '64'],
      ['ctime', '1700000000'],
      ['used-mem', '12345'],
      ['aof-base', '1'],
    ],
  );
  t.ok(checkRdb(join(tmp, 'plain.rdb'))[0], 'redis-check-rdb accepts a file without checksum');
  const redis = (await startRedis(['--dir', tmp, '--dbfilename', 'plain.rdb']))!;
  t.teardown(() => redis.stop());
  await query(redis.conn, 'SELECT', '2');
  for (const [k, v] of values) t.same(await canonicalFromServer(redis.conn, k), canonicalOf(v), k.slice(0, 10));
});

/** Fill a real redis-server with every type and encoding, SAVE, and return the file and the server. */
async function redisSnapshot(name: string, extra: string[] = []): Promise<{ bytes: Buffer; redis: NonNullable<Awaited<ReturnType<typeof startRedis>>> }> {
  const redis = (await startRedis(['--dir', tmp, '--dbfilename', name, ...extra]))!;
  const c = redis.conn;
  const cmd = (...a: string[]): Promise<unknown> => query(c, ...a);
  await cmd('SET', 'str', 'hello');
  await cmd('SET', 'int', '-42');
  await cmd('SET', 'int64', '9223372036854775807');
  await cmd('SET', 'bin', ALL_BYTES);
  await cmd('SET', 'long', 'lzf-compressible '.repeat(300));
  let rnd = '';
  for (let i = 0; i < 3000; i++) rnd += String.fromCharCode(Math.floor(Math.random() * 256));
  await cmd('SET', 'random', rnd);
  await cmd('PFADD', 'hll', 'a', 'b', 'c');
  await cmd('GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
  await cmd('RPUSH', 'list', 'a', '1', '-70000', ALL_BYTES);
  const big: string[] = [];
  for (let i = 0; i < 4000; i++) big.push(i % 2 ? `e${i}` : String(i));
  await cmd('RPUSH', 'biglist', ...big);
  await cmd('LPUSH', 'lpushed', ...big.slice(0, 2000));
  await cmd('CONFIG', 'SET', 'list-compress-depth', '1');
  await cmd('RPUSH', 'compressed', ...big.map((s) => s.repeat(5)));
  await cmd('CONFIG', 'SET', 'list-compress-depth', '0');
  await cmd('HSET', 'hash', 'f', 'v', 'n', '5', 'bin', ALL_BYTES.slice(0, 60));
  const hp: string[] = [];
  for (let i = 0; i < 600; i++) hp.push(`f${i}`, `v${i}`);
  await cmd('HSET', 'bighash', ...hp);
  await cmd('HSET', 'longhash', 'f', 'x'.repeat(100));
  await cmd('SADD', 'intset', '1', '2', '-3', '5000000000');
  await cmd('SADD', 'set', 'a', 'b', ALL_BYTES);
  const sp: string[] = [];
  for (let i = 0; i < 700; i++) sp.push(String(i));
  await cmd('SADD', 'bigintset', ...sp);
  await cmd('ZADD', 'zset', '1', 'a', '2.5', 'b', 'inf', 'c', '-inf', 'd', '0.1', 'e');
  const zp: string[] = [];
  for (let i = 0; i < 200; i++) zp.push(String(i * 1.5), `m${i}`);
  await cmd('ZADD', 'bigzset', ...zp);
  await cmd('ZADD', 'longzset', '1', 'y'.repeat(100));
  await cmd('SET', 'ttl', 'v', 'PX', '3600000');
  await cmd('SELECT', '7');
  await cmd('SET', 'other-db', 'x');
  await cmd('SELECT', '0');
  await cmd('FUNCTION', 'LOAD', LIB);
  await cmd('SAVE');
  return { bytes: readFileSync(join(tmp, name)), redis };
}

t.test('reading a file redis-server saved: every type and encoding', { skip: skipNoRedis }, async (t) => {
  const { bytes, redis } = await redisSnapshot('redis.rdb');
  t.teardown(() => redis.stop());
  const c = redis.conn;
  const items = [...readRdb(bytes, { config })];
  const aux = new Map(items.flatMap((i) => (i.type === 'aux' ? [[i.key, i.value]] : [])));
  t.equal(aux.get('redis-ver'), '7.0.15');
  const fns = items.flatMap((i) => (i.type === 'function' ? [i.code] : []));
  t.same(fns, [LIB], 'FUNCTION2 entries');
  const es = entries(items);
  t.equal(es.length, 23);
  for (const e of es) {
    await query(c, 'SELECT', String(e.db));
    const label = e.key.slice(0, 12);
    t.same(canonicalOf(e.value), await canonicalFromServer(c, e.key), `${label}: content`);
    // PFADD leaves a "raw" string in Redis; loaded back it is "embstr" there too, as in Ferrous.
    if (e.key !== 'hll') t.equal(encodingOf(e.value), await query(c, 'OBJECT', 'ENCODING', e.key), `${label}: encoding`);
    t.equal(e.expireAt, await query(c, 'PEXPIRETIME', e.key), `${label}: expiry`);
    t.equal(e.idle, -1);
    t.equal(e.freq, -1);
  }

  // The same items whatever the chunking.
  const whole = comparable(items);
  for (const size of [1, 7, 1000, 65536]) {
    const r = new RdbFileReader({ config });
    const got: RdbItem[] = [];
    for (let p = 0; p < bytes.length; p += size) {
      r.push(bytes.subarray(p, p + size));
      for (const it of r.items()) got.push(it);
    }
    r.end();
    for (const it of r.items()) got.push(it);
    t.ok(r.done, `chunks of ${size}: done`);
    t.same(comparable(got), whole, `chunks of ${size}: same items`);
  }
});

t.test('LRU and LFU opcodes', { skip: skipNoRedis }, async (t) => {
  for (const [policy, field] of [
    ['allkeys-lru', 'idle'],
    ['allkeys-lfu', 'freq'],
  ] as const) {
    const redis = (await startRedis(['--dir', tmp, '--dbfilename', `${policy}.rdb`, '--maxmemory-policy', policy]))!;
    await query(redis.conn, 'SET', 'k', 'v');
    await query(redis.conn, 'SAVE');
    await redis.stop();
    const [e] = entries(readRdb(readFileSync(join(tmp, `${policy}.rdb`)), { config }));
    t.ok(e[field] >= 0, `${policy}: ${field} = ${e[field]}`);
    t.equal(e.value, 'v');
  }
});

/** An RDB file built by hand: magic for `version`, the body, EOF and (from RDB 5) the CRC. */
function handmade(version: number, body: (w: ByteWriter) => void, crc = true): Buffer {
  const w = new ByteWriter();
  w.latin1(`REDIS${String(version).padStart(4, '0')}`);
  body(w);
  w.byte(255);
  if (version >= 5) {
    w.ensure(8);
    if (crc) writeCrc64LE(crc64(w.buf, 0, w.pos), w.buf, w.pos);
    else w.buf.fill(0, w.pos, w.pos + 8);
    w.pos += 8;
  }
  return w.take();
}

const plain = { compress: false };

/** A legacy (RDB 9) file with the ziplist-era encodings Redis 7.0 converts on load. */
function legacyFile(): Buffer {
  const hashPairs = ['f1', 'v1', 'f2', '2', 'f3', 'z'.repeat(200)];
  return handmade(9, (w) => {
    w.byte(254);
    writeLen(w, 0);
    const key = (type: number, name: string): void => {
      w.byte(type);
      writeString(w, name, plain);
    };
    key(RdbType.HashZipmap, 'zipmap');
    writeStringBytes(w, zipmap(hashPairs, 2), plain);
    key(RdbType.HashZipmap, 'zipmap-small');
    writeStringBytes(w, zipmap(['a', '1', 'b', 'text']), plain);
    key(RdbType.ListZiplist, 'ziplist-list');
    writeStringBytes(w, ziplist(['a', '0', '12', '13', '-128', '300', '-70000', '100000000', '-5000000000', 'q'.repeat(100), 'r'.repeat(17000)]), plain);
    key(RdbType.ZSetZiplist, 'ziplist-zset');
    writeStringBytes(w, ziplist(['a', '1', 'b', '2.5', 'c', '3']), plain);
    key(RdbType.HashZiplist, 'ziplist-hash');
    writeStringBytes(w, ziplist(['f', '1', 'g', 'text']), plain);
    key(RdbType.ListQuicklist, 'quicklist-v1');
    writeLen(w, 2);
    writeStringBytes(w, ziplist(['n1', 'n2']), { compress: true });
    writeStringBytes(w, ziplist(['n3'.repeat(40), '4']), { compress: true });
    key(RdbType.SetIntset, 'intset');
    const is = Buffer.alloc(8 + 3 * 4);
    is.writeUInt32LE(4, 0);
    is.writeUInt32LE(3, 4);
    [-100000, 5, 100000].forEach((v, i) => is.writeInt32LE(v, 8 + 4 * i));
    writeStringBytes(w, is, plain);
    key(RdbType.ZSet, 'zset-text');
    writeLen(w, 2);
    writeString(w, 'm1', plain);
    w.byte(3);
    w.latin1('1.5');
    writeString(w, 'm2', plain);
    w.byte(254);
    key(RdbType.List, 'list-v0');
    writeLen(w, 2);
    writeString(w, 'x', plain);
    writeString(w, '77', plain);
    // Expiry in seconds (EXPIRETIME), then in milliseconds.
    w.byte(253);
    w.ensure(4);
    w.buf.writeInt32LE(2000000000, w.pos);
    w.pos += 4;
    key(RdbType.String, 'expire-s');
    writeString(w, 'v', plain);
    w.byte(252);
    w.i64le(4000000000000);
    key(RdbType.String, 'expire-ms');
    writeString(w, 'v', plain);
  });
}

t.test('legacy encodings: redis-server and the reader agree', { skip: skipNoRedis }, async (t) => {
  const bytes = legacyFile();
  writeFileSync(join(tmp, 'legacy.rdb'), bytes);
  const [ok, out] = checkRdb(join(tmp, 'legacy.rdb'));
  t.ok(ok, 'redis-check-rdb accepts the handmade file');
  if (!ok) t.comment(out);
  const es = entries(readRdb(bytes, { config }));
  t.equal(es.length, 11);
  const redis = (await startRedis(['--dir', tmp, '--dbfilename', 'legacy.rdb']))!;
  t.teardown(() => redis.stop());
  for (const e of es) {
    t.same(canonicalOf(e.value), await canonicalFromServer(redis.conn, e.key), `${e.key}: content`);
    t.equal(encodingOf(e.value), await query(redis.conn, 'OBJECT', 'ENCODING', e.key), `${e.key}: encoding`);
    t.equal(e.expireAt, await query(redis.conn, 'PEXPIRETIME', e.key), `${e.key}: expiry`);
  }
});

t.test('format errors', (t) => {
  const good = handmade(10, (w) => {
    w.byte(RdbType.String);
    writeString(w, 'key', plain);
    writeString(w, 'some value that is long enough', plain);
  });
  const kind = (b: Buffer, opts: { verifyChecksum?: boolean } = {}): string => {
    try {
      [...readRdb(b, { config, ...opts })];
      return 'ok';
    } catch (e) {
      if (e instanceof RdbError) return e.kind;
      throw e;
    }
  };
  t.equal(kind(good), 'ok');
  for (let cut = 0; cut < good.length; cut++) t.equal(kind(good.subarray(0, cut)), 'truncated', `cut at ${cut}`);
  const flipped = Buffer.from(good);
  flipped[good.indexOf('some')] ^= 0x20;
  t.equal(kind(flipped), 'checksum', 'a changed byte fails the CRC');
  t.equal(kind(flipped, { verifyChecksum: false }), 'ok', 'unless checking is off');
  const badCrc = Buffer.from(good);
  badCrc[badCrc.length - 1] ^= 1;
  t.equal(kind(badCrc), 'checksum');
  t.equal(kind(handmade(10, () => {}, false)), 'ok', 'a stored CRC of 0 is not checked');
  t.equal(kind(handmade(4, () => {})), 'ok', 'RDB 4 has no CRC');
  t.equal(kind(handmade(11, () => {})), 'ok', 'RDB 11 is read');
  t.equal(kind(handmade(12, () => {})), 'version', 'RDB 12 is refused');
  t.equal(kind(handmade(0, () => {})), 'version');
  t.equal(kind(Buffer.from('RADIS0010\xff', 'latin1')), 'corrupt', 'wrong magic');
  const stream = handmade(10, (w) => {
    w.byte(RdbType.StreamListpacks2);
    writeString(w, 's', plain);
    writeLen(w, 0);
  });
  t.equal(kind(stream), 'unsupported', 'streams');
  t.equal(kind(handmade(10, (w) => w.byte(247))), 'unsupported', 'module aux data');
  t.equal(kind(handmade(10, (w) => w.byte(8))), 'corrupt', 'unknown type');

  // Empty collections are skipped, as Redis does, and reading goes on.
  const withEmpty = handmade(10, (w) => {
    w.byte(252);
    w.i64le(1);
    w.byte(RdbType.HashListpack);
    writeString(w, 'empty', plain);
    writeStringBytes(w, encodeListpack(0, () => ''), plain);
    w.byte(RdbType.String);
    writeString(w, 'after', plain);
    writeString(w, 'v', plain);
  });
  const items = [...readRdb(withEmpty, { config })];
  t.same(
    items.map((i) => [i.type, 'key' in i ? i.key : '', i.type === 'entry' ? i.expireAt : 0]),
    [
      ['skipped', 'empty', 0],
      ['entry', 'after', -1],
    ],
    'the expiry of a skipped key does not leak to the next',
  );

  // The 7.0 release candidates' FUNCTION opcode.
  const rc = handmade(10, (w) => {
    w.byte(246);
    for (const s of ['mylib', 'LUA']) writeString(w, s, plain);
    writeLen(w, 1);
    writeString(w, 'a description', plain);
    writeString(w, 'return 1', plain);
  });
  t.same([...readRdb(rc, { config })], [{ type: 'function', code: '#!LUA name=mylib\nreturn 1' }]);
  t.end();
});

t.test('the writer: chunks and sizes', (t) => {
  const values = sampleValues();
  const build = (chunkSize: number): Buffer[] => {
    const w = new RdbFileWriter({ compress: true, checksum: true, config, chunkSize });
    w.begin({ ctime: 1, usedMem: 2 });
    const out: Buffer[] = [];
    for (const [k, v] of values) {
      w.entry(1, k, v, 5);
      out.push(...w.take());
    }
    w.end();
    out.push(...w.take());
    t.equal(w.size, out.reduce((n, b) => n + b.length, 0), 'size counts every byte');
    return out;
  };
  const one = Buffer.concat(build(1 << 30));
  const many = build(100);
  t.ok(many.length > 10, `${many.length} chunks`);
  t.ok(Buffer.concat(many).equals(one), 'chunking does not change the bytes');
  const back = entries(readRdb(many, { config }));
  t.same(
    back.map((e) => [e.db, e.key, canonicalOf(e.value), e.expireAt]),
    values.map(([k, v]) => [1, k, canonicalOf(v), 5]),
  );
  t.end();
});

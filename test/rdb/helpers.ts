/**
 * Shared by the RDB and DUMP/RESTORE tests: typed replies over RawConn, a key's whole content in a
 * canonical form (from a server, or from a decoded Ferrous value) so two sides can be compared, a
 * redis-server started on a chosen directory and dbfilename, and the raw ziplist / zipmap encoders
 * needed to build the legacy payloads Redis 7.0 still loads but never writes.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { decodeResp, type RespValue } from '../../src/protocol/resp-value.js';
import { RawConn, freePort } from '../helpers/server.js';
import type { Value } from '../../src/shard-worker/keyspace.js';
import { ListValue } from '../../src/shard-worker/families/lists.js';
import { HashValue } from '../../src/shard-worker/ds/hash.js';
import { SetValue } from '../../src/shard-worker/ds/set.js';
import { ZSet } from '../../src/shard-worker/ds/zset.js';
import { formatDouble17g } from '../../src/shared/numbers.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';
import type { EncodingConfig } from '../../src/rdb/value-codec.js';
import { crc64, writeCrc64LE } from '../../src/rdb/crc64.js';

export function redisInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-check-rdb']).status === 0;
}

/** One command's reply, bulk strings as latin1 strings. */
export async function query(conn: RawConn, ...args: Array<string | Buffer>): Promise<RespValue> {
  const raw = await conn.call(...args);
  const r = decodeResp(Buffer.from(raw, 'latin1'), 0, true);
  if (r === undefined) throw new Error(`incomplete reply ${JSON.stringify(raw)}`);
  return latin1Tree(r.value);
}

function latin1Tree(v: RespValue): RespValue {
  if (Buffer.isBuffer(v)) return v.latin1Slice(0, v.length);
  if (Array.isArray(v) && v[0] === '*') return ['*', ...(v.slice(1) as RespValue[]).map(latin1Tree)] as RespValue;
  return v;
}

function strings(v: RespValue): string[] {
  if (!Array.isArray(v) || v[0] !== '*') throw new Error(`expected an array, got ${JSON.stringify(v)}`);
  return (v.slice(1) as RespValue[]).map((x) => {
    if (typeof x !== 'string') throw new Error(`expected a string, got ${JSON.stringify(x)}`);
    return x;
  });
}

/** A key's content in a comparable form: [type, content]. Orders that are not defined are sorted. */
export type Canonical = [string, string | string[]];

function pairs(flat: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

const byFirst = (a: string[], b: string[]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The content of `key` as a server reports it (GET, LRANGE, HGETALL, SMEMBERS, ZRANGE WITHSCORES). */
export async function canonicalFromServer(conn: RawConn, key: string): Promise<Canonical | null> {
  const type = await query(conn, 'TYPE', key);
  const t = Array.isArray(type) ? String(type[1]) : String(type);
  switch (t) {
    case 'none':
      return null;
    case 'string':
      return ['string', (await query(conn, 'GET', key)) as string];
    case 'list':
      return ['list', strings(await query(conn, 'LRANGE', key, '0', '-1'))];
    case 'hash':
      return ['hash', pairs(strings(await query(conn, 'HGETALL', key))).sort(byFirst).flat()];
    case 'set':
      return ['set', strings(await query(conn, 'SMEMBERS', key)).sort()];
    case 'zset':
      return ['zset', strings(await query(conn, 'ZRANGE', key, '0', '-1', 'WITHSCORES'))];
    default:
      throw new Error(`unexpected type ${t}`);
  }
}

/** The same form for a decoded Ferrous value. */
export function canonicalOf(v: Value): Canonical {
  if (typeof v === 'string') return ['string', v];
  if (v instanceof ListValue) return ['list', v.toArray()];
  if (v instanceof HashValue) {
    const out: string[][] = [];
    for (let i = 0; i < v.size(); i++) out.push([v.fieldAt(i), v.valueAt(i)]);
    return ['hash', out.sort(byFirst).flat()];
  }
  if (v instanceof SetValue) return ['set', v.members().sort()];
  if (v instanceof ZSet) {
    const out: string[] = [];
    v.forEach((m, s) => out.push(m, formatDouble17g(s)));
    return ['zset', out];
  }
  throw new Error(`unexpected value ${v.typeName}`);
}

/** OBJECT ENCODING of a decoded value, as the server would report it. */
export function encodingOf(v: Value): string {
  if (typeof v !== 'string') return v.encoding();
  if (v.length <= 20 && /^(0|-?[1-9][0-9]*)$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

/** A redis-server with the given extra arguments (e.g. --dir, --dbfilename); null if not installed. */
export async function startRedis(args: string[]): Promise<{ port: number; conn: RawConn; stop: () => Promise<void> } | null> {
  if (!redisInstalled()) return null;
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', ...args], {
    stdio: 'ignore',
  });
  let conn: RawConn | null = null;
  for (let i = 0; i < 200 && conn === null; i++) {
    try {
      conn = await RawConn.connect(port);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (conn === null) throw new Error('redis-server did not start');
  // Wait for the dataset to be loaded (LOADING replies until then).
  for (let i = 0; i < 200; i++) {
    const r = await conn.call('PING');
    if (r === '+PONG\r\n') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const c = conn;
  return {
    port,
    conn: c,
    stop: () =>
      new Promise<void>((resolve) => {
        c.close();
        if (proc.exitCode !== null) resolve();
        else {
          proc.once('exit', () => resolve());
          proc.kill('SIGKILL');
        }
      }),
  };
}

/** redis-check-rdb's verdict on a file: [ok, output]. */
export function checkRdb(path: string): [boolean, string] {
  const r = spawnSync('redis-check-rdb', [path], { encoding: 'utf8' });
  return [r.status === 0 && /RDB looks OK/.test(r.stdout), `${r.stdout}${r.stderr}`];
}

// ---------------------------------------------------------------------------------------------- legacy encoders

/** A ziplist (ziplist.c) of the elements, integers encoded as ziplistPush would. */
export function ziplist(elements: string[]): Buffer {
  const entries: Buffer[] = [];
  let prevlen = 0;
  for (const e of elements) {
    const prev = prevlen < 254 ? Buffer.from([prevlen]) : Buffer.concat([Buffer.from([254]), u32le(prevlen)]);
    let enc: Buffer;
    const n = /^(0|-?[1-9][0-9]{0,18})$/.test(e) ? BigInt(e) : null;
    if (n !== null && n >= -(2n ** 63n) && n < 2n ** 63n) {
      if (n >= 0n && n <= 12n) enc = Buffer.from([0xf1 + Number(n)]);
      else if (n >= -128n && n <= 127n) enc = Buffer.from([0xfe, Number(n) & 0xff]);
      else if (n >= -32768n && n <= 32767n) enc = int(0xc0, 2, n);
      else if (n >= -8388608n && n <= 8388607n) enc = int(0xf0, 3, n);
      else if (n >= -2147483648n && n <= 2147483647n) enc = int(0xd0, 4, n);
      else enc = int(0xe0, 8, n);
    } else {
      const b = Buffer.from(e, 'latin1');
      let head: Buffer;
      if (b.length <= 63) head = Buffer.from([b.length]);
      else if (b.length <= 16383) head = Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]);
      else {
        head = Buffer.alloc(5);
        head[0] = 0x80;
        head.writeUInt32BE(b.length, 1);
      }
      enc = Buffer.concat([head, b]);
    }
    const entry = Buffer.concat([prev, enc]);
    entries.push(entry);
    prevlen = entry.length;
  }
  const body = Buffer.concat(entries);
  const total = 10 + body.length + 1;
  const tail = entries.length === 0 ? 10 : 10 + body.length - entries[entries.length - 1].length;
  const head = Buffer.alloc(10);
  head.writeUInt32LE(total, 0);
  head.writeUInt32LE(tail, 4);
  head.writeUInt16LE(Math.min(elements.length, 0xffff), 8);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

function int(tag: number, width: number, n: bigint): Buffer {
  const b = Buffer.alloc(1 + 8);
  b[0] = tag;
  b.writeBigInt64LE(n, 1);
  return b.subarray(0, 1 + width);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** A zipmap (zipmap.c, Redis ≤ 2.4 hashes) of [f0, v0, f1, v1, …], with `free` spare bytes after each value. */
export function zipmap(items: string[], free = 0): Buffer {
  const len = (n: number): Buffer => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([254]), u32le(n)]));
  const parts: Buffer[] = [Buffer.from([items.length / 2 < 254 ? items.length / 2 : 254])];
  for (let i = 0; i < items.length; i += 2) {
    const f = Buffer.from(items[i], 'latin1');
    const v = Buffer.from(items[i + 1], 'latin1');
    parts.push(len(f.length), f, len(v.length), Buffer.from([free]), v, Buffer.alloc(free, 0x2e));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------- value builders

/**
 * redis-server 7.0's built-in thresholds (defaultShardConfig() has hash-max-listpack-entries 128,
 * the value redis.conf suggests; the server's own default is 512).
 */
export const REDIS_DEFAULTS: EncodingConfig = { ...defaultShardConfig(), hashMaxListpackEntries: 512 };
const defaults = REDIS_DEFAULTS;

export function makeList(items: string[]): ListValue {
  const l = new ListValue();
  for (const s of items) l.pushTail(s);
  return l;
}

/** A hash built by HSETs under the given thresholds. */
export function makeHash(pairs: string[], cfg: EncodingConfig = defaults): HashValue {
  const h = new HashValue();
  for (let i = 0; i < pairs.length; i += 2) h.set(pairs[i], pairs[i + 1], cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
  return h;
}

export function makeSet(members: string[], cfg: EncodingConfig = defaults): SetValue {
  const s = new SetValue();
  for (const m of members) s.add(m, cfg.setMaxIntsetEntries);
  return s;
}

export function makeZSet(pairs: Array<[string, number]>, cfg: EncodingConfig = defaults): ZSet {
  const z = new ZSet();
  for (const [m, s] of pairs) z.insert(m, s, cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
  return z;
}

/** Every byte value 0..255 once, as a latin1 string. */
export const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

/**
 * DUMP's payload for a short string (under 64 bytes), built by hand as Redis lays it out (type,
 * length, bytes, RDB version 10, CRC64) so RESTORE can be tested against both servers with the
 * same bytes.
 */
export function stringDumpPayload(s: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s, 'latin1')]);
  const out = Buffer.alloc(body.length + 10);
  body.copy(out, 0);
  out.writeUInt16LE(10, body.length);
  writeCrc64LE(crc64(out, 0, body.length + 2), out, body.length + 2);
  return out;
}

/**
 * A temporary folder for this test file (removed when it ends) and a maker of fresh, empty folders
 * inside it: each server of a test gets its own dir.
 */
export function freshDirs(prefix: string): () => string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let dirs = 0;
  return () => {
    const d = path.join(tmp, `d${dirs++}`);
    fs.mkdirSync(d);
    return d;
  };
}

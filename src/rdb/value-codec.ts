/**
 * One value in RDB object format (Redis 7.0 rdb.c: rdbSaveObjectType / rdbSaveObject /
 * rdbLoadObject), shared by RDB files and DUMP / RESTORE payloads.
 *
 * Writing follows each value's in-memory encoding as Redis does: strings (integer-encoded when short
 * integers, LZF when long and compression is on), lists as QUICKLIST_2 with listpack nodes split the
 * way a list built by RPUSH is split, hashes as HASH_LISTPACK or HASH, sets as SET_INTSET or SET,
 * sorted sets as ZSET_LISTPACK or ZSET_2. Reading accepts every object type Redis 7.0 / 7.2 may
 * write and rebuilds Ferrous's structures, choosing the encoding Redis would choose on load under the
 * current thresholds so OBJECT ENCODING agrees after a RESTORE or a restart.
 */
import type { Value } from '../shard-worker/keyspace.js';
import type { ShardConfig } from '../shard-worker/context.js';
import { ListValue } from '../shard-worker/families/lists.js';
import { HashValue } from '../shard-worker/ds/hash.js';
import { SetValue, memberAsInt } from '../shard-worker/ds/set.js';
import { ZSet } from '../shard-worker/ds/zset.js';
import { IndexedDict } from '../shard-worker/ds/indexed-dict.js';
import { lzfCompress } from './lzf.js';
import {
  ByteReader,
  ByteWriter,
  RDB_VERSION,
  RdbError,
  corrupt,
  passString,
  readLen,
  readString,
  readStringBytes,
  readTextDouble,
  writeLen,
  writeLzfBlob,
  writeString,
  writeStringBytes,
} from './rdb-io.js';
import {
  LISTPACK_EMPTY_SIZE,
  decodeIntset,
  decodeListpack,
  decodeZiplist,
  decodeZipmap,
  encodeIntset,
  encodeListpack,
  listpackEntrySize,
} from './packed-formats.js';
import { formatDouble17g, parseRedisDouble } from '../shared/numbers.js';

/** RDB object types (rdb.h). */
export const enum RdbType {
  String = 0,
  List = 1,
  Set = 2,
  ZSet = 3,
  Hash = 4,
  ZSet2 = 5,
  Module = 6,
  Module2 = 7,
  HashZipmap = 9,
  ListZiplist = 10,
  SetIntset = 11,
  ZSetZiplist = 12,
  HashZiplist = 13,
  ListQuicklist = 14,
  StreamListpacks = 15,
  HashListpack = 16,
  ZSetListpack = 17,
  ListQuicklist2 = 18,
  StreamListpacks2 = 19,
  /** RDB 11 (Redis 7.2). */
  SetListpack = 20,
  /** RDB 11 (Redis 7.2). */
  StreamListpacks3 = 21,
}

/** rdbIsObjectType for a given RDB version: 7.0 (RDB 10) knows types up to 19, 7.2 (RDB 11) up to 21. */
export function isObjectType(t: number, rdbVersion: number): boolean {
  const max = rdbVersion >= 11 ? RdbType.StreamListpacks3 : RdbType.StreamListpacks2;
  return (t >= 0 && t <= 7) || (t >= 9 && t <= max);
}

/** The thresholds that decide encodings (a subset of the shard's live configuration). */
export type EncodingConfig = Pick<
  ShardConfig,
  | 'hashMaxListpackEntries'
  | 'hashMaxListpackValue'
  | 'setMaxIntsetEntries'
  | 'zsetMaxListpackEntries'
  | 'zsetMaxListpackValue'
  | 'listMaxListpackSize'
  | 'listCompressDepth'
>;

export interface ValueSaveOptions {
  /** rdbcompression. */
  compress: boolean;
  /** list-max-listpack-size and list-compress-depth shape the quicklist nodes. */
  config: EncodingConfig;
}

export interface ValueLoadOptions {
  /** Thresholds for the encodings chosen on load. */
  config: EncodingConfig;
  /** Version of the data being read (object types valid in it; RESTORE uses Redis 7.0's own, 10). */
  rdbVersion: number;
}

// ---------------------------------------------------------------------------------------------- saving

/** rdbSaveObjectType: the RDB type a value is written as. */
export function objectType(v: Value): RdbType {
  if (typeof v === 'string') return RdbType.String;
  if (v instanceof ListValue) return RdbType.ListQuicklist2;
  if (v instanceof HashValue) return v.lp !== null ? RdbType.HashListpack : RdbType.Hash;
  if (v instanceof SetValue) return v.ints !== null ? RdbType.SetIntset : RdbType.Set;
  if (v instanceof ZSet) return v.isSmall() ? RdbType.ZSetListpack : RdbType.ZSet2;
  throw new Error(`cannot serialise a value of type ${v.typeName}`);
}

/** Quicklist node limits (quicklist.c): byte sizes for negative fill, counts otherwise. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Elements this long get a PLAIN node of their own (packed_threshold, 1 GB). */
const PACKED_THRESHOLD = 1 << 30;
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;
const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** quicklistSetFill's clamping. */
function clampFill(fill: number): number {
  return fill > 32767 ? 32767 : fill < -5 ? -5 : fill;
}

/**
 * _quicklistNodeAllowInsert: may an element of `len` bytes join a packed node of `sz` bytes and
 * `count` elements?
 */
function allowInsert(sz: number, count: number, len: number, fill: number): boolean {
  if (len >= PACKED_THRESHOLD) return false;
  const newSz = sz + len + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) return newSz <= OPTIMIZATION_LEVEL[-fill - 1];
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return count < (fill === 0 ? 1 : fill);
}

/**
 * Node boundaries of the quicklist RPUSHing the elements one by one would build: node k holds
 * elements [bounds[k], bounds[k+1]).
 */
function quicklistBounds(l: ListValue, fill: number): number[] {
  const n = l.length;
  const bounds = [0];
  if (n === 0) return bounds;
  let sz = 0;
  let count = 0;
  let plain = false;
  for (let i = 0; i < n; i++) {
    const s = l.at(i);
    if (count > 0 && !plain && allowInsert(sz, count, s.length, fill)) {
      sz += listpackEntrySize(s);
      count++;
      continue;
    }
    if (count > 0) bounds.push(i);
    plain = s.length >= PACKED_THRESHOLD;
    sz = LISTPACK_EMPTY_SIZE + listpackEntrySize(s);
    count = 1;
  }
  bounds.push(n);
  return bounds;
}

function writeList(w: ByteWriter, l: ListValue, opts: ValueSaveOptions): void {
  const bounds = quicklistBounds(l, clampFill(opts.config.listMaxListpackSize));
  const nodes = bounds.length - 1;
  const depth = opts.config.listCompressDepth;
  writeLen(w, nodes);
  for (let k = 0; k < nodes; k++) {
    const start = bounds[k];
    const count = bounds[k + 1] - start;
    if (count === 1 && l.at(start).length >= PACKED_THRESHOLD) {
      writeLen(w, QUICKLIST_NODE_CONTAINER_PLAIN);
      writeString(w, l.at(start), opts);
      continue;
    }
    writeLen(w, QUICKLIST_NODE_CONTAINER_PACKED);
    const lp = encodeListpack(count, (i) => l.at(start + i));
    // With list-compress-depth, interior nodes are held LZF-compressed and saved as they are.
    if (depth > 0 && nodes >= 2 * depth && k >= depth && k < nodes - depth && lp.length >= MIN_COMPRESS_BYTES) {
      const c = lzfCompress(lp, lp.length);
      if (c !== null && c.length + MIN_COMPRESS_IMPROVE < lp.length) {
        writeLzfBlob(w, c, lp.length);
        continue;
      }
    }
    writeStringBytes(w, lp, opts);
  }
}

function writeHash(w: ByteWriter, h: HashValue, opts: ValueSaveOptions): void {
  const lp = h.lp;
  if (lp !== null) {
    writeStringBytes(w, encodeListpack(lp.length, (i) => lp[i]), opts);
    return;
  }
  const n = h.size();
  writeLen(w, n);
  for (let i = 0; i < n; i++) {
    writeString(w, h.fieldAt(i), opts);
    writeString(w, h.valueAt(i), opts);
  }
}

function writeSet(w: ByteWriter, s: SetValue, opts: ValueSaveOptions): void {
  const ints = s.ints;
  if (ints !== null) {
    writeStringBytes(w, encodeIntset(ints.size, (i) => ints.at(i)), opts);
    return;
  }
  const keys = s.ht!.keys;
  writeLen(w, keys.length);
  for (const m of keys) writeString(w, m, opts);
}

function writeZSet(w: ByteWriter, z: ZSet, opts: ValueSaveOptions): void {
  if (z.isSmall()) {
    const ms = z.lpMembers!;
    const ss = z.lpScores!;
    // zzlInsertAt stores the score as d2string's text, which lpAppend turns into an integer when it is one.
    const lp = encodeListpack(2 * ms.length, (i) => ((i & 1) === 0 ? ms[i >> 1] : formatDouble17g(ss[i >> 1])));
    writeStringBytes(w, lp, opts);
    return;
  }
  const zsl = z.zsl!;
  writeLen(w, zsl.length);
  // Greatest to smallest, so loading inserts each element at the head (rdbSaveObject's order).
  for (let n = zsl.tail; n !== null; n = n.backward) {
    writeString(w, n.member, opts);
    w.doubleLE(n.score);
  }
}

/** rdbSaveObject: the value's body (without the type byte). */
export function writeObject(w: ByteWriter, v: Value, opts: ValueSaveOptions): void {
  if (typeof v === 'string') writeString(w, v, opts);
  else if (v instanceof ListValue) writeList(w, v, opts);
  else if (v instanceof HashValue) writeHash(w, v, opts);
  else if (v instanceof SetValue) writeSet(w, v, opts);
  else if (v instanceof ZSet) writeZSet(w, v, opts);
  else throw new Error(`cannot serialise a value of type ${v.typeName}`);
}

/** Type byte then body, as in DUMP payloads and after the key in RDB files' key/value pairs. */
export function writeTypedObject(w: ByteWriter, v: Value, opts: ValueSaveOptions): void {
  w.byte(objectType(v));
  writeObject(w, v, opts);
}

/** A value serialised as type byte + body. */
export function serializeValue(v: Value, opts: ValueSaveOptions): Buffer {
  const w = new ByteWriter();
  writeTypedObject(w, v, opts);
  return w.take();
}

// ---------------------------------------------------------------------------------------------- loading

function emptyKey(): RdbError {
  return new RdbError('empty', 'empty collection');
}

function listFromElements(elements: Iterable<string>): ListValue {
  const l = new ListValue();
  for (const e of elements) l.pushTail(e);
  if (l.length === 0) throw emptyKey();
  return l;
}

/** A hash from [f0, v0, …] pairs held in a listpack/ziplist/zipmap: converted when too many fields. */
function hashFromPairs(items: string[], cfg: EncodingConfig, convertLong: boolean): HashValue {
  if (items.length % 2 !== 0) throw corrupt('hash with an odd number of elements');
  if (items.length === 0) throw emptyKey();
  const seen = new Set<string>();
  let maxLen = 0;
  for (let i = 0; i < items.length; i += 2) {
    if (seen.has(items[i])) throw corrupt('hash with duplicate fields');
    seen.add(items[i]);
    if (items[i].length > maxLen) maxLen = items[i].length;
    if (items[i + 1].length > maxLen) maxLen = items[i + 1].length;
  }
  const h = new HashValue();
  h.lp = items;
  // Redis converts on count only (length is an O(N) scan) except for zipmaps, converted on both.
  if (items.length / 2 > cfg.hashMaxListpackEntries || (convertLong && maxLen > cfg.hashMaxListpackValue)) h.convert();
  return h;
}

/** RDB_TYPE_HASH: listpack while small, switching to a hashtable at the first long field or value. */
function readHash(r: ByteReader, cfg: EncodingConfig): HashValue {
  const len = readLen(r);
  if (len === 0) throw emptyKey();
  const h = new HashValue();
  if (len > cfg.hashMaxListpackEntries) h.convert();
  const seen = h.lp !== null ? new Set<string>() : null;
  for (let i = 0; i < len; i++) {
    const field = readString(r);
    const value = readString(r);
    const lp = h.lp;
    if (lp !== null) {
      if (seen!.has(field)) throw corrupt('hash with duplicate fields');
      seen!.add(field);
      if (field.length <= cfg.hashMaxListpackValue && value.length <= cfg.hashMaxListpackValue) {
        lp.push(field, value);
        continue;
      }
      h.convert();
    }
    if (!h.ht!.set(field, value)) throw corrupt('hash with duplicate fields');
  }
  return h;
}

/** A set from members held in a listpack (RDB 11): what SADDing them would build. */
function setFromMembers(members: string[], cfg: EncodingConfig): SetValue {
  if (members.length === 0) throw emptyKey();
  const s = new SetValue();
  if (members.length > cfg.setMaxIntsetEntries) s.convert();
  for (const m of members) addMember(s, m);
  return s;
}

/** Add a member the way rdbLoadObject does for RDB_TYPE_SET: intset while integer, duplicates refused. */
function addMember(s: SetValue, m: string): void {
  if (s.ints !== null) {
    const v = memberAsInt(m);
    if (v !== null) {
      if (!s.ints.add(v)) throw corrupt('duplicate set members');
      return;
    }
    s.convert();
  }
  if (!s.ht!.set(m)) throw corrupt('duplicate set members');
}

function readSet(r: ByteReader, cfg: EncodingConfig): SetValue {
  const len = readLen(r);
  if (len === 0) throw emptyKey();
  const s = new SetValue();
  if (len > cfg.setMaxIntsetEntries) s.convert();
  for (let i = 0; i < len; i++) addMember(s, readString(r));
  return s;
}

function setFromIntset(blob: Buffer, cfg: EncodingConfig): SetValue {
  const values = decodeIntset(blob);
  if (values.length === 0) throw corrupt('empty intset');
  const s = new SetValue();
  if (values.length > cfg.setMaxIntsetEntries) {
    s.ints = null;
    const ht = new IndexedDict(false);
    for (const v of values) ht.set(v.toString());
    s.ht = ht;
  } else {
    for (const v of values) s.ints!.add(v);
  }
  return s;
}

/** Score of a listpack/ziplist zset entry (zzlGetScore: an integer or strtod text). */
function listpackScore(s: string): number {
  const d = parseRedisDouble(s);
  if (d === null) throw corrupt(`invalid sorted set score ${JSON.stringify(s)}`);
  return d + 0; // no negative zero in the compact form
}

/** Build a ZSet from (member, score) pairs in any order. */
function zsetFromPairs(members: string[], scores: number[], small: boolean): ZSet {
  if (small) {
    const order = members.map((_, i) => i);
    order.sort((a, b) => scores[a] - scores[b] || (members[a] < members[b] ? -1 : members[a] > members[b] ? 1 : 0));
    const z = new ZSet(false);
    z.lpMembers = order.map((i) => members[i]);
    z.lpScores = order.map((i) => scores[i] + 0);
    return z;
  }
  const z = new ZSet(true);
  const dict = z.dict!;
  const zsl = z.zsl!;
  for (let i = 0; i < members.length; i++) {
    dict.set(members[i], scores[i]);
    zsl.insert(scores[i], members[i]);
  }
  return z;
}

/** ZSET_LISTPACK / ZSET_ZIPLIST: [m0, s0, …]; a skiplist when there are too many members. */
function zsetFromFlatPairs(items: string[], cfg: EncodingConfig): ZSet {
  if (items.length % 2 !== 0) throw corrupt('sorted set with an odd number of elements');
  if (items.length === 0) throw emptyKey();
  const members: string[] = [];
  const scores: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i += 2) {
    if (seen.has(items[i])) throw corrupt('sorted set with duplicate members');
    seen.add(items[i]);
    members.push(items[i]);
    scores.push(listpackScore(items[i + 1]));
  }
  return zsetFromPairs(members, scores, members.length <= cfg.zsetMaxListpackEntries);
}

/** RDB_TYPE_ZSET (text scores) and ZSET_2 (binary scores); converted to listpack afterwards if small. */
function readZSet(r: ByteReader, binary: boolean, cfg: EncodingConfig): ZSet {
  const len = readLen(r);
  if (len === 0) throw emptyKey();
  const members: string[] = [];
  const scores: number[] = [];
  const seen = new Set<string>();
  let maxLen = 0;
  for (let i = 0; i < len; i++) {
    const m = readString(r);
    const score = binary ? r.doubleLE() : readTextDouble(r);
    if (Number.isNaN(score)) throw corrupt('sorted set with a NaN score');
    if (seen.has(m)) throw corrupt('sorted set with duplicate members');
    seen.add(m);
    if (m.length > maxLen) maxLen = m.length;
    members.push(m);
    scores.push(score);
  }
  const small = len <= cfg.zsetMaxListpackEntries && maxLen <= cfg.zsetMaxListpackValue;
  return zsetFromPairs(members, scores, small);
}

/** LIST_QUICKLIST (ziplist nodes) and LIST_QUICKLIST_2 (PACKED listpack / PLAIN nodes). */
function readQuicklist(r: ByteReader, v2: boolean): ListValue {
  const nodes = readLen(r);
  if (nodes === 0) throw emptyKey();
  const l = new ListValue();
  for (let k = 0; k < nodes; k++) {
    let container = QUICKLIST_NODE_CONTAINER_PACKED;
    if (v2) {
      container = readLen(r);
      if (container !== QUICKLIST_NODE_CONTAINER_PACKED && container !== QUICKLIST_NODE_CONTAINER_PLAIN) {
        throw corrupt('quicklist integrity check failed');
      }
    }
    const data = readStringBytes(r);
    if (data.length === 0) throw corrupt('empty quicklist node');
    if (container === QUICKLIST_NODE_CONTAINER_PLAIN) {
      l.pushTail(data.latin1Slice(0, data.length));
      continue;
    }
    // Empty nodes are skipped silently (an empty list is refused below).
    for (const e of v2 ? decodeListpack(data) : decodeZiplist(data)) l.pushTail(e);
  }
  if (l.length === 0) throw emptyKey();
  return l;
}

/** rdbLoadObject: a value of RDB type `type` (already read) from `r`. */
export function readObject(r: ByteReader, type: number, opts: ValueLoadOptions): Value {
  const cfg = opts.config;
  if (!isObjectType(type, opts.rdbVersion)) throw corrupt(`unknown RDB object type ${type}`);
  switch (type) {
    case RdbType.String:
      return readString(r);
    case RdbType.List: {
      const len = readLen(r);
      if (len === 0) throw emptyKey();
      const l = new ListValue();
      for (let i = 0; i < len; i++) l.pushTail(readString(r));
      return l;
    }
    case RdbType.Set:
      return readSet(r, cfg);
    case RdbType.ZSet:
      return readZSet(r, false, cfg);
    case RdbType.ZSet2:
      return readZSet(r, true, cfg);
    case RdbType.Hash:
      return readHash(r, cfg);
    case RdbType.ListQuicklist:
      return readQuicklist(r, false);
    case RdbType.ListQuicklist2:
      return readQuicklist(r, true);
    case RdbType.HashZipmap:
      return hashFromPairs(decodeZipmap(readStringBytes(r)), cfg, true);
    case RdbType.ListZiplist:
      return listFromElements(decodeZiplist(readStringBytes(r)));
    case RdbType.SetIntset:
      return setFromIntset(readStringBytes(r), cfg);
    case RdbType.SetListpack:
      return setFromMembers(decodeListpack(readStringBytes(r)), cfg);
    case RdbType.ZSetZiplist:
      return zsetFromFlatPairs(decodeZiplist(readStringBytes(r)), cfg);
    case RdbType.ZSetListpack:
      return zsetFromFlatPairs(decodeListpack(readStringBytes(r)), cfg);
    case RdbType.HashZiplist:
      return hashFromPairs(decodeZiplist(readStringBytes(r)), cfg, false);
    case RdbType.HashListpack:
      return hashFromPairs(decodeListpack(readStringBytes(r)), cfg, false);
    case RdbType.StreamListpacks:
    case RdbType.StreamListpacks2:
    case RdbType.StreamListpacks3:
      throw new RdbError('unsupported', 'stream values are not supported by Ferrous yet');
    default:
      throw new RdbError('unsupported', 'module values are not supported by Ferrous');
  }
}

/** Copy the bytes from `start` to r.pos verbatim (lengths and binary doubles between strings). */
function passRaw(r: ByteReader, start: number, w: ByteWriter | null): void {
  if (w !== null) w.bytes(r.buf.subarray(start, r.pos));
}

/**
 * Step over one object body of RDB type `type` without building the value: how a file is split into
 * entries for the shards at load time, and (with `w`) how a snapshot's uncompressed encoding is copied
 * into the file with its strings LZF-compressed (see passString).
 */
export function passObject(r: ByteReader, type: number, rdbVersion: number, w: ByteWriter | null, compress: boolean): void {
  if (!isObjectType(type, rdbVersion)) throw corrupt(`unknown RDB object type ${type}`);
  let start = r.pos;
  switch (type) {
    case RdbType.String:
    case RdbType.HashZipmap:
    case RdbType.ListZiplist:
    case RdbType.SetIntset:
    case RdbType.SetListpack:
    case RdbType.ZSetZiplist:
    case RdbType.ZSetListpack:
    case RdbType.HashZiplist:
    case RdbType.HashListpack:
      passString(r, w, compress);
      return;
    case RdbType.List:
    case RdbType.Set:
    case RdbType.ListQuicklist:
    case RdbType.Hash: {
      const n = readLen(r) * (type === RdbType.Hash ? 2 : 1);
      passRaw(r, start, w);
      for (let i = 0; i < n; i++) passString(r, w, compress);
      return;
    }
    case RdbType.ZSet:
    case RdbType.ZSet2: {
      const n = readLen(r);
      passRaw(r, start, w);
      for (let i = 0; i < n; i++) {
        passString(r, w, compress);
        start = r.pos;
        if (type === RdbType.ZSet2) r.doubleLE();
        else {
          const len = r.byte();
          if (len < 253) r.slice(len);
        }
        passRaw(r, start, w);
      }
      return;
    }
    case RdbType.ListQuicklist2: {
      const nodes = readLen(r);
      passRaw(r, start, w);
      for (let k = 0; k < nodes; k++) {
        start = r.pos;
        readLen(r);
        passRaw(r, start, w);
        passString(r, w, compress);
      }
      return;
    }
    case RdbType.StreamListpacks:
    case RdbType.StreamListpacks2:
    case RdbType.StreamListpacks3:
      throw new RdbError('unsupported', 'stream values are not supported by Ferrous yet');
    default:
      throw new RdbError('unsupported', 'module values are not supported by Ferrous');
  }
}

/** A value from type byte + body (the inverse of serializeValue); the body must be all of `buf`. */
export function deserializeValue(buf: Buffer, opts: Partial<ValueLoadOptions> & { config: EncodingConfig }): Value {
  const r = new ByteReader(buf);
  const v = readObject(r, r.byte(), { config: opts.config, rdbVersion: opts.rdbVersion ?? RDB_VERSION });
  if (r.pos !== buf.length) throw corrupt('trailing bytes after the value');
  return v;
}

/**
 * MEMORY USAGE and MEMORY HELP (Redis 7.0 object.c, memoryCommand / objectComputeSize).
 *
 * The number is an estimate of the V8 heap a key costs in Ferrous, not Redis's allocator bytes: the key
 * string, its entries in the keyspace maps, and the value's representation (64-bit V8 without pointer
 * compression, as Node 20 ships: tagged slots of 8 bytes, a 16-byte header on strings and arrays).
 * Collections are estimated like Redis does it: the first `samples` elements (SAMPLES, default 5,
 * 0 = all) are measured and the average is extrapolated to the whole collection.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import type { Value } from '../keyspace.js';
import { parseStrictInt64String } from '../../shared/numbers.js';
import { ListValue } from './lists.js';
import { SetValue } from '../ds/set.js';
import { HashValue } from '../ds/hash.js';
import { ZSet } from '../ds/zset.js';
import type { IndexedDict } from '../ds/indexed-dict.js';

/** Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const DEFAULT_SAMPLES = 5;

const SLOT = 8;
/** Header of a FixedArray / FixedDoubleArray (map + length). */
const ARRAY_HEADER = 16;
/** A plain object: map, properties and elements pointers, then its in-object fields. */
const OBJECT_HEADER = 24;
/** One entry of a V8 Map (OrderedHashMap: key, value, chain slots plus its share of the buckets). */
const MAP_ENTRY = 32;
/** A Map object with its backing table's fixed part. */
const MAP_HEADER = 64;
/** A boxed double (HeapNumber), as a Map value holding a non-small-integer score. */
const HEAP_NUMBER = 16;
/** A BigInt64Array (object + ArrayBuffer) without its backing store. */
const TYPED_ARRAY_HEADER = 152;

/** A sequential one-byte V8 string: 16-byte header, characters padded to 8 bytes. */
export function stringBytes(s: string): number {
  return 16 + ((s.length + 7) & ~7);
}

function objectBytes(fields: number): number {
  return OBJECT_HEADER + fields * SLOT;
}

function arrayBytes(slots: number): number {
  return ARRAY_HEADER + slots * SLOT;
}

/** Sum of `bytesAt(i)` over the first min(n, samples) elements, extrapolated to n. */
function sampled(n: number, samples: number, bytesAt: (i: number) => number): number {
  const m = Math.min(n, samples);
  if (m === 0) return 0;
  let sum = 0;
  for (let i = 0; i < m; i++) sum += bytesAt(i);
  return m === n ? sum : Math.round((sum / m) * n);
}

function dictBytes(d: IndexedDict, samples: number): number {
  const n = d.size;
  let bytes = objectBytes(3) + MAP_HEADER + n * MAP_ENTRY + arrayBytes(n);
  const vals = d.vals;
  if (vals !== null) bytes += arrayBytes(n);
  bytes += sampled(n, samples, (i) => stringBytes(d.keys[i]) + (vals !== null ? stringBytes(vals[i]) : 0));
  return bytes;
}

/** Estimated bytes of a value (without its key). */
export function valueBytes(v: Value, samples: number): number {
  if (typeof v === 'string') return stringBytes(v);
  if (v.memoryUsage !== undefined) return v.memoryUsage(samples);
  if (v instanceof ListValue) {
    return objectBytes(5) + arrayBytes(v.capacity) + sampled(v.length, samples, (i) => stringBytes(v.at(i)));
  }
  if (v instanceof SetValue) {
    if (v.ints !== null) return objectBytes(3) + objectBytes(2) + TYPED_ARRAY_HEADER + v.ints.size * 8;
    return objectBytes(3) + dictBytes(v.ht!, samples);
  }
  if (v instanceof HashValue) {
    const lp = v.lp;
    if (lp !== null) {
      const n = lp.length >> 1;
      return objectBytes(3) + arrayBytes(lp.length) + sampled(n, samples, (i) => stringBytes(lp[2 * i]) + stringBytes(lp[2 * i + 1]));
    }
    return objectBytes(3) + dictBytes(v.ht!, samples);
  }
  if (v instanceof ZSet) {
    const n = v.size();
    const ms = v.lpMembers;
    if (ms !== null) return objectBytes(5) + arrayBytes(n) * 2 + sampled(n, samples, (i) => stringBytes(ms[i]));
    // Skiplist form: member→score Map (scores boxed) plus one node per member with its level arrays.
    const zsl = v.zsl!;
    let node = zsl.header.forward[0];
    const perNode = sampled(n, samples, () => {
      if (node === null) return 0;
      const levels = node.forward.length;
      const b = stringBytes(node.member) + MAP_ENTRY + HEAP_NUMBER + objectBytes(5) + 2 * arrayBytes(levels);
      node = node.forward[0];
      return b;
    });
    return objectBytes(5) + MAP_HEADER + objectBytes(4) + objectBytes(5) + 2 * arrayBytes(zsl.header.forward.length) + perNode;
  }
  return objectBytes(4) + v.size() * 48;
}

register('memory|usage', (ctx: ExecContext) => {
  const a = ctx.args;
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < a.count; j++) {
    if (a.is(j, 'samples') && j + 1 < a.count) {
      const n = parseStrictInt64String(a.str(j + 1));
      if (n === null) {
        ctx.reply.error(Err.notInteger);
        return;
      }
      if (n < 0n) {
        ctx.reply.error(Err.syntax);
        return;
      }
      samples = n === 0n ? Number.MAX_SAFE_INTEGER : Number(n);
      j++;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }
  const key = a.str(2);
  const db = ctx.db;
  // Like Redis's dictFind: no expiry check, a logically expired key still reports its size.
  const v = db.main.get(key);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  let bytes = valueBytes(v, samples) + stringBytes(key) + MAP_ENTRY;
  if (db.getExpire(key) !== undefined) bytes += MAP_ENTRY + HEAP_NUMBER;
  ctx.reply.int(bytes);
});

register('memory|help', (ctx) => {
  const lines = [
    'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DOCTOR',
    '    Return memory problems reports.',
    'MALLOC-STATS',
    '    Return internal statistics report from the memory allocator.',
    'PURGE',
    '    Attempt to purge dirty pages for reclamation by the allocator.',
    'STATS',
    '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return memory in bytes used by <key> and its value. Nested values are',
    '    sampled up to <count> times (default: 5, 0 means sample all).',
    'HELP',
    '    Prints this help.',
  ];
  ctx.reply.array(lines.length);
  for (const l of lines) ctx.reply.simple(l);
});

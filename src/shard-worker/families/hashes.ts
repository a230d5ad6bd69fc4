/**
 * Hash commands (Redis 7.0 t_hash.c). Values are HashValue (src/shard-worker/ds/hash.ts): listpack
 * while small, hashtable once big, converted one way with Redis's thresholds and at Redis's moments,
 * so OBJECT ENCODING and the field order of small hashes match Redis's.
 */
import { beginScan, removeMembers, replyScanPage, scanHashtablePage } from './collection-ops.js';
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_HASH } from '../../shared/config.js';
import { registerCodec } from '../value-codec.js';
import { HashValue } from '../ds/hash.js';
import { hincrByFloat } from '../../shared/numbers.js';
import { parseBigInt64, randomCountArg } from './int-args.js';
import { globMatchString } from '../../shared/glob.js';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ERR_HASH_NOT_INT = 'ERR hash value is not an integer';
const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
const ERR_NAN_INF_ARG = 'ERR value is NaN or Infinity';
const ERR_NAN_INF = 'ERR increment would produce NaN or Infinity';
const ERR_RANGE = 'ERR value is out of range';
export const HASH_TYPE_ID = 1;

registerCodec({
  type: HASH_TYPE_ID,
  matches: (v) => v instanceof HashValue,
  encode: (v) => (v as HashValue).encode(),
  decode: (b) => HashValue.decode(b),
});

/** The hash at `key`, undefined when missing, null after replying WRONGTYPE. */
function lookupHash(ctx: ExecContext, key: string): HashValue | undefined | null {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) return undefined;
  if (!(v instanceof HashValue)) {
    ctx.reply.error(Err.wrongType);
    return null;
  }
  return v;
}

/** Redis's hashTypeLookupWriteOrCreate: the hash (created, not yet stored, when missing) or null after WRONGTYPE. */
function hashForWrite(ctx: ExecContext, key: string): HashValue | null {
  const v = lookupHash(ctx, key);
  if (v === null) return null;
  if (v !== undefined) return v;
  const h = new HashValue();
  ctx.db.set(key, h);
  return h;
}

/** Redis's hashTypeTryConversion over arguments [first, last]: long strings force a hashtable. */
function tryConversion(ctx: ExecContext, h: HashValue, first: number, last: number): void {
  if (h.lp === null) return;
  const max = ctx.shard.config.hashMaxListpackValue;
  for (let i = first; i <= last; i++) {
    if (ctx.args.len(i) > max) {
      h.convert();
      return;
    }
  }
}

function hset(ctx: ExecContext, isHmset: boolean): void {
  const a = ctx.args;
  if (a.count % 2 === 1) {
    ctx.reply.error(Err.wrongArity(ctx.spec.name));
    return;
  }
  const key = a.str(1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  tryConversion(ctx, h, 2, a.count - 1);
  const cfg = ctx.shard.config;
  let created = 0;
  for (let i = 2; i < a.count; i += 2) {
    if (h.set(a.str(i), a.str(i + 1), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue)) created++;
  }
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_HASH, 'hset', ctx.dbIndex, key);
  if (isHmset) ctx.reply.ok();
  else ctx.reply.int(created);
}

register('hset', (ctx) => hset(ctx, false));
register('hmset', (ctx) => hset(ctx, true));

register('hsetnx', (ctx) => {
  const key = ctx.args.str(1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const field = ctx.args.str(2);
  if (h.has(field)) {
    ctx.reply.int(0);
    return;
  }
  tryConversion(ctx, h, 2, 3);
  const cfg = ctx.shard.config;
  h.set(field, ctx.args.str(3), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_HASH, 'hset', ctx.dbIndex, key);
  ctx.reply.int(1);
});

register('hget', (ctx) => {
  const h = lookupHash(ctx, ctx.args.str(1));
  if (h === null) return;
  const v = h?.get(ctx.args.str(2));
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
});

register('hmget', (ctx) => {
  const a = ctx.args;
  const h = lookupHash(ctx, a.str(1));
  if (h === null) return;
  const w = ctx.reply;
  w.array(a.count - 2);
  for (let i = 2; i < a.count; i++) {
    const v = h?.get(a.str(i));
    if (v === undefined) w.nullBulk();
    else w.bulk(v);
  }
});

register('hdel', (ctx) => {
  const key = ctx.args.str(1);
  const h = lookupHash(ctx, key);
  if (h === null) return;
  if (h === undefined) ctx.reply.int(0);
  else removeMembers(ctx, key, h, 2, NOTIFY_HASH, 'hdel');
});

register('hlen', (ctx) => {
  const h = lookupHash(ctx, ctx.args.str(1));
  if (h === null) return;
  ctx.reply.int(h === undefined ? 0 : h.size());
});

register('hstrlen', (ctx) => {
  const h = lookupHash(ctx, ctx.args.str(1));
  if (h === null) return;
  ctx.reply.int(h?.get(ctx.args.str(2))?.length ?? 0);
});

register('hexists', (ctx) => {
  const h = lookupHash(ctx, ctx.args.str(1));
  if (h === null) return;
  ctx.reply.int(h !== undefined && h.has(ctx.args.str(2)) ? 1 : 0);
});

const F_KEYS = 1;
const F_VALS = 2;

/** Redis's genericHgetallCommand. */
function getAll(ctx: ExecContext, flags: number): void {
  const h = lookupHash(ctx, ctx.args.str(1));
  if (h === null) return;
  const w = ctx.reply;
  const n = h === undefined ? 0 : h.size();
  if (flags === (F_KEYS | F_VALS)) w.map(n);
  else w.array(n);
  for (let i = 0; i < n; i++) {
    if (flags & F_KEYS) w.bulk(h!.fieldAt(i));
    if (flags & F_VALS) w.bulk(h!.valueAt(i));
  }
}

register('hkeys', (ctx) => getAll(ctx, F_KEYS));
register('hvals', (ctx) => getAll(ctx, F_VALS));
register('hgetall', (ctx) => getAll(ctx, F_KEYS | F_VALS));

register('hincrby', (ctx) => {
  const a = ctx.args;
  const incr = parseBigInt64(a.str(3));
  if (incr === null) {
    ctx.reply.error(Err.notInteger);
    return;
  }
  const key = a.str(1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const field = a.str(2);
  const cur = h.get(field);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseBigInt64(cur);
    if (v === null) {
      if (h.size() === 0) ctx.db.delete(key);
      ctx.reply.error(ERR_HASH_NOT_INT);
      return;
    }
    value = v;
  }
  const sum = value + incr;
  if (sum > LLONG_MAX || sum < LLONG_MIN) {
    if (h.size() === 0) ctx.db.delete(key);
    ctx.reply.error(Err.overflow);
    return;
  }
  const cfg = ctx.shard.config;
  h.set(field, sum.toString(), cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_HASH, 'hincrby', ctx.dbIndex, key);
  if (Number.isSafeInteger(Number(sum))) ctx.reply.int(Number(sum));
  else ctx.reply.bigint(sum);
});

register('hincrbyfloat', (ctx) => {
  const a = ctx.args;
  const incr = a.str(3);
  // The increment is validated before the key is looked up.
  const pre = hincrByFloat(null, incr);
  if (!pre.ok && (pre.error === 'not-float' || pre.error === 'incr-nan-or-inf')) {
    ctx.reply.error(pre.error === 'not-float' ? Err.notFloat : ERR_NAN_INF_ARG);
    return;
  }
  const key = a.str(1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const field = a.str(2);
  const r = hincrByFloat(h.get(field) ?? null, incr);
  if (!r.ok) {
    if (h.size() === 0) ctx.db.delete(key);
    ctx.reply.error(r.error === 'hash-not-float' ? ERR_HASH_NOT_FLOAT : r.error === 'nan-or-inf' ? ERR_NAN_INF : Err.notFloat);
    return;
  }
  const cfg = ctx.shard.config;
  h.set(field, r.value, cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_HASH, 'hincrbyfloat', ctx.dbIndex, key);
  ctx.reply.bulk(r.value);
});

// ---------------------------------------------------------------------------------------------- HRANDFIELD

/** Distinct random indices in [0, n), `count` of them (count < n), in ascending order. */
export function randomDistinct(n: number, count: number): number[] {
  const picked = new Set<number>();
  if (count * 3 > n) {
    // Dense: shuffle a prefix of all indices.
    const all = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (n - i));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all.slice(0, count).sort((x, y) => x - y);
  }
  while (picked.size < count) picked.add(Math.floor(Math.random() * n));
  return [...picked].sort((x, y) => x - y);
}

register('hrandfield', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  if (a.count === 2) {
    const h = lookupHash(ctx, a.str(1));
    if (h === null) return;
    if (h === undefined) w.nullBulk();
    else w.bulk(h.fieldAt(Math.floor(Math.random() * h.size())));
    return;
  }
  const l = randomCountArg(ctx, 2);
  if (l === null) return;
  let withValues = false;
  if (a.count === 4 && a.is(3, 'withvalues')) withValues = true;
  else if (a.count >= 4) {
    w.error(Err.syntax);
    return;
  }
  const uniq = l >= 0n;
  const count = uniq ? l : -l;
  if (withValues && count > LLONG_MAX / 2n) {
    w.error(ERR_RANGE);
    return;
  }
  const h = lookupHash(ctx, a.str(1));
  if (h === null) return;
  if (h === undefined || count === 0n) {
    w.array(0);
    return;
  }
  const size = h.size();
  const pair = (i: number): void => {
    if (withValues && w.resp3) w.array(2);
    w.bulk(h.fieldAt(i));
    if (withValues) w.bulk(h.valueAt(i));
  };
  const replyLen = (n: number): void => w.array(withValues && !w.resp3 ? n * 2 : n);
  if (!uniq) {
    const n = Number(count);
    replyLen(n);
    for (let k = 0; k < n; k++) pair(Math.floor(Math.random() * size));
    return;
  }
  if (count >= BigInt(size)) {
    replyLen(size);
    for (let i = 0; i < size; i++) pair(i);
    return;
  }
  const idx = randomDistinct(size, Number(count));
  replyLen(idx.length);
  for (const i of idx) pair(i);
});

// ---------------------------------------------------------------------------------------------- HSCAN

/** A field's value for HSCAN on the hashtable encoding. */
function hashtableValue(h: HashValue, field: string): string {
  return h.ht!.get(field)!;
}

register('hscan', (ctx) => {
  const scan = beginScan(ctx, HashValue);
  if (scan === null) return;
  const h = scan.coll;
  const pat = scan.pattern;
  const out: string[] = [];
  let next = 0;
  if (h.lp !== null) {
    const lp = h.lp;
    for (let i = 0; i < lp.length; i += 2) {
      if (pat !== null && !globMatchString(pat, lp[i], false)) continue;
      out.push(lp[i], lp[i + 1]);
    }
  } else next = scanHashtablePage(scan, h.ht!.index, out, hashtableValue);
  replyScanPage(ctx, next, out);
});

/**
 * Set commands (Redis 7.0 t_set.c). Values are SetValue (src/shard-worker/ds/set.ts): intset while
 * every member is an integer and there are at most set-max-intset-entries of them, hashtable
 * otherwise (one-way), so OBJECT ENCODING and the sorted order of intsets match Redis's.
 */
import { beginScan, removeMembers, replyScanPage, scanHashtablePage } from './collection-ops.js';
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_SET } from '../../shared/config.js';
import { registerCodec } from '../value-codec.js';
import { SetValue } from '../ds/set.js';
import { parseBigInt64, randomCountArg } from './int-args.js';
import { globMatchString } from '../../shared/glob.js';
import { randomDistinct } from './hashes.js';

const ERR_POSITIVE = 'ERR value is out of range, must be positive';
export const SET_TYPE_ID = 2;

registerCodec({
  type: SET_TYPE_ID,
  matches: (v) => v instanceof SetValue,
  encode: (v) => (v as SetValue).encode(),
  decode: (b) => SetValue.decode(b),
});

/** The set at `key`, undefined when missing, null after replying WRONGTYPE. */
function lookupSet(ctx: ExecContext, key: string): SetValue | undefined | null {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) return undefined;
  if (!(v instanceof SetValue)) {
    ctx.reply.error(Err.wrongType);
    return null;
  }
  return v;
}

function maxIntset(ctx: ExecContext): number {
  return ctx.shard.config.setMaxIntsetEntries;
}

register('sadd', (ctx) => {
  const a = ctx.args;
  const key = a.str(1);
  let s = lookupSet(ctx, key);
  if (s === null) return;
  if (s === undefined) {
    s = new SetValue();
    ctx.db.set(key, s);
  }
  const max = maxIntset(ctx);
  let added = 0;
  for (let i = 2; i < a.count; i++) if (s.add(a.str(i), max)) added++;
  if (added > 0) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_SET, 'sadd', ctx.dbIndex, key);
  }
  ctx.reply.int(added);
});

register('srem', (ctx) => {
  const key = ctx.args.str(1);
  const s = lookupSet(ctx, key);
  if (s === null) return;
  if (s === undefined) ctx.reply.int(0);
  else removeMembers(ctx, key, s, 2, NOTIFY_SET, 'srem');
});

/** Reply a whole set as a RESP3 set (array in RESP2), in its iteration order. */
function replySet(ctx: ExecContext, s: SetValue | undefined): void {
  const w = ctx.reply;
  const n = s === undefined ? 0 : s.size();
  w.set(n);
  for (let i = 0; i < n; i++) w.bulk(s!.at(i));
}

register('smembers', (ctx) => {
  const s = lookupSet(ctx, ctx.args.str(1));
  if (s !== null) replySet(ctx, s);
});

register('sismember', (ctx) => {
  const s = lookupSet(ctx, ctx.args.str(1));
  if (s === null) return;
  ctx.reply.int(s !== undefined && s.has(ctx.args.str(2)) ? 1 : 0);
});

register('smismember', (ctx) => {
  const a = ctx.args;
  const s = lookupSet(ctx, a.str(1));
  if (s === null) return;
  ctx.reply.array(a.count - 2);
  for (let i = 2; i < a.count; i++) ctx.reply.int(s !== undefined && s.has(a.str(i)) ? 1 : 0);
});

register('scard', (ctx) => {
  const s = lookupSet(ctx, ctx.args.str(1));
  if (s === null) return;
  ctx.reply.int(s === undefined ? 0 : s.size());
});

// ---------------------------------------------------------------------------------------------- SPOP / SRANDMEMBER

register('spop', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  if (a.count > 3) {
    w.error(Err.syntax);
    return;
  }
  const key = a.str(1);
  if (a.count === 2) {
    const s = lookupSet(ctx, key);
    if (s === null) return;
    if (s === undefined) {
      w.nullBulk();
      return;
    }
    const m = s.removeAt(Math.floor(Math.random() * s.size()));
    const empty = s.size() === 0;
    if (empty) ctx.db.delete(key);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_SET, 'spop', ctx.dbIndex, key);
    if (empty) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
    w.bulk(m);
    return;
  }
  const l = parseBigInt64(a.str(2));
  if (l === null || l < 0n) {
    w.error(ERR_POSITIVE);
    return;
  }
  const s = lookupSet(ctx, key);
  if (s === null) return;
  if (s === undefined || l === 0n) {
    w.set(0);
    return;
  }
  const size = s.size();
  if (l >= BigInt(size)) {
    replySet(ctx, s);
    ctx.db.delete(key);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_SET, 'spop', ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
    return;
  }
  const count = Number(l);
  // Remove from the highest index down so earlier indices stay valid (swap-removal moves the last).
  const idx = randomDistinct(size, count);
  const out: string[] = [];
  for (let k = idx.length - 1; k >= 0; k--) out.push(s.removeAt(idx[k]));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_SET, 'spop', ctx.dbIndex, key);
  w.set(out.length);
  for (let k = out.length - 1; k >= 0; k--) w.bulk(out[k]);
});

register('srandmember', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  if (a.count > 3) {
    w.error(Err.syntax);
    return;
  }
  if (a.count === 2) {
    const s = lookupSet(ctx, a.str(1));
    if (s === null) return;
    if (s === undefined) w.nullBulk();
    else w.bulk(s.at(Math.floor(Math.random() * s.size())));
    return;
  }
  const l = randomCountArg(ctx, 2);
  if (l === null) return;
  const s = lookupSet(ctx, a.str(1));
  if (s === null) return;
  if (s === undefined || l === 0n) {
    w.array(0);
    return;
  }
  const size = s.size();
  if (l < 0n) {
    const n = Number(-l);
    w.array(n);
    for (let k = 0; k < n; k++) w.bulk(s.at(Math.floor(Math.random() * size)));
    return;
  }
  if (l >= BigInt(size)) {
    w.array(size);
    for (let i = 0; i < size; i++) w.bulk(s.at(i));
    return;
  }
  const idx = randomDistinct(size, Number(l));
  w.array(idx.length);
  for (const i of idx) w.bulk(s.at(i));
});

// ---------------------------------------------------------------------------------------------- SMOVE

register('smove', (ctx) => {
  const a = ctx.args;
  const srcKey = a.str(1);
  const dstKey = a.str(2);
  const member = a.str(3);
  const db = ctx.db;
  const srcV = db.get(srcKey, ctx.now);
  const dstV = db.get(dstKey, ctx.now);
  if (srcV === undefined) {
    ctx.reply.int(0);
    return;
  }
  if (!(srcV instanceof SetValue) || (dstV !== undefined && !(dstV instanceof SetValue))) {
    ctx.reply.error(Err.wrongType);
    return;
  }
  if (srcV === dstV) {
    ctx.reply.int(srcV.has(member) ? 1 : 0);
    return;
  }
  if (!srcV.delete(member)) {
    ctx.reply.int(0);
    return;
  }
  ctx.shard.notify(NOTIFY_SET, 'srem', ctx.dbIndex, srcKey);
  if (srcV.size() === 0) {
    db.delete(srcKey);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, srcKey);
  }
  ctx.shard.keyModified(ctx.dbIndex, srcKey);
  let dst = dstV;
  if (dst === undefined) {
    dst = new SetValue();
    db.set(dstKey, dst);
  }
  const added = dst.add(member, maxIntset(ctx));
  ctx.shard.keyModified(ctx.dbIndex, dstKey);
  if (added) ctx.shard.notify(NOTIFY_SET, 'sadd', ctx.dbIndex, dstKey);
  ctx.reply.int(1);
});

// ---------------------------------------------------------------------------------------------- algebra

/**
 * Look up every key in [first, end); null after replying WRONGTYPE (which wins over missing keys,
 * as in Redis: every key is type-checked before anything is computed).
 */
function lookupSets(ctx: ExecContext, first: number, end: number): (SetValue | undefined)[] | null {
  const out: (SetValue | undefined)[] = [];
  for (let i = first; i < end; i++) {
    const s = lookupSet(ctx, ctx.args.str(i));
    if (s === null) return null;
    out.push(s);
  }
  return out;
}

/** Store `result` at `dstKey` (deleting it when empty) and reply its size, as the *STORE commands do. */
function store(ctx: ExecContext, dstKey: string, result: SetValue | null, event: string): void {
  const db = ctx.db;
  if (result !== null && result.size() > 0) {
    db.set(dstKey, result);
    ctx.shard.keyModified(ctx.dbIndex, dstKey);
    ctx.shard.notify(NOTIFY_SET, event, ctx.dbIndex, dstKey);
    ctx.reply.int(result.size());
    return;
  }
  if (db.get(dstKey, ctx.now) !== undefined) {
    db.delete(dstKey);
    ctx.shard.keyModified(ctx.dbIndex, dstKey);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, dstKey);
  }
  ctx.reply.int(0);
}

/** Members of the intersection, iterating the smallest set (its order is the reply's order). */
function intersect(sets: SetValue[], limit: number): string[] {
  const sorted = sets.slice().sort((x, y) => x.size() - y.size());
  const first = sorted[0];
  const out: string[] = [];
  const n = first.size();
  outer: for (let i = 0; i < n; i++) {
    const m = first.at(i);
    for (let j = 1; j < sorted.length; j++) {
      if (sorted[j] !== first && !sorted[j].has(m)) continue outer;
    }
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

function sinterGeneric(ctx: ExecContext, first: number, end: number, dstKey: string | null): void {
  const sets = lookupSets(ctx, first, end);
  if (sets === null) return;
  if (sets.includes(undefined)) {
    if (dstKey !== null) store(ctx, dstKey, null, 'sinterstore');
    else ctx.reply.set(0);
    return;
  }
  const members = intersect(sets as SetValue[], 0);
  if (dstKey === null) {
    ctx.reply.set(members.length);
    for (const m of members) ctx.reply.bulk(m);
    return;
  }
  const dst = new SetValue();
  const max = maxIntset(ctx);
  for (const m of members) dst.add(m, max);
  store(ctx, dstKey, dst, 'sinterstore');
}

register('sinter', (ctx) => sinterGeneric(ctx, 1, ctx.args.count, null));
register('sinterstore', (ctx) => sinterGeneric(ctx, 2, ctx.args.count, ctx.args.str(1)));

const OP_UNION = 0;
const OP_DIFF = 1;

function sunionDiffGeneric(ctx: ExecContext, first: number, end: number, dstKey: string | null, op: number): void {
  const sets = lookupSets(ctx, first, end);
  if (sets === null) return;
  const dst = new SetValue();
  const max = maxIntset(ctx);
  if (op === OP_UNION) {
    for (const s of sets) {
      if (s === undefined) continue;
      for (let i = 0; i < s.size(); i++) dst.add(s.at(i), max);
    }
  } else {
    const base = sets[0];
    if (base !== undefined) {
      const n = base.size();
      outer: for (let i = 0; i < n; i++) {
        const m = base.at(i);
        for (let j = 1; j < sets.length; j++) {
          const o = sets[j];
          if (o === base) continue outer;
          if (o !== undefined && o.has(m)) continue outer;
        }
        dst.add(m, max);
      }
    }
  }
  if (dstKey === null) replySet(ctx, dst);
  else store(ctx, dstKey, dst, op === OP_UNION ? 'sunionstore' : 'sdiffstore');
}

register('sunion', (ctx) => sunionDiffGeneric(ctx, 1, ctx.args.count, null, OP_UNION));
register('sunionstore', (ctx) => sunionDiffGeneric(ctx, 2, ctx.args.count, ctx.args.str(1), OP_UNION));
register('sdiff', (ctx) => sunionDiffGeneric(ctx, 1, ctx.args.count, null, OP_DIFF));
register('sdiffstore', (ctx) => sunionDiffGeneric(ctx, 2, ctx.args.count, ctx.args.str(1), OP_DIFF));

register('sintercard', (ctx) => {
  const a = ctx.args;
  const nk = parseBigInt64(a.str(1));
  if (nk === null || nk < 1n) {
    ctx.reply.error('ERR numkeys should be greater than 0');
    return;
  }
  if (nk > BigInt(a.count - 2)) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  const numkeys = Number(nk);
  let limit = 0;
  for (let i = 2 + numkeys; i < a.count; i++) {
    const more = a.count - i;
    if (a.is(i, 'limit') && more >= 2) {
      const l = parseBigInt64(a.str(i + 1));
      if (l === null || l < 0n) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return;
      }
      limit = l > 2147483647n ? 2147483647 : Number(l);
      i++;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }
  const sets = lookupSets(ctx, 2, 2 + numkeys);
  if (sets === null) return;
  if (sets.includes(undefined)) {
    ctx.reply.int(0);
    return;
  }
  ctx.reply.int(intersect(sets as SetValue[], limit).length);
});

// ---------------------------------------------------------------------------------------------- SSCAN

register('sscan', (ctx) => {
  const scan = beginScan(ctx, SetValue);
  if (scan === null) return;
  const s = scan.coll;
  const pat = scan.pattern;
  const out: string[] = [];
  let next = 0;
  if (s.ints !== null) {
    for (let i = 0; i < s.size(); i++) {
      const m = s.at(i);
      if (pat === null || globMatchString(pat, m, false)) out.push(m);
    }
  } else next = scanHashtablePage(scan, s.ht!.index, out, null);
  replyScanPage(ctx, next, out);
});

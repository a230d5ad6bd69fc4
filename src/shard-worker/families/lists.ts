/**
 * List commands (Redis 7.0 t_list.c), without the blocking ones (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
 * BLMPOP), which need cross-shard wake-ups and are left to a later design.
 *
 * A list is a ListValue: a circular-array deque of latin1 strings (src/shard-worker/ds/string-deque.ts).
 * Redis 7.0 keeps every list in a quicklist, so OBJECT ENCODING always says "quicklist" (the
 * listpack encoding for small lists came with 7.2). Elements are stored byte for byte: Redis's integer
 * encoding of listpack entries round-trips exactly, so comparisons and replies match.
 *
 * Replies and errors are Redis 7.0.15's byte for byte, with its argument / key / type check order.
 * LPUSH, RPUSH, LPOP, RPOP and LRANGE are benchmarked: they make one lookup and write replies straight
 * from the deque.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../../shared/config.js';
import type { Collection, Value } from '../keyspace.js';
import { StringDeque } from '../ds/string-deque.js';
import { registerCodec } from '../value-codec.js';
import { BEYOND_SAFE, longArg, longArgAtLeast } from './int-args.js';
import type { MpopArgs } from './collection-ops.js';

const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_OUT_OF_RANGE = 'ERR index out of range';
const ERR_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const ERR_COUNT_NEGATIVE = "ERR COUNT can't be negative";
const ERR_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_COUNT_POSITIVE = 'ERR count should be greater than 0';

/** The list value. */
export class ListValue extends StringDeque implements Collection {
  readonly typeName = 'list';

  encoding(): string {
    return 'quicklist';
  }

  size(): number {
    return this.len;
  }

  clone(): ListValue {
    const c = new ListValue();
    c.copyFrom(this);
    return c;
  }
}

// ---------------------------------------------------------------------------------------------- cross-shard codec

/** u32 count, then per element u32 length + bytes. */
registerCodec({
  type: 3,
  matches: (v) => v instanceof ListValue,
  encode(v) {
    const l = v as ListValue;
    const n = l.length;
    let total = 4 + 4 * n;
    for (let i = 0; i < n; i++) total += l.at(i).length;
    const buf = Buffer.allocUnsafe(total);
    buf.writeUInt32LE(n, 0);
    let p = 4;
    for (let i = 0; i < n; i++) {
      const s = l.at(i);
      buf.writeUInt32LE(s.length, p);
      p += 4;
      p += buf.latin1Write(s, p);
    }
    return buf;
  },
  decode(bytes) {
    const n = bytes.readUInt32LE(0);
    const l = new ListValue(n);
    let p = 4;
    for (let i = 0; i < n; i++) {
      const len = bytes.readUInt32LE(p);
      p += 4;
      l.pushTail(bytes.latin1Slice(p, p + len));
      p += len;
    }
    return l;
  },
});

// ---------------------------------------------------------------------------------------------- helpers

/** A list at `key`, undefined when missing, or null after replying WRONGTYPE. */
function listAt(ctx: ExecContext, key: string): ListValue | undefined | null {
  const v: Value | undefined = ctx.db.get(key, ctx.now);
  if (v === undefined || v instanceof ListValue) return v;
  ctx.reply.error(Err.wrongType);
  return null;
}

/** LEFT / RIGHT (getListPositionFromObjectOrReply): true for LEFT, false for RIGHT, null after a syntax error. */
export function whereArg(ctx: ExecContext, i: number): boolean | null {
  if (ctx.args.is(i, 'left')) return true;
  if (ctx.args.is(i, 'right')) return false;
  ctx.reply.error(Err.syntax);
  return null;
}

/** After elements were removed: delete the key when the list is empty; record the change (also BLPOP/BRPOP's). */
export function afterRemove(ctx: ExecContext, key: string, l: ListValue, event: string): void {
  const empty = l.length === 0;
  if (empty) ctx.db.delete(key);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_LIST, event, ctx.dbIndex, key);
  if (empty) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
}

/**
 * Pop up to `count` elements from one end and reply them as an array, in pop order (RPOP's come
 * tail first), as addListRangeReply + listTypeDelRange do.
 */
function popRangeReply(ctx: ExecContext, l: ListValue, head: boolean, count: number): void {
  const n = count > l.length ? l.length : count;
  const w = ctx.reply;
  w.array(n);
  if (head) for (let i = 0; i < n; i++) w.bulk(l.popHead());
  else for (let i = 0; i < n; i++) w.bulk(l.popTail());
}

// ---------------------------------------------------------------------------------------------- push

function push(ctx: ExecContext, head: boolean): void {
  const key = ctx.args.str(1);
  const v = ctx.db.get(key, ctx.now);
  let l: ListValue;
  if (v === undefined) {
    l = new ListValue();
    ctx.db.set(key, l);
  } else if (v instanceof ListValue) l = v;
  else {
    ctx.reply.error(Err.wrongType);
    return;
  }
  pushElements(ctx, key, l, head);
}

/** Push arguments 2… onto `l`, signal and notify, reply the new length (LPUSH/RPUSH and the X forms). */
function pushElements(ctx: ExecContext, key: string, l: ListValue, head: boolean): void {
  const a = ctx.args;
  const argc = a.count;
  if (head) for (let j = 2; j < argc; j++) l.pushHead(a.str(j));
  else for (let j = 2; j < argc; j++) l.pushTail(a.str(j));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_LIST, head ? 'lpush' : 'rpush', ctx.dbIndex, key);
  ctx.reply.int(l.length);
}

register('lpush', (ctx) => push(ctx, true));
register('rpush', (ctx) => push(ctx, false));

function pushx(ctx: ExecContext, head: boolean): void {
  const key = ctx.args.str(1);
  const l = listAt(ctx, key);
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.int(0);
    return;
  }
  pushElements(ctx, key, l, head);
}

register('lpushx', (ctx) => pushx(ctx, true));
register('rpushx', (ctx) => pushx(ctx, false));

// ---------------------------------------------------------------------------------------------- pop

function pop(ctx: ExecContext, head: boolean): void {
  const a = ctx.args;
  const w = ctx.reply;
  if (a.count > 3) {
    w.error(Err.wrongArity(ctx.spec.name));
    return;
  }
  const hasCount = a.count === 3;
  let count = 0;
  if (hasCount) {
    const c = longArgAtLeast(ctx, 2, 0, ERR_POSITIVE);
    if (c === null) return;
    count = c;
  }
  const key = a.str(1);
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) {
    if (hasCount) w.nullArray();
    else w.nullBulk();
    return;
  }
  if (!(v instanceof ListValue)) {
    w.error(Err.wrongType);
    return;
  }
  if (!hasCount) {
    w.bulk(head ? v.popHead() : v.popTail());
  } else if (count === 0) {
    w.array(0);
    return;
  } else {
    popRangeReply(ctx, v, head, count);
  }
  afterRemove(ctx, key, v, head ? 'lpop' : 'rpop');
}

register('lpop', (ctx) => pop(ctx, true));
register('rpop', (ctx) => pop(ctx, false));

// ---------------------------------------------------------------------------------------------- reads

register('llen', (ctx) => {
  const l = listAt(ctx, ctx.args.str(1));
  if (l === null) return;
  ctx.reply.int(l === undefined ? 0 : l.length);
});

register('lrange', (ctx) => {
  let start = longArg(ctx, 2);
  if (start === null) return;
  let end = longArg(ctx, 3);
  if (end === null) return;
  const l = listAt(ctx, ctx.args.str(1));
  if (l === null) return;
  const w = ctx.reply;
  if (l === undefined) {
    w.array(0);
    return;
  }
  const llen = l.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) {
    w.array(0);
    return;
  }
  if (end >= llen) end = llen - 1;
  w.array(end - start + 1);
  for (let i = start; i <= end; i++) w.bulk(l.at(i));
});

register('lindex', (ctx) => {
  const l = listAt(ctx, ctx.args.str(1));
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  let index = longArg(ctx, 2);
  if (index === null) return;
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) ctx.reply.nullBulk();
  else ctx.reply.bulk(l.at(index));
});

register('lpos', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  let rank = 1;
  let rankIsMin = false;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < a.count; j++) {
    const moreArgs = a.count - 1 - j;
    if (a.is(j, 'rank') && moreArgs > 0) {
      j++;
      const r = longArg(ctx, j);
      if (r === null) return;
      if (r === 0) {
        w.error(ERR_RANK_ZERO);
        return;
      }
      rank = r;
      rankIsMin = a.str(j) === '-9223372036854775808';
    } else if (a.is(j, 'count') && moreArgs > 0) {
      j++;
      const c = longArgAtLeast(ctx, j, 0, ERR_COUNT_NEGATIVE);
      if (c === null) return;
      count = c;
    } else if (a.is(j, 'maxlen') && moreArgs > 0) {
      j++;
      const m = longArgAtLeast(ctx, j, 0, ERR_MAXLEN_NEGATIVE);
      if (m === null) return;
      maxlen = m;
    } else {
      w.error(Err.syntax);
      return;
    }
  }
  let fromTail = false;
  if (rank < 0) {
    fromTail = true;
    // Redis negates a C long: LONG_MIN stays negative, so then every match qualifies.
    rank = rankIsMin ? -BEYOND_SAFE : -rank;
  }
  const l = listAt(ctx, a.str(1));
  if (l === null) return;
  if (l === undefined) {
    if (count !== -1) w.array(0);
    else w.nullBulk();
    return;
  }
  const ele = a.str(2);
  const llen = l.length;
  if (count === -1) {
    let matches = 0;
    for (let index = 0; index < llen && (maxlen === 0 || index < maxlen); index++) {
      const i = fromTail ? llen - index - 1 : index;
      if (l.at(i) === ele && ++matches >= rank) {
        w.int(i);
        return;
      }
    }
    w.nullBulk();
    return;
  }
  const found: number[] = [];
  let matches = 0;
  for (let index = 0; index < llen && (maxlen === 0 || index < maxlen); index++) {
    const i = fromTail ? llen - index - 1 : index;
    if (l.at(i) === ele && ++matches >= rank) {
      found.push(i);
      if (count !== 0 && found.length >= count) break;
    }
  }
  w.array(found.length);
  for (const i of found) w.int(i);
});

// ---------------------------------------------------------------------------------------------- in-place writes

register('lset', (ctx) => {
  const key = ctx.args.str(1);
  const l = listAt(ctx, key);
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.error(Err.noSuchKey);
    return;
  }
  let index = longArg(ctx, 2);
  if (index === null) return;
  if (index < 0) index += l.length;
  if (index < 0 || index >= l.length) {
    ctx.reply.error(ERR_OUT_OF_RANGE);
    return;
  }
  l.setAt(index, ctx.args.str(3));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_LIST, 'lset', ctx.dbIndex, key);
  ctx.reply.ok();
});

register('linsert', (ctx) => {
  const a = ctx.args;
  let after: boolean;
  if (a.is(2, 'after')) after = true;
  else if (a.is(2, 'before')) after = false;
  else {
    ctx.reply.error(Err.syntax);
    return;
  }
  const key = a.str(1);
  const l = listAt(ctx, key);
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.int(0);
    return;
  }
  const pivot = a.str(3);
  const n = l.length;
  for (let i = 0; i < n; i++) {
    if (l.at(i) === pivot) {
      l.insertAt(after ? i + 1 : i, a.str(4));
      ctx.shard.keyModified(ctx.dbIndex, key);
      ctx.shard.notify(NOTIFY_LIST, 'linsert', ctx.dbIndex, key);
      ctx.reply.int(l.length);
      return;
    }
  }
  ctx.reply.int(-1);
});

register('lrem', (ctx) => {
  const toRemove = longArg(ctx, 2);
  if (toRemove === null) return;
  const key = ctx.args.str(1);
  const l = listAt(ctx, key);
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.int(0);
    return;
  }
  const removed = l.removeMatches(ctx.args.str(3), toRemove < 0 ? -toRemove : toRemove, toRemove < 0);
  if (removed > 0) afterRemove(ctx, key, l, 'lrem');
  ctx.reply.int(removed);
});

register('ltrim', (ctx) => {
  let start = longArg(ctx, 2);
  if (start === null) return;
  let end = longArg(ctx, 3);
  if (end === null) return;
  const key = ctx.args.str(1);
  const l = listAt(ctx, key);
  if (l === null) return;
  if (l === undefined) {
    ctx.reply.ok();
    return;
  }
  const llen = l.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  let ltrim: number;
  let rtrim: number;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  l.dropHead(ltrim);
  l.dropTail(rtrim);
  afterRemove(ctx, key, l, 'ltrim');
  ctx.reply.ok();
});

// ---------------------------------------------------------------------------------------------- moves

/** Redis's lmoveGenericCommand: pop from `src` at one end, push to `dst` at the other given end. */
function lmove(ctx: ExecContext, fromHead: boolean, toHead: boolean): void {
  const src = ctx.args.str(1);
  const dst = ctx.args.str(2);
  const s = listAt(ctx, src);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const d = listAt(ctx, dst);
  if (d === null) return;
  const value = fromHead ? s.popHead() : s.popTail();
  let target = d;
  if (target === undefined) {
    // src === dst cannot get here: src exists.
    target = new ListValue();
    ctx.db.set(dst, target);
  }
  if (toHead) target.pushHead(value);
  else target.pushTail(value);
  ctx.shard.keyModified(ctx.dbIndex, dst);
  ctx.shard.notify(NOTIFY_LIST, toHead ? 'lpush' : 'rpush', ctx.dbIndex, dst);
  ctx.reply.bulk(value);
  afterRemove(ctx, src, s, fromHead ? 'lpop' : 'rpop');
}

register('lmove', (ctx) => {
  const from = whereArg(ctx, 3);
  if (from === null) return;
  const to = whereArg(ctx, 4);
  if (to === null) return;
  lmove(ctx, from, to);
});

register('rpoplpush', (ctx) => lmove(ctx, false, true));

/** Parse LMPOP's arguments, or reply the error and answer null (BLMPOP checks them before its timeout). */
export function lmpopArgs(ctx: ExecContext): MpopArgs | null {
  const a = ctx.args;
  const w = ctx.reply;
  const numkeys = longArgAtLeast(ctx, 1, 1, ERR_NUMKEYS);
  if (numkeys === null) return null;
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= a.count) {
    w.error(Err.syntax);
    return null;
  }
  const head = whereArg(ctx, whereIdx);
  if (head === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < a.count; j++) {
    const moreArgs = a.count - 1 - j;
    if (count === -1 && a.is(j, 'count') && moreArgs > 0) {
      j++;
      const c = longArgAtLeast(ctx, j, 1, ERR_COUNT_POSITIVE);
      if (c === null) return null;
      count = c;
    } else {
      w.error(Err.syntax);
      return null;
    }
  }
  return { numkeys, flag: head, count: count === -1 ? 1 : count };
}

/** LMPOP with its arguments parsed: pop from the first non-empty list. */
export function lmpopRun(ctx: ExecContext, p: MpopArgs): void {
  const a = ctx.args;
  const w = ctx.reply;
  const head = p.flag;
  const count = p.count;
  const whereIdx = 1 + p.numkeys + 1;
  for (let j = 2; j < whereIdx; j++) {
    const key = a.str(j);
    const l = listAt(ctx, key);
    if (l === null) return;
    if (l === undefined || l.length === 0) continue;
    w.array(2);
    w.bulk(key);
    popRangeReply(ctx, l, head, count);
    afterRemove(ctx, key, l, head ? 'lpop' : 'rpop');
    return;
  }
  w.nullArray();
}

register('lmpop', (ctx) => {
  const p = lmpopArgs(ctx);
  if (p !== null) lmpopRun(ctx, p);
});

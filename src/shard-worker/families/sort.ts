/**
 * SORT and SORT_RO (Redis 7.0 sort.c): sort a list, set or sorted set numerically or by bytes (ALPHA),
 * optionally by the values of other keys (BY pattern, `nosort` or any constant pattern skips sorting),
 * with LIMIT, GET patterns (`#` is the element itself, `key*->field` reads a hash field), ASC/DESC and
 * STORE into a list.
 *
 * Ferrous difference (sharding): a shard only holds its own slots, so BY/GET keys that hash to another
 * shard cannot be read here. Redis Cluster refuses such patterns outright; Ferrous serves them whenever
 * every key a pattern actually names belongs to this shard (always with one shard; with several, when
 * the pattern carries a {hashtag} shared with the sorted key, e.g. `SORT {u}:list BY {u}:w_*`), and
 * otherwise replies ERR_CROSS_SHARD below before writing anything.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../../shared/config.js';
import type { Value } from '../keyspace.js';
import { ListValue } from './lists.js';
import { SetValue } from '../ds/set.js';
import { ZSet } from '../ds/zset.js';
import { HashValue } from '../ds/hash.js';
import { parseRedisDouble, parseStrictInt64String } from '../../shared/numbers.js';
import { keyHashSlotOfString } from '../../shared/crc16.js';
import { shardOfSlot } from '../../shared/sharding.js';

const ERR_SCORES = "ERR One or more scores can't be converted into double";
export const ERR_CROSS_SHARD =
  'ERR SORT BY/GET keys must be in the same slot as the sorted key when running with more than one shard (use a {hashtag})';

/** One element being sorted: the element, its numeric weight, or (ALPHA BY) the weight string. */
interface SortItem {
  obj: string;
  score: number;
  cmp: string | null;
}

/** A BY/GET pattern split the way lookupKeyByPattern does it. */
interface Pattern {
  /** "#": the element itself. */
  self: boolean;
  /** No '*': names no key (GET replies null, BY means "do not sort"). */
  constant: boolean;
  prefix: string;
  postfix: string;
  /** Hash field after "->", or null for a string key. */
  field: string | null;
}

function parsePattern(p: string): Pattern {
  // C string functions stop at a NUL byte.
  const nul = p.indexOf('\0');
  const spat = nul >= 0 ? p.slice(0, nul) : p;
  const none: Pattern = { self: false, constant: true, prefix: '', postfix: '', field: null };
  if (spat === '#') return { ...none, self: true, constant: false };
  const star = spat.indexOf('*');
  if (star < 0) return none;
  const arrow = spat.indexOf('->', star + 1);
  let field: string | null = null;
  let postfixEnd = p.length;
  if (arrow >= 0 && arrow + 2 < spat.length) {
    field = p.slice(arrow + 2);
    postfixEnd = arrow;
  }
  return { self: false, constant: false, prefix: p.slice(0, star), postfix: p.slice(star + 1, postfixEnd), field };
}

function patternKey(p: Pattern, subst: string): string {
  return p.prefix + subst + p.postfix;
}

/** Redis's lookupKeyByPattern: the string the pattern names for `subst`, or null. */
function lookupByPattern(ctx: ExecContext, p: Pattern, subst: string): string | null {
  if (p.self) return subst;
  if (p.constant) return null;
  const v: Value | undefined = ctx.db.get(patternKey(p, subst), ctx.now);
  if (v === undefined) return null;
  if (p.field !== null) return v instanceof HashValue ? (v.get(p.field) ?? null) : null;
  return typeof v === 'string' ? v : null;
}

/** Whether every key the pattern names for these elements lives on this shard. */
function patternIsLocal(ctx: ExecContext, p: Pattern, items: SortItem[], from: number, to: number): boolean {
  const n = ctx.shard.shardCount;
  if (n === 1 || p.self || p.constant) return true;
  const me = ctx.shard.shardIndex;
  for (let j = from; j <= to; j++) {
    if (shardOfSlot(keyHashSlotOfString(patternKey(p, items[j].obj)), n) !== me) return false;
  }
  return true;
}

/**
 * The weight SORT reads with strtod: the whole string (up to a NUL byte) must be consumed, an empty
 * string counts as 0 and leading whitespace is skipped; NaN and out-of-range values are errors.
 */
function sortScore(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else break;
  }
  return parseRedisDouble(i === 0 ? s : s.slice(i));
}

/** Byte order of latin1 strings (memcmp, shorter prefix first). */
function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Clamp an int64 argument to a safe number (every use is clamped to the value's length anyway). */
function clampLong(b: bigint): number {
  const LIM = 2n ** 53n;
  return Number(b > LIM ? LIM : b < -LIM ? -LIM : b);
}

function sortGeneric(ctx: ExecContext, readonly: boolean): void {
  const a = ctx.args;
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: Pattern | null = null;
  let storekey: string | null = null;
  const gets: Pattern[] = [];

  for (let j = 2; j < a.count; j++) {
    const left = a.count - j - 1;
    if (a.is(j, 'asc')) desc = false;
    else if (a.is(j, 'desc')) desc = true;
    else if (a.is(j, 'alpha')) alpha = true;
    else if (a.is(j, 'limit') && left >= 2) {
      const s = parseStrictInt64String(a.str(j + 1));
      const c = s === null ? null : parseStrictInt64String(a.str(j + 2));
      if (s === null || c === null) {
        ctx.reply.error(Err.notInteger);
        return;
      }
      limitStart = clampLong(s);
      limitCount = clampLong(c);
      j += 2;
    } else if (!readonly && a.is(j, 'store') && left >= 1) {
      storekey = a.str(j + 1);
      j++;
    } else if (a.is(j, 'by') && left >= 1) {
      const p = parsePattern(a.str(j + 1));
      // A pattern without '*' (e.g. "nosort") names no key: nothing to sort by.
      if (p.constant || p.self) dontsort = true;
      sortby = p;
      j++;
    } else if (a.is(j, 'get') && left >= 1) {
      gets.push(parsePattern(a.str(j + 1)));
      j++;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }

  const sortval = ctx.db.get(a.str(1), ctx.now);
  if (sortval !== undefined && !(sortval instanceof ListValue || sortval instanceof SetValue || sortval instanceof ZSet)) {
    ctx.reply.error(Err.wrongType);
    return;
  }

  // A set has no order of its own: with STORE, sort it by bytes so the result is deterministic.
  if (dontsort && sortval instanceof SetValue && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  // Redis converts a listpack sorted set to a skiplist for SORT, for good (OBJECT ENCODING shows it).
  if (sortval instanceof ZSet) sortval.convertToSkiplist();

  let vectorlen = sortval === undefined ? 0 : sortval.size();
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  const items: SortItem[] = [];
  const push = (obj: string): void => {
    items.push({ obj, score: 0, cmp: null });
  };
  if ((sortval instanceof ListValue || sortval instanceof ZSet) && dontsort) {
    // Native order (reversed by DESC), just the LIMIT range.
    if (end >= start) {
      const len = sortval.size();
      const ordered = sortval instanceof ListValue ? (i: number) => sortval.at(i) : (i: number) => sortval.memberAt(i);
      for (let j = start; j <= end; j++) push(ordered(desc ? len - 1 - j : j));
    }
    end -= start;
    start = 0;
    vectorlen = items.length;
  } else if (sortval instanceof ListValue) {
    for (let i = 0; i < sortval.length; i++) push(sortval.at(i));
  } else if (sortval instanceof SetValue) {
    for (const m of sortval.members()) push(m);
  } else if (sortval instanceof ZSet) {
    sortval.forEach((m) => push(m));
  }

  if (!dontsort) {
    if (sortby !== null && !patternIsLocal(ctx, sortby, items, 0, items.length - 1)) {
      ctx.reply.error(ERR_CROSS_SHARD);
      return;
    }
    let convError = false;
    for (const it of items) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(ctx, sortby, it.obj);
        if (byval === null) continue;
      } else byval = it.obj;
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const d = sortScore(byval);
        if (d === null) convError = true;
        else it.score = d;
      }
    }
    const byPattern = sortby !== null;
    let compare: (x: SortItem, y: SortItem) => number;
    if (!alpha) compare = (x, y) => (x.score > y.score ? 1 : x.score < y.score ? -1 : cmpBytes(x.obj, y.obj));
    else if (byPattern)
      compare = (x, y) => {
        if (x.cmp === null || y.cmp === null) return x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1;
        return cmpBytes(x.cmp, y.cmp);
      };
    else compare = (x, y) => cmpBytes(x.obj, y.obj);
    items.sort(desc ? (x, y) => -compare(x, y) || 0 : compare);
    if (convError) {
      ctx.reply.error(ERR_SCORES);
      return;
    }
  }

  for (const g of gets) {
    if (!patternIsLocal(ctx, g, items, start, end)) {
      ctx.reply.error(ERR_CROSS_SHARD);
      return;
    }
  }

  const count = end - start + 1;
  const outputlen = gets.length > 0 ? gets.length * count : count;
  if (storekey === null) {
    const w = ctx.reply;
    w.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = items[j].obj;
      if (gets.length === 0) w.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(ctx, g, obj);
        if (v === null) w.nullBulk();
        else w.bulk(v);
      }
    }
    return;
  }

  const db = ctx.db;
  if (outputlen > 0) {
    const list = new ListValue(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = items[j].obj;
      if (gets.length === 0) list.pushTail(obj);
      for (const g of gets) list.pushTail(lookupByPattern(ctx, g, obj) ?? '');
    }
    // setKey: any previous value and its TTL go.
    db.set(storekey, list);
    ctx.shard.keyModified(ctx.dbIndex, storekey);
    ctx.shard.notify(NOTIFY_LIST, 'sortstore', ctx.dbIndex, storekey);
  } else if (db.get(storekey, ctx.now) !== undefined) {
    db.delete(storekey);
    ctx.shard.keyModified(ctx.dbIndex, storekey);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, storekey);
  }
  ctx.reply.int(outputlen);
}

register('sort', (ctx) => sortGeneric(ctx, false));
register('sort_ro', (ctx) => sortGeneric(ctx, true));

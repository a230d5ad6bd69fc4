/**
 * Sorted-set commands (Redis 7.0 t_zset.c). Values are ZSet instances (src/shard-worker/ds/zset.ts).
 * Replies, error strings and the order of checks follow Redis 7.0.15: which error a client sees when
 * several things are wrong at once is decided by that order.
 *
 * ZADD, ZPOPMIN and ZRANGE are benchmarked: scores are parsed from the argument bytes into a reused
 * scratch array, options are matched without allocating, and ranges are written straight from the
 * structure into the reply.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../../shared/config.js';
import type { Value } from '../keyspace.js';
import { ZSet, type LexBound, type ScoreRange } from '../ds/zset.js';
import type { SkipNode } from '../ds/skiplist.js';
import { registerCodec } from '../value-codec.js';
import { beginScan, replyScanPage, scanHashtablePage, type MpopArgs } from './collection-ops.js';
import { formatDouble17g, parseRedisDouble, parseRedisDoubleBytes } from '../../shared/numbers.js';
import { longArg, longArgAtLeast, randomCountArg } from './int-args.js';
import { globMatchString } from '../../shared/glob.js';

const ERR_XX_NX = 'ERR XX and NX options at the same time are not compatible';
const ERR_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
const ERR_INCR_PAIR = 'ERR INCR option supports a single increment-element pair';
const ERR_NAN = 'ERR resulting score is not a number (NaN)';
const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';
const ERR_LIMIT_RANK = 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
const ERR_WITHSCORES_LEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
const ERR_POSITIVE = 'ERR value is out of range, must be positive';
const ERR_WEIGHT = 'ERR weight value is not a float';
const ERR_LIMIT_NEG = "ERR LIMIT can't be negative";
const ERR_NUMKEYS = 'ERR numkeys should be greater than 0';
const ERR_COUNT = 'ERR count should be greater than 0';
const ERR_RANGE = 'ERR value is out of range';
const LONG_MAX = 9223372036854775807n;

// ---------------------------------------------------------------------------------------------- helpers

/** The zset at `key`: the value, null when missing, false after replying WRONGTYPE (also GEO*'s). */
export function lookup(ctx: ExecContext, key: string): ZSet | null | false {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) return null;
  if (v instanceof ZSet) return v;
  ctx.reply.error(Err.wrongType);
  return false;
}

/** getDoubleFromObject: strict (string2d) score argument. */
function doubleArg(ctx: ExecContext, i: number): number | null {
  const a = ctx.args;
  return parseRedisDoubleBytes(a.bytes, a.starts[i], a.ends[i]);
}

const C_SPACE = /^[ \t\n\v\f\r]*/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** C strtod over the whole string (zslParseRange): leading spaces, overflow to ±inf, "" is 0. */
function strtodWhole(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  const t = s.replace(C_SPACE, '');
  if (t.length === 0) return null;
  const d = parseRedisDouble(t);
  if (d !== null) return d;
  if (DECIMAL.test(t)) return Number(t);
  return null;
}

const range: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };

/** zslParseRange into the shared `range`; false when either bound is invalid. */
function parseScoreRange(minS: string, maxS: string): boolean {
  range.minex = minS.charCodeAt(0) === 40;
  range.maxex = maxS.charCodeAt(0) === 40;
  const min = strtodWhole(range.minex ? minS.slice(1) : minS);
  const max = strtodWhole(range.maxex ? maxS.slice(1) : maxS);
  if (min === null || max === null || min !== min || max !== max) return false;
  range.min = min;
  range.max = max;
  return true;
}

const lexMin: LexBound = { inf: 0, value: '', ex: false };
const lexMax: LexBound = { inf: 0, value: '', ex: false };

function parseLexItem(s: string, out: LexBound): boolean {
  const c = s.charCodeAt(0);
  out.value = '';
  out.ex = false;
  out.inf = 0;
  if (c === 43 || c === 45) {
    if (s.length > 1 && s.charCodeAt(1) !== 0) return false;
    out.inf = c === 43 ? 1 : -1;
    return true;
  }
  if (c === 40 || c === 91) {
    out.ex = c === 40;
    out.value = s.slice(1);
    return true;
  }
  return false;
}

function parseLexRange(minS: string, maxS: string): boolean {
  return parseLexItem(minS, lexMin) && parseLexItem(maxS, lexMax);
}

/** How a range command reads its bounds (Auto: ZRANGE's BYSCORE / BYLEX options decide, else Rank). */
const enum RT {
  Auto = 0,
  Rank = 1,
  Score = 2,
  Lex = 3,
}

/**
 * The BYSCORE (RT.Score) or BYLEX (RT.Lex) bounds in arguments `minIdx` and `maxIdx`, parsed into
 * `range` or `lexMin`/`lexMax`; false after replying the error.
 */
function parseRangeArgs(ctx: ExecContext, rangetype: RT, minIdx: number, maxIdx: number): boolean {
  const a = ctx.args;
  if (rangetype === RT.Score) {
    if (parseScoreRange(a.str(minIdx), a.str(maxIdx))) return true;
    ctx.reply.error(ERR_MINMAX_FLOAT);
  } else {
    if (parseLexRange(a.str(minIdx), a.str(maxIdx))) return true;
    ctx.reply.error(ERR_MINMAX_LEX);
  }
  return false;
}

/** The first rank of `z` inside the bounds parseRangeArgs parsed last. */
function rangeStart(z: ZSet, rangetype: RT): number {
  return rangetype === RT.Score ? z.scoreStart(range) : z.lexStart(lexMin);
}

/** One past the last rank of `z` inside the bounds parseRangeArgs parsed last. */
function rangeEnd(z: ZSet, rangetype: RT): number {
  return rangetype === RT.Score ? z.scoreEnd(range) : z.lexEnd(lexMax);
}

/** Store `z` at `dst` (or delete dst when the result is empty), replying the size like Redis's STORE forms. */
function storeResult(ctx: ExecContext, dst: string, z: ZSet | null, event: string): void {
  const n = z === null ? 0 : z.size();
  if (n > 0) {
    ctx.db.set(dst, z as ZSet);
    ctx.shard.keyModified(ctx.dbIndex, dst);
    ctx.shard.notify(NOTIFY_ZSET, event, ctx.dbIndex, dst);
  } else if (ctx.db.delete(dst)) {
    ctx.shard.keyModified(ctx.dbIndex, dst);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, dst);
  }
  ctx.reply.int(n);
}

/** A ZSet built from entries already in (score, member) order. */
function fromSorted(ctx: ExecContext, members: string[], scores: number[]): ZSet {
  const cfg = ctx.shard.config;
  let small = members.length <= cfg.zsetMaxListpackEntries;
  if (small) for (const m of members) if (m.length > cfg.zsetMaxListpackValue) small = false;
  const z = new ZSet(!small);
  if (small) {
    for (let i = 0; i < scores.length; i++) scores[i] += 0; // no negative zero in a listpack
    z.lpMembers = members;
    z.lpScores = scores;
  } else {
    const d = z.dict as Map<string, number>;
    for (let i = 0; i < members.length; i++) {
      d.set(members[i], scores[i]);
      z.zsl!.insert(scores[i], members[i]);
    }
  }
  return z;
}

// ---------------------------------------------------------------------------------------------- ZADD

const F_NX = 1;
const F_XX = 2;
const F_CH = 4;
const F_INCR = 8;
const F_GT = 16;
const F_LT = 32;

let scratchScores = new Float64Array(64);

function zaddGeneric(ctx: ExecContext, incrCmd: boolean): void {
  const a = ctx.args;
  const argc = a.count;
  let flags = incrCmd ? F_INCR : 0;
  let scoreidx = 2;
  if (!incrCmd) {
    for (; scoreidx < argc; scoreidx++) {
      const len = a.len(scoreidx);
      if (len === 2) {
        if (a.is(scoreidx, 'nx')) flags |= F_NX;
        else if (a.is(scoreidx, 'xx')) flags |= F_XX;
        else if (a.is(scoreidx, 'ch')) flags |= F_CH;
        else if (a.is(scoreidx, 'gt')) flags |= F_GT;
        else if (a.is(scoreidx, 'lt')) flags |= F_LT;
        else break;
      } else if (len === 4 && a.is(scoreidx, 'incr')) flags |= F_INCR;
      else break;
    }
  }
  let elements = argc - scoreidx;
  if (elements % 2 !== 0 || elements === 0) {
    ctx.reply.error(Err.syntax);
    return;
  }
  elements /= 2;
  const nx = (flags & F_NX) !== 0;
  const xx = (flags & F_XX) !== 0;
  const gt = (flags & F_GT) !== 0;
  const lt = (flags & F_LT) !== 0;
  const incr = (flags & F_INCR) !== 0;
  if (nx && xx) {
    ctx.reply.error(ERR_XX_NX);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error(ERR_GT_LT_NX);
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error(ERR_INCR_PAIR);
    return;
  }
  if (scratchScores.length < elements) scratchScores = new Float64Array(elements * 2);
  const scores = scratchScores;
  for (let j = 0; j < elements; j++) {
    const d = doubleArg(ctx, scoreidx + j * 2);
    if (d === null) {
      ctx.reply.error(Err.notFloat);
      return;
    }
    scores[j] = d;
  }
  const key = a.str(1);
  let z = lookup(ctx, key);
  if (z === false) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let newscore = 0;
  const cfg = ctx.shard.config;
  if (z === null) {
    if (xx) {
      if (incr) ctx.reply.nullBulk();
      else ctx.reply.int(0);
      return;
    }
    z = new ZSet(cfg.zsetMaxListpackEntries === 0 || a.len(scoreidx + 1) > cfg.zsetMaxListpackValue);
    ctx.db.set(key, z);
  }
  for (let j = 0; j < elements; j++) {
    let score = scores[j];
    const member = a.str(scoreidx + j * 2 + 1);
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (score !== score) {
          ctx.reply.error(ERR_NAN);
          if (added || updated) {
            ctx.shard.keyModified(ctx.dbIndex, key);
            ctx.shard.notify(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', ctx.dbIndex, key);
          }
          return;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      newscore = score;
      if (score !== cur) {
        z.update(member, cur, score);
        updated++;
      }
      processed++;
    } else if (!xx) {
      z.insert(member, score, cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
      newscore = score;
      added++;
      processed++;
    }
  }
  if (incr) {
    if (processed) ctx.reply.double(newscore);
    else ctx.reply.nullBulk();
  } else ctx.reply.int(flags & F_CH ? added + updated : added);
  if (added || updated) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_ZSET, incr ? 'zincr' : 'zadd', ctx.dbIndex, key);
  }
}

register('zadd', (ctx) => zaddGeneric(ctx, false));
register('zincrby', (ctx) => zaddGeneric(ctx, true));

// ---------------------------------------------------------------------------------------------- simple reads / ZREM

register('zrem', (ctx) => {
  const key = ctx.args.str(1);
  const z = lookup(ctx, key);
  if (z === false) return;
  if (z === null) {
    ctx.reply.int(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < ctx.args.count; j++) {
    if (z.remove(ctx.args.str(j))) deleted++;
    if (z.size() === 0) {
      ctx.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_ZSET, 'zrem', ctx.dbIndex, key);
    if (keyRemoved) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
  }
  ctx.reply.int(deleted);
});

register('zcard', (ctx) => {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  ctx.reply.int(z === null ? 0 : z.size());
});

register('zscore', (ctx) => {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  const s = z === null ? undefined : z.score(ctx.args.str(2));
  if (s === undefined) ctx.reply.nullBulk();
  else ctx.reply.double(s);
});

register('zmscore', (ctx) => {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  const n = ctx.args.count - 2;
  ctx.reply.array(n);
  for (let j = 2; j < ctx.args.count; j++) {
    const s = z === null ? undefined : z.score(ctx.args.str(j));
    if (s === undefined) ctx.reply.nullBulk();
    else ctx.reply.double(s);
  }
});

function zrankGeneric(ctx: ExecContext, reverse: boolean): void {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  const r = z === null ? -1 : z.rank(ctx.args.str(2));
  if (r < 0) ctx.reply.nullBulk();
  else ctx.reply.int(reverse ? (z as ZSet).size() - 1 - r : r);
}
register('zrank', (ctx) => zrankGeneric(ctx, false));
register('zrevrank', (ctx) => zrankGeneric(ctx, true));

/** ZCOUNT / ZLEXCOUNT: the number of members within the bounds. */
function zcountGeneric(ctx: ExecContext, rangetype: RT): void {
  if (!parseRangeArgs(ctx, rangetype, 2, 3)) return;
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  if (z === null) {
    ctx.reply.int(0);
    return;
  }
  const s = rangeStart(z, rangetype);
  const e = rangeEnd(z, rangetype);
  ctx.reply.int(e > s ? e - s : 0);
}

register('zcount', (ctx) => zcountGeneric(ctx, RT.Score));
register('zlexcount', (ctx) => zcountGeneric(ctx, RT.Lex));

// ---------------------------------------------------------------------------------------------- ZRANGE family

const enum Dir {
  Auto = 0,
  Fwd = 1,
  Rev = 2,
}

/**
 * Emit `count` elements starting at rank `first`, walking up (or down when `reverse`), to the client;
 * RESP3 WITHSCORES nests [member, score] pairs as Redis's zrange result handler does.
 */
function emitRange(ctx: ExecContext, z: ZSet, first: number, count: number, reverse: boolean, withscores: boolean): void {
  const w = ctx.reply;
  const nested = withscores && w.resp3;
  w.array(withscores && !w.resp3 ? count * 2 : count);
  if (count === 0) return;
  if (z.lpMembers !== null) {
    const ms = z.lpMembers;
    const ss = z.lpScores as number[];
    const step = reverse ? -1 : 1;
    for (let i = 0, r = first; i < count; i++, r += step) {
      if (nested) w.array(2);
      w.bulk(ms[r]);
      if (withscores) w.double(ss[r]);
    }
    return;
  }
  let n: SkipNode | null = z.nodeAt(first);
  for (let i = 0; i < count && n !== null; i++) {
    if (nested) w.array(2);
    w.bulk(n.member);
    if (withscores) w.double(n.score);
    n = reverse ? n.backward : n.forward[0];
  }
}

/** The same elements as a new ZSet (ZRANGESTORE). */
function collectRange(ctx: ExecContext, z: ZSet, first: number, count: number, reverse: boolean): ZSet {
  const ms: string[] = new Array<string>(count);
  const ss: number[] = new Array<number>(count);
  const lo = reverse ? first - count + 1 : first;
  if (z.lpMembers !== null) {
    for (let i = 0; i < count; i++) {
      ms[i] = z.lpMembers[lo + i];
      ss[i] = (z.lpScores as number[])[lo + i];
    }
  } else {
    let n: SkipNode | null = z.nodeAt(lo);
    for (let i = 0; i < count && n !== null; i++, n = n.forward[0]) {
      ms[i] = n.member;
      ss[i] = n.score;
    }
  }
  return fromSorted(ctx, ms, ss);
}

function zrangeGeneric(ctx: ExecContext, argStart: number, store: boolean, rangetype: RT, direction: Dir): void {
  const a = ctx.args;
  const argc = a.count;
  let minidx = argStart + 1;
  let maxidx = argStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argc; j++) {
    const left = argc - j - 1;
    if (!store && a.is(j, 'withscores')) withscores = true;
    else if (a.is(j, 'limit') && left >= 2) {
      const o = longArg(ctx, j + 1);
      if (o === null) return;
      const l = longArg(ctx, j + 2);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === Dir.Auto && a.is(j, 'rev')) direction = Dir.Rev;
    else if (rangetype === RT.Auto && a.is(j, 'bylex')) rangetype = RT.Lex;
    else if (rangetype === RT.Auto && a.is(j, 'byscore')) rangetype = RT.Score;
    else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }
  if (direction === Dir.Auto) direction = Dir.Fwd;
  if (rangetype === RT.Auto) rangetype = RT.Rank;
  if (limit !== -1 && rangetype === RT.Rank) {
    ctx.reply.error(ERR_LIMIT_RANK);
    return;
  }
  if (withscores && rangetype === RT.Lex) {
    ctx.reply.error(ERR_WITHSCORES_LEX);
    return;
  }
  const reverse = direction === Dir.Rev;
  if (reverse && rangetype !== RT.Rank) {
    const t = maxidx;
    maxidx = minidx;
    minidx = t;
  }
  let start = 0;
  let end = 0;
  if (rangetype === RT.Rank) {
    const s = longArg(ctx, minidx);
    if (s === null) return;
    const e = longArg(ctx, maxidx);
    if (e === null) return;
    start = s;
    end = e;
  } else if (!parseRangeArgs(ctx, rangetype, minidx, maxidx)) return;
  const z = lookup(ctx, a.str(argStart));
  if (z === false) return;
  if (z === null) {
    if (store) storeResult(ctx, a.str(1), null, 'zrangestore');
    else ctx.reply.array(0);
    return;
  }
  const llen = z.size();
  let first = 0;
  let count = 0;
  if (rangetype === RT.Rank) {
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (!(start > end || start >= llen)) {
      if (end >= llen) end = llen - 1;
      count = end - start + 1;
      first = reverse ? llen - 1 - start : start;
    }
  } else {
    const s = rangeStart(z, rangetype);
    const e = rangeEnd(z, rangetype);
    if (e > s && offset >= 0 && !(offset > 0 && offset >= llen)) {
      const avail = e - s - offset;
      if (avail > 0) {
        count = limit < 0 ? avail : Math.min(limit, avail);
        first = reverse ? e - 1 - offset : s + offset;
      }
    }
  }
  if (store) storeResult(ctx, a.str(1), count === 0 ? null : collectRange(ctx, z, first, count, reverse), 'zrangestore');
  else emitRange(ctx, z, first, count, reverse, withscores);
}

register('zrange', (ctx) => zrangeGeneric(ctx, 1, false, RT.Auto, Dir.Auto));
register('zrevrange', (ctx) => zrangeGeneric(ctx, 1, false, RT.Rank, Dir.Rev));
register('zrangebyscore', (ctx) => zrangeGeneric(ctx, 1, false, RT.Score, Dir.Fwd));
register('zrevrangebyscore', (ctx) => zrangeGeneric(ctx, 1, false, RT.Score, Dir.Rev));
register('zrangebylex', (ctx) => zrangeGeneric(ctx, 1, false, RT.Lex, Dir.Fwd));
register('zrevrangebylex', (ctx) => zrangeGeneric(ctx, 1, false, RT.Lex, Dir.Rev));
register('zrangestore', (ctx) => zrangeGeneric(ctx, 2, true, RT.Auto, Dir.Auto));

// ---------------------------------------------------------------------------------------------- ZREMRANGEBY*

function zremrangeGeneric(ctx: ExecContext, rangetype: RT): void {
  const a = ctx.args;
  let start = 0;
  let end = 0;
  if (rangetype === RT.Rank) {
    const s = longArg(ctx, 2);
    if (s === null) return;
    const e = longArg(ctx, 3);
    if (e === null) return;
    start = s;
    end = e;
  } else if (!parseRangeArgs(ctx, rangetype, 2, 3)) return;
  const key = a.str(1);
  const z = lookup(ctx, key);
  if (z === false) return;
  if (z === null) {
    ctx.reply.int(0);
    return;
  }
  const llen = z.size();
  if (rangetype === RT.Rank) {
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      ctx.reply.int(0);
      return;
    }
    if (end >= llen) end = llen - 1;
  } else {
    start = rangeStart(z, rangetype);
    end = rangeEnd(z, rangetype) - 1;
    if (end < start) {
      ctx.reply.int(0);
      return;
    }
  }
  const deleted = z.deleteRange(start, end);
  const keyRemoved = z.size() === 0;
  if (keyRemoved) ctx.db.delete(key);
  if (deleted) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_ZSET, rangetype === RT.Rank ? 'zremrangebyrank' : rangetype === RT.Score ? 'zremrangebyscore' : 'zremrangebylex', ctx.dbIndex, key);
    if (keyRemoved) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
  }
  ctx.reply.int(deleted);
}

register('zremrangebyrank', (ctx) => zremrangeGeneric(ctx, RT.Rank));
register('zremrangebyscore', (ctx) => zremrangeGeneric(ctx, RT.Score));
register('zremrangebylex', (ctx) => zremrangeGeneric(ctx, RT.Lex));

// ---------------------------------------------------------------------------------------------- pops

/**
 * genericZpopCommand: pop up to `count` (-1: one, unnested) from the first existing zset among the
 * keys at args[firstKey, firstKey+keyc). `emitKey`: ZMPOP's [key, [[m, s]…]] shape.
 */
function zpopGeneric(ctx: ExecContext, firstKey: number, keyc: number, max: boolean, emitKey: boolean, count: number, nested: boolean, nilWhenEmpty: boolean): void {
  const w = ctx.reply;
  let z: ZSet | null = null;
  let key = '';
  for (let i = 0; i < keyc; i++) {
    key = ctx.args.str(firstKey + i);
    const v = lookup(ctx, key);
    if (v === false) return;
    if (v !== null) {
      z = v;
      break;
    }
  }
  if (z === null) {
    if (nilWhenEmpty) w.nullArray();
    else w.array(0);
    return;
  }
  if (count === 0) {
    w.array(0);
    return;
  }
  if (count === -1) count = 1;
  const llen = z.size();
  const n = count > llen ? llen : count;
  if (!nested && !emitKey) w.array(n * 2);
  else if (nested && !emitKey) w.array(n);
  else {
    w.array(2);
    w.bulk(key);
    w.array(n);
  }
  if (z.lpMembers !== null) {
    const ms = z.lpMembers;
    const ss = z.lpScores as number[];
    for (let i = 0; i < n; i++) {
      const r = max ? llen - 1 - i : i;
      if (nested) w.array(2);
      w.bulk(ms[r]);
      w.double(ss[r]);
    }
  } else {
    let node: SkipNode | null = max ? z.zsl!.tail : z.zsl!.header.forward[0];
    for (let i = 0; i < n && node !== null; i++) {
      if (nested) w.array(2);
      w.bulk(node.member);
      w.double(node.score);
      node = max ? node.backward : node.forward[0];
    }
  }
  if (max) z.deleteRange(llen - n, llen - 1);
  else z.deleteRange(0, n - 1);
  const keyRemoved = z.size() === 0;
  if (keyRemoved) ctx.db.delete(key);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_ZSET, max ? 'zpopmax' : 'zpopmin', ctx.dbIndex, key);
  if (keyRemoved) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
}

function zpopMinMax(ctx: ExecContext, max: boolean): void {
  const argc = ctx.args.count;
  if (argc > 3) {
    ctx.reply.error(Err.syntax);
    return;
  }
  let count = -1;
  if (argc === 3) {
    const c = longArgAtLeast(ctx, 2, 0, ERR_POSITIVE);
    if (c === null) return;
    count = c;
  }
  zpopGeneric(ctx, 1, 1, max, false, count, ctx.reply.resp3 && count !== -1, false);
}

register('zpopmin', (ctx) => zpopMinMax(ctx, false));
register('zpopmax', (ctx) => zpopMinMax(ctx, true));

/** Parse ZMPOP's arguments, or reply the error and answer null (BZMPOP checks them before its timeout). */
export function zmpopArgs(ctx: ExecContext): MpopArgs | null {
  const a = ctx.args;
  const numkeys = longArgAtLeast(ctx, 1, 1, ERR_NUMKEYS);
  if (numkeys === null) return null;
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= a.count) {
    ctx.reply.error(Err.syntax);
    return null;
  }
  let max: boolean;
  if (a.is(whereIdx, 'min')) max = false;
  else if (a.is(whereIdx, 'max')) max = true;
  else {
    ctx.reply.error(Err.syntax);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < a.count; j++) {
    const more = a.count - 1 - j;
    if (count === -1 && a.is(j, 'count') && more) {
      j++;
      const c = longArgAtLeast(ctx, j, 1, ERR_COUNT);
      if (c === null) return null;
      count = c;
    } else {
      ctx.reply.error(Err.syntax);
      return null;
    }
  }
  return { numkeys, flag: max, count: count === -1 ? 1 : count };
}

/** ZMPOP with its arguments parsed. */
export function zmpopRun(ctx: ExecContext, p: MpopArgs): void {
  zpopGeneric(ctx, 2, p.numkeys, p.flag, true, p.count, true, true);
}

register('zmpop', (ctx) => {
  const p = zmpopArgs(ctx);
  if (p !== null) zmpopRun(ctx, p);
});

// ---------------------------------------------------------------------------------------------- ZUNION / ZINTER / ZDIFF

const enum SetOp {
  Union = 0,
  Inter = 1,
  Diff = 2,
}
const enum Agg {
  Sum = 0,
  Min = 1,
  Max = 2,
}

/** An input of a set operation: a zset, a plain set (every score 1), or nothing (missing key). */
interface OpSrc {
  z: ZSet | null;
  set: SetLike | null;
  weight: number;
}

/** What a set operation needs from the set family's value (typeName "set"). */
interface SetLike {
  readonly typeName: string;
  size(): number;
  has?(member: string): boolean;
  members?(): Iterable<string>;
  [Symbol.iterator]?(): Iterator<string>;
}

function srcSize(s: OpSrc): number {
  return s.z !== null ? s.z.size() : s.set !== null ? s.set.size() : 0;
}

function srcScore(s: OpSrc, member: string): number | undefined {
  if (s.z !== null) return s.z.score(member);
  if (s.set !== null) {
    if (s.set.has) return s.set.has(member) ? 1 : undefined;
    for (const m of setMembers(s.set)) if (m === member) return 1;
  }
  return undefined;
}

function setMembers(set: SetLike): Iterable<string> {
  if (set.members) return set.members();
  if (set[Symbol.iterator]) return set as Iterable<string>;
  return [];
}

function srcForEach(s: OpSrc, fn: (member: string, score: number) => void): void {
  if (s.z !== null) s.z.forEach(fn);
  else if (s.set !== null) for (const m of setMembers(s.set)) fn(m, 1);
}

function aggregate(target: number, val: number, agg: Agg): number {
  if (agg === Agg.Sum) {
    const t = target + val;
    return t !== t ? 0 : t;
  }
  if (agg === Agg.Min) return val < target ? val : target;
  return val > target ? val : target;
}

function zsetOp(ctx: ExecContext, dst: string | null, numkeysIdx: number, op: SetOp, cardOnly: boolean): void {
  const a = ctx.args;
  const argc = a.count;
  const setnum = longArg(ctx, numkeysIdx);
  if (setnum === null) return;
  if (setnum < 1) {
    ctx.reply.error(`ERR at least 1 input key is needed for '${ctx.spec.name}' command`);
    return;
  }
  if (setnum > argc - (numkeysIdx + 1)) {
    ctx.reply.error(Err.syntax);
    return;
  }
  const src: OpSrc[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v: Value | undefined = ctx.db.get(a.str(j), ctx.now);
    const s: OpSrc = { z: null, set: null, weight: 1 };
    if (v !== undefined) {
      if (v instanceof ZSet) s.z = v;
      else if (typeof v !== 'string' && v.typeName === 'set') s.set = v as SetLike;
      else {
        ctx.reply.error(Err.wrongType);
        return;
      }
    }
    src.push(s);
  }
  let agg = Agg.Sum;
  let withscores = false;
  let limit = 0;
  let remaining = argc - j;
  while (remaining > 0) {
    if (op !== SetOp.Diff && !cardOnly && remaining >= setnum + 1 && a.is(j, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const d = doubleArg(ctx, j);
        if (d === null) {
          ctx.reply.error(ERR_WEIGHT);
          return;
        }
        src[i].weight = d;
      }
    } else if (op !== SetOp.Diff && !cardOnly && remaining >= 2 && a.is(j, 'aggregate')) {
      j++;
      remaining--;
      if (a.is(j, 'sum')) agg = Agg.Sum;
      else if (a.is(j, 'min')) agg = Agg.Min;
      else if (a.is(j, 'max')) agg = Agg.Max;
      else {
        ctx.reply.error(Err.syntax);
        return;
      }
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && a.is(j, 'withscores')) {
      j++;
      remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && a.is(j, 'limit')) {
      j++;
      remaining--;
      const l = longArgAtLeast(ctx, j, 0, ERR_LIMIT_NEG);
      if (l === null) return;
      limit = l;
      j++;
      remaining--;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }
  if (op !== SetOp.Diff) {
    // Smallest input first (Redis's qsort by cardinality), stable for equal sizes.
    const sorted = src.map((s, i) => ({ s, i })).sort((x, y) => srcSize(x.s) - srcSize(y.s) || x.i - y.i);
    for (let i = 0; i < sorted.length; i++) src[i] = sorted[i].s;
  }
  const acc = new Map<string, number>();
  let cardinality = 0;
  if (op === SetOp.Inter) {
    if (srcSize(src[0]) > 0) {
      const first = src[0];
      const stop = { done: false };
      srcForEach(first, (member, s0) => {
        if (stop.done) return;
        let score = first.weight * s0;
        if (score !== score) score = 0;
        let k = 1;
        for (; k < src.length; k++) {
          const sk = srcScore(src[k], member);
          if (sk === undefined) break;
          let v = src[k].weight * sk;
          if (v !== v) v = 0;
          score = aggregate(score, v, agg);
        }
        if (k === src.length) {
          if (cardOnly) {
            cardinality++;
            if (limit && cardinality >= limit) stop.done = true;
          } else acc.set(member, score);
        }
      });
    }
  } else if (op === SetOp.Union) {
    for (const s of src) {
      srcForEach(s, (member, sc) => {
        let score = s.weight * sc;
        if (score !== score) score = 0;
        const cur = acc.get(member);
        acc.set(member, cur === undefined ? score : aggregate(cur, score, agg));
      });
    }
  } else {
    srcForEach(src[0], (member, sc) => {
      for (let k = 1; k < src.length; k++) if (srcScore(src[k], member) !== undefined) return;
      acc.set(member, sc);
    });
  }
  if (cardOnly) {
    ctx.reply.int(cardinality);
    return;
  }
  const entries = [...acc.entries()].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  if (dst !== null) {
    const event = op === SetOp.Union ? 'zunionstore' : op === SetOp.Inter ? 'zinterstore' : 'zdiffstore';
    if (entries.length === 0) storeResult(ctx, dst, null, event);
    else storeResult(ctx, dst, fromSorted(ctx, entries.map((e) => e[0]), entries.map((e) => e[1])), event);
    return;
  }
  const w = ctx.reply;
  w.array(withscores && !w.resp3 ? entries.length * 2 : entries.length);
  for (const [m, s] of entries) {
    if (withscores && w.resp3) w.array(2);
    w.bulk(m);
    if (withscores) w.double(s);
  }
}

register('zunion', (ctx) => zsetOp(ctx, null, 1, SetOp.Union, false));
register('zinter', (ctx) => zsetOp(ctx, null, 1, SetOp.Inter, false));
register('zdiff', (ctx) => zsetOp(ctx, null, 1, SetOp.Diff, false));
register('zunionstore', (ctx) => zsetOp(ctx, ctx.args.str(1), 2, SetOp.Union, false));
register('zinterstore', (ctx) => zsetOp(ctx, ctx.args.str(1), 2, SetOp.Inter, false));
register('zdiffstore', (ctx) => zsetOp(ctx, ctx.args.str(1), 2, SetOp.Diff, false));
register('zintercard', (ctx) => zsetOp(ctx, null, 1, SetOp.Inter, true));

// ---------------------------------------------------------------------------------------------- ZRANDMEMBER

register('zrandmember', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  if (a.count < 3) {
    const z = lookup(ctx, a.str(1));
    if (z === false) return;
    if (z === null) w.nullBulk();
    else w.bulk(z.memberAt(Math.floor(Math.random() * z.size())));
    return;
  }
  const count64 = randomCountArg(ctx, 2);
  if (count64 === null) return;
  const l = Number(count64);
  const uniq = l >= 0;
  const count = Math.abs(l);
  let withscores = false;
  if (a.count > 4 || (a.count === 4 && !a.is(3, 'withscores'))) {
    w.error(Err.syntax);
    return;
  } else if (a.count === 4) {
    withscores = true;
    if (!uniq && count > Number(LONG_MAX / 2n)) {
      w.error(ERR_RANGE);
      return;
    }
  }
  const z = lookup(ctx, a.str(1));
  if (z === false) return;
  if (z === null || count === 0) {
    w.array(0);
    return;
  }
  const size = z.size();
  const emit = (r: number): void => {
    if (withscores && w.resp3) w.array(2);
    if (z.lpMembers !== null) {
      w.bulk(z.lpMembers[r]);
      if (withscores) w.double((z.lpScores as number[])[r]);
    } else {
      const n = z.nodeAt(r);
      w.bulk(n.member);
      if (withscores) w.double(n.score);
    }
  };
  if (!uniq || count === 1) {
    w.array(withscores && !w.resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) emit(Math.floor(Math.random() * size));
    return;
  }
  if (count >= size) {
    emitRange(ctx, z, size - 1, size, true, withscores); // 7.0 replies the whole set in reverse
    return;
  }
  const ranks = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const k = i + Math.floor(Math.random() * (size - i));
    const t = ranks[i];
    ranks[i] = ranks[k];
    ranks[k] = t;
  }
  w.array(withscores && !w.resp3 ? count * 2 : count);
  for (let i = 0; i < count; i++) emit(ranks[i]);
});

// ---------------------------------------------------------------------------------------------- ZSCAN

/** A member's score as ZSCAN replies it, on the skiplist encoding. */
function skiplistScoreText(z: ZSet, member: string): string {
  return formatDouble17g((z.dict as Map<string, number>).get(member) as number);
}

register('zscan', (ctx) => {
  const scan = beginScan(ctx, ZSet);
  if (scan === null) return;
  const z = scan.coll;
  const pat = scan.pattern;
  const out: string[] = [];
  let next = 0;
  if (z.lpMembers !== null) {
    const ms = z.lpMembers;
    const ss = z.lpScores as number[];
    for (let i = 0; i < ms.length; i++) {
      if (pat !== null && !globMatchString(pat, ms[i], false)) continue;
      out.push(ms[i], formatDouble17g(ss[i]));
    }
  } else next = scanHashtablePage(scan, z.dict as Map<string, number>, out, skiplistScoreText);
  replyScanPage(ctx, next, out);
});

// ---------------------------------------------------------------------------------------------- cross-shard codec

/** Body: u8 skiplist? | u32 count | count × (f64 score | u32 len | member bytes). */
registerCodec({
  type: 4,
  matches: (v) => v instanceof ZSet,
  encode(v) {
    const z = v as ZSet;
    const parts: Buffer[] = [];
    const head = Buffer.allocUnsafe(5);
    head[0] = z.isSmall() ? 0 : 1;
    head.writeUInt32LE(z.size(), 1);
    parts.push(head);
    z.forEach((m, s) => {
      const h = Buffer.allocUnsafe(12);
      h.writeDoubleLE(s, 0);
      h.writeUInt32LE(m.length, 8);
      parts.push(h, Buffer.from(m, 'latin1'));
    });
    return Buffer.concat(parts);
  },
  decode(b) {
    const n = b.readUInt32LE(1);
    const ms: string[] = [];
    const ss: number[] = [];
    let p = 5;
    for (let i = 0; i < n; i++) {
      ss.push(b.readDoubleLE(p));
      const len = b.readUInt32LE(p + 8);
      ms.push(b.latin1Slice(p + 12, p + 12 + len));
      p += 12 + len;
    }
    const z = new ZSet(b[0] === 1);
    if (b[0] === 0) {
      z.lpMembers = ms;
      z.lpScores = ss;
    } else {
      for (let i = 0; i < n; i++) {
        z.dict!.set(ms[i], ss[i]);
        z.zsl!.insert(ss[i], ms[i]);
      }
    }
    return z;
  },
});

/**
 * String commands (Redis 7.0 t_string.c): GET/SET and friends, counters, ranges and LCS.
 *
 * Values are latin1 JS strings (one char per byte). Replies and error strings follow Redis 7.0.15
 * byte for byte; the order in which arguments, keys and types are checked is Redis's own, since it
 * decides which error a client sees when several things are wrong at once.
 *
 * GET, SET and INCR are benchmarked against Redis: their common paths parse no option, allocate
 * nothing beyond the key and value strings, and make one lookup (GET, INCR) or one store (plain SET).
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../../shared/config.js';
import {
  incrByFloat,
  parseStrictInt64String,
  parseStrictIntString,
} from '../../shared/numbers.js';
import { clampInt64, int64Arg, stringRangeIndex } from './int-args.js';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/** Below this magnitude an expire argument can be scaled by 1000 and offset by "now" in doubles exactly. */
const FAST_EXPIRE_LIMIT = 2 ** 43;

const ERR_LCS_TYPE = 'ERR The specified keys must contain string values';
const ERR_LCS_AMBIGUOUS = 'ERR If you want both the length and indexes, please just use IDX.';
const ERR_LCS_MEMORY = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';
const ERR_TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
const ERR_OFFSET = 'ERR offset is out of range';
const ERR_NAN_INF = 'ERR increment would produce NaN or Infinity';
const ERR_DECR_OVERFLOW = 'ERR decrement would overflow';

// ---------------------------------------------------------------------------------------------- options

/** SET / GETEX option flags (Redis's OBJ_* flags). */
const F_NX = 1;
const F_XX = 2;
const F_EX = 4;
const F_PX = 8;
const F_KEEPTTL = 16;
const F_GET = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const F_PERSIST = 256;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

/** Parse result shared by SET and GETEX (module-level: one command runs at a time, nothing to allocate). */
let optFlags = 0;
let optExpireArg = -1;

/**
 * Redis's parseExtendedStringArgumentsOrReply: options from `first` on; `forSet` selects SET's option
 * set (NX XX GET KEEPTTL) versus GETEX's (PERSIST). Replies "syntax error" and returns false on any
 * option that is unknown, repeated in a conflicting way, or missing its argument.
 */
function parseStringOptions(ctx: ExecContext, first: number, forSet: boolean): boolean {
  const a = ctx.args;
  const argc = a.count;
  let flags = 0;
  let expireArg = -1;
  for (let j = first; j < argc; j++) {
    const hasNext = j < argc - 1;
    const len = a.len(j);
    if (len === 2 && a.is(j, 'nx') && !(flags & F_XX) && forSet) {
      flags |= F_NX;
    } else if (len === 2 && a.is(j, 'xx') && !(flags & F_NX) && forSet) {
      flags |= F_XX;
    } else if (len === 3 && a.is(j, 'get') && forSet) {
      flags |= F_GET;
    } else if (a.is(j, 'keepttl') && !(flags & (F_PERSIST | F_ANY_EXPIRE)) && forSet) {
      flags |= F_KEEPTTL;
    } else if (a.is(j, 'persist') && !forSet && !(flags & (F_ANY_EXPIRE | F_KEEPTTL))) {
      flags |= F_PERSIST;
    } else if (a.is(j, 'ex') && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expireArg = ++j;
    } else if (a.is(j, 'px') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      expireArg = ++j;
    } else if (a.is(j, 'exat') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expireArg = ++j;
    } else if (a.is(j, 'pxat') && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      expireArg = ++j;
    } else {
      ctx.reply.error(Err.syntax);
      return false;
    }
  }
  optFlags = flags;
  optExpireArg = expireArg;
  return true;
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry time in ms for argument `i`, or NaN after
 * replying an error. `relative` adds the command's time (EX/PX/SETEX/PSETEX); `seconds` scales by 1000.
 * Values beyond 2^53 ms are computed exactly (int64 overflow rules) and stored rounded to a double.
 */
function expireArgMs(ctx: ExecContext, i: number, seconds: boolean, relative: boolean): number {
  const s = ctx.args.str(i);
  const n = parseStrictIntString(s);
  if (n !== null && n > 0 && n < FAST_EXPIRE_LIMIT) {
    const ms = seconds ? n * 1000 : n;
    return relative ? ms + ctx.now : ms;
  }
  const b = n !== null ? BigInt(n) : parseStrictInt64String(s);
  if (b === null) {
    ctx.reply.error(Err.notInteger);
    return NaN;
  }
  if (b <= 0n || (seconds && b > LLONG_MAX / 1000n)) {
    ctx.reply.error(Err.invalidExpire(ctx.spec.name));
    return NaN;
  }
  let ms = seconds ? b * 1000n : b;
  if (relative) ms += BigInt(ctx.now);
  // In C the sum wraps to a negative number when it passes LLONG_MAX; either way it is rejected.
  if (ms > LLONG_MAX || ms <= 0n) {
    ctx.reply.error(Err.invalidExpire(ctx.spec.name));
    return NaN;
  }
  return Number(ms);
}

// ---------------------------------------------------------------------------------------------- GET / SET

/** Redis's getGenericCommand: replies the value (or null); false when the key holds another type. */
function replyGet(ctx: ExecContext, key: string): boolean {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return true;
  }
  if (typeof v !== 'string') {
    ctx.reply.error(Err.wrongType);
    return false;
  }
  ctx.reply.bulk(v);
  return true;
}

/** The string at `key` for GETEX / GETDEL, or null after replying nil (missing) or WRONGTYPE. */
function existingString(ctx: ExecContext, key: string): string | null {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) ctx.reply.nullBulk();
  else if (typeof v === 'string') return v;
  else ctx.reply.error(Err.wrongType);
  return null;
}

register('get', (ctx) => {
  const v = ctx.db.get(ctx.args.str(1), ctx.now);
  if (v === undefined) ctx.reply.nullBulk();
  else if (typeof v === 'string') ctx.reply.bulk(v);
  else ctx.reply.error(Err.wrongType);
});

register('set', (ctx) => {
  const a = ctx.args;
  const key = a.str(1);
  if (a.count === 3) {
    ctx.db.set(key, a.str(2));
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
    ctx.reply.ok();
    return;
  }
  if (!parseStringOptions(ctx, 3, true)) return;
  const flags = optFlags;
  let when = 0;
  if (optExpireArg >= 0) {
    when = expireArgMs(ctx, optExpireArg, (flags & (F_EX | F_EXAT)) !== 0, (flags & (F_EX | F_PX)) !== 0);
    if (Number.isNaN(when)) return;
  }
  if (flags & F_GET) {
    if (!replyGet(ctx, key)) return;
  }
  const db = ctx.db;
  const found = db.get(key, ctx.now) !== undefined;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (!(flags & F_GET)) ctx.reply.nullBulk();
    return;
  }
  if (flags & F_KEEPTTL) db.update(key, a.str(2));
  else db.set(key, a.str(2));
  if (optExpireArg >= 0) db.setExpire(key, when);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
  if (optExpireArg >= 0) ctx.shard.notify(NOTIFY_GENERIC, 'expire', ctx.dbIndex, key);
  if (!(flags & F_GET)) ctx.reply.ok();
});

register('setnx', (ctx) => {
  const key = ctx.args.str(1);
  if (ctx.db.get(key, ctx.now) !== undefined) {
    ctx.reply.int(0);
    return;
  }
  ctx.db.set(key, ctx.args.str(2));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
  ctx.reply.int(1);
});

function setWithExpire(ctx: ExecContext, seconds: boolean): void {
  const when = expireArgMs(ctx, 2, seconds, true);
  if (Number.isNaN(when)) return;
  const key = ctx.args.str(1);
  ctx.db.set(key, ctx.args.str(3));
  ctx.db.setExpire(key, when);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, 'expire', ctx.dbIndex, key);
  ctx.reply.ok();
}

register('setex', (ctx) => setWithExpire(ctx, true));
register('psetex', (ctx) => setWithExpire(ctx, false));

register('getex', (ctx) => {
  if (!parseStringOptions(ctx, 2, false)) return;
  const flags = optFlags;
  const expireArg = optExpireArg;
  const key = ctx.args.str(1);
  const db = ctx.db;
  const v = existingString(ctx, key);
  if (v === null) return;
  let when = 0;
  if (expireArg >= 0) {
    when = expireArgMs(ctx, expireArg, (flags & (F_EX | F_EXAT)) !== 0, (flags & (F_EX | F_PX)) !== 0);
    if (Number.isNaN(when)) return;
  }
  ctx.reply.bulk(v);
  if (flags & (F_EXAT | F_PXAT) && when <= ctx.now) {
    // An absolute time already in the past deletes the key.
    db.delete(key);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
  } else if (expireArg >= 0) {
    db.setExpire(key, when);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_GENERIC, 'expire', ctx.dbIndex, key);
  } else if (flags & F_PERSIST) {
    if (db.removeExpire(key)) {
      ctx.shard.keyModified(ctx.dbIndex, key);
      ctx.shard.notify(NOTIFY_GENERIC, 'persist', ctx.dbIndex, key);
    }
  }
});

register('getdel', (ctx) => {
  const key = ctx.args.str(1);
  const v = existingString(ctx, key);
  if (v === null) return;
  ctx.reply.bulk(v);
  ctx.db.delete(key);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
});

register('getset', (ctx) => {
  const key = ctx.args.str(1);
  if (!replyGet(ctx, key)) return;
  ctx.db.set(key, ctx.args.str(2));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
});

// ---------------------------------------------------------------------------------------------- MSET / MGET

/** MSET / MSETNX (msetGenericCommand): with `nx`, nothing is set when any of the keys exists. */
function msetGeneric(ctx: ExecContext, nx: boolean): void {
  const a = ctx.args;
  if (a.count % 2 === 0) {
    ctx.reply.error(Err.wrongArity(ctx.spec.name));
    return;
  }
  if (nx) {
    for (let j = 1; j < a.count; j += 2) {
      if (ctx.db.get(a.str(j), ctx.now) !== undefined) {
        ctx.reply.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < a.count; j += 2) {
    const key = a.str(j);
    ctx.db.set(key, a.str(j + 1));
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, key);
  }
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

register('mset', (ctx) => msetGeneric(ctx, false));
register('msetnx', (ctx) => msetGeneric(ctx, true));

register('mget', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  w.array(a.count - 1);
  for (let j = 1; j < a.count; j++) {
    const v = ctx.db.get(a.str(j), ctx.now);
    if (typeof v === 'string') w.bulk(v);
    else w.nullBulk();
  }
});

// ---------------------------------------------------------------------------------------------- counters

/**
 * Redis's incrDecrCommand with the increment already parsed: a double holding a safe integer on the
 * fast path, a bigint when the increment is outside the safe range.
 */
function incrDecr(ctx: ExecContext, incr: number | bigint): void {
  const key = ctx.args.str(1);
  const db = ctx.db;
  const slot = db.lookupSlot(key, ctx.now);
  let cur: number | null = 0;
  if (slot !== undefined) {
    const v = db.main.storedAt(slot);
    if (typeof v === 'number') cur = v;
    else if (typeof v !== 'string') {
      ctx.reply.error(Err.wrongType);
      return;
    } else {
      cur = parseStrictIntString(v);
      if (cur === null) {
        // Either not an integer at all, or an int64 outside the safe range: take the exact path.
        const big = parseStrictInt64String(v);
        if (big === null) {
          ctx.reply.error(Err.notInteger);
          return;
        }
        incrDecrBig(ctx, key, big, typeof incr === 'bigint' ? incr : BigInt(incr));
        return;
      }
    }
  }
  if (typeof incr === 'number') {
    const r = cur + incr;
    if (Number.isSafeInteger(r)) {
      // Kept as a number (Redis's int encoding). The lookup touched the key; an existing one is
      // updated in place as Redis does for an int-encoded counter.
      if (slot !== undefined) db.main.setValueAt(slot, r);
      else db.update(key, r);
      ctx.shard.keyModified(ctx.dbIndex, key);
      ctx.shard.notify(NOTIFY_STRING, 'incrby', ctx.dbIndex, key);
      ctx.reply.int(r);
      return;
    }
    incrDecrBig(ctx, key, BigInt(cur), BigInt(incr));
    return;
  }
  incrDecrBig(ctx, key, BigInt(cur), incr);
}

function incrDecrBig(ctx: ExecContext, key: string, cur: bigint, incr: bigint): void {
  if ((incr < 0n && cur < 0n && incr < LLONG_MIN - cur) || (incr > 0n && cur > 0n && incr > LLONG_MAX - cur)) {
    ctx.reply.error(Err.overflow);
    return;
  }
  const r = cur + incr;
  ctx.db.update(key, r.toString());
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'incrby', ctx.dbIndex, key);
  ctx.reply.bigint(r);
}

register('incr', (ctx) => incrDecr(ctx, 1));
register('decr', (ctx) => incrDecr(ctx, -1));

register('incrby', (ctx) => {
  const incr = int64Arg(ctx, 2);
  if (incr !== null) incrDecr(ctx, incr);
});

register('decrby', (ctx) => {
  const incr = int64Arg(ctx, 2);
  if (incr === null) return;
  if (incr === LLONG_MIN) {
    ctx.reply.error(ERR_DECR_OVERFLOW);
    return;
  }
  // -0 would still print as 0 but keep the fast path's arithmetic clean.
  incrDecr(ctx, typeof incr === 'number' ? (incr === 0 ? 0 : -incr) : -incr);
});

register('incrbyfloat', (ctx) => {
  const key = ctx.args.str(1);
  const v = ctx.db.get(key, ctx.now);
  if (v !== undefined && typeof v !== 'string') {
    ctx.reply.error(Err.wrongType);
    return;
  }
  const r = incrByFloat(v === undefined ? null : v, ctx.args.str(2));
  if (!r.ok) {
    ctx.reply.error(r.error === 'not-float' ? Err.notFloat : ERR_NAN_INF);
    return;
  }
  ctx.db.update(key, r.value);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'incrbyfloat', ctx.dbIndex, key);
  ctx.reply.bulk(r.value);
});

// ---------------------------------------------------------------------------------------------- APPEND / STRLEN / ranges

register('append', (ctx) => {
  const key = ctx.args.str(1);
  const db = ctx.db;
  const v = db.get(key, ctx.now);
  const add = ctx.args.str(2);
  let result: string;
  if (v === undefined) {
    result = add;
    db.set(key, result);
  } else {
    if (typeof v !== 'string') {
      ctx.reply.error(Err.wrongType);
      return;
    }
    if (v.length + add.length > ctx.shard.config.protoMaxBulkLen) {
      ctx.reply.error(ERR_TOO_BIG);
      return;
    }
    result = v + add;
    db.update(key, result);
  }
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'append', ctx.dbIndex, key);
  ctx.reply.int(result.length);
});

register('strlen', (ctx) => {
  const v = ctx.db.get(ctx.args.str(1), ctx.now);
  if (v === undefined) ctx.reply.int(0);
  else if (typeof v === 'string') ctx.reply.int(v.length);
  else ctx.reply.error(Err.wrongType);
});

function getrange(ctx: ExecContext): void {
  const s0 = int64Arg(ctx, 2);
  if (s0 === null) return;
  const e0 = int64Arg(ctx, 3);
  if (e0 === null) return;
  const v = ctx.db.get(ctx.args.str(1), ctx.now);
  const w = ctx.reply;
  if (v === undefined) {
    w.bulk('');
    return;
  }
  if (typeof v !== 'string') {
    w.error(Err.wrongType);
    return;
  }
  // Redis 7.0: both negative with start after end is empty, before any clamping.
  if (s0 < 0 && e0 < 0 && s0 > e0) {
    w.bulk('');
    return;
  }
  const len = v.length;
  const start = stringRangeIndex(s0, len);
  const end = Math.min(stringRangeIndex(e0, len), len - 1);
  if (start > end || len === 0) w.bulk('');
  else w.bulk(start === 0 && end === len - 1 ? v : v.slice(start, end + 1));
}

register('getrange', getrange);
register('substr', getrange);

register('setrange', (ctx) => {
  const off = int64Arg(ctx, 2);
  if (off === null) return;
  if (off < 0) {
    ctx.reply.error(ERR_OFFSET);
    return;
  }
  const key = ctx.args.str(1);
  const value = ctx.args.str(3);
  const db = ctx.db;
  const v = db.get(key, ctx.now);
  const max = ctx.shard.config.protoMaxBulkLen;
  if (v !== undefined && typeof v !== 'string') {
    ctx.reply.error(Err.wrongType);
    return;
  }
  if (value.length === 0) {
    ctx.reply.int(v === undefined ? 0 : v.length);
    return;
  }
  if (typeof off === 'bigint' || off + value.length > max) {
    ctx.reply.error(ERR_TOO_BIG);
    return;
  }
  const old = v === undefined ? '' : v;
  const padded = old.length < off ? old + '\0'.repeat(off - old.length) : old;
  const result = padded.slice(0, off) + value + padded.slice(off + value.length);
  if (v === undefined) db.set(key, result);
  else db.update(key, result);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'setrange', ctx.dbIndex, key);
  ctx.reply.int(result.length);
});

// ---------------------------------------------------------------------------------------------- LCS

register('lcs', (ctx) => {
  const a = ctx.args;
  const w = ctx.reply;
  const va = ctx.db.get(a.str(1), ctx.now);
  const vb = ctx.db.get(a.str(2), ctx.now);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    w.error(ERR_LCS_TYPE);
    return;
  }
  const sa = va === undefined ? '' : va;
  const sb = vb === undefined ? '' : vb;
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < a.count; j++) {
    const moreArgs = a.count - 1 - j;
    if (a.is(j, 'idx')) getIdx = true;
    else if (a.is(j, 'len')) getLen = true;
    else if (a.is(j, 'withmatchlen')) withMatchLen = true;
    else if (a.is(j, 'minmatchlen') && moreArgs > 0) {
      const m = int64Arg(ctx, j + 1);
      if (m === null) return;
      minMatchLen = m < 0 ? 0 : clampInt64(m);
      j++;
    } else {
      w.error(Err.syntax);
      return;
    }
  }
  if (getIdx && getLen) {
    w.error(ERR_LCS_AMBIGUOUS);
    return;
  }
  const alen = sa.length;
  const blen = sb.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.shard.config.protoMaxBulkLen) {
    w.error(ERR_LCS_MEMORY);
    return;
  }
  // LCS(i, j) = table[j + i * (blen + 1)]: length of the LCS of a[0..i) and b[0..j).
  const row = blen + 1;
  const table = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ca = sa.charCodeAt(i - 1);
    const base = i * row;
    const prev = base - row;
    for (let j = 1; j <= blen; j++) {
      if (ca === sb.charCodeAt(j - 1)) table[base + j] = table[prev + j - 1] + 1;
      else {
        const l1 = table[prev + j];
        const l2 = table[base + j - 1];
        table[base + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = table[alen * row + blen];
  if (getLen && !getIdx) {
    w.int(total);
    return;
  }
  // Walk back from the end, collecting the LCS bytes and (for IDX) the matched ranges, exactly as Redis.
  const out: number[] = new Array<number>(total);
  const ranges: number[] = [];
  let idx = total;
  let arStart = alen;
  let arEnd = 0;
  let brStart = 0;
  let brEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (sa.charCodeAt(i - 1) === sb.charCodeAt(j - 1)) {
      out[idx - 1] = sa.charCodeAt(i - 1);
      if (arStart === alen) {
        arStart = i - 1;
        arEnd = i - 1;
        brStart = j - 1;
        brEnd = j - 1;
      } else if (arStart === i && brStart === j) {
        arStart--;
        brStart--;
      } else {
        emit = true;
      }
      if (arStart === 0 || brStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = table[(i - 1) * row + j];
      const l2 = table[i * row + j - 1];
      if (l1 > l2) i--;
      else j--;
      if (arStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = arEnd - arStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        ranges.push(arStart, arEnd, brStart, brEnd, matchLen);
      }
      arStart = alen;
    }
  }
  if (getIdx) {
    w.map(2);
    w.bulk('matches');
    const n = ranges.length / 5;
    w.array(n);
    for (let k = 0; k < ranges.length; k += 5) {
      w.array(withMatchLen ? 3 : 2);
      w.array(2);
      w.int(ranges[k]);
      w.int(ranges[k + 1]);
      w.array(2);
      w.int(ranges[k + 2]);
      w.int(ranges[k + 3]);
      if (withMatchLen) w.int(ranges[k + 4]);
    }
    w.bulk('len');
    w.int(total);
    return;
  }
  w.bulk(bytesToLatin1(out));
});

function bytesToLatin1(codes: number[]): string {
  if (codes.length === 0) return '';
  return Buffer.from(codes).toString('latin1');
}

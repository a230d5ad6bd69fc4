/**
 * Integer arguments as Redis reads them (string2ll, get{Long,LongLong}FromObjectOrReply), shared by the
 * families. Values within ±2^53 come back as numbers without allocating; the `…Arg` forms reply the
 * error themselves and return null.
 */
import type { ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { parseStrictInt64String, parseStrictIntString } from '../../shared/numbers.js';

/** Stand-in for int64 values beyond ±2^53: as an index, rank or count it acts like the real value against any real size. */
export const BEYOND_SAFE = 2 ** 53;

const LONG_MAX = 9223372036854775807n;
const ERR_RANDOM_COUNT = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

/** Redis string2ll over a whole string: a number when safe, a bigint beyond 2^53, null when invalid. */
export function parseInt64(s: string): number | bigint | null {
  const n = parseStrictIntString(s);
  if (n !== null) return n;
  return parseStrictInt64String(s);
}

/** Redis string2ll over a whole string as a bigint, null when invalid. */
export function parseBigInt64(s: string): bigint | null {
  const n = parseStrictIntString(s);
  return n !== null ? BigInt(n) : parseStrictInt64String(s);
}

/** getLongLongFromObjectOrReply: the value (a bigint beyond ±2^53), or null after replying `err`. */
export function int64Arg(ctx: ExecContext, i: number, err: string = Err.notInteger): number | bigint | null {
  const v = parseInt64(ctx.args.str(i));
  if (v === null) ctx.reply.error(err);
  return v;
}

/** An int64 clamped into ±2^53 (see BEYOND_SAFE). */
export function clampInt64(v: number | bigint): number {
  if (typeof v === 'number') return v;
  return v < 0n ? -BEYOND_SAFE : BEYOND_SAFE;
}

/**
 * getLongFromObjectOrReply for indexes, ranks and counts: the int64 clamped into ±2^53, or null after
 * replying `err`. Written out rather than composed: LRANGE and LPOP/RPOP with a count parse with it.
 */
export function longArg(ctx: ExecContext, i: number, err: string = Err.notInteger): number | null {
  const s = ctx.args.str(i);
  const n = parseStrictIntString(s);
  if (n !== null) return n;
  const b = parseStrictInt64String(s);
  if (b === null) {
    ctx.reply.error(err);
    return null;
  }
  return b < 0n ? -BEYOND_SAFE : BEYOND_SAFE;
}

/**
 * getRangeLongFromObjectOrReply with no upper bound: longArg, at least `min`, or null after replying
 * `err` (also when not an integer, unless a separate `notIntegerErr` is given).
 */
export function longArgAtLeast(ctx: ExecContext, i: number, min: number, err: string, notIntegerErr: string = err): number | null {
  const v = longArg(ctx, i, notIntegerErr);
  if (v === null) return null;
  if (v < min) {
    ctx.reply.error(err);
    return null;
  }
  return v;
}

/**
 * The count of HRANDFIELD / SRANDMEMBER / ZRANDMEMBER (getRangeLongFromObjectOrReply from -LONG_MAX, so
 * that it can be negated), or null after replying.
 */
export function randomCountArg(ctx: ExecContext, i: number): bigint | null {
  const l = parseBigInt64(ctx.args.str(i));
  if (l === null) ctx.reply.error(Err.notInteger);
  else if (l < -LONG_MAX) ctx.reply.error(ERR_RANDOM_COUNT);
  else return l;
  return null;
}

/**
 * One end of a GETRANGE / BITCOUNT / BITPOS range over `total` bytes or bits: negative counts from the
 * end, then floored at 0 (the end is capped at total - 1 by the caller). Redis floors the end too, so
 * a range ending before the start of the string still covers the first unit.
 */
export function stringRangeIndex(v: number | bigint, total: number): number {
  let i = clampInt64(v);
  if (i < 0) i += total;
  return i < 0 ? 0 : i;
}

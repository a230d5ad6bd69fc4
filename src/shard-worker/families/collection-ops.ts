/** Steps shared by several collection families. */
import type { ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC } from '../../shared/config.js';
import { globMatchString, isMatchAll } from '../../shared/glob.js';
import type { Value } from '../keyspace.js';
import { parseScanCursor, saveCursor, takeCursor } from '../scan-cursors.js';
import { parseBigInt64 } from './int-args.js';

/**
 * HDEL / SREM: remove the members named by arguments `first`…, delete the key once it is empty (Redis
 * never keeps an empty collection), signal the change and notify `event` (then `del`), reply the count.
 */
export function removeMembers(
  ctx: ExecContext,
  key: string,
  coll: { delete(member: string): boolean; size(): number },
  first: number,
  notifyClass: number,
  event: string,
): void {
  const a = ctx.args;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = first; i < a.count; i++) {
    if (coll.delete(a.str(i))) {
      deleted++;
      if (coll.size() === 0) {
        ctx.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(notifyClass, event, ctx.dbIndex, key);
    if (keyRemoved) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
  }
  ctx.reply.int(deleted);
}

// ---------------------------------------------------------------------------------------------- HSCAN / SSCAN / ZSCAN

/** An HSCAN / SSCAN / ZSCAN call, parsed. */
export interface CollectionScan<T> {
  readonly coll: T;
  /** Shard-local cursor id (0: start a new walk). */
  readonly cursor: number;
  readonly count: number;
  /** MATCH pattern; null matches everything. */
  readonly pattern: string | null;
}

/**
 * The start of HSCAN / SSCAN / ZSCAN in Redis's order (the cursor, then the key, then scanGenericCommand's
 * COUNT and MATCH): the parsed call, or null once it has replied (an error, or the empty page of a
 * missing key).
 */
export function beginScan<T extends Value>(ctx: ExecContext, type: abstract new (...args: never[]) => T): CollectionScan<T> | null {
  const a = ctx.args;
  const w = ctx.reply;
  const cursor = parseScanCursor(a.str(2));
  if (cursor === null) {
    w.error('ERR invalid cursor');
    return null;
  }
  const v = ctx.db.get(a.str(1), ctx.now);
  if (v === undefined) {
    w.array(2);
    w.bulk('0');
    w.array(0);
    return null;
  }
  if (!(v instanceof type)) {
    w.error(Err.wrongType);
    return null;
  }
  let count = 10;
  let pattern: string | null = null;
  for (let i = 3; i < a.count; i += 2) {
    const more = a.count - i;
    if (a.is(i, 'count') && more >= 2) {
      const n = parseBigInt64(a.str(i + 1));
      if (n === null) {
        w.error(Err.notInteger);
        return null;
      }
      if (n < 1n) {
        w.error(Err.syntax);
        return null;
      }
      count = n > 1000000000n ? 1000000000 : Number(n);
    } else if (a.is(i, 'match') && more >= 2) {
      const p = a.str(i + 1);
      pattern = isMatchAll(p) ? null : p;
    } else {
      w.error(Err.syntax);
      return null;
    }
  }
  return { coll: v, cursor, count, pattern };
}

/**
 * One page of a hashtable-encoded collection (Redis's dictScan loop): up to COUNT keys of `index` from
 * where the scan's cursor stopped, the ones matching MATCH appended to `out`, each followed by
 * `valueOf(coll, key)` unless that is null. Returns the cursor to reply: 0 once the walk is done.
 */
export function scanHashtablePage<T extends object>(
  scan: CollectionScan<T>,
  index: Map<string, unknown>,
  out: string[],
  valueOf: ((coll: T, key: string) => string) | null,
): number {
  const pat = scan.pattern;
  const it = takeCursor(scan.cursor, scan.coll) ?? index.keys();
  for (let examined = 0; examined < scan.count; examined++) {
    const r = it.next();
    if (r.done) return 0;
    const k = r.value;
    if (pat !== null && !globMatchString(pat, k, false)) continue;
    out.push(k);
    if (valueOf !== null) out.push(valueOf(scan.coll, k));
  }
  return saveCursor(scan.coll, it);
}

/** The HSCAN / SSCAN / ZSCAN reply: the cursor to continue from (0: done) and the page. */
export function replyScanPage(ctx: ExecContext, next: number, out: string[]): void {
  const w = ctx.reply;
  w.array(2);
  w.bulk(String(next));
  w.bulkArray(out);
}

/** LMPOP's / ZMPOP's parsed arguments: numkeys key… LEFT|RIGHT or MIN|MAX [COUNT n]. */
export interface MpopArgs {
  numkeys: number;
  /** LEFT for LMPOP, MAX for ZMPOP. */
  flag: boolean;
  count: number;
}

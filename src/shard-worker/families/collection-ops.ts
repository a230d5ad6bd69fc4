/** Steps shared by several collection families. */
import type { ExecContext } from '../context.js';
import { NOTIFY_GENERIC } from '../../shared/config.js';

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

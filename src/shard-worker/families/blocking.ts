/**
 * BLPOP and friends as a shard runs them: never blocking. They answer like their non-blocking forms
 * (a null when nothing can be popped); parking and waking clients is the acceptor's job, driven by the
 * "key ready" events this shard emits for keys someone is blocked on (see ShardLoop and __blockon).
 */
import { register, handlerAt, type ExecContext } from '../context.js';
import { Args } from '../../shared/frame.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_LIST } from '../../shared/config.js';
import { commandByName } from '../../shared/command-table.js';
import { parseLongDouble } from '../../shared/numbers.js';
import { ListValue } from './lists.js';
import { ZSet } from '../ds/zset.js';
import type { Shard } from '../shard.js';

/** Redis's getTimeoutFromObjectOrReply (seconds, long double): false after replying an error. */
function timeoutOk(ctx: ExecContext, i: number): boolean {
  const s = ctx.args.str(i);
  const ld = parseLongDouble(s);
  const v = ld === null ? NaN : Number(s);
  if (ld === null || !Number.isFinite(v)) {
    ctx.reply.error('ERR timeout is not a float or out of range');
    return false;
  }
  if (v < 0) {
    ctx.reply.error('ERR timeout is negative');
    return false;
  }
  return true;
}

const inner = new Args();

/** Run the non-blocking form `name` with `argv` into the same reply. */
function runAs(ctx: ExecContext, name: string, argv: string[]): void {
  const spec = commandByName(name);
  inner.setFrom(argv);
  const saveArgs = ctx.args;
  const saveSpec = ctx.spec;
  ctx.args = inner;
  ctx.spec = spec;
  handlerAt(spec.index)!(ctx);
  ctx.args = saveArgs;
  ctx.spec = saveSpec;
}

function blockingListPop(ctx: ExecContext, head: boolean): void {
  const a = ctx.args;
  if (!timeoutOk(ctx, a.count - 1)) return;
  for (let i = 1; i < a.count - 1; i++) {
    const key = a.str(i);
    const v = ctx.db.get(key, ctx.now);
    if (v === undefined) continue;
    if (!(v instanceof ListValue)) {
      ctx.reply.error(Err.wrongType);
      return;
    }
    const w = ctx.reply;
    w.array(2);
    w.bulk(key);
    w.bulk(head ? v.popHead() : v.popTail());
    const empty = v.length === 0;
    if (empty) ctx.db.delete(key);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_LIST, head ? 'lpop' : 'rpop', ctx.dbIndex, key);
    if (empty) ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
    return;
  }
  ctx.reply.nullArray();
}

register('blpop', (ctx) => blockingListPop(ctx, true));
register('brpop', (ctx) => blockingListPop(ctx, false));

register('blmove', (ctx) => {
  const a = ctx.args;
  if (!timeoutOk(ctx, 5)) return;
  runAs(ctx, 'lmove', ['LMOVE', a.str(1), a.str(2), a.str(3), a.str(4)]);
});

register('brpoplpush', (ctx) => {
  const a = ctx.args;
  if (!timeoutOk(ctx, 3)) return;
  runAs(ctx, 'rpoplpush', ['RPOPLPUSH', a.str(1), a.str(2)]);
});

function mpop(ctx: ExecContext, name: string): void {
  const a = ctx.args;
  if (!timeoutOk(ctx, 1)) return;
  const argv = [name.toUpperCase()];
  for (let i = 2; i < a.count; i++) argv.push(a.str(i));
  runAs(ctx, name, argv);
}

register('blmpop', (ctx) => mpop(ctx, 'lmpop'));
register('bzmpop', (ctx) => mpop(ctx, 'zmpop'));

function blockingZPop(ctx: ExecContext, max: boolean): void {
  const a = ctx.args;
  if (!timeoutOk(ctx, a.count - 1)) return;
  for (let i = 1; i < a.count - 1; i++) {
    const key = a.str(i);
    const v = ctx.db.get(key, ctx.now);
    if (v === undefined) continue;
    if (!(v instanceof ZSet)) {
      ctx.reply.error(Err.wrongType);
      return;
    }
    // [key, member, score]: ZPOPMIN/ZPOPMAX's [member, score] with the key in front.
    const w = ctx.reply;
    w.array(3);
    w.bulk(key);
    const at = w.pos;
    runAs(ctx, max ? 'zpopmax' : 'zpopmin', [max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
    const hdr = w.buf.indexOf(10, at) + 1 - at; // drop ZPOPMIN's own "*2\r\n"
    w.buf.copyWithin(at, at + hdr, w.pos);
    w.pos -= hdr;
    return;
  }
  ctx.reply.nullArray();
}

register('bzpopmin', (ctx) => blockingZPop(ctx, false));
register('bzpopmax', (ctx) => blockingZPop(ctx, true));

// __blockon / __blockoff db key…: keys whose writes this shard reports as ready events.
register('__blockon', (ctx) => {
  const shard = ctx.shard as Shard;
  const a = ctx.args;
  for (let i = 1; i + 1 < a.count; i += 2) {
    const id = `${a.str(i)}\u0000${a.str(i + 1)}`;
    shard.readyInterest.set(id, (shard.readyInterest.get(id) ?? 0) + 1);
  }
  ctx.reply.ok();
});

register('__blockoff', (ctx) => {
  const shard = ctx.shard as Shard;
  const a = ctx.args;
  for (let i = 1; i + 1 < a.count; i += 2) {
    const id = `${a.str(i)}\u0000${a.str(i + 1)}`;
    const n = (shard.readyInterest.get(id) ?? 0) - 1;
    if (n <= 0) shard.readyInterest.delete(id);
    else shard.readyInterest.set(id, n);
  }
  ctx.reply.ok();
});

/**
 * BLPOP and friends as a shard runs them: never blocking. They answer like their non-blocking forms
 * (a null when nothing can be popped); parking and waking clients is the acceptor's job, driven by the
 * "key ready" events this shard emits for keys someone is blocked on (see ShardLoop and __blockon).
 */
import { register, handlerAt, type ExecContext } from '../context.js';
import { Args } from '../../shared/frame.js';
import { Err } from '../../protocol/reply-writer.js';
import { commandByName } from '../../shared/command-table.js';
import { parseTimeoutSeconds } from '../../shared/numbers.js';
import { ListValue, afterRemove, lmpopArgs, lmpopRun, whereArg } from './lists.js';
import { zmpopArgs, zmpopRun } from './zsets.js';
import type { MpopArgs } from './collection-ops.js';
import { ZSet } from '../ds/zset.js';
import type { Shard } from '../shard.js';

/** Redis's getTimeoutFromObjectOrReply (seconds, long double): false after replying an error. */
function timeoutOk(ctx: ExecContext, i: number): boolean {
  const ms = parseTimeoutSeconds(ctx.args.str(i));
  if (ms === 'float') ctx.reply.error('ERR timeout is not a float or out of range');
  else if (ms === 'negative') ctx.reply.error('ERR timeout is negative');
  else return true;
  return false;
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

/**
 * BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: pop one element from the first existing key (WRONGTYPE when that
 * key holds another type), from the front (head / lowest score) or the back. The timeout comes last.
 */
function blockingPop(ctx: ExecContext, type: typeof ListValue | typeof ZSet, front: boolean): void {
  const a = ctx.args;
  if (!timeoutOk(ctx, a.count - 1)) return;
  for (let i = 1; i < a.count - 1; i++) {
    const key = a.str(i);
    const v = ctx.db.get(key, ctx.now);
    if (v === undefined) continue;
    if (!(v instanceof type)) {
      ctx.reply.error(Err.wrongType);
      return;
    }
    const w = ctx.reply;
    if (v instanceof ListValue) {
      w.array(2);
      w.bulk(key);
      w.bulk(front ? v.popHead() : v.popTail());
      afterRemove(ctx, key, v, front ? 'lpop' : 'rpop');
      return;
    }
    // [key, member, score]: ZPOPMIN/ZPOPMAX's [member, score] with the key in front.
    w.array(3);
    w.bulk(key);
    const at = w.pos;
    runAs(ctx, front ? 'zpopmin' : 'zpopmax', [front ? 'ZPOPMIN' : 'ZPOPMAX', key]);
    const hdr = w.buf.indexOf(10, at) + 1 - at; // drop ZPOPMIN's own "*2\r\n"
    w.buf.copyWithin(at, at + hdr, w.pos);
    w.pos -= hdr;
    return;
  }
  ctx.reply.nullArray();
}

register('blpop', (ctx) => blockingPop(ctx, ListValue, true));
register('brpop', (ctx) => blockingPop(ctx, ListValue, false));
register('bzpopmin', (ctx) => blockingPop(ctx, ZSet, true));
register('bzpopmax', (ctx) => blockingPop(ctx, ZSet, false));

register('blmove', (ctx) => {
  const a = ctx.args;
  // Redis parses LEFT/RIGHT before the timeout (blmoveCommand).
  if (whereArg(ctx, 3) === null || whereArg(ctx, 4) === null) return;
  if (!timeoutOk(ctx, 5)) return;
  runAs(ctx, 'lmove', ['LMOVE', a.str(1), a.str(2), a.str(3), a.str(4)]);
});

register('brpoplpush', (ctx) => {
  const a = ctx.args;
  if (!timeoutOk(ctx, 3)) return;
  runAs(ctx, 'rpoplpush', ['RPOPLPUSH', a.str(1), a.str(2)]);
});

/**
 * BLMPOP / BZMPOP: the non-blocking form's arguments (everything after the timeout) are checked
 * first, then the timeout, as lmpopGenericCommand / zmpopGenericCommand do, then it runs.
 */
function mpop(ctx: ExecContext, name: string, parse: (ctx: ExecContext) => MpopArgs | null, run: (ctx: ExecContext, p: MpopArgs) => void): void {
  const a = ctx.args;
  const argv = [name.toUpperCase()];
  for (let i = 2; i < a.count; i++) argv.push(a.str(i));
  inner.setFrom(argv);
  const saveArgs = ctx.args;
  ctx.args = inner;
  const p = parse(ctx);
  ctx.args = saveArgs;
  if (p === null || !timeoutOk(ctx, 1)) return;
  const saveSpec = ctx.spec;
  ctx.args = inner;
  ctx.spec = commandByName(name);
  run(ctx, p);
  ctx.args = saveArgs;
  ctx.spec = saveSpec;
}

register('blmpop', (ctx) => mpop(ctx, 'lmpop', lmpopArgs, lmpopRun));
register('bzmpop', (ctx) => mpop(ctx, 'zmpop', zmpopArgs, zmpopRun));

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

/**
 * HyperLogLog commands (Redis 7.0 hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG.
 *
 * An HLL is a plain string value; the representation lives in ../ds/hyperloglog.ts and reproduces
 * Redis's bytes exactly. Each command decodes the stored string, works on a byte buffer and stores the
 * string back (keeping the key's TTL, as Redis modifies the value in place) when it changed anything.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_STRING } from '../../shared/config.js';
import {
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  Hll,
  countRaw,
  isValidHllString,
} from '../ds/hyperloglog.js';

const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const ERR_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

/** hll-sparse-max-bytes (CONFIG SET reaches the shards). */
function sparseMaxBytes(ctx: ExecContext): number {
  return ctx.shard.config.hllSparseMaxBytes;
}

/**
 * Redis's lookup + isHLLObjectOrReply: the key's HLL, null when the key does not exist, or undefined
 * after replying an error (another type, or a string that is not a valid HLL).
 */
function lookupHll(ctx: ExecContext, key: string): Hll | null | undefined {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined) return null;
  if (typeof v !== 'string') {
    ctx.reply.error(Err.wrongType);
    return undefined;
  }
  if (!isValidHllString(v)) {
    ctx.reply.error(ERR_NOT_HLL);
    return undefined;
  }
  return Hll.fromString(v);
}

register('pfadd', (ctx) => {
  const a = ctx.args;
  const key = a.str(1);
  let hll = lookupHll(ctx, key);
  if (hll === undefined) return;
  let updated = 0;
  if (hll === null) {
    hll = Hll.create();
    updated++;
  }
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 2; j < a.count; j++) {
    const r = hll.add(Buffer.from(a.str(j), 'latin1'), maxBytes);
    if (r === 1) updated++;
    else if (r === -1) {
      // Redis has already changed the value in place for the elements before this one.
      if (updated) ctx.db.update(key, hll.toString());
      ctx.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  if (updated) {
    hll.invalidateCache();
    ctx.db.update(key, hll.toString());
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_STRING, 'pfadd', ctx.dbIndex, key);
  }
  ctx.reply.int(updated ? 1 : 0);
});

register('pfcount', (ctx) => {
  const a = ctx.args;
  if (a.count > 2) {
    // Several keys: the cardinality of their union, computed on the side; no key changes.
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < a.count; j++) {
      const hll = lookupHll(ctx, a.str(j));
      if (hll === undefined) return;
      if (hll === null) continue;
      if (!hll.mergeInto(max)) {
        ctx.reply.error(ERR_INVALID_HLL);
        return;
      }
    }
    ctx.reply.int(countRaw(max));
    return;
  }
  const key = a.str(1);
  const hll = lookupHll(ctx, key);
  if (hll === undefined) return;
  if (hll === null) {
    ctx.reply.int(0);
    return;
  }
  if (hll.validCache()) {
    const card = hll.cachedCard();
    if (typeof card === 'bigint') ctx.reply.bigint(card);
    else ctx.reply.int(card);
    return;
  }
  const card = hll.count();
  if (card < 0) {
    ctx.reply.error(ERR_INVALID_HLL);
    return;
  }
  // Redis writes the cache into the value and signals the key as modified.
  hll.setCachedCard(card);
  ctx.db.update(key, hll.toString());
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.reply.int(card);
});

register('pfmerge', (ctx) => {
  const a = ctx.args;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  let dest: Hll | null = null;
  for (let j = 1; j < a.count; j++) {
    const hll = lookupHll(ctx, a.str(j));
    if (hll === undefined) return;
    if (hll === null) continue;
    if (j === 1) dest = hll;
    if (hll.encoding === HLL_DENSE) useDense = true;
    if (!hll.mergeInto(max)) {
      ctx.reply.error(ERR_INVALID_HLL);
      return;
    }
  }
  const key = a.str(1);
  const created = dest === null;
  const hll = dest ?? Hll.create();
  if (useDense && !hll.sparseToDense()) {
    if (created) ctx.db.update(key, hll.toString());
    ctx.reply.error(ERR_INVALID_HLL);
    return;
  }
  const maxBytes = sparseMaxBytes(ctx);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    if (hll.encoding === HLL_DENSE) hll.denseSet(j, max[j]);
    else if (hll.encoding === HLL_SPARSE) hll.sparseSet(j, max[j], maxBytes);
  }
  hll.invalidateCache();
  ctx.db.update(key, hll.toString());
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_STRING, 'pfadd', ctx.dbIndex, key);
  ctx.reply.ok();
});

register('pfdebug', (ctx) => {
  const a = ctx.args;
  const cmd = a.str(1);
  const key = a.str(2);
  const hll = lookupHll(ctx, key);
  if (hll === undefined) return;
  if (hll === null) {
    ctx.reply.error('ERR The specified key does not exist');
    return;
  }
  const sub = cmd.toLowerCase();
  if (sub === 'getreg') {
    if (hll.encoding === HLL_SPARSE) {
      if (!hll.sparseToDense()) {
        ctx.reply.error(ERR_INVALID_HLL);
        return;
      }
      ctx.db.update(key, hll.toString());
    }
    ctx.reply.array(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) ctx.reply.int(hll.denseGet(j));
  } else if (sub === 'decode') {
    if (hll.encoding !== HLL_SPARSE) {
      ctx.reply.error('ERR HLL encoding is not sparse');
      return;
    }
    ctx.reply.bulk(hll.decodeSparse());
  } else if (sub === 'encoding') {
    ctx.reply.simple(hll.encoding === HLL_DENSE ? 'dense' : 'sparse');
  } else if (sub === 'todense') {
    let conv = 0;
    if (hll.encoding === HLL_SPARSE) {
      if (!hll.sparseToDense()) {
        ctx.reply.error(ERR_INVALID_HLL);
        return;
      }
      ctx.db.update(key, hll.toString());
      conv = 1;
    }
    ctx.reply.int(conv);
  } else {
    ctx.reply.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  }
});

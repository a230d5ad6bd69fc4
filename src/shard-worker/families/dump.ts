/**
 * DUMP and RESTORE (Redis 7.0 cluster.c): a key's value as an RDB object payload with a version and
 * CRC64 footer (src/rdb/dump-payload.ts), and back, with Redis's option parsing, check order and
 * error replies.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC } from '../../shared/config.js';
import { parseStrictInt64String, parseStrictIntString } from '../../shared/numbers.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from '../../rdb/dump-payload.js';
import { RdbError } from '../../rdb/rdb-io.js';
import type { Value } from '../keyspace.js';

const ERR_BUSYKEY = 'BUSYKEY Target key name already exists.';
const ERR_TTL = 'ERR Invalid TTL value, must be >= 0';
const ERR_IDLETIME = 'ERR Invalid IDLETIME value, must be >= 0';
const ERR_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';
const ERR_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const ERR_BAD_DATA = 'ERR Bad data format';

const INT64_MAX = 9223372036854775807n;

/** getLongLongFromObjectOrReply: an int64 argument (a bigint beyond ±2^53), or null after replying. */
function longLongArg(ctx: ExecContext, i: number): number | bigint | null {
  const s = ctx.args.str(i);
  const n = parseStrictIntString(s);
  if (n !== null) return n;
  const b = parseStrictInt64String(s);
  if (b === null) ctx.reply.error(Err.notInteger);
  return b;
}

register('dump', (ctx) => {
  const v = ctx.db.get(ctx.args.str(1), ctx.now);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  ctx.reply.bulkBytes(createDumpPayload(v, { compress: ctx.shard.config.rdbCompression !== 0, config: ctx.shard.config }));
});

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
register('restore', (ctx) => {
  const a = ctx.args;
  let replace = false;
  let absttl = false;
  // objectSetLRUOrLFU's inputs: -1 when not given (IDLETIME and FREQ exclude each other).
  let idle: number | bigint = -1;
  let freq = -1;
  let lruClock = 0;
  for (let j = 4; j < a.count; j++) {
    const additional = a.count - j - 1;
    if (a.is(j, 'replace')) replace = true;
    else if (a.is(j, 'absttl')) absttl = true;
    else if (a.is(j, 'idletime') && additional >= 1 && freq === -1) {
      const n = longLongArg(ctx, j + 1);
      if (n === null) return;
      if (n < 0) {
        ctx.reply.error(ERR_IDLETIME);
        return;
      }
      idle = n;
      lruClock = ctx.shard.access.lruClock;
      j++;
    } else if (a.is(j, 'freq') && additional >= 1 && idle === -1) {
      const n = longLongArg(ctx, j + 1);
      if (n === null) return;
      if (n < 0 || n > 255) {
        ctx.reply.error(ERR_FREQ);
        return;
      }
      freq = Number(n);
      j++;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }

  const key = a.str(1);
  const db = ctx.db;
  // lookupKeyWrite: an expired key is removed here and does not count as existing.
  if (!replace && db.get(key, ctx.now) !== undefined) {
    ctx.reply.error(ERR_BUSYKEY);
    return;
  }

  const ttl = longLongArg(ctx, 2);
  if (ttl === null) return;
  if (ttl < 0) {
    ctx.reply.error(ERR_TTL);
    return;
  }

  const payload = a.view(3);
  if (!verifyDumpPayload(payload)) {
    ctx.reply.error(ERR_PAYLOAD);
    return;
  }
  let value: Value;
  try {
    value = readDumpPayload(payload, ctx.shard.config);
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
    ctx.reply.error(e.kind === 'unsupported' ? `ERR ${e.message}` : ERR_BAD_DATA);
    return;
  }

  // dbDelete: with REPLACE the key was never looked up, so even a logically expired one counts.
  const deleted = replace && db.delete(key);

  // Relative TTLs are added to the command time; Redis's int64 sum wraps past the maximum, which
  // makes the key count as already expired.
  let when = 0;
  let expired = false;
  // Small integers parse as numbers, so a zero TTL is always the number 0.
  if (ttl !== 0) {
    if (absttl) when = Number(ttl);
    else if (typeof ttl === 'number' && Number.isSafeInteger(ttl + ctx.now)) when = ttl + ctx.now;
    else {
      const sum = BigInt(ttl) + BigInt(ctx.now);
      if (sum > INT64_MAX) expired = true;
      else when = Number(sum);
    }
    if (when <= ctx.now) expired = true;
  }
  if (expired) {
    if (deleted) {
      ctx.shard.keyModified(ctx.dbIndex, key);
      ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
    }
    ctx.reply.ok();
    return;
  }

  db.set(key, value);
  if (when !== 0) db.setExpire(key, when);
  // objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME otherwise; else the new key's field.
  const access = ctx.shard.access;
  if (access.lfu) {
    if (freq >= 0) db.setMetaOf(key, access.lfuFromFreq(freq));
  } else if (idle !== -1) db.setMetaOf(key, access.lruFromIdle(idle, lruClock));
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, 'restore', ctx.dbIndex, key);
  ctx.reply.ok();
});

/**
 * The shard's part of RDB persistence (driven by src/acceptor/persistence.ts): starting and dropping
 * a snapshot (src/rdb/snapshot.ts), installing this shard's keys at start-up, and the dirty counter
 * the save points look at.
 */
import { register } from '../context.js';
import type { Shard } from '../shard.js';
import { ShardSnapshot } from '../../rdb/snapshot.js';
import { ByteReader, RdbError, readString } from '../../rdb/rdb-io.js';
import { readObject } from '../../rdb/value-codec.js';
import { keyHashSlotOfString } from '../../shared/crc16.js';
import { shardOfSlot } from '../../shared/sharding.js';
import type { Value } from '../keyspace.js';
import type { AccessClock } from '../access.js';

// __snapshot begin id → bulk "dirty keys0 expires0 keys1 expires1 …" as of this frame (the snapshot point)
// __snapshot abort id → +OK
register('__snapshot', (ctx) => {
  const shard = ctx.shard as Shard;
  const id = Number(ctx.args.str(2));
  if (ctx.args.is(1, 'abort')) {
    if (shard.snapshot !== null && shard.snapshot.id === id) {
      shard.snapshot.abort();
      shard.snapshot = null;
    }
    ctx.reply.ok();
    return;
  }
  shard.snapshot?.abort();
  const { shardIndex, shardCount } = shard;
  shard.snapshot = new ShardSnapshot(id, shardIndex, shard.dbs, {
    config: shard.config,
    owns: shardCount === 1 ? () => true : (key) => shardOfSlot(keyHashSlotOfString(key), shardCount) === shardIndex,
    out: shard.openSnapshotOutput(id),
    access: shard.access,
  });
  ctx.reply.bulk([shard.dirty, ...shard.snapshot.counts()].join(' '));
});

// __load db rdbVersion entries → *2 :loaded :emptySkipped. Entries: f64le expireAt, f64le idle (the
// IDLE opcode's seconds), f64le freq (FREQ's counter), each -1 when absent, then type, key and value
// exactly as in the file (the acceptor split the file and dropped expired keys).
register('__load', (ctx) => {
  const a = ctx.args;
  const dbIndex = Number(a.str(1));
  const rdbVersion = Number(a.str(2));
  const db = ctx.shard.dbs[dbIndex];
  const r = new ByteReader(Buffer.from(a.view(3)));
  let loaded = 0;
  let empty = 0;
  while (r.remaining > 0) {
    const expireAt = r.doubleLE();
    const idle = r.doubleLE();
    const freq = r.doubleLE();
    const type = r.byte();
    const key = readString(r);
    let value: Value;
    try {
      value = readObject(r, type, { config: ctx.shard.config, rdbVersion });
    } catch (e) {
      // Redis skips empty collections (older versions could write them) and goes on.
      if (e instanceof RdbError && e.kind === 'empty') {
        empty++;
        continue;
      }
      ctx.reply.error(`ERR ${(e as Error).message}`);
      return;
    }
    if (db.main.has(key)) {
      ctx.reply.error(`ERR RDB has duplicated key '${key}' in DB ${dbIndex}`);
      return;
    }
    // Not db.set: a loaded key is not a new key (no keyspace event, no dirty count).
    db.put(key, value, loadedField(ctx.shard.access, idle, freq));
    if (expireAt >= 0) db.setExpire(key, expireAt);
    loaded++;
  }
  ctx.reply.array(2);
  ctx.reply.int(loaded);
  ctx.reply.int(empty);
});

/**
 * rdbLoad's objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLE (seconds, a uint64 that C reads
 * into a long long, so 2^63 and above count as absent) otherwise; else the field of a new object.
 */
function loadedField(access: AccessClock, idle: number, freq: number): number | undefined {
  if (access.lfu) return freq >= 0 ? access.lfuFromFreq(freq) : undefined;
  return idle >= 0 && idle < 2 ** 63 ? access.lruFromIdle(idle) : undefined;
}

register('__dirty', (ctx) => {
  ctx.reply.int((ctx.shard as Shard).dirty);
});

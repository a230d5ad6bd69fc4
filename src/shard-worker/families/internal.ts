/**
 * Commands the acceptor sends to shards on its own behalf: cross-shard key moves, SCAN steps,
 * statistics and configuration updates. Clients cannot reach them (the command table marks them
 * internal and the acceptor's lookup skips them).
 */
import { register, type ExecContext, type ShardConfig, type ShardServices } from '../context.js';
import { Args } from '../../shared/frame.js';
import { decodeEntries, encodeEntries, type KeyEntry } from '../value-codec.js';
import { typeName } from '../keyspace.js';
import type { KeyTable } from '../ds/key-table.js';
import { globMatchString, isMatchAll } from '../../shared/glob.js';
import { keyHashSlotOfString } from '../../shared/crc16.js';
import { shardOfSlot } from '../../shared/sharding.js';
import type { Shard } from '../shard.js';
import { saveCursor, takeCursor } from '../scan-cursors.js';

function asShard(ctx: ExecContext): Shard {
  return ctx.shard as Shard;
}

/**
 * A key as it is, with its LRU/LFU field. Exporting is the command's access to the key, so it touches
 * it here, where it lives (read-only uses are never written back); see __run_foreign for LFU.
 */
function snapshot(ctx: ExecContext, db: number, key: string): KeyEntry {
  const d = ctx.shard.dbs[db];
  const value = d.get(key, ctx.now);
  if (value === undefined) return { db, key, value, expireAt: -1 };
  return { db, key, value, expireAt: d.getExpire(key) ?? -1, meta: d.metaOf(key) };
}

// __export (db key)… → bulk: serialized entries (missing keys included as absent).
register('__export', (ctx) => {
  const a = ctx.args;
  const entries: KeyEntry[] = [];
  for (let i = 1; i + 1 < a.count; i += 2) entries.push(snapshot(ctx, Number(a.str(i)), a.str(i + 1)));
  const buf = encodeEntries(entries);
  ctx.reply.bulkBytes(buf);
});

/** Put entries in place as they are (cross-shard write-backs, a script's rollback): no "new" event. */
export function install(ctx: { shard: Pick<ShardServices, 'dbs' | 'beforeKeyWrite'> }, entries: Iterable<KeyEntry>): void {
  for (const e of entries) {
    ctx.shard.beforeKeyWrite(e.db, e.key);
    const d = ctx.shard.dbs[e.db];
    if (e.value === undefined) {
      d.delete(e.key);
      continue;
    }
    // Not d.set: an installed or written-back key is not a new key (no "new" event).
    d.put(e.key, e.value, e.meta);
    d.removeExpire(e.key);
    if (e.expireAt >= 0) d.setExpire(e.key, e.expireAt);
  }
}

const innerArgs = new Args();

// __run_foreign cmdIndex n payload… argv… → *2 [bulk: reply] [array: shard, payload, …]
register('__run_foreign', (ctx) => {
  const a = ctx.args;
  const shard = asShard(ctx);
  const cmdIndex = Number(a.str(1));
  const n = Number(a.str(2));
  const foreign: KeyEntry[] = [];
  for (let i = 0; i < n; i++) foreign.push(...decodeEntries(Buffer.from(a.view(3 + i))));
  const argv: Buffer[] = [];
  for (let i = 3 + n; i < a.count; i++) argv.push(Buffer.from(a.view(i)));
  install(ctx, foreign);
  const access = ctx.shard.access;
  if (access.lfu) {
    // Counted once already, by their export.
    const counted = new Map<KeyTable, Set<string>>();
    for (const e of foreign) {
      if (e.value === undefined) continue;
      const t = shard.dbs[e.db].main;
      let keys = counted.get(t);
      if (keys === undefined) counted.set(t, (keys = new Set()));
      keys.add(e.key);
    }
    access.preCounted = counted;
  }
  const modified = new Set<string>();
  shard.trackModified = modified;
  const w = ctx.reply;
  const resp3 = w.resp3;
  const start = w.pos;
  innerArgs.setFrom(argv);
  const now = ctx.now;
  const db = ctx.dbIndex;
  try {
    shard.execute(cmdIndex, db, ctx.connId, resp3, innerArgs);
  } finally {
    shard.trackModified = null;
    access.preCounted = null;
  }
  const inner = Buffer.from(w.buf.subarray(start, w.pos));
  w.pos = start;
  // Final state of the foreign keys the command changed, grouped by owner shard; then remove them all.
  const byShard = new Map<number, KeyEntry[]>();
  for (const e of foreign) {
    if (modified.has(`${e.db}\u0000${e.key}`)) {
      const owner = shardOfSlot(keyHashSlotOfString(e.key), shard.shardCount);
      let list = byShard.get(owner);
      if (!list) byShard.set(owner, (list = []));
      const d = shard.dbs[e.db];
      const value = d.main.get(e.key);
      if (value === undefined) list.push({ db: e.db, key: e.key, value, expireAt: -1 });
      else list.push({ db: e.db, key: e.key, value, expireAt: d.getExpire(e.key) ?? -1, meta: d.metaOf(e.key) });
    }
    shard.dbs[e.db].delete(e.key);
  }
  void now;
  w.array(2);
  w.bulkBytes(inner);
  w.array(byShard.size * 2);
  for (const [owner, list] of byShard) {
    w.int(owner);
    w.bulkBytes(encodeEntries(list));
  }
});

// __import payload → +OK (write-back of keys changed by a cross-shard command)
register('__import', (ctx) => {
  const entries = decodeEntries(Buffer.from(ctx.args.view(1)));
  install(ctx, entries);
  for (const e of entries) ctx.shard.keyModified(e.db, e.key);
  ctx.reply.ok();
});

// ---------------------------------------------------------------------------------------------- WATCH

register('__watch', (ctx) => {
  const a = ctx.args;
  const shard = asShard(ctx);
  ctx.reply.array((a.count - 1) >> 1);
  for (let i = 1; i + 1 < a.count; i += 2) {
    const db = Number(a.str(i));
    const key = a.str(i + 1);
    // Expire it now if it is due, so a later expiry is not mistaken for a change after WATCH.
    ctx.shard.dbs[db].live(key, ctx.now);
    const id = `${db}\u0000${key}`;
    let w = shard.watches.get(id);
    if (w === undefined) shard.watches.set(id, (w = { version: 0, refs: 0 }));
    w.refs++;
    ctx.reply.int(w.version);
  }
});

register('__unwatch', (ctx) => {
  const a = ctx.args;
  const shard = asShard(ctx);
  for (let i = 1; i + 1 < a.count; i += 2) {
    const id = `${a.str(i)}\u0000${a.str(i + 1)}`;
    const w = shard.watches.get(id);
    if (w !== undefined && --w.refs <= 0) shard.watches.delete(id);
  }
  ctx.reply.ok();
});

// __watchcheck (db key version)… → :1 when no watched key changed since WATCH, else :0
register('__watchcheck', (ctx) => {
  const a = ctx.args;
  const shard = asShard(ctx);
  let intact = 1;
  for (let i = 1; i + 2 < a.count; i += 3) {
    const db = Number(a.str(i));
    const key = a.str(i + 1);
    ctx.shard.dbs[db].live(key, ctx.now); // a key that expired meanwhile counts as modified
    const w = shard.watches.get(`${db}\u0000${key}`);
    if (w === undefined || w.version !== Number(a.str(i + 2))) intact = 0;
  }
  ctx.reply.int(intact);
});

register('__stats', (ctx) => {
  const shard = asShard(ctx);
  if (ctx.args.count > 1 && ctx.args.is(1, 'reset')) shard.resetStats();
  ctx.reply.bulk(shard.statsJson());
});

register('__config', (ctx) => {
  const field = ctx.args.str(1) as keyof ShardConfig;
  const cfg = ctx.shard.config;
  if (!(field in cfg)) {
    ctx.reply.error(`ERR unknown shard config field '${field}'`);
    return;
  }
  cfg[field] = Number(ctx.args.str(2));
  ctx.shard.access.configure(cfg);
  ctx.reply.ok();
});

// ---------------------------------------------------------------------------------------------- SCAN

/**
 * One SCAN step: __scan db cursor count pattern type → *2 [next local cursor] [keys].
 * A cursor names a live Map iterator kept here, so every key present for the whole scan is returned
 * exactly once, whatever is added or removed meanwhile. An unknown (evicted or invented) cursor restarts
 * the walk, which can repeat keys but never miss one.
 */
register('__scan', (ctx) => {
  const a = ctx.args;
  const dbIndex = Number(a.str(1));
  const cursorId = Number(a.str(2));
  const count = Math.max(1, Number(a.str(3)));
  const pattern = a.str(4);
  const type = a.count > 5 ? a.str(5) : '';
  const db = ctx.shard.dbs[dbIndex];
  const it = takeCursor(cursorId, db) ?? db.main.keys();
  const matchAll = pattern === '' || isMatchAll(pattern);
  const keys: string[] = [];
  let examined = 0;
  let finished = false;
  while (examined < count) {
    const r = it.next();
    if (r.done) {
      finished = true;
      break;
    }
    examined++;
    const key = r.value;
    // Like scanGenericCommand: expired keys are dropped, nothing is touched.
    const v = db.live(key, ctx.now);
    if (v === undefined) continue;
    if (!matchAll && !globMatchString(pattern, key, false)) continue;
    if (type !== '' && typeName(v) !== type) continue;
    keys.push(key);
  }
  const next = finished ? 0 : saveCursor(db, it);
  const w = ctx.reply;
  w.array(2);
  w.bulk(String(next));
  w.bulkArray(keys);
});

/**
 * Generic keyspace commands (Redis 7.0 db.c, expire.c, object.c): deletion and existence, expiry,
 * renaming and copying, database-wide commands, and OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ.
 *
 * Commands the acceptor fans out (DEL, UNLINK, EXISTS, TOUCH) or sends to every shard (KEYS, DBSIZE,
 * RANDOMKEY, FLUSHDB, FLUSHALL, SWAPDB) answer for this shard's slice; the acceptor combines the parts.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { typeName, type Database, type Value } from '../keyspace.js';
import { NOTIFY_GENERIC } from '../../shared/config.js';
import { globMatchString, isMatchAll } from '../../shared/glob.js';
import { parseStrictInt64String, parseStrictIntString } from '../../shared/numbers.js';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Below this magnitude seconds × 1000 + now is exact in doubles. */
const FAST_EXPIRE_LIMIT = 2 ** 43;
/** Redis 7.0's refcount of shared objects (OBJ_SHARED_REFCOUNT = INT_MAX). */
const SHARED_REFCOUNT = 2147483647;
/** Integers 0..OBJ_SHARED_INTEGERS-1 are shared objects in Redis. */
const SHARED_INTEGERS = 10000;
const EMBSTR_SIZE_LIMIT = 44;

const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
const ERR_NX_XX_GT_LT = 'ERR NX and XX, GT or LT options at the same time are not compatible';
const ERR_GT_LT = 'ERR GT and LT options at the same time are not compatible';
const ERR_INT_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';

/**
 * addReplyErrorFormat's sanitising of client text that ends an error message: C's %s stops at a NUL
 * byte, line breaks at the end of the message are trimmed and the others become spaces.
 */
function errorTail(s: string): string {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  return s.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
}

/**
 * Redis's getIntFromObjectOrReply: a 32-bit integer argument, or null after replying. With `msg`
 * both "not an integer" and "out of range" reply that message (SWAPDB).
 */
function intArg(ctx: ExecContext, i: number, msg?: string): number | null {
  const s = ctx.args.str(i);
  const n = parseStrictIntString(s);
  if (n === null) {
    if (parseStrictInt64String(s) === null) {
      ctx.reply.error(msg ?? Err.notInteger);
      return null;
    }
    ctx.reply.error(msg ?? ERR_INT_RANGE);
    return null;
  }
  if (n < INT_MIN || n > INT_MAX) {
    ctx.reply.error(msg ?? ERR_INT_RANGE);
    return null;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------- DEL / EXISTS

function del(ctx: ExecContext): void {
  const a = ctx.args;
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < a.count; j++) {
    const key = a.str(j);
    // An expired key is removed by the lookup and does not count as deleted.
    if (db.get(key, ctx.now) !== undefined) {
      db.delete(key);
      ctx.shard.keyModified(ctx.dbIndex, key);
      ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, key);
      n++;
    }
  }
  ctx.reply.int(n);
}

register('del', del);
register('unlink', del);

/** EXISTS and TOUCH: keys that exist, counting repeated names each time. Only TOUCH touches them. */
function countExisting(ctx: ExecContext, touch: boolean): void {
  const a = ctx.args;
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < a.count; j++) if ((touch ? db.get(a.str(j), ctx.now) : db.peek(a.str(j), ctx.now)) !== undefined) n++;
  ctx.reply.int(n);
}

register('exists', (ctx) => countExisting(ctx, false));
register('touch', (ctx) => countExisting(ctx, true));

// ---------------------------------------------------------------------------------------------- expiry

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/**
 * Redis's expireGenericCommand. `baseNow` adds the command time (EXPIRE, PEXPIRE); `seconds` scales
 * the argument by 1000.
 */
function expireGeneric(ctx: ExecContext, baseNow: boolean, seconds: boolean): void {
  const a = ctx.args;
  const w = ctx.reply;
  let flags = 0;
  for (let j = 3; j < a.count; j++) {
    if (a.is(j, 'nx')) flags |= EXPIRE_NX;
    else if (a.is(j, 'xx')) flags |= EXPIRE_XX;
    else if (a.is(j, 'gt')) flags |= EXPIRE_GT;
    else if (a.is(j, 'lt')) flags |= EXPIRE_LT;
    else {
      w.error('ERR Unsupported option ' + errorTail(a.str(j)));
      return;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    w.error(ERR_NX_XX_GT_LT);
    return;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    w.error(ERR_GT_LT);
    return;
  }

  const s = a.str(2);
  const base = baseNow ? ctx.now : 0;
  let when: number;
  const n = parseStrictIntString(s);
  if (n !== null && n > -FAST_EXPIRE_LIMIT && n < FAST_EXPIRE_LIMIT) {
    when = (seconds ? n * 1000 : n) + base;
  } else {
    const b = n !== null ? BigInt(n) : parseStrictInt64String(s);
    if (b === null) {
      w.error(Err.notInteger);
      return;
    }
    let ms = b;
    if (seconds) {
      if (b > LLONG_MAX / 1000n || b < LLONG_MIN / 1000n) {
        w.error(Err.invalidExpire(ctx.spec.name));
        return;
      }
      ms = b * 1000n;
    }
    if (ms > LLONG_MAX - BigInt(base)) {
      w.error(Err.invalidExpire(ctx.spec.name));
      return;
    }
    when = Number(ms + BigInt(base));
  }

  const key = a.str(1);
  const db = ctx.db;
  if (db.get(key, ctx.now) === undefined) {
    w.int(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    if (flags & EXPIRE_NX && current !== undefined) {
      w.int(0);
      return;
    }
    if (flags & EXPIRE_XX && current === undefined) {
      w.int(0);
      return;
    }
    // No TTL counts as infinite: GT always fails, LT always succeeds.
    if (flags & EXPIRE_GT && (current === undefined || when <= current)) {
      w.int(0);
      return;
    }
    if (flags & EXPIRE_LT && current !== undefined && when >= current) {
      w.int(0);
      return;
    }
  }
  if (when <= ctx.now) db.delete(key);
  else db.setExpire(key, when);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, when <= ctx.now ? 'del' : 'expire', ctx.dbIndex, key);
  w.int(1);
}

register('expire', (ctx) => expireGeneric(ctx, true, true));
register('pexpire', (ctx) => expireGeneric(ctx, true, false));
register('expireat', (ctx) => expireGeneric(ctx, false, true));
register('pexpireat', (ctx) => expireGeneric(ctx, false, false));

/** Write a non-negative ms quantity that may exceed the safe range (expiry times near int64's limit). */
function replyLong(ctx: ExecContext, n: number): void {
  if (Number.isSafeInteger(n)) ctx.reply.int(n);
  // Expiry times are kept as doubles: LLONG_MAX (PXAT 9223372036854775807) reads back as 2^63, which
  // must not go out as an integer no client can parse. Times past 2^53 ms keep a double's precision.
  else if (n >= 9223372036854775807) ctx.reply.bigint(9223372036854775807n);
  else ctx.reply.bigint(BigInt(n));
}

/** Redis's ttlGenericCommand. */
function ttlGeneric(ctx: ExecContext, ms: boolean, absolute: boolean): void {
  const key = ctx.args.str(1);
  if (ctx.db.peek(key, ctx.now) === undefined) {
    ctx.reply.int(-2);
    return;
  }
  const at = ctx.db.getExpire(key);
  if (at === undefined) {
    ctx.reply.int(-1);
    return;
  }
  let ttl = absolute ? at : at - ctx.now;
  if (ttl < 0) ttl = 0;
  replyLong(ctx, ms ? ttl : Math.floor((ttl + 500) / 1000));
}

register('ttl', (ctx) => ttlGeneric(ctx, false, false));
register('pttl', (ctx) => ttlGeneric(ctx, true, false));
register('expiretime', (ctx) => ttlGeneric(ctx, false, true));
register('pexpiretime', (ctx) => ttlGeneric(ctx, true, true));

register('persist', (ctx) => {
  const key = ctx.args.str(1);
  if (ctx.db.get(key, ctx.now) !== undefined && ctx.db.removeExpire(key)) {
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_GENERIC, 'persist', ctx.dbIndex, key);
    ctx.reply.int(1);
  } else ctx.reply.int(0);
});

register('type', (ctx) => {
  const v = ctx.db.peek(ctx.args.str(1), ctx.now);
  ctx.reply.simple(v === undefined ? 'none' : typeName(v));
});

// ---------------------------------------------------------------------------------------------- RENAME / COPY / MOVE

function rename(ctx: ExecContext, nx: boolean): void {
  const src = ctx.args.str(1);
  const dst = ctx.args.str(2);
  const db = ctx.db;
  const v = db.get(src, ctx.now);
  if (v === undefined) {
    ctx.reply.error(Err.noSuchKey);
    return;
  }
  if (src === dst) {
    if (nx) ctx.reply.int(0);
    else ctx.reply.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (db.get(dst, ctx.now) !== undefined) {
    if (nx) {
      ctx.reply.int(0);
      return;
    }
    db.delete(dst);
  }
  // The value object moves, and its LRU/LFU field with it.
  const meta = db.metaOf(src);
  db.set(dst, v);
  db.setMetaOf(dst, meta);
  if (expire !== undefined) db.setExpire(dst, expire);
  db.delete(src);
  ctx.shard.keyModified(ctx.dbIndex, src);
  ctx.shard.keyModified(ctx.dbIndex, dst);
  ctx.shard.notify(NOTIFY_GENERIC, 'rename_from', ctx.dbIndex, src);
  ctx.shard.notify(NOTIFY_GENERIC, 'rename_to', ctx.dbIndex, dst);
  if (nx) ctx.reply.int(1);
  else ctx.reply.ok();
}

register('rename', (ctx) => rename(ctx, false));
register('renamenx', (ctx) => rename(ctx, true));

/** A database index argument checked against the configured number of databases; null after replying. */
function dbIndexArg(ctx: ExecContext, i: number): number | null {
  const id = intArg(ctx, i);
  if (id === null) return null;
  if (id < 0 || id >= ctx.shard.dbs.length) {
    ctx.reply.error(Err.dbIndexOutOfRange);
    return null;
  }
  return id;
}

/** A deep copy of a value (strings are immutable and shared). */
function duplicate(v: Value): Value | undefined {
  if (typeof v === 'string') return v;
  return v.clone === undefined ? undefined : v.clone();
}

register('copy', (ctx) => {
  const a = ctx.args;
  let replace = false;
  let dstIndex = ctx.dbIndex;
  for (let j = 3; j < a.count; j++) {
    const additional = a.count - j - 1;
    if (a.is(j, 'replace')) replace = true;
    else if (a.is(j, 'db') && additional >= 1) {
      const id = dbIndexArg(ctx, j + 1);
      if (id === null) return;
      dstIndex = id;
      j++;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
  }
  const key = a.str(1);
  const newKey = a.str(2);
  if (dstIndex === ctx.dbIndex && key === newKey) {
    ctx.reply.error(ERR_SAME_OBJECT);
    return;
  }
  const src = ctx.db;
  const dst: Database = ctx.shard.dbs[dstIndex];
  const v = src.get(key, ctx.now);
  if (v === undefined) {
    ctx.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  let mustDelete = false;
  if (dst.get(newKey, ctx.now) !== undefined) {
    if (!replace) {
      ctx.reply.int(0);
      return;
    }
    mustDelete = true;
  }
  const copy = duplicate(v);
  if (copy === undefined) {
    ctx.reply.error(`ERR COPY is not supported for values of type '${typeName(v)}'`);
    return;
  }
  if (mustDelete) dst.delete(newKey);
  dst.set(newKey, copy);
  if (expire !== undefined) dst.setExpire(newKey, expire);
  ctx.shard.keyModified(dstIndex, newKey);
  ctx.shard.notify(NOTIFY_GENERIC, 'copy_to', dstIndex, newKey);
  ctx.reply.int(1);
});

register('move', (ctx) => {
  const dstIndex = dbIndexArg(ctx, 2);
  if (dstIndex === null) return;
  if (dstIndex === ctx.dbIndex) {
    ctx.reply.error(ERR_SAME_OBJECT);
    return;
  }
  const key = ctx.args.str(1);
  const src = ctx.db;
  const dst = ctx.shard.dbs[dstIndex];
  const v = src.get(key, ctx.now);
  if (v === undefined) {
    ctx.reply.int(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.get(key, ctx.now) !== undefined) {
    ctx.reply.int(0);
    return;
  }
  dst.set(key, v);
  dst.setMetaOf(key, src.metaOf(key));
  if (expire !== undefined) dst.setExpire(key, expire);
  src.delete(key);
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.shard.keyModified(dstIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, 'move_from', ctx.dbIndex, key);
  ctx.shard.notify(NOTIFY_GENERIC, 'move_to', dstIndex, key);
  ctx.reply.int(1);
});

// ---------------------------------------------------------------------------------------------- whole databases

register('swapdb', (ctx) => {
  const a = intArg(ctx, 1, 'ERR invalid first DB index');
  if (a === null) return;
  const b = intArg(ctx, 2, 'ERR invalid second DB index');
  if (b === null) return;
  const n = ctx.shard.dbs.length;
  if (a < 0 || a >= n || b < 0 || b >= n) {
    ctx.reply.error(Err.dbIndexOutOfRange);
    return;
  }
  if (a !== b) ctx.shard.swapDbs(a, b);
  ctx.reply.ok();
});

register('keys', (ctx) => {
  const pattern = ctx.args.str(1);
  const all = isMatchAll(pattern);
  const db = ctx.db;
  const now = ctx.now;
  const checkTtl = db.expires.size !== 0;
  const out: string[] = [];
  for (const key of db.main.keys()) {
    if (!all && !globMatchString(pattern, key, false)) continue;
    // Like Redis, an expired key is skipped but not deleted here.
    if (checkTtl) {
      const at = db.expires.get(key);
      if (at !== undefined && at <= now) continue;
    }
    out.push(key);
  }
  ctx.reply.bulkArray(out);
});

register('randomkey', (ctx) => {
  const key = ctx.db.randomKey(ctx.now);
  if (key === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(key);
});

register('dbsize', (ctx) => {
  ctx.reply.int(ctx.db.size);
});

/** FLUSHDB / FLUSHALL's optional ASYNC | SYNC; false after replying a syntax error. */
function flushArgsOk(ctx: ExecContext): boolean {
  const a = ctx.args;
  if (a.count === 1 || (a.count === 2 && (a.is(1, 'sync') || a.is(1, 'async')))) return true;
  ctx.reply.error(Err.syntax);
  return false;
}

/** Empty one database, reporting every key it held as modified (WATCH, dirty counter). */
function flushDb(ctx: ExecContext, index: number): void {
  const db = ctx.shard.dbs[index];
  if (db.size === 0) return;
  for (const key of db.main.keys()) ctx.shard.keyModified(index, key);
  db.clear();
}

register('flushdb', (ctx) => {
  if (!flushArgsOk(ctx)) return;
  flushDb(ctx, ctx.dbIndex);
  ctx.reply.ok();
});

register('flushall', (ctx) => {
  if (!flushArgsOk(ctx)) return;
  for (let i = 0; i < ctx.shard.dbs.length; i++) flushDb(ctx, i);
  ctx.reply.ok();
});

// ---------------------------------------------------------------------------------------------- OBJECT

/**
 * Redis's tryObjectEncoding for a string: "int" for a canonical int64 of at most 20 chars, "embstr" up
 * to 44 bytes, else "raw". Ferrous keeps no per-value encoding, so values Redis turned "raw" by
 * modifying them in place (APPEND, SETRANGE) report what a fresh SET of the same bytes would.
 */
function stringEncoding(s: string): string {
  if (s.length <= 20 && isInt64String(s)) return 'int';
  return s.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

function isInt64String(s: string): boolean {
  return parseStrictIntString(s) !== null || parseStrictInt64String(s) !== null;
}

/** OBJECT's lookup (objectCommandLookup): LOOKUP_NOTOUCH | LOOKUP_NONOTIFY. */
function objectLookup(ctx: ExecContext): Value | undefined {
  return ctx.db.peek(ctx.args.str(2), ctx.now, false);
}

register('object|encoding', (ctx) => {
  const v = objectLookup(ctx);
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(typeof v === 'string' ? stringEncoding(v) : v.encoding());
});

register('object|refcount', (ctx) => {
  const v = objectLookup(ctx);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  if (typeof v === 'string' && v.length <= 4) {
    const n = parseStrictIntString(v);
    if (n !== null && n >= 0 && n < SHARED_INTEGERS) {
      ctx.reply.int(SHARED_REFCOUNT);
      return;
    }
  }
  ctx.reply.int(1);
});

const ERR_LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const ERR_LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

register('object|idletime', (ctx) => {
  if (objectLookup(ctx) === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const access = ctx.shard.access;
  if (access.lfu) {
    ctx.reply.error(ERR_LFU_SELECTED);
    return;
  }
  ctx.reply.int(access.idleSeconds(ctx.db.metaOf(ctx.args.str(2))));
});

register('object|freq', (ctx) => {
  if (objectLookup(ctx) === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const access = ctx.shard.access;
  if (!access.lfu) {
    ctx.reply.error(ERR_LFU_NOT_SELECTED);
    return;
  }
  // Decayed as of now, without storing it: the field changes only on a real access.
  ctx.reply.int(access.decrAndReturn(ctx.db.metaOf(ctx.args.str(2))));
});

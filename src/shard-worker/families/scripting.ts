/**
 * Running scripts in a shard: the steps the acceptor sends (src/acceptor/scripting.ts) and the
 * ScriptHost that gives `redis.call` its effect here.
 *
 * A run is in one of two modes (docs/ARCHITECTURE.md, "Scripts"):
 *  - fast: no lock; the script's declared keys live here. Commands whose keys are all here run
 *    directly, after their keys' old values were noted in an undo log. Anything else (a key on another
 *    shard, a server command) abandons the run: the undo log puts every key back and the acceptor runs
 *    the script again in global mode. Nobody saw the abandoned run: this shard did nothing else meanwhile.
 *  - global: the script holds every shard. Local keys run directly, the rest goes through the acceptor
 *    (Shard.remoteCall), under the script's lock.
 */
import { handlerAt, register, type ExecContext } from '../context.js';
import { Args, RecentStrings } from '../../shared/frame.js';
import { ReplyWriter, Err } from '../../protocol/reply-writer.js';
import { COMMANDS, Route, keyIndices, type CommandSpec } from '../../shared/command-table.js';
import { keyHashSlot } from '../../shared/crc16.js';
import { shardOfSlot } from '../../shared/sharding.js';
import { parseStrictInt, parseStrictIntString } from '../../shared/numbers.js';
import { ScriptAbort, type ScriptHost, type RunOptions } from '../../scripting/script-engine.js';
import type { Shard } from '../shard.js';
import type { KeyEntry } from '../value-codec.js';
import { install } from './internal.js';

/** The reply that tells the acceptor to run the script again holding every shard. */
export const ESCALATE_REPLY = 'FERROUS-ESCALATE';

/** Collections bigger than this are not copied into the undo log: the run escalates instead. */
const UNDO_MAX_ELEMENTS = 128;

/** Placeholder for an unused slot of RunHost.undo. */
const NO_ENTRY: KeyEntry = { db: -1, key: '', value: undefined, expireAt: -1 };

/** Undo entries searched one by one before an id set is built (see RunHost.undo). */
const UNDO_SCAN_MAX = 16;

/** Writes that touch more than their key arguments (other databases, whole databases). */
const UNDOABLE_ONLY_GLOBALLY: readonly boolean[] = COMMANDS.map((c) => ['move', 'copy', 'swapdb', 'flushdb', 'flushall'].includes(c.name));

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'];

class RunHost implements ScriptHost {
  shard!: Shard;
  global = false;
  db = 0;
  connId = 0;
  /**
   * Old values of the keys a fast run wrote. Most runs note one or two keys: a plain array searched
   * in place (no map built and cleared per run); past UNDO_SCAN_MAX entries a set of "db\0key" ids.
   */
  private readonly undo: KeyEntry[] = [];
  /** Entries in use at the head of `undo` (the array keeps its room between runs). */
  private undoCount = 0;
  private undoIds: Set<string> | null = null;
  private wroteMarked = false;
  notificationsMark = 0;
  /** AOF effects recorded before the run (an abandoned run's are dropped with its writes). */
  effectsMark = 0;
  readonly w = new ReplyWriter(16 * 1024);

  begin(shard: Shard, global: boolean, db: number, connId: number): void {
    this.shard = shard;
    this.global = global;
    this.db = db;
    this.connId = connId;
    this.clearUndo();
    this.wroteMarked = false;
    this.notificationsMark = shard.notifications.length;
    this.effectsMark = shard.effects.mark();
  }

  call(spec: CommandSpec, args: Args, resp3: boolean): Uint8Array {
    const shard = this.shard;
    const w = this.w;
    if (spec.name === 'select') return this.select(args, resp3);
    const write = spec.isWrite;
    if (this.runsHere(spec, args)) {
      if (write) {
        if (!this.global) this.noteOldValues(spec, args);
        this.markWrote();
      }
      w.reset(resp3);
      shard.execute(spec.index, this.db, this.connId, resp3, args, w);
      // The whole buffer, not a view of the reply: a RESP value delimits itself (see ScriptHost.call).
      return w.buf;
    }
    if (!this.global) throw new ScriptAbort(ESCALATE_REPLY);
    if (write) this.markWrote();
    return shard.remoteCall(this.db, resp3, args);
  }

  /** Tell the acceptor (once per run) that the script wrote: SCRIPT KILL then answers UNKILLABLE. */
  private markWrote(): void {
    if (this.wroteMarked) return;
    this.wroteMarked = true;
    this.shard.scriptState.markWrote();
  }

  log(level: number, message: string): void {
    // Shards have no logger of their own; script logs go to stderr in Redis's format.
    if (level >= 2) process.stderr.write(`${process.pid}:M ${new Date().toISOString()} # <${LOG_LEVELS[level]}> ${message}\n`);
  }

  /** Whether the command's keys all live in this shard (then it runs here). */
  private runsHere(spec: CommandSpec, args: Args): boolean {
    const shard = this.shard;
    switch (spec.route) {
      case Route.Keys:
      case Route.FanOut: {
        if (shard.shardCount === 1) return true;
        if (spec.keys === null) {
          // Fixed key positions: no index array needed.
          if (spec.firstKey <= 0) return true;
          const last = spec.lastKey < 0 ? args.count + spec.lastKey : spec.lastKey;
          for (let i = spec.firstKey; i <= last && i < args.count; i += spec.step) {
            if (shardOfSlot(keyHashSlot(args.bytes, args.starts[i], args.ends[i]), shard.shardCount) !== shard.shardIndex) return false;
          }
          return true;
        }
        for (const i of spec.keys(args.count, (k) => args.str(k))) {
          if (shardOfSlot(keyHashSlot(args.bytes, args.starts[i], args.ends[i]), shard.shardCount) !== shard.shardIndex) return false;
        }
        return true;
      }
      case Route.AllShards:
        return shard.shardCount === 1;
      case Route.Local:
        // The acceptor's commands a shard can answer too (TIME): no need to go global for them.
        return handlerAt(spec.index) !== undefined;
      default:
        return false;
    }
  }

  /** Keep the old value of every key a write in fast mode may change, so the run can be undone. */
  private noteOldValues(spec: CommandSpec, args: Args): void {
    if (UNDOABLE_ONLY_GLOBALLY[spec.index]) throw new ScriptAbort(ESCALATE_REPLY);
    if (spec.keys === null && spec.firstKey > 0 && spec.firstKey === spec.lastKey) {
      // One key at a fixed position (most writes): no index array.
      const k = spec.firstKey;
      if (k >= args.count) throw new ScriptAbort(ESCALATE_REPLY);
      // Scripts often write one key many times (10 × INCR): skip making its string again.
      if (this.db === this.lastNotedDb && this.isLastNoted(args, k)) return;
      this.noteOldValue(args.str(k));
      this.rememberNoted(args, k);
      return;
    }
    const idx = keyIndices(spec, args.count, (i) => args.str(i));
    if (idx.length === 0) throw new ScriptAbort(ESCALATE_REPLY);
    for (const i of idx) this.noteOldValue(args.str(i));
  }

  private noteOldValue(key: string): void {
    const db = this.db;
    const undo = this.undo;
    const n = this.undoCount;
    if (this.undoIds !== null) {
      if (this.undoIds.has(`${db}\u0000${key}`)) return;
    } else {
      for (let i = 0; i < n; i++) if (undo[i].key === key && undo[i].db === db) return;
    }
    const d = this.shard.dbs[db];
    let value = d.main.get(key);
    if (value !== undefined && typeof value !== 'string') {
      if (value.size() > UNDO_MAX_ELEMENTS || value.clone === undefined) throw new ScriptAbort(ESCALATE_REPLY);
      value = value.clone();
    }
    const entry: KeyEntry = { db, key, value, expireAt: value === undefined ? -1 : d.getExpire(key) ?? -1 };
    if (n < undo.length) undo[n] = entry;
    else undo.push(entry);
    this.undoCount = n + 1;
    if (this.undoIds !== null) this.undoIds.add(`${db}\u0000${key}`);
    else if (n + 1 > UNDO_SCAN_MAX) this.undoIds = new Set(undo.slice(0, n + 1).map((e) => `${e.db}\u0000${e.key}`));
  }

  /** The key (bytes) and database of the last single-key write noted, to skip repeats cheaply. */
  private lastNotedDb = -1;
  private lastNoted = new Uint8Array(64);
  private lastNotedLen = 0;

  private isLastNoted(args: Args, i: number): boolean {
    const start = args.starts[i];
    const n = args.ends[i] - start;
    if (n !== this.lastNotedLen) return false;
    const b = args.bytes;
    const last = this.lastNoted;
    for (let j = 0; j < n; j++) if (b[start + j] !== last[j]) return false;
    return true;
  }

  private rememberNoted(args: Args, i: number): void {
    const n = args.len(i);
    if (n > this.lastNoted.length) {
      this.lastNotedDb = -1;
      return;
    }
    const b = args.bytes;
    const start = args.starts[i];
    for (let j = 0; j < n; j++) this.lastNoted[j] = b[start + j];
    this.lastNotedLen = n;
    this.lastNotedDb = this.db;
  }

  clearUndo(): void {
    this.lastNotedDb = -1;
    // Drop the old values (they may be big), keep the array's room.
    for (let i = 0; i < this.undoCount; i++) this.undo[i] = NO_ENTRY;
    this.undoCount = 0;
    this.undoIds = null;
  }

  /**
   * Put back what the abandoned run changed, and drop the notifications and AOF effects it produced.
   * Not undone, on purpose: the dirty counter (a save point may fire a little early), WATCH versions
   * of the keys it wrote (a watcher's EXEC may fail although the value is back: safe, never wrong),
   * ready-key events (a blocked client retries and finds nothing new), and keys it found expired
   * (deleting them was due anyway; their DEL leaves the AOF with the run's effects, but the AOF holds
   * their expiry as an absolute time, so a replay expires them too).
   */
  rollback(): void {
    install({ shard: this.shard }, this.undo.slice(0, this.undoCount));
    this.clearUndo();
    this.shard.notifications.length = this.notificationsMark;
    this.shard.effects.truncate(this.effectsMark);
  }

  private select(args: Args, resp3: boolean): Uint8Array {
    const w = this.w;
    w.reset(resp3);
    const n = parseStrictIntString(args.str(1));
    if (n === null) w.error(Err.notInteger);
    else if (n < 0 || n >= this.shard.dbs.length) w.error(Err.dbIndexOutOfRange);
    else {
      this.db = n;
      w.ok();
    }
    return w.buf.subarray(0, w.pos);
  }
}

const host = new RunHost();
const out = new ReplyWriter(16 * 1024);
/** One options object, refilled per run (runs never overlap in a shard). */
const runOptions: RunOptions = { readOnly: false, writesDenied: false, clientResp3: false, name: '' };

/** SHA1 arguments as strings, the same string for the same bytes (see RecentStrings). */
const recentShas = new RecentStrings(8);

function shardOf(ctx: ExecContext): Shard {
  return ctx.shard as Shard;
}

/**
 * __script mode ro sha body name numkeys key… arg…
 *   mode: "fast" or "global" (see the module comment); ro: "1" for read-only runs, "2" when writes
 *   fail with MISCONF (a failed BGSAVE); body: "+" and the
 *   source when this shard may not have compiled it yet, else empty; name: what errors call the script.
 */
register('__script', (ctx) => {
  const shard = shardOf(ctx);
  const engine = shard.scripts;
  const a = ctx.args;
  const w = ctx.reply;
  const resp3 = w.resp3;
  if (engine === null) {
    w.error(shard.luaFailure ?? 'ERR scripting is not available in this shard');
    return;
  }
  // "@name" runs a loaded function (FCALL); anything else is a script's SHA1 (EVAL).
  const sha = recentShas.get(a.bytes, a.starts[3], a.ends[3]);
  const isFunction = sha.startsWith('@');
  if (!isFunction && !engine.has(sha)) {
    if (a.len(4) === 0) {
      w.error('NOSCRIPT No matching script. Please use EVAL.');
      return;
    }
    const err = engine.compile(sha, a.str(4).slice(1));
    if (err !== null) {
      w.error(err);
      return;
    }
  }
  // CONFIG SET lua-memory-limit reaches the shard as a config field; apply it before the next run.
  if (engine.memoryMax !== shard.config.luaMemoryLimit) engine.setMemoryMax(shard.config.luaMemoryLimit);
  const global = a.is(1, 'global');
  const numkeys = parseStrictInt(a.bytes, a.starts[6], a.ends[6]) ?? 0;
  // An empty name means the SHA1 itself (EVAL): the acceptor does not send it twice.
  const name = a.len(5) === 0 ? sha : a.str(5);
  host.begin(shard, global, ctx.dbIndex, ctx.connId);
  out.reset(resp3);
  shard.scriptState.begin(shard.now);
  let completed: boolean;
  try {
    const opts = runOptions;
    opts.readOnly = a.is(2, '1');
    opts.writesDenied = a.is(2, '2');
    opts.clientResp3 = resp3;
    opts.name = name;
    completed = isFunction
      ? engine.runFunction(sha.slice(1), a, 7, 7 + numkeys, a.count, host, opts, out)
      : engine.runScript(sha, a, 7, 7 + numkeys, a.count, host, opts, out);
  } finally {
    shard.scriptState.end();
  }
  // Frames served during remote calls reused the shard's writer: start this reply afresh.
  w.reset(resp3);
  if (!completed) {
    host.rollback();
    w.error(ESCALATE_REPLY);
    // Not a call of its own: the global run that takes over counts (and this is no user error).
    shard.uncounted = true;
    return;
  }
  host.clearUndo();
  w.raw(out.buf, 0, out.pos);
  if (out.errors > 0) {
    w.errors += out.errors;
    w.lastErrorCode = out.lastErrorCode;
  }
});

/** __script_load sha body → the SHA1, or the compile error (SCRIPT LOAD, and EVAL's first sight). */
register('__script_load', (ctx) => {
  const engine = shardOf(ctx).scripts;
  if (engine === null) {
    ctx.reply.error(shardOf(ctx).luaFailure ?? 'ERR scripting is not available in this shard');
    return;
  }
  const sha = ctx.args.str(1);
  const err = engine.compile(sha, ctx.args.str(2));
  if (err !== null) ctx.reply.error(err);
  else ctx.reply.bulk(sha);
});

/** __script_flush: SCRIPT FLUSH on this shard's engine. */
register('__script_flush', (ctx) => {
  shardOf(ctx).scripts?.flush();
  ctx.reply.ok();
});


/** __function_load libname replace code → *n of [name, description, flags], or the load error. */
register('__function_load', (ctx) => {
  const engine = shardOf(ctx).scripts;
  if (engine === null) {
    ctx.reply.error(shardOf(ctx).luaFailure ?? 'ERR scripting is not available in this shard');
    return;
  }
  const a = ctx.args;
  const result = engine.loadLibrary(a.str(1), a.str(3), a.is(2, '1'));
  const w = ctx.reply;
  if (typeof result === 'string') {
    w.error(result);
    return;
  }
  w.array(result.length);
  for (const [name, description, flags] of result) {
    w.array(3);
    w.bulk(name);
    if (description === null) w.nullBulk();
    else w.bulk(description);
    w.bulk(flags);
  }
});

register('__function_delete', (ctx) => {
  shardOf(ctx).scripts?.deleteLibrary(ctx.args.str(1));
  ctx.reply.ok();
});

register('__function_flush', (ctx) => {
  shardOf(ctx).scripts?.flushLibraries();
  ctx.reply.ok();
});

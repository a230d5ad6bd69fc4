/**
 * A shard: its slice of all databases, the loop that drains its request ring, and its statistics.
 *
 * The loop is synchronous (a worker thread that never returns to its event loop while serving): read
 * every published request frame, execute each, write each reply frame, then publish all replies at once
 * and wake the acceptor only if it is parked. With nothing to do it spins briefly, then parks on the ring
 * with a timeout that is also the active-expiry clock.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { availableParallelism } from 'node:os';
import { Ring } from '../shared/ring.js';
import { AofFlag, Args, FrameKind, REPLY_HEADER, REQ_HEADER, ReplyKind, RequestFlag } from '../shared/frame.js';
import { ReplyWriter, Err } from '../protocol/reply-writer.js';
import { COMMANDS, Route } from '../shared/command-table.js';
import { effectOf } from './effects.js';
import { EffectLog } from './effect-log.js';
import { Database } from './keyspace.js';
import { AccessClock } from './access.js';
import { NOTIFY_EXPIRED, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_KEY_MISS, NOTIFY_NEW } from '../shared/config.js';
import { handlerAt, type ExecContext, type ShardConfig, type ShardServices } from './context.js';
import type { ScriptEngine } from '../scripting/script-engine.js';
import { ScriptState } from '../shared/script-state.js';
import { workerSnapshotOutput, type ShardSnapshot, type SliceResult, type SnapshotOutput } from '../rdb/snapshot.js';

export interface ShardInit {
  shardIndex: number;
  shardCount: number;
  databases: number;
  config: ShardConfig;
  /** Script state shared with the acceptor (see src/shared/script-state.ts); a private one when absent. */
  scriptState?: SharedArrayBuffer;
}

interface CommandStat {
  calls: number;
  usec: number;
  failed: number;
}

/** Not FAST in Redis only for freeing the value they overwrite (see Shard.timedInRuns). */
const O1_OVERWRITES = new Set(['set', 'setex', 'psetex']);

export class Shard implements ShardServices {
  readonly shardIndex: number;
  readonly shardCount: number;
  readonly dbs: Database[] = [];
  readonly config: ShardConfig;
  /** LRU/LFU tracking shared by this shard's databases (src/shard-worker/access.ts). */
  readonly access: AccessClock;
  readonly writer = new ReplyWriter();
  /** This shard's Lua engine, built on the first script (createScripts); null until then. */
  scripts: ScriptEngine | null = null;
  /** Why the Lua engine is missing for the frame being served (its build failed), else null. */
  luaFailure: string | null = null;
  /** Builds the Lua engine (set by the worker's entry point; tests set it or `scripts` directly). */
  createScripts: () => Promise<ScriptEngine> = () => Promise.reject(new Error('no Lua engine in this shard'));
  readonly scriptState: ScriptState;
  /**
   * Run a command through the acceptor while a script holds every shard (set by ShardLoop): returns
   * the RESP reply. Frames that arrive meanwhile belong to the same script and are served in order.
   */
  remoteCall: (db: number, resp3: boolean, args: Args) => Uint8Array = () => {
    throw new Error('no acceptor to forward the call to');
  };
  readonly args = new Args();
  private readonly ctx: ExecContext;
  /** Writes since start (rdb_changes_since_last_save is derived from it by the acceptor). */
  dirty = 0;
  readonly cmdStats: CommandStat[] = COMMANDS.map(() => ({ calls: 0, usec: 0, failed: 0 }));
  readonly errorStats = new Map<string, number>();
  /** Commands whose key lookups count as keyspace hits/misses (Redis's lookupKeyRead). */
  private readonly readOnly: boolean[] = COMMANDS.map((s) => s.flags.has('readonly'));
  expiredKeys = 0;
  private lastExpireCycle = 0;
  /** Wall clock in ms, sampled per batch of frames (Redis too caches the time per command batch). */
  now = Date.now();
  /** performance.now() at the end of the last command (start of the next one). */
  lastClock = performance.now();

  /** Refresh the cached clocks (start of a batch, and every so often within a long one). */
  tick(): void {
    this.now = Date.now();
    this.settleClock();
    this.access.tick(this.now);
  }

  /**
   * Commands timed as a run rather than one by one: Redis's FAST ones (O(1)/O(log N): GET, INCR,
   * LPUSH…), plus SET, SETEX and PSETEX, which Redis leaves out of FAST only because overwriting a key
   * frees its old value on the spot (server.h: "commands that may trigger a DEL as a side effect (like
   * SET) are not fast"); here the old value is just dropped for the GC, so they are O(1) too. A clock
   * read costs as much as executing GET, so a run of them between two reads shares the elapsed time
   * evenly in INFO commandstats; every other command is timed on its own.
   */
  private readonly timedInRuns: boolean[] = COMMANDS.map((s) => s.flags.has('fast') || O1_OVERWRITES.has(s.name));
  /** Fast commands run since lastClock whose time is not yet attributed. */
  private readonly runCmds = new Uint16Array(256);
  private runLen = 0;
  /** execute() nesting (a script's redis.call runs inside its EVAL): nested commands are timed alone. */
  private execDepth = 0;
  /**
   * The command a __script frame runs for (EVAL, EVALSHA, FCALL…; the acceptor sends its index as the
   * frame's tag, which script replies do not need): its statistics are filed under that name.
   */
  scriptStatsAs = -1;
  /** Set by a handler whose run must not count: a fast script run handing over to a global one. */
  uncounted = false;

  /** Read the clock and give the time since lastClock to the pending run of fast commands. */
  settleClock(): number {
    const t = performance.now();
    const n = this.runLen;
    if (n > 0) {
      const each = ((t - this.lastClock) * 1000) / n;
      for (let i = 0; i < n; i++) this.cmdStats[this.runCmds[i]].usec += each;
      this.runLen = 0;
    }
    this.lastClock = t;
    return t;
  }

  constructor(init: ShardInit) {
    this.shardIndex = init.shardIndex;
    this.shardCount = init.shardCount;
    this.config = init.config;
    this.access = new AccessClock(init.config, this.now);
    this.scriptState = new ScriptState(init.scriptState);
    for (let i = 0; i < init.databases; i++) {
      const db = new Database(this.access);
      db.onExpire = (key: string) => {
        this.expiredKeys++;
        // Expired keys are logged as DEL (Redis 7.0's propagateDeletion, lazyfree-lazy-expire no).
        if (this.config.appendOnly !== 0) this.effects.push(this.dbs.indexOf(db), ['DEL', key]);
        if (this.config.notifyKeyspaceEvents !== 0) this.notify(NOTIFY_EXPIRED, 'expired', this.dbs.indexOf(db), key);
        // An expired key is a modified key for WATCH, as in Redis.
        if (this.watches.size !== 0) this.bumpWatch(this.dbs.indexOf(db), key);
      };
      db.newKeyEvents = () => (this.config.notifyKeyspaceEvents & NOTIFY_NEW) !== 0;
      db.onMiss = (key: string) => {
        if ((this.config.notifyKeyspaceEvents & NOTIFY_KEY_MISS) !== 0) this.notify(NOTIFY_KEY_MISS, 'keymiss', this.dbs.indexOf(db), key);
      };
      db.onNew = (key: string) => this.notify(NOTIFY_NEW, 'new', this.dbs.indexOf(db), key);
      this.dbs.push(db);
    }
    this.ctx = {
      shard: this,
      dbIndex: 0,
      db: this.dbs[0],
      args: this.args,
      reply: this.writer,
      connId: 0,
      now: 0,
      spec: COMMANDS[0],
    };
  }

  /** Set while a cross-shard command runs here: which (db, key) pairs it wrote. */
  trackModified: Set<string> | null = null;

  /** The snapshot (BGSAVE, SAVE) this shard is writing out, if any: see src/rdb/snapshot.ts. */
  snapshot: ShardSnapshot | null = null;
  /** Where a snapshot's chunks go (the acceptor, through the worker's parent port; tests replace it). */
  openSnapshotOutput: (id: number) => SnapshotOutput = workerSnapshotOutput;
  /** Commands that may change their keys: the write flag, and PFCOUNT (it caches its result in the value). */
  private readonly mayWrite: boolean[] = COMMANDS.map((s) => s.flags.has('write') || s.name === 'pfcount');

  /** AOF effects recorded since the last Aof frame (see effects.ts and ShardLoop.writeEffects). */
  readonly effects = new EffectLog();
  /** The running command set its own effects (propagate), so its arguments are not logged. */
  private propagated = false;
  /** Commands that never log their own arguments: internal hops (their inner commands log instead). */
  private readonly noEffect: boolean[] = COMMANDS.map((s) => s.route === Route.Internal || !s.flags.has('write'));
  /** FLUSHALL, FLUSHDB, SWAPDB run on every shard: only shard 0 logs them (the acceptor locks all). */
  private readonly allShardsWrite: boolean[] = COMMANDS.map((s) => s.route === Route.AllShards && s.flags.has('write'));

  propagate(db: number, argv: string[]): void {
    if (this.config.appendOnly === 0) return;
    this.propagated = true;
    this.effects.push(db, argv);
  }

  /** Before a key changes outside a command (cross-shard write-backs, script rollbacks). */
  beforeKeyWrite(db: number, key: string): void {
    if (this.snapshot !== null) this.snapshot.beforeWrite(this.dbs[db], key);
  }

  /** A slice of the snapshot's work; drops the snapshot once it has sent its last chunk. */
  snapshotStep(budgetMs: number, interrupted?: () => boolean): SliceResult {
    const s = this.snapshot;
    if (s === null) return 'done';
    const r = s.step(budgetMs, interrupted);
    if (r === 'done' && this.snapshot === s) this.snapshot = null;
    return r;
  }

  keyModified(db: number, key: string): void {
    this.dirty++;
    if (this.trackModified !== null) this.trackModified.add(`${db}\u0000${key}`);
    if (this.watches.size !== 0) this.bumpWatch(db, key);
    if (this.readyInterest.size !== 0) {
      const id = `${db}\u0000${key}`;
      if (this.readyInterest.has(id)) this.readyKeys.add(id);
    }
  }

  /** Notifications produced since the last reply flush: sent to the acceptor as one event frame. */
  readonly notifications: Array<{ db: number; event: string; key: string; flags: number }> = [];

  notify(type: number, event: string, db: number, key: string): void {
    const flags = this.config.notifyKeyspaceEvents;
    if ((flags & type) === 0) return;
    const where = flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT);
    if (where !== 0) this.notifications.push({ db, event, key, flags: where });
  }

  /** Keys ("db\0key") clients are blocked on (reference counts kept by the acceptor's requests). */
  readonly readyInterest = new Map<string, number>();
  /** Blocked-on keys written since the last reply flush: sent to the acceptor as one event. */
  readonly readyKeys = new Set<string>();

  /**
   * Watched keys ("db\0key") → modification version and number of watchers. A key's version moves on
   * every write, expiry, flush or swap that touches it; EXEC compares it with what WATCH saw.
   */
  readonly watches = new Map<string, { version: number; refs: number }>();

  private bumpWatch(db: number, key: string): void {
    const w = this.watches.get(`${db}\u0000${key}`);
    if (w !== undefined) w.version++;
  }

  swapDbs(a: number, b: number): void {
    // Redis's touchAllWatchedKeysInDb both ways: a watched key of either database changes if it
    // exists in one of the two (a key missing from both still reads as missing after the swap).
    for (const [id, w] of this.watches) {
      const sep = id.indexOf('\u0000');
      const db = Number(id.slice(0, sep));
      if (db !== a && db !== b) continue;
      const key = id.slice(sep + 1);
      if (this.dbs[a].main.has(key) || this.dbs[b].main.has(key)) w.version++;
    }
    const t = this.dbs[a];
    this.dbs[a] = this.dbs[b];
    this.dbs[b] = t;
  }

  /**
   * Execute one command whose arguments are already in `this.args`; the reply is left in `this.writer`.
   * Used by the ring loop, and by internal callers (cross-shard steps, scripts).
   */
  execute(cmdIndex: number, dbIndex: number, connId: number, resp3: boolean, args?: Args, w: ReplyWriter = this.writer): void {
    const spec = COMMANDS[cmdIndex];
    const ctx = this.ctx;
    const prevWriter = ctx.reply;
    ctx.reply = w;
    ctx.spec = spec;
    ctx.dbIndex = dbIndex;
    const db = this.dbs[dbIndex];
    ctx.db = db;
    db.countLookups = this.readOnly[cmdIndex];
    this.access.lastTable = null;
    ctx.connId = connId;
    ctx.now = this.now;
    const prevArgs = ctx.args;
    if (args) ctx.args = args;
    // Copy-on-write: the snapshot being saved gets the old values of the keys this may change.
    if (this.snapshot !== null && this.mayWrite[cmdIndex]) this.snapshot.beforeCommand(spec, this.dbs, dbIndex, ctx.args);
    const errorsBefore = w.errors;
    const aof = this.config.appendOnly !== 0;
    const dirty0 = this.dirty;
    const replyStart = w.pos;
    const outerPropagated = this.propagated;
    this.propagated = false;
    const handler = handlerAt(cmdIndex);
    // At most one clock read per command: the previous command's end is this one's start (the frame
    // decode in between is attributed to it, a fraction of a microsecond), and fast commands at the
    // top level are timed as a run (see timedInRuns).
    const inRun = this.timedInRuns[cmdIndex] && this.execDepth === 0;
    const t0 = inRun ? 0 : this.runLen > 0 ? this.settleClock() : this.lastClock;
    this.execDepth++;
    if (handler === undefined) {
      w.error(`ERR unknown command '${spec.name}'`);
    } else {
      try {
        handler(ctx);
      } catch (e) {
        // A handler bug must not take the shard (and its keyspace) down: report it like Redis reports
        // an internal error, and keep serving.
        w.error(`ERR internal error in '${spec.name}': ${(e as Error).message}`);
      }
    }
    this.execDepth--;
    db.countLookups = false;
    if (aof && (this.dirty !== dirty0 || (this.allShardsWrite[cmdIndex] && w.errors === errorsBefore)) && !this.propagated && !this.noEffect[cmdIndex]) this.recordEffect(cmdIndex, dbIndex, w, replyStart);
    this.propagated = outerPropagated;
    let statIndex = cmdIndex;
    if (cmdIndex === SCRIPT_CMD && this.execDepth === 0 && this.scriptStatsAs >= 0) {
      statIndex = this.scriptStatsAs;
      this.scriptStatsAs = -1;
    }
    const st = this.cmdStats[statIndex];
    const counted = !this.uncounted;
    this.uncounted = false;
    if (counted) st.calls++;
    if (inRun) {
      this.runCmds[this.runLen++] = cmdIndex;
      if (this.runLen === this.runCmds.length) this.settleClock();
    } else {
      const t1 = performance.now();
      this.lastClock = t1;
      if (counted) st.usec += (t1 - t0) * 1000;
    }
    if (counted && w.errors !== errorsBefore) {
      st.failed++;
      this.errorStats.set(w.lastErrorCode, (this.errorStats.get(w.lastErrorCode) ?? 0) + 1);
    }
    ctx.args = prevArgs;
    ctx.reply = prevWriter;
  }

  private recordEffect(cmdIndex: number, dbIndex: number, w: ReplyWriter, replyStart: number): void {
    if (this.allShardsWrite[cmdIndex] && this.shardIndex !== 0) return;
    const spec = COMMANDS[cmdIndex];
    const args = this.ctx.args;
    const list = effectOf(spec, args, this.dbs[dbIndex], dbIndex, w.buf, replyStart, w.pos);
    if (list === null) this.effects.pushArgs(dbIndex, args);
    else for (const e of list) this.effects.push(e.db, e.argv);
  }

  /** Active expiry (Redis's activeExpireCycle, slow mode): bounded work per call, sampled per database. */
  activeExpireCycle(now: number): void {
    const effort = Math.max(1, Math.min(10, this.config.activeExpireEffort || 1));
    const perLoop = 20 + 5 * (effort - 1);
    const budgetMs = (1000 / Math.max(1, this.config.hz)) * (0.25 + 0.02 * (effort - 1));
    const deadline = performance.now() + budgetMs;
    const acceptable = Math.max(1, 10 - effort) / 100;
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      for (;;) {
        const { examined, expired } = db.activeExpire(now, perLoop);
        if (examined === 0 || expired / examined <= acceptable) break;
        if (performance.now() > deadline) return;
      }
    }
  }

  maybeExpireCycle(): number {
    const period = 1000 / Math.max(1, this.config.hz);
    const now = Date.now();
    if (now - this.lastExpireCycle >= period) {
      this.lastExpireCycle = now;
      this.activeExpireCycle(now);
    }
    return Math.max(1, period - (Date.now() - this.lastExpireCycle));
  }

  statsJson(): string {
    const commands: Record<string, CommandStat> = {};
    this.cmdStats.forEach((s, i) => {
      if (s.calls > 0 || s.failed > 0) commands[COMMANDS[i].name] = s;
    });
    return JSON.stringify({
      dirty: this.dirty,
      keyspaceHits: this.dbs.reduce((n, d) => n + d.hits, 0),
      keyspaceMisses: this.dbs.reduce((n, d) => n + d.misses, 0),
      expiredKeys: this.expiredKeys,
      dbs: this.dbs.map((d) => [d.size, d.expires.size]),
      commands,
      errors: Object.fromEntries(this.errorStats),
      heapUsed: process.memoryUsage().heapUsed,
    });
  }

  resetStats(): void {
    for (const s of this.cmdStats) s.calls = s.usec = s.failed = 0;
    this.errorStats.clear();
    this.expiredKeys = 0;
    for (const d of this.dbs) d.hits = d.misses = 0;
  }
}

/**
 * Snapshot pacing (see ShardLoop.snapshotTurn), in ms: the longest slice without client traffic;
 * while clients were served within ACTIVE_WINDOW_MS, one ACTIVE_SLICE_MS slice per ACTIVE_PERIOD_MS.
 */
const IDLE_SLICE_MS = 5;
const ACTIVE_WINDOW_MS = 20;
const ACTIVE_SLICE_MS = 0.1;
const ACTIVE_PERIOD_MS = 0.4;

const SCRIPT_CMD = COMMANDS.findIndex((c) => c.name === '__script');
const TOUCH_CMD = COMMANDS.findIndex((c) => c.name === 'touch');

/** Commands that need the Lua engine (it is built when the first of them arrives). */
const NEEDS_LUA: boolean[] = COMMANDS.map((c) => c.name === '__script' || c.name === '__script_load' || c.name === '__function_load');

/** Length of the request frame at `off` (header and arguments). */
function frameEnd(view: DataView, off: number): number {
  const argc = view.getUint32(off + 16, true);
  let p = off + REQ_HEADER;
  for (let i = 0; i < argc; i++) p += 4 + view.getUint32(p, true);
  return p - off;
}

/** Within one batch of frames, replies are published at least this often (ms of work). */
const FLUSH_EVERY_MS = 0.05;

/** Drives a shard from its rings. */
export class ShardLoop {
  private readonly req: Ring;
  private readonly rep: Ring;
  /** Spinning before parking only pays when a core is free for it (more cores than busy threads). */
  private readonly spinIterations: number;
  private readonly spareCore: boolean;
  /** The last request's NO-TOUCH state (AccessClock is told only when it changes). */
  private noTouch = false;

  constructor(
    private readonly shard: Shard,
    req: Ring,
    rep: Ring,
    private readonly port: MessagePort,
  ) {
    this.req = req;
    this.rep = rep;
    this.spinIterations = Number(process.env.FERROUS_SPIN ?? (availableParallelism() > shard.shardCount + 1 ? 2000 : 0));
    // A core for every shard, the acceptor and the save worker: snapshots need no pacing.
    this.spareCore = availableParallelism() > shard.shardCount + 2;
    shard.remoteCall = (db, resp3, args) => this.remoteCall(db, resp3, args);
  }

  /**
   * A script's call that only the acceptor can run. Sends a ScriptCall frame, then serves this shard's
   * ring until the CallReply arrives: while the script holds every shard, every frame that reaches this
   * ring meanwhile is one of the script's own steps (e.g. a cross-shard command's export from here).
   */
  private remoteCall(db: number, resp3: boolean, args: Args): Uint8Array {
    // What the script wrote so far goes first: the remote command's effects come after it.
    if (this.shard.effects.count !== 0) this.writeEffects(true, false);
    let size = 7;
    for (let i = 0; i < args.count; i++) size += 4 + args.len(i);
    const body = Buffer.allocUnsafe(size);
    body.writeUInt16LE(db, 0);
    body[2] = resp3 ? 1 : 0;
    body.writeUInt32LE(args.count, 3);
    let p = 7;
    for (let i = 0; i < args.count; i++) {
      body.writeUInt32LE(args.len(i), p);
      body.set(args.view(i), p + 4);
      p += 4 + args.len(i);
    }
    if (REPLY_HEADER + size > this.rep.maxFrame) {
      const frame = Buffer.alloc(REPLY_HEADER + size);
      frame[0] = ReplyKind.ScriptCall;
      frame[1] = 1;
      body.copy(frame, REPLY_HEADER);
      this.port.postMessage(frame);
      const o = this.reserveReply(REPLY_HEADER);
      this.rep.bytes[o] = ReplyKind.ScriptCall;
      this.rep.bytes[o + 1] = 1;
    } else {
      const o = this.reserveReply(REPLY_HEADER + size);
      this.rep.bytes[o] = ReplyKind.ScriptCall;
      this.rep.bytes[o + 1] = 0;
      this.rep.bytes.set(body, o + REPLY_HEADER);
    }
    this.flushReplies();
    this.rep.signalUnsolicited();
    const req = this.req;
    for (;;) {
      const off = req.next();
      if (off < 0) {
        req.release();
        this.flushReplies();
        req.sleep(100);
        continue;
      }
      let bytes: Uint8Array = req.bytes;
      let view: DataView = req.view;
      let at = off;
      if (bytes[off] === FrameKind.Spill) {
        const msg = receiveMessageOnPort(this.port);
        if (!msg) throw new Error('spill frame without its message');
        bytes = msg.message as Uint8Array;
        view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        at = 0;
      }
      if (bytes[at] === FrameKind.CallReply) {
        const len = view.getUint32(at + REQ_HEADER, true);
        const reply = Buffer.from(bytes.subarray(at + REQ_HEADER + 4, at + REQ_HEADER + 4 + len));
        req.release();
        return reply;
      }
      // One of the script's own steps (it holds this shard): serve it like any frame.
      this.handleRequest(bytes, view, at);
      req.release();
      this.flushReplies();
    }
  }

  /** A frame that needs the Lua engine, held until the engine exists (built on first use). */
  private waitingForLua: Uint8Array | null = null;

  /**
   * Serve the rings. Returns only to let the event loop build the Lua engine (the first script on
   * this shard: wasm compilation is asynchronous and costs memory, so shards without scripts skip it);
   * it resumes by itself once the engine is there.
   */
  run(): void {
    for (;;) {
      const n = this.drain();
      if (this.waitingForLua !== null) {
        this.buildLua();
        return;
      }
      const park = this.shard.snapshot !== null ? this.snapshotTurn(n > 0) : Infinity;
      if (n > 0 || !this.req.isEmpty()) continue;
      const wait = this.shard.maybeExpireCycle();
      // The expiry cycle may have produced notifications (expired events): send them now.
      if (this.shard.notifications.length !== 0) this.flushReplies();
      if (park === 0) continue;
      let spun = 0;
      while (spun < this.spinIterations && this.req.isEmpty()) spun++;
      // A request wakes the shard at once; the timeout is the expiry clock or the snapshot's next turn.
      if (this.req.isEmpty()) this.req.sleep(Math.min(wait, park));
    }
  }

  private readonly requestWaiting = (): boolean => !this.req.isEmpty();
  /** When requests were last served, and when the next paced snapshot slice is due (performance.now()). */
  private lastFramesAt = -Infinity;
  private nextSliceAt = 0;

  /**
   * One turn of the snapshot between batches of commands; returns how long the loop may park before
   * the next (0: go on at once, Infinity: no snapshot any more). Without client traffic it works flat
   * out, in slices that give way as soon as a request arrives. While clients are served and no core
   * is spare, it takes a fixed share of this thread, in slices run whole so that it still progresses
   * under load: a shard walking its keyspace flat out would take the CPU from the acceptor and the
   * other shards, and every client would wait.
   */
  private snapshotTurn(served: boolean): number {
    const now = performance.now();
    if (served) this.lastFramesAt = now;
    let r: SliceResult;
    if (this.spareCore || now - this.lastFramesAt >= ACTIVE_WINDOW_MS) {
      r = this.shard.snapshotStep(IDLE_SLICE_MS, this.requestWaiting);
      if (r === 'more') return 0;
    } else {
      if (now < this.nextSliceAt) return this.nextSliceAt - now;
      r = this.shard.snapshotStep(ACTIVE_SLICE_MS);
      this.nextSliceAt = performance.now() + ACTIVE_PERIOD_MS - ACTIVE_SLICE_MS;
      if (r === 'more') return ACTIVE_PERIOD_MS - ACTIVE_SLICE_MS;
    }
    // Blocked: the writer has too much of ours to write; look again soon.
    return r === 'blocked' ? 2 : Infinity;
  }

  private buildLua(): void {
    const frame = this.waitingForLua!;
    this.req.release();
    this.flushReplies();
    const resume = (): void => {
      this.waitingForLua = null;
      // The engine's construction is not the script's run time (INFO commandstats).
      this.shard.tick();
      this.handleRequest(frame, new DataView(frame.buffer, frame.byteOffset, frame.byteLength), 0);
      this.flushReplies();
      this.run();
    };
    this.shard.createScripts().then(
      (engine) => {
        this.shard.scripts = engine;
        resume();
      },
      (err: Error) => {
        // No engine (out of memory for the wasm instance…): the script gets an error, the shard
        // keeps serving, and the next script tries again.
        this.shard.luaFailure = `ERR the Lua engine could not be started: ${err.message}`;
        resume();
        this.shard.luaFailure = null;
      },
    );
  }

  /** Processes every published request; returns how many frames were handled. */
  drain(): number {
    const req = this.req;
    let handled = 0;
    let flushedAt = this.shard.lastClock;
    for (;;) {
      const off = req.next();
      if (off < 0) break;
      if ((handled & 63) === 0) this.shard.tick();
      handled++;
      const kind = req.bytes[off];
      let bytes: Uint8Array = req.bytes;
      let view: DataView = req.view;
      let at = off;
      if (kind === FrameKind.Spill) {
        const msg = receiveMessageOnPort(this.port);
        if (!msg) throw new Error('spill frame without its message');
        bytes = msg.message as Uint8Array;
        view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        at = 0;
      }
      if (this.shard.scripts === null && NEEDS_LUA[view.getUint16(at + 12, true)] === true && bytes[at] === FrameKind.Command) {
        // The first script: the Lua engine is built now (asynchronously, see run); this frame and
        // everything after it wait for it.
        this.waitingForLua = bytes.slice(at, at + frameEnd(view, at));
        break;
      }
      this.handleRequest(bytes, view, at);
      // Give space back early on big bursts so the acceptor can keep writing.
      if ((handled & 255) === 0) {
        req.release();
        this.flushReplies();
        flushedAt = this.shard.lastClock;
        // A long burst still lets a snapshot progress.
        if (this.shard.snapshot !== null) this.snapshotTurn(true);
      } else if (this.shard.lastClock - flushedAt > FLUSH_EVERY_MS) {
        // Slow frames (scripts, RDB load batches): hand their replies over as they finish rather than
        // at the end of the batch, so the acceptor answers those clients while the rest of the batch
        // runs. Space first, replies second: an acceptor that drains these replies and retries the
        // frames it holds back for want of room must find the room already given back. (Replies
        // published before the release left a 2M-key RDB load parked for good: every reply drained,
        // nothing owed, held frames never retried.)
        req.release();
        this.flushReplies();
        flushedAt = this.shard.lastClock;
      }
    }
    if (handled > 0) {
      // The batch's last run of fast commands gets its time now, not with the idle time after it.
      this.shard.settleClock();
      req.release();
      this.flushReplies();
    }
    return handled;
  }

  private flushReplies(): void {
    let unsolicited = false;
    // Left over outside a command: the active expiry cycle's DELs.
    if (this.shard.effects.count !== 0) {
      this.writeEffects(false, false);
      unsolicited = true;
    }
    if (this.shard.notifications.length !== 0) {
      this.writeNotifications();
      unsolicited = true;
    }
    if (this.shard.readyKeys.size !== 0) {
      this.writeReadyEvent();
      unsolicited = true;
    }
    if (this.rep.hasUnpublished() && this.rep.publish()) this.rep.notify();
    // The acceptor may have no request outstanding here and so no reply wait armed.
    if (unsolicited) this.rep.signalUnsolicited();
  }

  /** Notify frame: u8 K/E flags | u16 db | u32 len event | u32 len key, repeated (latin1 bytes). */
  private writeNotifications(): void {
    const list = this.shard.notifications;
    let size = 0;
    for (const n of list) size += 11 + n.event.length + n.key.length;
    const buf = Buffer.allocUnsafe(size);
    let p = 0;
    for (const n of list) {
      buf[p] = n.flags;
      buf.writeUInt16LE(n.db, p + 1);
      buf.writeUInt32LE(n.event.length, p + 3);
      p += 7 + buf.latin1Write(n.event, p + 7);
      buf.writeUInt32LE(n.key.length, p);
      p += 4 + buf.latin1Write(n.key, p + 4);
    }
    list.length = 0;
    if (REPLY_HEADER + size > this.rep.maxFrame) {
      // Too many at once for one frame (a FLUSHALL of a huge db): send them in slices.
      this.writeNotifySlices(buf);
      return;
    }
    const o = this.reserveReply(REPLY_HEADER + size);
    this.rep.bytes[o] = ReplyKind.Notify;
    this.rep.bytes.set(buf, o + REPLY_HEADER);
  }

  private writeNotifySlices(buf: Buffer): void {
    let start = 0;
    const limit = this.rep.maxFrame - REPLY_HEADER;
    while (start < buf.length) {
      let end = start;
      // Advance whole entries while they fit.
      while (end < buf.length) {
        const evLen = buf.readUInt32LE(end + 3);
        const keyLen = buf.readUInt32LE(end + 7 + evLen);
        const next = end + 11 + evLen + keyLen;
        if (next - start > limit && end > start) break;
        end = next;
      }
      const o = this.reserveReply(REPLY_HEADER + (end - start));
      this.rep.bytes[o] = ReplyKind.Notify;
      this.rep.bytes.set(buf.subarray(start, end), o + REPLY_HEADER);
      start = end;
    }
  }

  /**
   * Aof frame: u32 count, then per effect u16 db | u32 length | the command in RESP (EffectLog).
   * Header flags: AofFlag.Solicited (belongs to the request whose reply follows), Atomic (wrap in
   * MULTI/EXEC), Port (too big for the ring: the frame follows on the MessagePort).
   */
  private writeEffects(solicited: boolean, atomic: boolean): void {
    const log = this.shard.effects;
    const flags = (solicited ? AofFlag.Solicited : 0) | (atomic ? AofFlag.Atomic : 0);
    const size = REPLY_HEADER + 4 + log.pos;
    if (size > this.rep.maxFrame) {
      const frame = Buffer.alloc(size);
      frame[0] = ReplyKind.Aof;
      frame[1] = flags | AofFlag.Port;
      frame.writeUInt32LE(log.count, REPLY_HEADER);
      log.drainInto(frame, REPLY_HEADER + 4);
      this.port.postMessage(frame);
      const o = this.reserveReply(REPLY_HEADER);
      this.rep.bytes[o] = ReplyKind.Aof;
      this.rep.bytes[o + 1] = frame[1];
      return;
    }
    const o = this.reserveReply(size);
    const b = this.rep.bytes;
    b[o] = ReplyKind.Aof;
    b[o + 1] = flags;
    this.rep.view.setUint32(o + REPLY_HEADER, log.count, true);
    log.drainInto(b, o + REPLY_HEADER + 4);
  }

  /** Event frame: the blocked-on keys that were written ("db\0key", each u32-length-prefixed). */
  private writeReadyEvent(): void {
    const ids = [...this.shard.readyKeys];
    this.shard.readyKeys.clear();
    let size = 0;
    for (const id of ids) size += 4 + id.length;
    const o = this.reserveReply(REPLY_HEADER + size);
    const b = this.rep.bytes;
    b[o] = ReplyKind.Event;
    let p = o + REPLY_HEADER;
    for (const id of ids) {
      this.rep.view.setUint32(p, id.length, true);
      p += 4;
      for (let i = 0; i < id.length; i++) b[p++] = id.charCodeAt(i);
    }
  }

  private handleRequest(bytes: Uint8Array, view: DataView, off: number): void {
    const kind = bytes[off];
    const flags = bytes[off + 1];
    const db = view.getUint16(off + 2, true);
    const connId = view.getUint32(off + 4, true);
    const tag = view.getUint32(off + 8, true);
    const cmd = view.getUint16(off + 12, true);
    const argc = view.getUint32(off + 16, true);
    const w = this.shard.writer;
    w.reset((flags & RequestFlag.Resp3) !== 0);
    // CLIENT NO-TOUCH: the client's lookups leave keys' LRU/LFU alone, except TOUCH's (Redis 7.2).
    const noTouch = (flags & RequestFlag.NoTouch) !== 0 && cmd !== TOUCH_CMD;
    if (noTouch !== this.noTouch) {
      this.noTouch = noTouch;
      this.shard.access.setClientNoTouch(noTouch);
    }
    if (kind === FrameKind.Command) {
      if (cmd === SCRIPT_CMD) this.shard.scriptStatsAs = tag < COMMANDS.length ? tag : -1;
      this.shard.args.decode(bytes, view, off + REQ_HEADER, argc);
      this.shard.execute(cmd, db, connId, (flags & RequestFlag.Resp3) !== 0);
    } else {
      w.error(Err.syntax);
    }
    // The command's AOF effects travel right ahead of its reply (a script's as one atomic unit).
    if (this.shard.effects.count !== 0) this.writeEffects(true, cmd === SCRIPT_CMD);
    this.writeReply(connId, tag, w.buf, w.pos);
  }

  private writeReply(connId: number, tag: number, body: Buffer, len: number): void {
    const rep = this.rep;
    if (len + REPLY_HEADER > rep.maxFrame) {
      const copy = new Uint8Array(REPLY_HEADER + len);
      const v = new DataView(copy.buffer);
      copy[0] = ReplyKind.Reply;
      v.setUint32(4, connId, true);
      v.setUint32(8, tag, true);
      copy.set(body.subarray(0, len), REPLY_HEADER);
      this.port.postMessage(copy, [copy.buffer]);
      const o = this.reserveReply(REPLY_HEADER);
      rep.bytes[o] = ReplyKind.Spill;
      return;
    }
    const o = this.reserveReply(REPLY_HEADER + len);
    const b = rep.bytes;
    b[o] = ReplyKind.Reply;
    b[o + 1] = 0;
    rep.view.setUint32(o + 4, connId, true);
    rep.view.setUint32(o + 8, tag, true);
    if (len < 64) {
      for (let i = 0; i < len; i++) b[o + REPLY_HEADER + i] = body[i];
    } else b.set(body.subarray(0, len), o + REPLY_HEADER);
  }

  /** Reserve reply space, publishing and waiting for the acceptor to drain when the ring is full. */
  private reserveReply(n: number): number {
    for (;;) {
      const seen = this.rep.releasedValue();
      const o = this.rep.reserve(n);
      if (o >= 0) return o;
      this.flushReplies();
      this.rep.waitForRoom(seen, 50);
    }
  }
}

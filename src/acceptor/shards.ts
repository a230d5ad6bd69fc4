/**
 * The acceptor's side of the shard workers: spawning them, writing request frames into their rings,
 * matching reply frames to whoever waits for them, and the per-shard hold queues that give the lock
 * manager and back-pressure their effect.
 *
 * Ordering rule (what makes cross-shard work atomic, see docs/ARCHITECTURE.md): every frame for a shard
 * goes either straight into its ring or, when the shard is locked by a transaction or the ring is full,
 * to the back of the shard's hold queue. Nothing ever overtakes a held item, so each shard executes
 * frames in the order the acceptor issued them.
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Ring } from '../shared/ring.js';
import { AofFlag, FrameKind, REPLY_HEADER, REQ_HEADER, ReplyKind } from '../shared/frame.js';
import type { ShardConfig } from '../shard-worker/context.js';
import type { ShardWorkerData } from '../shard-worker/main.js';
import { ScriptState } from '../shared/script-state.js';

/** A script run that may ask, through its shard, for commands to be run on its behalf. */
export interface ScriptCallHandler {
  /** `body`: u16 db | u8 resp3 | u32 argc | argc × (u32 len, bytes) (see ReplyKind.ScriptCall). */
  onScriptCall(body: Uint8Array): void;
}

/** Whoever waits for a reply: a client connection, a fan-out collector, a transaction step. */
export interface ReplySink {
  /** `bytes[start, end)` is valid only during the call. `tag` is what the request carried. */
  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void;
}

/** Arguments of a frame to write: `count` slices of `buf`, optionally a subset by index. */
export interface ArgSource {
  buf: Uint8Array;
  starts: Int32Array | number[];
  ends: Int32Array | number[];
}

/** Identity of a transaction that owns shards (see lock-manager.ts). */
export interface LockOwner {
  /** Called once every shard the owner asked for is granted. */
  granted(): void;
}

/** Where the shards' AOF effects go (src/aof/aof.ts). */
export interface AofSink {
  /** An Aof frame's body; `group`: the lock owner whose frame produced it (logged at its release). */
  effects(shard: number, body: Uint8Array, flags: number, group: LockOwner | null): void;
  /** A lock owner let its shards go: its effects are logged now, as one MULTI/EXEC block. */
  groupEnd(owner: LockOwner): void;
}

interface HeldFrame {
  frame: Uint8Array | null;
  sink: ReplySink | null;
  /** The lock owner that sent it (AOF effects of its reply belong to its block). */
  owner?: LockOwner | null;
  barrier: LockOwner | null;
  /** A frame the shard does not answer (a script's CallReply): no sink is queued for it. */
  noReply?: boolean;
}

const REQUEST_RING_BYTES = 2 * 1024 * 1024;
const REPLY_RING_BYTES = 2 * 1024 * 1024;
const EMPTY_ARGS: ArgSource = { buf: new Uint8Array(0), starts: [], ends: [] };

export class ShardHandle {
  readonly req: Ring;
  readonly rep: Ring;
  worker!: Worker;
  readonly port: MessagePort;
  readonly workerPort: MessagePort;
  /** Sinks of frames written to the ring, in ring order; replies pop from the front. */
  private sinks: (ReplySink | null)[] = new Array(1024);
  /** The lock owner of each frame in `sinks` (same positions). */
  private owners: (LockOwner | null)[] = new Array(1024);
  private sinkHead = 0;
  private sinkTail = 0;
  /** Frames (and lock barriers) waiting behind a lock or a full ring. */
  readonly hold: HeldFrame[] = [];
  /** Frames of the current lock owner that did not fit in the ring (they go before `hold`). */
  private readonly ownerHold: HeldFrame[] = [];

  /** Frames wait in either queue. */
  hasHeld(): boolean {
    return this.hold.length > 0 || this.ownerHold.length > 0;
  }
  holdBytes = 0;
  lockedBy: LockOwner | null = null;
  /** What this shard's running script shares with the acceptor (kill flag, running, wrote). */
  readonly scriptState = new ScriptState();
  /**
   * The script running here that may send remote calls (src/acceptor/scripting.ts); set once the
   * script's frame is written, so that every later frame is one of its steps.
   */
  scriptRun: ScriptCallHandler | null = null;
  /** An Atomics.waitAsync is pending on the reply ring. */
  private armed = false;
  dirtyRequests = false;

  constructor(
    readonly index: number,
    private readonly set: ShardSet,
  ) {
    const reqBufs = Ring.create(REQUEST_RING_BYTES);
    const repBufs = Ring.create(REPLY_RING_BYTES);
    this.req = new Ring(reqBufs);
    this.rep = new Ring(repBufs);
    const ch = new MessageChannel();
    this.port = ch.port1;
    this.workerPort = ch.port2;
    this.buffers = { requestRing: reqBufs, replyRing: repBufs };
  }

  readonly buffers: { requestRing: ReturnType<typeof Ring.create>; replyRing: ReturnType<typeof Ring.create> };

  /**
   * Sinks of the frames a running script's steps sent here (see scriptRun): the shard answers them
   * while the script runs, so before the script's own reply, which is older in the FIFO.
   */
  private readonly nestedSinks: (ReplySink | null)[] = [];
  private readonly nestedOwners: (LockOwner | null)[] = [];

  /**
   * A global script's frame and the handler of its remote calls: the handler takes over once that
   * frame is in the ring (its sink queued), not before, even when the frame had to wait in a hold queue.
   */
  armScriptRun(frameSink: ReplySink, handler: ScriptCallHandler): void {
    this.armedScript = { frameSink, handler };
  }

  private armedScript: { frameSink: ReplySink; handler: ScriptCallHandler } | null = null;

  private pushSink(sink: ReplySink | null, owner: LockOwner | null): void {
    if (this.scriptRun !== null) {
      this.nestedSinks.push(sink);
      this.nestedOwners.push(owner);
      return;
    }
    if (this.armedScript !== null && sink === this.armedScript.frameSink) {
      this.pushSinkInOrder(sink, owner);
      this.scriptRun = this.armedScript.handler;
      this.armedScript = null;
      return;
    }
    this.pushSinkInOrder(sink, owner);
  }

  private pushSinkInOrder(sink: ReplySink | null, owner: LockOwner | null): void {
    const cap = this.sinks.length;
    if (this.sinkTail - this.sinkHead === cap) {
      const next: (ReplySink | null)[] = new Array(cap * 2);
      const nextOwners: (LockOwner | null)[] = new Array(cap * 2);
      for (let i = 0; i < cap; i++) {
        next[i] = this.sinks[(this.sinkHead + i) & (cap - 1)];
        nextOwners[i] = this.owners[(this.sinkHead + i) & (cap - 1)];
      }
      this.sinks = next;
      this.owners = nextOwners;
      this.sinkTail -= this.sinkHead;
      this.sinkHead = 0;
    }
    const at = this.sinkTail & (this.sinks.length - 1);
    this.sinks[at] = sink;
    this.owners[at] = owner;
    this.sinkTail++;
  }

  /** Lock owner of the frame whose reply comes next (what popSink would return the sink of). */
  private peekOwner(): LockOwner | null {
    if (this.nestedOwners.length !== 0) return this.nestedOwners[0];
    if (this.sinkHead === this.sinkTail) return null;
    return this.owners[this.sinkHead & (this.owners.length - 1)];
  }

  private popSink(): ReplySink | null {
    if (this.nestedSinks.length !== 0) {
      this.nestedOwners.shift();
      return this.nestedSinks.shift()!;
    }
    if (this.sinkHead === this.sinkTail) throw new Error(`shard ${this.index}: reply without a request`);
    const i = this.sinkHead & (this.sinks.length - 1);
    const s = this.sinks[i];
    this.sinks[i] = null;
    this.owners[i] = null;
    this.sinkHead++;
    return s;
  }

  get outstanding(): number {
    return this.sinkTail - this.sinkHead + this.nestedSinks.length;
  }

  /** True when a new frame may go straight into the ring (nothing is held, no foreign lock). */
  canWriteDirect(owner: LockOwner | null): boolean {
    if (owner === null) return this.lockedBy === null && this.hold.length === 0;
    return this.lockedBy === owner && this.ownerHold.length === 0;
  }

  /**
   * Write a command frame. `owner` is the transaction on whose behalf it is sent (null for ordinary
   * traffic). Returns false when it had to be held because the ring is full (caller may pause input).
   */
  send(
    owner: LockOwner | null,
    sink: ReplySink | null,
    cmd: number,
    db: number,
    connId: number,
    tag: number,
    flags: number,
    src: ArgSource,
    argc: number,
    indices: ArrayLike<number> | null = null,
  ): boolean {
    let size = REQ_HEADER;
    for (let k = 0; k < argc; k++) {
      const i = indices === null ? k : indices[k];
      size += 4 + (src.ends[i] - src.starts[i]);
    }
    const direct = this.canWriteDirect(owner);
    if (direct && size <= this.req.maxFrame) {
      const off = this.req.reserve(size);
      if (off >= 0) {
        encodeRequest(this.req.bytes, this.req.view, off, cmd, db, connId, tag, flags, src, argc, indices);
        this.pushSink(sink, owner);
        this.markDirty();
        return true;
      }
    }
    const frame = new Uint8Array(size);
    encodeRequest(frame, new DataView(frame.buffer), 0, cmd, db, connId, tag, flags, src, argc, indices);
    if (direct && size > this.req.maxFrame && this.writeSpill(frame, sink, false, owner)) return true;
    // The lock owner's frames wait in their own queue, ahead of everything the lock holds back.
    if (owner !== null && this.lockedBy === owner) this.ownerHold.push({ frame, sink, barrier: null, owner });
    else this.hold.push({ frame, sink, barrier: null, owner });
    this.holdBytes += size;
    this.set.scheduleFlush();
    return false;
  }

  sendSimple(owner: LockOwner | null, sink: ReplySink | null, cmd: number, db: number, connId: number, tag: number, flags: number, args: ReadonlyArray<string | Uint8Array>): boolean {
    if (args.length === 0) return this.send(owner, sink, cmd, db, connId, tag, flags, EMPTY_ARGS, 0);
    const parts = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
    const total = parts.reduce((n, p) => n + p.length, 0);
    const buf = new Uint8Array(total);
    const starts: number[] = [];
    const ends: number[] = [];
    let off = 0;
    for (const p of parts) {
      buf.set(p, off);
      starts.push(off);
      off += p.length;
      ends.push(off);
    }
    return this.send(owner, sink, cmd, db, connId, tag, flags, { buf, starts, ends }, parts.length);
  }

  /**
   * Answer a script's remote call: a CallReply frame the shard consumes inside the script (no reply).
   * Sent as the lock owner's frame, so it goes ahead of everything the script's lock holds back.
   */
  sendCallReply(owner: LockOwner | null, reply: Uint8Array): void {
    const size = REQ_HEADER + 4 + reply.length;
    const frame = new Uint8Array(size);
    const v = new DataView(frame.buffer);
    frame[0] = FrameKind.CallReply;
    v.setUint32(16, 1, true);
    v.setUint32(REQ_HEADER, reply.length, true);
    frame.set(reply, REQ_HEADER + 4);
    const held: HeldFrame = { frame, sink: null, barrier: null, noReply: true };
    this.holdBytes += size; // writeHeld takes it off again
    if (this.canWriteDirect(owner) && this.writeHeld(held)) return;
    if (owner !== null && this.lockedBy === owner) this.ownerHold.push(held);
    else this.hold.push(held);
    this.set.scheduleFlush();
  }

  private writeSpill(frame: Uint8Array, sink: ReplySink | null, noReply: boolean, owner: LockOwner | null): boolean {
    const off = this.req.reserve(1);
    if (off < 0) return false;
    this.port.postMessage(frame);
    this.req.bytes[off] = FrameKind.Spill;
    if (!noReply) this.pushSink(sink, owner);
    this.markDirty();
    return true;
  }

  private markDirty(): void {
    if (!this.dirtyRequests) {
      this.dirtyRequests = true;
      this.set.dirtyShards.push(this);
    }
  }

  /** Publish written frames; wake the worker if it is parked. */
  publish(): void {
    this.dirtyRequests = false;
    if (this.req.publish()) this.req.notify();
  }

  /** Queue a lock barrier for `owner`; returns true if granted immediately. */
  enqueueBarrier(owner: LockOwner): boolean {
    if (this.lockedBy === null && this.hold.length === 0) {
      this.lockedBy = owner;
      return true;
    }
    this.hold.push({ frame: null, sink: null, barrier: owner });
    return false;
  }

  unlock(owner: LockOwner): void {
    if (this.lockedBy !== owner) throw new Error('unlock by a non-owner');
    this.lockedBy = null;
    this.pump();
  }

  /**
   * Move held frames into the ring while they fit: first the lock owner's own frames, then (only when
   * unlocked) the general queue, granting the next barrier when it reaches the front.
   */
  pump(): void {
    while (this.ownerHold.length > 0) {
      if (!this.writeHeld(this.ownerHold[0])) return;
      this.ownerHold.shift();
    }
    while (this.hold.length > 0) {
      const h = this.hold[0];
      if (h.barrier !== null) {
        if (this.lockedBy !== null) return;
        this.hold.shift();
        this.lockedBy = h.barrier;
        this.set.barrierGranted(h.barrier);
        continue;
      }
      if (this.lockedBy !== null) return;
      if (!this.writeHeld(h)) return;
      this.hold.shift();
    }
    this.set.maybeResume();
  }

  /** Write a held (or about to be held) frame into the ring; false when it does not fit now. */
  private writeHeld(h: HeldFrame): boolean {
    const frame = h.frame!;
    if (frame.length > this.req.maxFrame) {
      if (!this.writeSpill(frame, h.sink, h.noReply === true, h.owner ?? null)) return false;
    } else {
      const off = this.req.reserve(frame.length);
      if (off < 0) return false;
      this.req.bytes.set(frame, off);
      if (h.noReply !== true) this.pushSink(h.sink, h.owner ?? null);
      this.markDirty();
    }
    this.holdBytes -= frame.length;
    return true;
  }

  /** Read every published reply frame and hand it to its sink. */
  drainReplies(): number {
    const rep = this.rep;
    let n = 0;
    for (;;) {
      const off = rep.next();
      if (off < 0) break;
      n++;
      const kind = rep.bytes[off];
      if (kind === ReplyKind.Event) {
        this.set.onKeysReady(rep.bytes, off + REPLY_HEADER, off + rep.frameLength(off));
        continue;
      }
      if (kind === ReplyKind.Aof) {
        const flags = rep.bytes[off + 1];
        let body: Uint8Array;
        if ((flags & AofFlag.Port) !== 0) {
          const msg = receiveMessageOnPort(this.port);
          if (!msg) throw new Error('AOF effects without their message');
          body = (msg.message as Uint8Array).subarray(REPLY_HEADER);
        } else body = rep.bytes.subarray(off + REPLY_HEADER, off + rep.frameLength(off));
        this.set.aofSink?.effects(this.index, body, flags, (flags & AofFlag.Solicited) !== 0 ? this.peekOwner() : null);
        continue;
      }
      if (kind === ReplyKind.Notify) {
        this.set.onNotify(rep.bytes, off + REPLY_HEADER, off + rep.frameLength(off));
        continue;
      }
      if (kind === ReplyKind.ScriptCall) {
        let body: Uint8Array;
        if (rep.bytes[off + 1] === 1) {
          const msg = receiveMessageOnPort(this.port);
          if (!msg) throw new Error('script call without its message');
          body = (msg.message as Uint8Array).subarray(REPLY_HEADER);
        } else body = rep.bytes.slice(off + REPLY_HEADER, off + rep.frameLength(off));
        if (this.scriptRun === null) throw new Error(`shard ${this.index}: script call without a running script`);
        this.scriptRun.onScriptCall(body);
        continue;
      }
      if (kind === ReplyKind.Spill) {
        const msg = receiveMessageOnPort(this.port);
        if (!msg) throw new Error('reply spill without its message');
        const payload = msg.message as Uint8Array;
        const tag = new DataView(payload.buffer, payload.byteOffset).getUint32(8, true);
        this.popSink()?.deliver(payload, REPLY_HEADER, payload.length, tag);
      } else {
        const len = rep.frameLength(off);
        const tag = rep.view.getUint32(off + 8, true);
        this.popSink()?.deliver(rep.bytes, off + REPLY_HEADER, off + len, tag);
      }
    }
    if (n > 0) {
      rep.release();
      if (this.hold.length > 0 || this.ownerHold.length > 0) this.pump();
    }
    return n;
  }

  /** Keep a wait armed for frames the shard sends on its own (events, notifications): rare, cheap. */
  armEventWait(): void {
    if (this.set.closed) return;
    const p = this.rep.waitUnsolicited(this.rep.unsolicitedValue());
    if (p === null) {
      setImmediate(() => {
        this.set.drainAll();
        this.armEventWait();
      });
      return;
    }
    void p.then(() => {
      if (this.set.closed) return;
      this.set.drainAll();
      this.armEventWait();
    });
  }

  /**
   * Make sure replies still owed by this shard will wake the acceptor: arm an Atomics.waitAsync on the
   * reply ring (which also tells the shard to notify). Armed only while requests are outstanding, so a
   * busy acceptor that collects replies on its own (publishAndCollect) costs the shard no notifies.
   */
  armReplyWait(): void {
    if (this.armed || this.outstanding === 0 || this.set.closed) return;
    const p = this.rep.sleepAsync();
    if (p === null) {
      setImmediate(() => {
        this.set.drainAll();
        this.armReplyWait();
      });
      return;
    }
    this.armed = true;
    void p.then(() => {
      this.armed = false;
      this.rep.markAwake();
      if (this.set.closed) return;
      this.set.drainAll();
      this.armReplyWait();
    });
  }
}

function encodeRequest(
  b: Uint8Array,
  v: DataView,
  off: number,
  cmd: number,
  db: number,
  connId: number,
  tag: number,
  flags: number,
  src: ArgSource,
  argc: number,
  indices: ArrayLike<number> | null,
): void {
  b[off] = FrameKind.Command;
  b[off + 1] = flags;
  v.setUint16(off + 2, db, true);
  v.setUint32(off + 4, connId, true);
  v.setUint32(off + 8, tag, true);
  v.setUint16(off + 12, cmd, true);
  v.setUint16(off + 14, 0, true);
  v.setUint32(off + 16, argc, true);
  let p = off + REQ_HEADER;
  const s = src.buf;
  for (let k = 0; k < argc; k++) {
    const i = indices === null ? k : indices[k];
    const a = src.starts[i];
    const e = src.ends[i];
    const len = e - a;
    v.setUint32(p, len, true);
    p += 4;
    if (len <= 32) for (let j = a; j < e; j++) b[p++] = s[j];
    else {
      b.set(s.subarray(a, e), p);
      p += len;
    }
  }
}

export interface ShardSetOptions {
  count: number;
  databases: number;
  config: ShardConfig;
  onFatal: (err: Error) => void;
  /** Called when held traffic drained below the limit (resume paused sockets). */
  onResume: () => void;
  /** Called after replies were delivered (flush client output). */
  onRepliesDelivered: () => void;
  /** A lock barrier was granted. */
  onBarrierGranted: (owner: LockOwner) => void;
  /** A keyspace notification to publish (flags: NOTIFY_KEYSPACE / NOTIFY_KEYEVENT bits). */
  onNotify: (flags: number, db: number, event: string, key: string) => void;
  /** Shards reported writes to keys that clients are blocked on. */
  onKeysReady: (ids: string[]) => void;
}

const YOUNG_GEN_MB = Number(process.env.FERROUS_YOUNG_GEN_MB ?? 8);
export const HOLD_PAUSE_BYTES = 4 * 1024 * 1024;
/**
 * How long publishAndCollect waits on the spot for a shard's replies before leaving them to the armed
 * waitAsync. Short: a batch of plain commands is answered within it, and a longer one (scripts) no
 * longer holds the acceptor away from its sockets. 0.05 ms measured better than the first 0.5 ms on
 * the 2-core machine (GET at pipeline 1, INCR at pipeline 16, EVALSHA), see bench/RESULTS.md.
 */
const SYNC_WAIT_MS = Number(process.env.FERROUS_SYNC_WAIT_MS ?? 0.05);

export class ShardSet {
  readonly shards: ShardHandle[] = [];
  /** Receives the shards' AOF effects while appendonly is on (null: frames are ignored). */
  aofSink: AofSink | null = null;
  readonly dirtyShards: ShardHandle[] = [];
  closed = false;
  private flushScheduled = false;

  constructor(private readonly opts: ShardSetOptions) {
    for (let i = 0; i < opts.count; i++) this.shards.push(new ShardHandle(i, this));
  }

  get count(): number {
    return this.shards.length;
  }

  async start(): Promise<void> {
    const workerUrl = new URL('../shard-worker/main.js', import.meta.url);
    await Promise.all(
      this.shards.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            const data: ShardWorkerData = {
              shardIndex: s.index,
              shardCount: this.shards.length,
              databases: this.opts.databases,
              config: this.opts.config,
              scriptState: s.scriptState.sab,
              requestRing: s.buffers.requestRing,
              replyRing: s.buffers.replyRing,
              port: s.workerPort,
            };
            const w = new Worker(workerUrl, {
              workerData: data,
              transferList: [s.workerPort],
              name: `shard-${s.index}`,
              // A small young generation: a shard's garbage is short-lived request data, and V8's
              // default (three 16 MB semi-spaces) would cost RSS per shard for nothing.
              resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GEN_MB },
            });
            s.worker = w;
            // 'online' fires before the worker's modules load; the shard says 'ready' once it serves.
            w.once('message', (m: unknown) => {
              if (m === 'ready') resolve();
            });
            w.on('error', (err) => {
              if (this.closed) return;
              reject(err);
              this.opts.onFatal(new Error(`shard ${s.index} failed: ${err.stack ?? err.message}`));
            });
            w.on('exit', (code) => {
              if (this.closed) return;
              this.opts.onFatal(new Error(`shard ${s.index} exited with code ${code}`));
            });
          }),
      ),
    );
    for (const s of this.shards) s.armEventWait();
  }

  /**
   * Publish every shard that received frames since the last flush. With `arm`, also make sure their
   * replies will wake the acceptor (publishAndCollect passes false: it collects them itself first).
   */
  publishAll(arm = true): void {
    const d = this.dirtyShards;
    for (let i = 0; i < d.length; i++) {
      d[i].publish();
      if (arm) d[i].armReplyWait();
    }
    d.length = 0;
  }

  drainAll(): void {
    let n = 0;
    for (const s of this.shards) n += s.drainReplies();
    if (n > 0) {
      this.publishAll();
      this.opts.onRepliesDelivered();
    }
    for (const s of this.shards) if (s.outstanding > 0) s.armReplyWait();
  }

  private publishScheduled = false;

  /**
   * The end of an event-loop turn (after every socket read of the turn): publish the turn's requests,
   * collect what the shards answer quickly, then write all client output.
   */
  schedulePublish(): void {
    if (this.publishScheduled) return;
    this.publishScheduled = true;
    setImmediate(() => {
      this.publishScheduled = false;
      this.publishAndCollect();
      // Client output of the whole turn goes out last, with the replies just collected.
      this.opts.onRepliesDelivered();
    });
  }

  /**
   * Publish this turn's requests and, when a shard has requests in flight, wait for its replies for a
   * short, bounded time on the spot. A shard answers a batch in microseconds once awake, and this
   * synchronous wait is woken by a plain futex, much cheaper than waking the event loop through
   * Atomics.waitAsync. Past the budget the armed waitAsync takes over, so a slow command cannot stall
   * the acceptor for long.
   */
  publishAndCollect(): void {
    const budget = SYNC_WAIT_MS;
    const seen = this.dirtyShards.map((s) => s.rep.signalValue());
    const targets = this.dirtyShards.slice();
    this.publishAll(false);
    if (budget > 0) {
      for (let i = 0; i < targets.length; i++) {
        const s = targets[i];
        if (s.outstanding === 0 || !s.rep.isEmpty()) continue;
        s.rep.waitSync(seen[i], budget);
      }
    }
    this.drainAll();
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const s of this.shards) if (s.hasHeld()) s.pump();
      this.publishAll();
    });
  }

  get heldBytes(): number {
    let n = 0;
    for (const s of this.shards) n += s.holdBytes;
    return n;
  }

  maybeResume(): void {
    if (this.heldBytes < HOLD_PAUSE_BYTES / 2) this.opts.onResume();
  }

  /** Keys written that clients are blocked on ("db\0key", u32-length-prefixed). */
  onKeysReady(bytes: Uint8Array, start: number, end: number): void {
    const ids: string[] = [];
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let p = start; p < end; ) {
      const n = v.getUint32(p, true);
      p += 4;
      ids.push(Buffer.from(bytes.buffer, bytes.byteOffset + p, n).latin1Slice(0, n));
      p += n;
    }
    this.opts.onKeysReady(ids);
  }

  /** Keyspace notifications from a shard (see ShardLoop.writeNotifications for the layout). */
  onNotify(bytes: Uint8Array, start: number, end: number): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let p = start; p < end; ) {
      const flags = b[p];
      const db = b.readUInt16LE(p + 1);
      const evLen = b.readUInt32LE(p + 3);
      const event = b.latin1Slice(p + 7, p + 7 + evLen);
      p += 7 + evLen;
      const keyLen = b.readUInt32LE(p);
      const key = b.latin1Slice(p + 4, p + 4 + keyLen);
      p += 4 + keyLen;
      this.opts.onNotify(flags, db, event, key);
    }
  }

  barrierGranted(owner: LockOwner): void {
    this.opts.onBarrierGranted(owner);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.shards.map((s) => s.worker?.terminate()));
    for (const s of this.shards) {
      s.port.close();
    }
  }
}

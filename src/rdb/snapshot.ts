/**
 * A shard's side of a point-in-time snapshot (BGSAVE, SAVE) without fork().
 *
 * The snapshot point is the `__snapshot begin` frame, written to every shard under one ShardLock, so it
 * is the same instant of the acceptor's order on all of them. At that point the shard only notes which
 * Database objects it holds and how big they are. It then writes its keys out in slices between
 * commands, walking each database's live Map, and copy-on-write at key granularity keeps the output
 * equal to the keyspace as of the snapshot point:
 *  - before a command writes a key the walk has not reached, that key's value (still the snapshot's)
 *    is written out and the key is marked touched, so the walk skips it later;
 *  - a key that did not exist at the snapshot point is marked touched when first written, so it is
 *    never written out;
 *  - expiry and FLUSHDB/FLUSHALL reach us through the Database hooks (beforeExpire, beforeClear);
 *  - SWAPDB needs nothing: the walk follows Database objects, not indices.
 *
 * The walk remembers the keys it wrote while their database's walk runs (a Map iterator cannot say
 * whether it has passed a key), in small sets so that no growth step stalls the shard. A database
 * emptied mid-walk hands over its remaining entries, which nothing can reach or change any more.
 * Output is RDB key/value entries with uncompressed strings, in chunks per database; LZF, the
 * checksum and file I/O happen in the save worker (save-worker.ts). Like rdbSaveKeyValuePair, each
 * entry carries IDLE under an LRU maxmemory-policy and FREQ under an LFU one, computed with the clocks
 * of the snapshot point; lookups do not touch keys while the snapshot runs (as Redis while a fork
 * child saves), so those fields stay the snapshot point's too.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Database, Value } from '../shard-worker/keyspace.js';
import type { Args } from '../shared/frame.js';
import { keyIndices, type CommandSpec } from '../shared/command-table.js';
import { ByteWriter } from './rdb-io.js';
import { writeEntry } from './rdb-file.js';
import type { EncodingConfig, ValueSaveOptions } from './value-codec.js';
import { MAXMEMORY_FLAG_LFU, MAXMEMORY_FLAG_LRU, type AccessClock } from '../shard-worker/access.js';

/** One piece of a shard's output, in order. */
export interface SnapshotChunk {
  /** The snapshot it belongs to (stale chunks of an aborted snapshot are dropped by id). */
  id: number;
  shard: number;
  /** Database index as of the snapshot point; -1 on the final chunk. */
  db: number;
  /** RDB entries ([EXPIRETIME_MS] type key value), strings not LZF-compressed. */
  bytes: Uint8Array;
  /** Nothing more will come for `db` from this shard. */
  dbEnd: boolean;
  /** The shard's last chunk. */
  end: boolean;
  /** Keys in `bytes` (progress for INFO). */
  keys: number;
}

/** Where chunks go, and whether the writer can take more. */
export interface SnapshotOutput {
  send(chunk: SnapshotChunk): void;
  /** False while too many of this shard's bytes are still waiting to be written (back-pressure). */
  mayProduce(): boolean;
}

/** What the acceptor posts to a shard worker just before its `__snapshot begin` frame. */
export interface SnapshotControl {
  type: 'snapshot';
  id: number;
  /** Int32 [0]: bytes this shard sent that the writer has not written yet. */
  credit: SharedArrayBuffer;
}

/** A shard stops producing (copy-on-write still writes) while this many of its bytes are unwritten. */
export const SNAPSHOT_CREDIT_BYTES = 8 * 1024 * 1024;
/** Chunks are sent once this big (or at the end of a database). */
const CHUNK_BYTES = 128 * 1024;
/** Keys written between two looks at the clock and at the request ring. */
const KEYS_PER_CHECK = 32;
/** Keys per set of WalkedKeys (growing a 32k-entry Set takes well under a millisecond). */
const WALKED_PART = 32768;

/**
 * Keys the walk has written. One big Set would stall the shard for ~10 ms each time it grows past
 * 256k entries (its table is rebuilt at once), so keys go to a list of bounded sets instead; only a
 * first write to a key during the snapshot pays for looking through them.
 */
class WalkedKeys {
  private readonly parts: Set<string>[] = [new Set()];

  add(key: string): void {
    let last = this.parts[this.parts.length - 1];
    if (last.size >= WALKED_PART) this.parts.push((last = new Set()));
    last.add(key);
  }

  has(key: string): boolean {
    for (let i = this.parts.length - 1; i >= 0; i--) if (this.parts[i].has(key)) return true;
    return false;
  }
}

export type SliceResult = 'more' | 'blocked' | 'done';

interface DbState {
  readonly index: number;
  readonly db: Database;
  /** Keys and keys with a TTL at the snapshot point (RESIZEDB). */
  readonly keys: number;
  readonly expires: number;
  /**
   * Keys settled by a write: written out before it, or created after the snapshot point. Null once
   * nothing about this database can change any more (walked, emptied, or empty to begin with).
   */
  touched: Set<string> | null;
  /** Keys the walk wrote out. */
  walked: WalkedKeys | null;
  /** The walk: [key, slot] of the database's KeyTable. */
  iter: Iterator<[string, number]> | null;
  /** What remained of the database when it was emptied mid-snapshot: [key, value, expireAt, access field]. */
  detached: Array<[string, Value, number, number]> | null;
  detachedPos: number;
  /** Copy-on-write output produced before this database's turn (it starts its section). */
  early: ByteWriter | null;
  started: boolean;
}

export interface SnapshotOptions {
  config: EncodingConfig;
  /** Whether this shard owns `key` (keys of other shards are installed here during cross-shard commands). */
  owns: (key: string) => boolean;
  out: SnapshotOutput;
  /** The shard's access tracking: the policy decides IDLE / FREQ; touching stops while saving. */
  access?: AccessClock;
}

export class ShardSnapshot {
  private readonly states: DbState[] = [];
  private readonly byDb = new Map<Database, DbState>();
  private cur = 0;
  private w = new ByteWriter(2 * CHUNK_BYTES);
  private readonly saveOpts: ValueSaveOptions;
  finished = false;
  /** Keys written so far, and how many of them went out in chunks already. */
  keysWritten = 0;
  private keysSent = 0;
  /** MAXMEMORY_FLAG_* at the snapshot point, and the clocks IDLE and FREQ are computed with. */
  private readonly policy: number;
  private readonly lruClock: number;
  private readonly minutes: number;

  constructor(
    readonly id: number,
    private readonly shard: number,
    dbs: readonly Database[],
    private readonly opts: SnapshotOptions,
  ) {
    this.saveOpts = { compress: false, config: opts.config };
    const access = opts.access;
    this.policy = access?.policy ?? 0;
    this.lruClock = access?.lruClock ?? 0;
    this.minutes = access?.minutes ?? 0;
    access?.setSaving(true);
    dbs.forEach((db, index) => {
      const st: DbState = {
        index,
        db,
        keys: db.main.size,
        expires: db.expires.size,
        // A database empty at the snapshot point has nothing to save: everything in it later is new.
        touched: db.main.size > 0 ? new Set() : null,
        walked: null,
        iter: null,
        detached: null,
        detachedPos: 0,
        early: null,
        started: false,
      };
      this.states.push(st);
      this.byDb.set(db, st);
      if (st.touched !== null) {
        db.beforeExpire = (key) => this.settle(st, key);
        db.beforeClear = () => this.detach(st);
      }
    });
  }

  /** [keys, expires] of every database at the snapshot point. */
  counts(): number[] {
    const out: number[] = [];
    for (const st of this.states) out.push(st.keys, st.expires);
    return out;
  }

  /** Before a command that may write runs: settle every key it names (over-settling is harmless). */
  beforeCommand(spec: CommandSpec, dbs: readonly Database[], dbIndex: number, args: Args): void {
    const idx = keyIndices(spec, args.count, (i) => args.str(i));
    if (spec.name === 'move' || spec.name === 'copy') {
      // Their destination is a key of the same or another name in another database.
      for (const i of idx) {
        const key = args.str(i);
        for (const db of dbs) this.beforeWrite(db, key);
      }
      return;
    }
    const st = this.byDb.get(dbs[dbIndex]);
    if (st === undefined || st.touched === null) return;
    for (const i of idx) this.settle(st, args.str(i));
  }

  /** Before `key` of `db` changes outside a command (cross-shard write-backs, script rollbacks). */
  beforeWrite(db: Database, key: string): void {
    const st = this.byDb.get(db);
    if (st !== undefined) this.settle(st, key);
  }

  private settle(st: DbState, key: string): void {
    const touched = st.touched;
    if (touched === null || touched.has(key) || !this.opts.owns(key)) return;
    touched.add(key);
    if (st.walked !== null && st.walked.has(key)) return;
    const t = st.db.main;
    const slot = t.slotOf(key);
    if (slot === undefined) return; // created after the snapshot point
    this.write(st.started ? this.w : (st.early ??= new ByteWriter(4096)), st.db, key, t.valueAt(slot), t.metaAt(slot));
  }

  /** The database is about to be emptied: keep what the walk still has to write. */
  private detach(st: DbState): void {
    const touched = st.touched;
    if (touched === null) return;
    const rest: Array<[string, Value, number, number]> = [];
    // The walk's iterator is past every key it wrote: what it has not reached is what remains.
    const t = st.db.main;
    const it = st.iter ?? t.slots();
    for (let r = it.next(); r.done !== true; r = it.next()) {
      const [key, slot] = r.value;
      if (!touched.has(key)) rest.push([key, t.valueAt(slot), st.db.getExpire(key) ?? -1, t.metaAt(slot)]);
    }
    st.detached = rest;
    st.iter = null;
    st.touched = null;
    st.walked = null;
  }

  /**
   * Write keys out for about `budgetMs`, stopping early when `interrupted()` says requests are waiting.
   * 'blocked': the writer has too much of ours unwritten; 'done': the last chunk has been sent.
   */
  step(budgetMs: number, interrupted: () => boolean = () => false): SliceResult {
    if (this.finished) return 'done';
    const deadline = performance.now() + budgetMs;
    while (this.cur < this.states.length) {
      if (!this.opts.out.mayProduce()) return 'blocked';
      const st = this.states[this.cur];
      if (st.keys === 0) {
        this.cur++;
        continue;
      }
      if (!st.started) this.start(st);
      if (!this.walk(st)) {
        this.endDb(st);
        this.cur++;
        continue;
      }
      if (this.w.pos >= CHUNK_BYTES) this.send(st.index, false, false);
      if (performance.now() >= deadline || interrupted()) return 'more';
    }
    this.send(-1, false, true);
    this.uninstall();
    this.finished = true;
    return 'done';
  }

  /** Stop without sending anything more (the acceptor dropped the save). */
  abort(): void {
    this.uninstall();
    this.finished = true;
  }

  private start(st: DbState): void {
    st.started = true;
    if (st.early !== null) {
      this.w.bytes(st.early.view());
      st.early = null;
    }
    if (st.detached === null) {
      st.iter = st.db.main.slots();
      st.walked = new WalkedKeys();
    }
  }

  /** Up to KEYS_PER_CHECK keys of the database; false when its walk is over. */
  private walk(st: DbState): boolean {
    const detached = st.detached;
    if (detached !== null) {
      const end = Math.min(detached.length, st.detachedPos + KEYS_PER_CHECK);
      for (; st.detachedPos < end; st.detachedPos++) {
        const [key, value, expireAt, meta] = detached[st.detachedPos];
        this.writeWith(this.w, key, value, expireAt, meta);
      }
      return st.detachedPos < detached.length;
    }
    const it = st.iter!;
    const touched = st.touched!;
    const walked = st.walked!;
    const t = st.db.main;
    for (let n = 0; n < KEYS_PER_CHECK; n++) {
      const r = it.next();
      if (r.done === true) return false;
      const [key, slot] = r.value;
      if (touched.has(key)) continue;
      walked.add(key);
      this.write(this.w, st.db, key, t.valueAt(slot), t.metaAt(slot));
    }
    return true;
  }

  private endDb(st: DbState): void {
    st.touched = null;
    st.walked = null;
    st.iter = null;
    st.detached = null;
    if (st.db.beforeExpire !== null && this.byDb.get(st.db) === st) {
      st.db.beforeExpire = null;
      st.db.beforeClear = null;
    }
    this.send(st.index, true, false);
  }

  private write(w: ByteWriter, db: Database, key: string, value: Value, meta: number): void {
    this.writeWith(w, key, value, db.getExpire(key) ?? -1, meta);
  }

  /** rdbSaveKeyValuePair: IDLE under an LRU policy, FREQ under an LFU one, as of the snapshot point. */
  private writeWith(w: ByteWriter, key: string, value: Value, expireAt: number, meta: number): void {
    const access = this.opts.access;
    let idle = -1;
    let freq = -1;
    if (access !== undefined && this.policy !== 0) {
      if (this.policy & MAXMEMORY_FLAG_LRU) idle = access.idleSeconds(meta, this.lruClock);
      if (this.policy & MAXMEMORY_FLAG_LFU) freq = access.decrAndReturn(meta, this.minutes);
    }
    writeEntry(w, key, value, expireAt, this.saveOpts, idle, freq);
    this.keysWritten++;
  }

  /** Hand the buffered bytes over (their memory moves to the receiver) and start a fresh buffer. */
  private send(db: number, dbEnd: boolean, end: boolean): void {
    const w = this.w;
    let bytes: Uint8Array = EMPTY;
    if (w.pos > 0) {
      bytes = w.buf.subarray(0, w.pos);
      this.w = new ByteWriter(2 * CHUNK_BYTES);
    }
    const keys = this.keysWritten - this.keysSent;
    this.keysSent = this.keysWritten;
    this.opts.out.send({ id: this.id, shard: this.shard, db, bytes, dbEnd, end, keys });
  }

  private uninstall(): void {
    this.opts.access?.setSaving(false);
    for (const st of this.states) {
      if (this.byDb.get(st.db) !== st) continue;
      st.db.beforeExpire = null;
      st.db.beforeClear = null;
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The output of a snapshot in a shard worker: chunks go to the acceptor through the worker's parent
 * port (their buffers are transferred, not copied); the credit word comes with the SnapshotControl
 * message the acceptor posted right before the begin frame.
 */
export function workerSnapshotOutput(id: number): SnapshotOutput {
  const port = parentPort;
  if (port === null) throw new Error('snapshots are written from shard worker threads');
  let credit: Int32Array | null = null;
  // Messages of earlier (aborted) snapshots may still be queued: take the one for this id.
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const msg = m.message as SnapshotControl;
    if (msg.type === 'snapshot' && msg.id === id) credit = new Int32Array(msg.credit);
  }
  if (credit === null) throw new Error(`no control message for snapshot ${id}`);
  const words = credit;
  return {
    send(chunk) {
      if (chunk.bytes.length === 0) {
        port.postMessage(chunk);
        return;
      }
      Atomics.add(words, 0, chunk.bytes.length);
      port.postMessage(chunk, [chunk.bytes.buffer as ArrayBuffer]);
    },
    mayProduce: () => Atomics.load(words, 0) < SNAPSHOT_CREDIT_BYTES,
  };
}

/**
 * Single-producer / single-consumer byte ring on a SharedArrayBuffer.
 *
 * Frames are length-prefixed (u32 little-endian, length of the payload) and always contiguous: a frame
 * that would cross the end of the buffer is preceded by a WRAP marker and written at offset 0. Positions
 * are free-running u32 counters (head = bytes ever written, tail = bytes ever read) so full and empty
 * are distinguishable without a spare slot; capacity is a power of two so `pos & mask` is the offset.
 *
 * The producer writes any number of frames and then publishes them with one store of `head`
 * (batching); the consumer reads frames and then releases the space with one store of `tail`.
 * The control words also carry a "consumer is sleeping" flag so the producer only pays for
 * Atomics.notify when the other side is actually parked.
 */

const HEAD = 0; // bytes published by the producer (u32, free-running)
const TAIL = 1; // bytes released by the consumer (u32, free-running)
/** Set by the consumer just before it parks on SIGNAL; the producer notifies only when it is set. */
const SLEEPING = 2;
/** Bumped by the producer on every publish; the consumer waits on it. */
const SIGNAL = 3;
/** Bumped by the consumer whenever it releases space (the producer may wait for room on it). */
const RELEASED = 4;
/** Set by a producer parked waiting for room; the consumer notifies RELEASED only when it is set. */
const PRODUCER_WAITING = 5;
/** Bumped (and notified) when the producer publishes frames nobody asked for (events). */
const UNSOLICITED = 6;
const CONTROL_WORDS = 16; // one cache line of padding between rings' hot words

const WRAP = 0xffffffff;
export const FRAME_PREFIX = 4;

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export class Ring {
  readonly capacity: number;
  private readonly mask: number;
  readonly ctl: Int32Array;
  /** A Buffer view (not a bare Uint8Array) so latin1 decoding reads it without a wrapper per call. */
  readonly bytes: Buffer;
  readonly view: DataView;
  /** Producer-local: position of the next write (published on `publish`). */
  private writePos: number;
  /** Consumer-local: position of the next read (released on `release`). */
  private readPos: number;
  /** Producer-local cache of the consumer's tail, refreshed only when space looks short. */
  private cachedTail: number;
  /** Consumer-local: the last published head read (every frame before it may be read). */
  private cachedHead: number;
  /** Producer-local: free-running position of the last reserved frame's length prefix. */
  private lastFrameStart = 0;

  static create(capacity: number): RingBuffers {
    if (capacity < 1024 || (capacity & (capacity - 1)) !== 0) throw new Error('ring capacity must be a power of two >= 1024');
    return { control: new SharedArrayBuffer(CONTROL_WORDS * 4), data: new SharedArrayBuffer(capacity) };
  }

  constructor(bufs: RingBuffers) {
    this.ctl = new Int32Array(bufs.control);
    this.bytes = Buffer.from(bufs.data);
    this.view = new DataView(bufs.data);
    this.capacity = this.bytes.length;
    this.mask = this.capacity - 1;
    this.writePos = Atomics.load(this.ctl, HEAD) >>> 0;
    this.readPos = Atomics.load(this.ctl, TAIL) >>> 0;
    this.cachedTail = this.readPos;
    this.cachedHead = this.readPos;
  }

  /** Largest payload a single frame may carry (bigger messages take the spill path). */
  get maxFrame(): number {
    return (this.capacity >>> 1) - FRAME_PREFIX;
  }

  // ---------------------------------------------------------------- producer side

  /**
   * Reserve room for a frame of `len` payload bytes. Returns the offset in `bytes` where the payload
   * must be written, or -1 when the ring has no room now. The frame becomes visible on `publish()`.
   */
  reserve(len: number): number {
    const need = len + FRAME_PREFIX;
    let pos = this.writePos;
    let off = pos & this.mask;
    const toEnd = this.capacity - off;
    // A frame never straddles the end; if it does not fit before the end, we also pay for the gap.
    const total = toEnd >= need ? need : toEnd + need;
    if (((pos - this.cachedTail) >>> 0) + total > this.capacity) {
      this.cachedTail = Atomics.load(this.ctl, TAIL) >>> 0;
      if (((pos - this.cachedTail) >>> 0) + total > this.capacity) return -1;
    }
    if (toEnd < need) {
      if (toEnd >= FRAME_PREFIX) this.view.setUint32(off, WRAP, true);
      pos = (pos + toEnd) >>> 0;
      off = 0;
    }
    this.view.setUint32(off, len, true);
    this.lastFrameStart = pos;
    this.writePos = (pos + need) >>> 0;
    return off + FRAME_PREFIX;
  }

  /** Shrink the most recent reservation (it started at `payloadOff`) to `len` bytes. */
  shrinkLast(payloadOff: number, len: number): void {
    this.view.setUint32(payloadOff - FRAME_PREFIX, len, true);
    this.writePos = (this.lastFrameStart + FRAME_PREFIX + len) >>> 0;
  }

  /** Bytes the producer could still reserve (ignoring the wrap gap). */
  freeSpace(): number {
    this.cachedTail = Atomics.load(this.ctl, TAIL) >>> 0;
    return this.capacity - ((this.writePos - this.cachedTail) >>> 0);
  }

  /** Make every reserved frame visible. Returns true when the consumer is parked and needs a notify. */
  publish(): boolean {
    Atomics.store(this.ctl, HEAD, this.writePos | 0);
    Atomics.add(this.ctl, SIGNAL, 1);
    return Atomics.load(this.ctl, SLEEPING) !== 0;
  }

  /** Wake a parked consumer. */
  notify(): void {
    Atomics.notify(this.ctl, SIGNAL);
  }

  /** Producer: frames were published that no request waits for; wake the consumer's event watch. */
  signalUnsolicited(): void {
    Atomics.add(this.ctl, UNSOLICITED, 1);
    Atomics.notify(this.ctl, UNSOLICITED);
  }

  /** Consumer: resolves when the producer signals unsolicited frames after `seen`. */
  waitUnsolicited(seen: number): Promise<unknown> | null {
    const r = Atomics.waitAsync(this.ctl, UNSOLICITED, seen);
    return r.async ? r.value : null;
  }

  unsolicitedValue(): number {
    return Atomics.load(this.ctl, UNSOLICITED);
  }

  hasUnpublished(): boolean {
    return (Atomics.load(this.ctl, HEAD) >>> 0) !== this.writePos;
  }

  // ---------------------------------------------------------------- consumer side

  /**
   * Offset of the next frame's payload, or -1 if none is published. Its length is `frameLength(off)`.
   * The payload stays valid until `release()`.
   */
  next(): number {
    let pos = this.readPos;
    // Frames up to the last head seen are published already: read HEAD again only once they are used.
    if (pos === this.cachedHead) {
      this.cachedHead = Atomics.load(this.ctl, HEAD) >>> 0;
      if (pos === this.cachedHead) return -1;
    }
    let off = pos & this.mask;
    const toEnd = this.capacity - off;
    if (toEnd < FRAME_PREFIX || this.view.getUint32(off, true) === WRAP) {
      pos = (pos + toEnd) >>> 0;
      off = 0;
    }
    const len = this.view.getUint32(off, true);
    this.readPos = (pos + FRAME_PREFIX + len) >>> 0;
    return off + FRAME_PREFIX;
  }

  frameLength(payloadOff: number): number {
    return this.view.getUint32(payloadOff - FRAME_PREFIX, true);
  }

  /** Hand the space of every frame read so far back to the producer (waking it if it waits for room). */
  release(): void {
    Atomics.store(this.ctl, TAIL, this.readPos | 0);
    Atomics.add(this.ctl, RELEASED, 1);
    if (Atomics.load(this.ctl, PRODUCER_WAITING) !== 0) Atomics.notify(this.ctl, RELEASED);
  }

  isEmpty(): boolean {
    return (Atomics.load(this.ctl, HEAD) >>> 0) === this.readPos;
  }

  /** Current value of the publish counter, to wait on. */
  signalValue(): number {
    return Atomics.load(this.ctl, SIGNAL);
  }

  releasedValue(): number {
    return Atomics.load(this.ctl, RELEASED);
  }

  /**
   * Park the (synchronous, worker-side) consumer until the producer publishes or `timeoutMs` passes.
   * The sleeping flag is set before the final emptiness check so a concurrent publish cannot be missed.
   */
  sleep(timeoutMs: number): void {
    const seen = Atomics.load(this.ctl, SIGNAL);
    Atomics.store(this.ctl, SLEEPING, 1);
    if (this.isEmpty()) Atomics.wait(this.ctl, SIGNAL, seen, timeoutMs);
    Atomics.store(this.ctl, SLEEPING, 0);
  }

  /** Async park for the acceptor side (never blocks the event loop). Resolves when published. */
  sleepAsync(timeoutMs?: number): Promise<unknown> | null {
    const seen = Atomics.load(this.ctl, SIGNAL);
    Atomics.store(this.ctl, SLEEPING, 1);
    if (!this.isEmpty()) {
      Atomics.store(this.ctl, SLEEPING, 0);
      return null;
    }
    const r = Atomics.waitAsync(this.ctl, SIGNAL, seen, timeoutMs);
    if (!r.async) {
      Atomics.store(this.ctl, SLEEPING, 0);
      return null;
    }
    return r.value;
  }

  /** Synchronous bounded park on the consumer side (acceptor, for a reply it expects very soon). */
  waitSync(seenSignal: number, timeoutMs: number): void {
    // An Atomics.waitAsync may be armed too: leave the flag as it was so that waiter is still notified.
    const prev = Atomics.load(this.ctl, SLEEPING);
    Atomics.store(this.ctl, SLEEPING, 1);
    if (this.isEmpty()) Atomics.wait(this.ctl, SIGNAL, seenSignal, timeoutMs);
    Atomics.store(this.ctl, SLEEPING, prev);
  }

  markAwake(): void {
    Atomics.store(this.ctl, SLEEPING, 0);
  }

  /** Producer side, synchronous: wait until the consumer releases space (used by shard workers). */
  waitForRoom(seenReleased: number, timeoutMs: number): void {
    Atomics.store(this.ctl, PRODUCER_WAITING, 1);
    Atomics.wait(this.ctl, RELEASED, seenReleased, timeoutMs);
    Atomics.store(this.ctl, PRODUCER_WAITING, 0);
  }
}

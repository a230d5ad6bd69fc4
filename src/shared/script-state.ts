/**
 * What the acceptor and a shard share about the script running on that shard, in a SharedArrayBuffer
 * so either side reads it without a message: the shard publishes when a script runs and whether it has
 * written; the acceptor raises the kill flag (SCRIPT KILL / FUNCTION KILL), which the script's Lua hook
 * polls (see src/scripting/script-engine.ts).
 */
const KILL = 0;
const RUNNING = 1;
const WROTE = 2;
const INTS = 4;

export class ScriptState {
  readonly sab: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly startedAt: Float64Array;

  constructor(sab: SharedArrayBuffer = new SharedArrayBuffer(INTS * 4 + 8)) {
    this.sab = sab;
    this.ints = new Int32Array(sab, 0, INTS);
    this.startedAt = new Float64Array(sab, INTS * 4, 1);
  }

  /** The kill flag as the engine's hook polls it. */
  get killFlag(): Int32Array {
    return this.ints;
  }

  // Shard side.
  begin(now: number): void {
    Atomics.store(this.ints, KILL, 0);
    Atomics.store(this.ints, WROTE, 0);
    this.startedAt[0] = now;
    Atomics.store(this.ints, RUNNING, 1);
  }

  markWrote(): void {
    Atomics.store(this.ints, WROTE, 1);
  }

  end(): void {
    Atomics.store(this.ints, RUNNING, 0);
    Atomics.store(this.ints, KILL, 0);
  }

  // Acceptor side.
  running(): boolean {
    return Atomics.load(this.ints, RUNNING) === 1;
  }

  /** Milliseconds the current script has been running (0 when none is). */
  runningFor(now: number): number {
    return this.running() ? now - this.startedAt[0] : 0;
  }

  wrote(): boolean {
    return Atomics.load(this.ints, WROTE) === 1;
  }

  kill(): void {
    Atomics.store(this.ints, KILL, 1);
  }
}

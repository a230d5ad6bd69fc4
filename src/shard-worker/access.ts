/**
 * Per-key access tracking: Redis's 24-bit `lru` field (object.c, evict.c), kept per slot in the
 * KeyTable (ds/key-table.ts).
 *
 * Without an LFU maxmemory-policy the field is the LRU clock of the last access, in seconds modulo
 * 2^24. With volatile-lfu / allkeys-lfu it is 16 bits of minutes (the last decrement time) and an
 * 8-bit logarithmic counter. Switching the policy at runtime reinterprets the stored bits, as Redis
 * does. One AccessClock per shard is shared by its databases: it holds the policy, the cached clocks
 * and whether the running command may touch keys at all.
 */
import type { KeyTable } from './ds/key-table.js';

/** Redis's MAXMEMORY_FLAG_LRU / MAXMEMORY_FLAG_LFU, as ShardConfig.maxmemoryPolicyFlags carries them. */
export const MAXMEMORY_FLAG_LRU = 1;
export const MAXMEMORY_FLAG_LFU = 2;

/** maxmemory-policy → MAXMEMORY_FLAG_* bits (noeviction, *-random and volatile-ttl have none). */
export function maxmemoryPolicyFlags(policy: string): number {
  if (policy === 'volatile-lru' || policy === 'allkeys-lru') return MAXMEMORY_FLAG_LRU;
  if (policy === 'volatile-lfu' || policy === 'allkeys-lfu') return MAXMEMORY_FLAG_LFU;
  return 0;
}

export const LRU_CLOCK_MAX = 0xffffff;
export const LFU_INIT_VAL = 5;

/** What a lookup does to the field of the key it finds. */
export const enum Touch {
  None = 0,
  Lru = 1,
  Lfu = 2,
}

export interface AccessConfig {
  maxmemoryPolicyFlags: number;
  lfuLogFactor: number;
  lfuDecayTime: number;
}

export class AccessClock {
  /** MAXMEMORY_FLAG_* of the current maxmemory-policy. */
  policy = 0;
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** LRU_CLOCK(): seconds modulo 2^24, refreshed by tick() (Redis refreshes it from serverCron). */
  lruClock = 0;
  /** LFUGetTimeInMinutes(): minutes modulo 2^16. */
  minutes = 0;
  /** What lookups do now: Touch.None for a NO-TOUCH client or while a snapshot is written. */
  mode: Touch = Touch.Lru;
  private clientNoTouch = false;
  private saving = false;
  /** LFU: the key the running command counted last, so one command counts one access per key. */
  lastTable: KeyTable | null = null;
  lastKey = '';
  /**
   * LFU: keys another shard already counted for the running command (a cross-shard command's foreign
   * keys are touched where they live, when exported), so the copies installed here are not counted again.
   */
  preCounted: Map<KeyTable, Set<string>> | null = null;

  constructor(config?: AccessConfig, now = Date.now()) {
    if (config !== undefined) this.configure(config);
    this.tick(now);
  }

  configure(c: AccessConfig): void {
    this.policy = c.maxmemoryPolicyFlags;
    this.lfu = (c.maxmemoryPolicyFlags & MAXMEMORY_FLAG_LFU) !== 0;
    this.lfuLogFactor = c.lfuLogFactor;
    this.lfuDecayTime = c.lfuDecayTime;
    this.refresh();
  }

  tick(nowMs: number): void {
    this.lruClock = Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
    this.minutes = Math.floor(nowMs / 60000) & 0xffff;
  }

  /** The request's client has CLIENT NO-TOUCH on (and the command is not TOUCH). */
  setClientNoTouch(on: boolean): void {
    this.clientNoTouch = on;
    this.refresh();
  }

  /**
   * A snapshot is being written. Redis does not touch keys while a fork child saves (lookupKey's
   * hasActiveChildProcess()); here that also keeps the IDLE/FREQ written equal to the snapshot point's.
   */
  setSaving(on: boolean): void {
    this.saving = on;
    this.refresh();
  }

  private refresh(): void {
    this.mode = this.clientNoTouch || this.saving ? Touch.None : this.lfu ? Touch.Lfu : Touch.Lru;
  }

  /** The field of a new value (createObject). */
  initial(): number {
    return this.lfu ? (this.minutes << 8) | LFU_INIT_VAL : this.lruClock;
  }

  /** updateLFU, counted at most once per key and command. */
  touchLfu(t: KeyTable, slot: number, key: string): void {
    if (this.lastTable === t && this.lastKey === key) return;
    if (this.preCounted !== null && this.preCounted.get(t)?.has(key) === true) return;
    this.lastTable = t;
    this.lastKey = key;
    t.setMetaAt(slot, (this.minutes << 8) | this.logIncr(this.decrAndReturn(t.metaAt(slot))));
  }

  /** LFULogIncr: the greater the counter, the less likely it grows; 255 at most. */
  logIncr(counter: number): number {
    if (counter === 255) return 255;
    const base = counter - LFU_INIT_VAL;
    const p = 1 / ((base < 0 ? 0 : base) * this.lfuLogFactor + 1);
    return Math.random() < p ? counter + 1 : counter;
  }

  /** LFUDecrAndReturn: the counter less one per lfu-decay-time minutes since its last decrement. */
  decrAndReturn(field: number, minutes = this.minutes): number {
    const ldt = field >>> 8;
    const counter = field & 255;
    if (this.lfuDecayTime === 0) return counter;
    const elapsed = minutes >= ldt ? minutes - ldt : 65535 - ldt + minutes;
    const periods = Math.floor(elapsed / this.lfuDecayTime);
    return periods > counter ? 0 : counter - periods;
  }

  /** estimateObjectIdleTime in seconds (LRU_CLOCK_RESOLUTION is 1000 ms), across the clock's wrap. */
  idleSeconds(field: number, clock = this.lruClock): number {
    return clock >= field ? clock - field : clock + (LRU_CLOCK_MAX - field);
  }

  /** The LRU field for an idle time in seconds (objectSetLRUOrLFU with lru_multiplier 1000). */
  lruFromIdle(idle: number | bigint, clock = this.lruClock): number {
    if (typeof idle === 'number' && idle < 2 ** 40) {
      let abs = clock - idle;
      if (abs < 0) abs += LRU_CLOCK_MAX;
      return abs & LRU_CLOCK_MAX;
    }
    // What C computes for large values: idle*1000 wraps in int64, the division truncates, and the
    // 24-bit field keeps the low bits of whatever is left.
    const scaled = BigInt.asIntN(64, BigInt(idle) * 1000n) / 1000n;
    let abs = BigInt.asIntN(64, BigInt(clock) - scaled);
    if (abs < 0n) abs = BigInt.asIntN(64, abs + BigInt(LRU_CLOCK_MAX));
    return Number(BigInt.asUintN(24, abs));
  }

  /** The LFU field for a counter set now (RESTORE … FREQ, an RDB FREQ opcode). */
  lfuFromFreq(freq: number): number {
    return (this.minutes << 8) | freq;
  }
}

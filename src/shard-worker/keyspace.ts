/**
 * One database's slice of the keyspace inside a shard.
 *
 * Keys are latin1 JS strings (one char per byte, so any bytes round-trip) in a KeyTable (a V8 Map from
 * key to slot, with each slot's value and Redis's 24-bit LRU/LFU field; see ds/key-table.ts), and
 * string values are latin1 JS strings too: a short value costs one small heap string, with no wrapper
 * object per key. Collections are class instances (see the data-type families). Expiry times live in
 * a second map, like Redis's `expires` dict, so keys without a TTL pay nothing for it.
 *
 * Lookups follow Redis's lookupKey: `get` expires, counts hits/misses for read-only commands and
 * touches the key's access field; `peek` is LOOKUP_NOTOUCH (TYPE, EXISTS, TTL, OBJECT); `live` only
 * expires (SCAN, RANDOMKEY, WATCH). Storing a value is Redis's dbAdd/dbOverwrite: a new key's field
 * starts fresh (createObject), an overwritten one is touched (setKey looks the key up first).
 */
import { KeyTable, type StoredValue } from './ds/key-table.js';
import { AccessClock, Touch } from './access.js';

/** Every collection value implements this so generic commands (TYPE, OBJECT ENCODING) can ask. */
export interface Collection {
  /** Redis type name as TYPE reports it: "list", "hash", "set", "zset", "stream". */
  readonly typeName: string;
  /** OBJECT ENCODING's answer for the current contents. */
  encoding(): string;
  /** Number of elements; 0 means the key must be removed. */
  size(): number;
  /** An independent deep copy (COPY). Optional until every family implements it. */
  clone?(): Collection;
  /** MEMORY USAGE's estimate of the value's bytes, sampling up to `samples` elements. Optional: see families/memory.ts. */
  memoryUsage?(samples: number): number;
}

export type Value = string | Collection;

export class Database {
  readonly main = new KeyTable();
  readonly expires = new Map<string, number>();
  /** Persistent iterator used by the active expiry cycle: it resumes where the last cycle stopped. */
  private expireCursor: IterableIterator<[string, number]> | null = null;
  /** Persistent iterator for RANDOMKEY (there is no random access into a Map). */
  private randomCursor: IterableIterator<string> | null = null;
  expiredCount = 0;
  /** Set by the shard while a read-only command runs: its lookups count as keyspace hits/misses. */
  countLookups = false;
  hits = 0;
  misses = 0;
  /** Called for every key removed by expiry (propagation and notifications hook in here). */
  onExpire: ((key: string) => void) | null = null;
  /**
   * Set while a snapshot still has to write this database out (src/rdb/snapshot.ts): called before
   * expiry removes a key and before the database is emptied, so it can save the old contents first.
   */
  beforeExpire: ((key: string) => void) | null = null;
  beforeClear: (() => void) | null = null;

  /** The shard's access tracking (policy, clocks, NO-TOUCH); shared by its databases. */
  constructor(readonly access: AccessClock = new AccessClock()) {}

  get size(): number {
    return this.main.size;
  }

  /** The key's slot if it exists and is not expired (an expired key is deleted, as expireIfNeeded). */
  private liveSlot(key: string, now: number): number | undefined {
    const slot = this.main.slotOf(key);
    if (slot === undefined || this.expires.size === 0) return slot;
    const at = this.expires.get(key);
    if (at !== undefined && at <= now) {
      this.expireKey(key);
      return undefined;
    }
    return slot;
  }

  /** Lookup honouring expiry (an expired key is deleted on access, as in Redis); touches the key. */
  get(key: string, now: number): Value | undefined {
    const slot = this.lookupSlot(key, now);
    return slot === undefined ? undefined : this.main.valueAt(slot);
  }

  /**
   * get()'s lookup, answering the slot: for the counter commands, which read the value as stored
   * (`main.storedAt`) and write the result back in place.
   */
  lookupSlot(key: string, now: number): number | undefined {
    const t = this.main;
    const slot = this.liveSlot(key, now);
    if (slot === undefined) {
      if (this.countLookups) this.miss(key);
      return undefined;
    }
    if (this.countLookups) this.hits++;
    const a = this.access;
    if (a.mode === Touch.Lru) t.setMetaAt(slot, a.lruClock);
    else if (a.mode === Touch.Lfu) a.touchLfu(t, slot, key);
    return slot;
  }

  /** Lookup without touching the key (LOOKUP_NOTOUCH); `notify` false is LOOKUP_NONOTIFY (OBJECT). */
  peek(key: string, now: number, notify = true): Value | undefined {
    const slot = this.liveSlot(key, now);
    if (slot === undefined) {
      if (this.countLookups) {
        if (notify) this.miss(key);
        else this.misses++;
      }
      return undefined;
    }
    if (this.countLookups) this.hits++;
    return this.main.valueAt(slot);
  }

  /** The value if the key exists and is not expired: no statistics, no touch (SCAN, RANDOMKEY, WATCH). */
  live(key: string, now: number): Value | undefined {
    const slot = this.liveSlot(key, now);
    return slot === undefined ? undefined : this.main.valueAt(slot);
  }

  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /** The key's 24-bit access field (no expiry check), or -1 when it does not exist. */
  metaOf(key: string): number {
    const slot = this.main.slotOf(key);
    return slot === undefined ? -1 : this.main.metaAt(slot);
  }

  /** Set the access field of an existing key (RENAME and MOVE carry it, RESTORE and loading set it). */
  setMetaOf(key: string, meta: number): void {
    const slot = this.main.slotOf(key);
    if (slot !== undefined) this.main.setMetaAt(slot, meta);
  }

  /**
   * Called before a key is added (Redis's dbAdd "new" event) while `newKeyEvents()` says so. Checked
   * only through these two references, so the store paths stay one null check when it is unset.
   */
  onNew: ((key: string) => void) | null = null;
  newKeyEvents: (() => boolean) | null = null;

  private announceNew(key: string): void {
    if (this.newKeyEvents !== null && this.newKeyEvents() && this.onNew !== null && !this.main.has(key)) this.onNew(key);
  }

  /** Called for a read-only command's lookup that found nothing (the "keymiss" notification). */
  onMiss: ((key: string) => void) | null = null;

  private miss(key: string): void {
    this.misses++;
    if (this.onMiss !== null) this.onMiss(key);
  }

  /**
   * dbAdd / dbOverwrite of a new value object: a new key's field starts fresh; an existing key's is
   * what Redis leaves after setKey's lookup: the LRU clock (the new object's), or under LFU the old
   * counter counted once more (lookupKeyWrite's updateLFU, then dbOverwrite keeps it).
   */
  private store(key: string, value: StoredValue): void {
    const t = this.main;
    const slot = t.slotOf(key);
    const a = this.access;
    if (slot === undefined) {
      t.add(key, value, a.initial());
      return;
    }
    t.setValueAt(slot, value);
    if (!a.lfu) t.setMetaAt(slot, a.lruClock);
    else if (a.mode === Touch.Lfu) a.touchLfu(t, slot, key);
  }

  /** Store a value, dropping any TTL (what SET does without KEEPTTL). */
  set(key: string, value: Value): void {
    if (this.newKeyEvents !== null) this.announceNew(key);
    this.store(key, value);
    if (this.expires.size !== 0) this.expires.delete(key);
  }

  /** Store a value and keep the key's TTL (APPEND, INCR, SETRANGE, SET KEEPTTL…). */
  update(key: string, value: StoredValue): void {
    if (this.newKeyEvents !== null) this.announceNew(key);
    this.store(key, value);
  }

  /**
   * Put a value in place as it is, with no event and the TTL untouched (loading, cross-shard installs,
   * rollbacks). `meta` sets the access field; without it a new key starts fresh and an existing key
   * keeps its field.
   */
  put(key: string, value: Value, meta?: number): void {
    const t = this.main;
    const slot = t.slotOf(key);
    if (slot === undefined) t.add(key, value, meta ?? this.access.initial());
    else {
      t.setValueAt(slot, value);
      if (meta !== undefined) t.setMetaAt(slot, meta);
    }
  }

  delete(key: string): boolean {
    if (!this.main.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    return true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  setExpire(key: string, atMs: number): void {
    this.expires.set(key, atMs);
  }

  removeExpire(key: string): boolean {
    return this.expires.delete(key);
  }

  private expireKey(key: string): void {
    if (this.beforeExpire !== null) this.beforeExpire(key);
    this.main.delete(key);
    this.expires.delete(key);
    this.expiredCount++;
    if (this.onExpire !== null) this.onExpire(key);
  }

  /**
   * Active expiry: examine up to `budget` keys that carry a TTL, resuming where the previous call
   * stopped, and delete the expired ones. Returns how many keys were examined and how many expired,
   * so the caller can keep going while the expired fraction is high (as Redis's cycle does).
   */
  activeExpire(now: number, budget: number): { examined: number; expired: number } {
    let examined = 0;
    let expired = 0;
    if (this.expires.size === 0) return { examined, expired };
    let it = this.expireCursor ?? this.expires.entries();
    while (examined < budget) {
      const r = it.next();
      if (r.done) {
        // Wrapped around: start a new pass over the (live) map next time.
        it = this.expires.entries();
        this.expireCursor = it;
        if (examined === 0) {
          const again = it.next();
          if (again.done) break;
          examined++;
          if (again.value[1] <= now) {
            this.expireKey(again.value[0]);
            expired++;
          }
          continue;
        }
        break;
      }
      examined++;
      if (r.value[1] <= now) {
        this.expireKey(r.value[0]);
        expired++;
      }
    }
    this.expireCursor = it;
    return { examined, expired };
  }

  /**
   * A key chosen by advancing a rolling iterator a random number of steps (Redis's is not uniform
   * either). Like dbRandomKey it expires what it lands on but neither touches nor counts the key.
   */
  randomKey(now: number): string | undefined {
    const n = this.main.size;
    if (n === 0) return undefined;
    let steps = 1 + Math.floor(Math.random() * Math.min(n, 16));
    for (let tries = 0; tries < 100 && this.main.size > 0; tries++) {
      let it = this.randomCursor ?? this.main.keys();
      let key: string | undefined;
      while (steps > 0) {
        const r = it.next();
        if (r.done) {
          it = this.main.keys();
          continue;
        }
        key = r.value;
        steps--;
      }
      this.randomCursor = it;
      if (key !== undefined && this.live(key, now) !== undefined) return key;
      steps = 1;
    }
    return undefined;
  }

  clear(): void {
    if (this.beforeClear !== null) this.beforeClear();
    this.main.clear();
    this.expires.clear();
    this.expireCursor = null;
    this.randomCursor = null;
  }
}

/** TYPE's name for a value. */
export function typeName(v: Value): string {
  return typeof v === 'string' ? 'string' : v.typeName;
}

/**
 * One database's slice of the keyspace inside a shard.
 *
 * Keys are latin1 JS strings (one char per byte, so any bytes round-trip) in a V8 Map, and string values
 * are latin1 JS strings too: a short value costs one small heap string, with no wrapper object per key.
 * Collections are class instances (see the data-type families). Expiry times live in a second map, like
 * Redis's `expires` dict, so keys without a TTL pay nothing for it.
 */

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
  readonly main = new Map<string, Value>();
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

  get size(): number {
    return this.main.size;
  }

  /** Lookup honouring expiry: an expired key is deleted on access, as in Redis. */
  get(key: string, now: number): Value | undefined {
    const v = this.main.get(key);
    if (v === undefined) {
      if (this.countLookups) this.miss(key);
      return undefined;
    }
    if (this.expires.size !== 0) {
      const at = this.expires.get(key);
      if (at !== undefined && at <= now) {
        this.expireKey(key);
        if (this.countLookups) this.miss(key);
        return undefined;
      }
    }
    if (this.countLookups) this.hits++;
    return v;
  }

  has(key: string, now: number): boolean {
    return this.get(key, now) !== undefined;
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

  /** Store a value, dropping any TTL (what SET does without KEEPTTL). */
  set(key: string, value: Value): void {
    if (this.newKeyEvents !== null) this.announceNew(key);
    this.main.set(key, value);
    if (this.expires.size !== 0) this.expires.delete(key);
  }

  /** Store a value and keep the key's TTL (APPEND, INCR, SETRANGE, SET KEEPTTL…). */
  update(key: string, value: Value): void {
    if (this.newKeyEvents !== null) this.announceNew(key);
    this.main.set(key, value);
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

  /** A key chosen by advancing a rolling iterator a random number of steps (Redis's is not uniform either). */
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
      if (key !== undefined && this.get(key, now) !== undefined) return key;
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

/**
 * One database's keys: key → slot in a V8 Map, and per slot the value and Redis's 24-bit `lru` field
 * (the LRU clock, or LFU minutes + log counter; see ../access.ts).
 *
 * Why this shape and not a second Map<string, number> for the access field: a Map entry costs ~40 B
 * with its share of the table, and a second one per key would cost ~58 B with the number boxed. Here
 * the index Map holds its slot as a Smi inline, so its entries are exactly as big as those of the
 * Map<string, Value> it replaces; the extra cost per key is the value reference (8 B) and the field
 * (4 B). Both live in pages of 4096 slots: growing adds a page instead of copying a table (no pause,
 * no garbage, at most one page of slack), and a value page is a PACKED array (free slots hold null,
 * never holes) so reads stay on V8's fast path. Free slots form a list threaded through their field
 * words, so a deleted key costs nothing but its slot until it is reused. When most slots are free
 * the table is compacted, as a shrinking Redis dict would be.
 *
 * The Map-like surface (get/set/has/delete/keys/entries/values/size/clear) lets code that only
 * stores and reads values use it as it used the Map; lookups here never touch the access field.
 */
import type { Value } from '../keyspace.js';

/**
 * What a slot holds: a value, or a counter kept as a number (Redis's OBJ_ENCODING_INT). INCR and
 * friends store safe integers as numbers so the next INCR needs no parse and no new string; every
 * reader outside the counter paths gets the string back from valueAt/get.
 */
export type StoredValue = Value | number;

export const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const MASK = PAGE - 1;
/** End of the free-slot list. */
const NONE = 0xffffffff;
/** Page 0 starts this small (most of the 16 databases hold few keys, or none) and doubles up to PAGE. */
const FIRST_PAGE = 16;
/** Compact when fewer than 1/COMPACT_RATIO of the slots are used, once the table has this many. */
const COMPACT_RATIO = 4;
const COMPACT_MIN_SLOTS = 4 * PAGE;

/** PACKED array of nulls: slices of it make value pages (Array(n) would be HOLEY, or a dictionary). */
const NULLS: null[] = [];
for (let i = 0; i < PAGE; i++) NULLS.push(null);

export class KeyTable {
  readonly index = new Map<string, number>();
  private valPages: (StoredValue | null)[][] = [];
  private metaPages: Uint32Array[] = [];
  /** Slots handed out so far (used or free); the next fresh slot. */
  private top = 0;
  /** Slots the pages can hold. */
  private cap = 0;
  /** First free slot below `top` (NONE: none); each free slot's field holds the next one. */
  private freeHead = NONE;

  get size(): number {
    return this.index.size;
  }

  /** Slots allocated (for tests and memory estimates). */
  get capacity(): number {
    return this.cap;
  }

  /** The key's slot, or undefined. */
  slotOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /** The slot's value, a counter as its decimal string. */
  valueAt(slot: number): Value {
    const v = this.valPages[slot >>> PAGE_BITS][slot & MASK] as StoredValue;
    return typeof v === 'number' ? String(v) : v;
  }

  /** The slot's value as stored: a counter stays a number (INCR, GET). */
  storedAt(slot: number): StoredValue {
    return this.valPages[slot >>> PAGE_BITS][slot & MASK] as StoredValue;
  }

  setValueAt(slot: number, value: StoredValue): void {
    this.valPages[slot >>> PAGE_BITS][slot & MASK] = value;
  }

  metaAt(slot: number): number {
    return this.metaPages[slot >>> PAGE_BITS][slot & MASK];
  }

  setMetaAt(slot: number, meta: number): void {
    this.metaPages[slot >>> PAGE_BITS][slot & MASK] = meta;
  }

  get(key: string): Value | undefined {
    const slot = this.index.get(key);
    return slot === undefined ? undefined : this.valueAt(slot);
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Map-like store: an existing key keeps its slot and field; a new one gets `meta`. */
  set(key: string, value: Value, meta = 0): this {
    const slot = this.index.get(key);
    if (slot === undefined) this.add(key, value, meta);
    else this.setValueAt(slot, value);
    return this;
  }

  /** Insert a key that is not present; returns its slot. */
  add(key: string, value: StoredValue, meta: number): number {
    let slot = this.freeHead;
    if (slot !== NONE) this.freeHead = this.metaAt(slot);
    else {
      slot = this.top++;
      if (slot >= this.cap) this.grow();
    }
    this.setValueAt(slot, value);
    this.setMetaAt(slot, meta);
    this.index.set(key, slot);
    return slot;
  }

  delete(key: string): boolean {
    const slot = this.index.get(key);
    if (slot === undefined) return false;
    this.index.delete(key);
    this.valPages[slot >>> PAGE_BITS][slot & MASK] = null;
    this.setMetaAt(slot, this.freeHead);
    this.freeHead = slot;
    if (this.top >= COMPACT_MIN_SLOTS && this.index.size * COMPACT_RATIO < this.top) this.compact();
    return true;
  }

  clear(): void {
    this.index.clear();
    this.valPages = [];
    this.metaPages = [];
    this.top = this.cap = 0;
    this.freeHead = NONE;
  }

  /** Live iterator over the keys (a Map iterator: sees keys added later, never a key twice). */
  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  /** Live iterator over [key, slot]: for walks that also need the field (snapshots). */
  slots(): IterableIterator<[string, number]> {
    return this.index.entries();
  }

  *entries(): IterableIterator<[string, Value]> {
    for (const [key, slot] of this.index) yield [key, this.valueAt(slot)];
  }

  *values(): IterableIterator<Value> {
    for (const slot of this.index.values()) yield this.valueAt(slot);
  }

  [Symbol.iterator](): IterableIterator<[string, Value]> {
    return this.entries();
  }

  private grow(): void {
    if (this.cap < PAGE) {
      // Page 0 doubles until it is a whole page.
      const n = this.cap === 0 ? FIRST_PAGE : this.cap * 2;
      const vals = this.cap === 0 ? NULLS.slice(0, n) : this.valPages[0].concat(NULLS.slice(0, n - this.cap));
      const meta = new Uint32Array(n);
      if (this.cap !== 0) meta.set(this.metaPages[0]);
      this.valPages[0] = vals;
      this.metaPages[0] = meta;
      this.cap = n;
      return;
    }
    this.valPages.push(NULLS.slice());
    this.metaPages.push(new Uint32Array(PAGE));
    this.cap += PAGE;
  }

  /**
   * Renumber the used slots 0..size-1 and drop the pages left over. Map iterators in flight (SCAN
   * cursors, a snapshot's walk) are unaffected: keys keep their place in the Map, only their slots move.
   */
  private compact(): void {
    const oldVals = this.valPages;
    const oldMeta = this.metaPages;
    this.valPages = [];
    this.metaPages = [];
    this.top = this.cap = 0;
    this.freeHead = NONE;
    for (const [key, slot] of this.index) {
      const v = oldVals[slot >>> PAGE_BITS][slot & MASK] as StoredValue;
      const m = oldMeta[slot >>> PAGE_BITS][slot & MASK];
      const s = this.top++;
      if (s >= this.cap) this.grow();
      this.setValueAt(s, v);
      this.setMetaAt(s, m);
      this.index.set(key, s);
    }
  }
}

/**
 * A double-ended queue of latin1 strings on a growable circular array (capacity a power of two).
 *
 * O(1) push and pop at both ends and O(1) access by index, which is what lists do most (LPUSH, RPUSH,
 * LPOP, RPOP, LINDEX, LRANGE). Inserting or removing in the middle (LINSERT, LREM) shifts the shorter
 * side. Vacated slots are overwritten with '' so popped strings can be collected and the backing
 * array stays a packed array of strings.
 */

const MIN_CAPACITY = 8;

/** A packed string array of n empty strings (new Array(n) would make a holey one). */
function emptySlots(n: number): string[] {
  const a: string[] = [];
  for (let i = 0; i < n; i++) a.push('');
  return a;
}

export class StringDeque {
  /** Backing store; element i lives at items[(head + i) & mask]. */
  protected items: string[];
  protected head = 0;
  protected mask: number;
  protected len = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.items = emptySlots(cap);
    this.mask = cap - 1;
  }

  get length(): number {
    return this.len;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Element i (0 = head); i must be in [0, length). */
  at(i: number): string {
    return this.items[(this.head + i) & this.mask];
  }

  /** Replace element i (0 = head); i must be in [0, length). */
  setAt(i: number, v: string): void {
    this.items[(this.head + i) & this.mask] = v;
  }

  pushTail(v: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.items[(this.head + this.len) & this.mask] = v;
    this.len++;
  }

  pushHead(v: string): void {
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = v;
    this.len++;
  }

  /** Removes and returns the head; the deque must not be empty. */
  popHead(): string {
    const items = this.items;
    const h = this.head;
    const v = items[h];
    items[h] = '';
    this.head = (h + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Removes and returns the tail; the deque must not be empty. */
  popTail(): string {
    const items = this.items;
    const i = (this.head + this.len - 1) & this.mask;
    const v = items[i];
    items[i] = '';
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Insert v so that it becomes element i (0 <= i <= length), shifting the shorter side. */
  insertAt(i: number, v: string): void {
    if (i === 0) {
      this.pushHead(v);
      return;
    }
    if (i === this.len) {
      this.pushTail(v);
      return;
    }
    if (this.len === this.mask + 1) this.resize((this.mask + 1) * 2);
    const items = this.items;
    const mask = this.mask;
    if (i < this.len - i) {
      // Move elements [0, i) one slot towards the front.
      const h = (this.head - 1) & mask;
      for (let k = 0; k < i; k++) items[(h + k) & mask] = items[(h + k + 1) & mask];
      this.head = h;
    } else {
      // Move elements [i, len) one slot towards the back.
      for (let k = this.len; k > i; k--) items[(this.head + k) & mask] = items[(this.head + k - 1) & mask];
    }
    items[(this.head + i) & mask] = v;
    this.len++;
  }

  /** Drop `n` elements from the head (n <= length). */
  dropHead(n: number): void {
    const items = this.items;
    const mask = this.mask;
    for (let k = 0; k < n; k++) items[(this.head + k) & mask] = '';
    this.head = (this.head + n) & mask;
    this.len -= n;
    this.maybeShrink();
  }

  /** Drop `n` elements from the tail (n <= length). */
  dropTail(n: number): void {
    const items = this.items;
    const mask = this.mask;
    for (let k = this.len - n; k < this.len; k++) items[(this.head + k) & mask] = '';
    this.len -= n;
    this.maybeShrink();
  }

  /**
   * Remove elements equal to `v`, at most `limit` of them (0 = all), scanning from the head or from
   * the tail. Returns how many were removed. One pass, keeping the survivors' order.
   */
  removeMatches(v: string, limit: number, fromTail: boolean): number {
    const items = this.items;
    const mask = this.mask;
    const h = this.head;
    const n = this.len;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      let r = 0;
      for (; r < n; r++) {
        const x = items[(h + r) & mask];
        if (x === v && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(h + w) & mask] = x;
        w++;
      }
      for (let k = w; k < n; k++) items[(h + k) & mask] = '';
    } else {
      let w = n - 1;
      let r = n - 1;
      for (; r >= 0; r--) {
        const x = items[(h + r) & mask];
        if (x === v && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(h + w) & mask] = x;
        w--;
      }
      for (let k = 0; k <= w; k++) items[(h + k) & mask] = '';
      this.head = (h + removed) & mask;
    }
    this.len = n - removed;
    this.maybeShrink();
    return removed;
  }

  /** Elements from head to tail as a new array. */
  toArray(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.len; i++) out.push(this.items[(this.head + i) & this.mask]);
    return out;
  }

  /** Copy all elements of `other` into this (empty) deque. */
  protected copyFrom(other: StringDeque): void {
    let cap = MIN_CAPACITY;
    while (cap < other.len) cap *= 2;
    const items = emptySlots(cap);
    for (let i = 0; i < other.len; i++) items[i] = other.at(i);
    this.items = items;
    this.mask = cap - 1;
    this.head = 0;
    this.len = other.len;
  }

  private maybeShrink(): void {
    const cap = this.mask + 1;
    if (cap <= 64 || this.len >= cap >>> 3) return;
    let target = MIN_CAPACITY;
    while (target < this.len * 2) target *= 2;
    this.resize(target);
  }

  private resize(cap: number): void {
    const next = emptySlots(cap);
    const items = this.items;
    const mask = this.mask;
    for (let i = 0; i < this.len; i++) next[i] = items[(this.head + i) & mask];
    this.items = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}

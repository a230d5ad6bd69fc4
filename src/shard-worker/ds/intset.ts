/**
 * Redis's intset: a sorted array of distinct 64-bit integers (kept in a growable BigInt64Array, so
 * 8 bytes a member and exact over the whole int64 range). Lookups are binary searches.
 */
export class IntSet {
  private a: BigInt64Array;
  private n = 0;

  constructor(capacity = 4) {
    this.a = new BigInt64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** Index of v, or -(insertion point) - 1 when absent. */
  private search(v: bigint): number {
    const a = this.a;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = a[mid];
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  has(v: bigint): boolean {
    return this.search(v) >= 0;
  }

  /** True when added (false when already present). */
  add(v: bigint): boolean {
    let i = this.search(v);
    if (i >= 0) return false;
    i = -i - 1;
    if (this.n === this.a.length) {
      const grown = new BigInt64Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a.copyWithin(i + 1, i, this.n);
    this.a[i] = v;
    this.n++;
    return true;
  }

  delete(v: bigint): boolean {
    const i = this.search(v);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  removeAt(i: number): bigint {
    const v = this.a[i];
    this.a.copyWithin(i, i + 1, this.n);
    this.n--;
    return v;
  }

  at(i: number): bigint {
    return this.a[i];
  }

  clone(): IntSet {
    const c = new IntSet(this.n);
    c.a.set(this.a.subarray(0, this.n));
    c.n = this.n;
    return c;
  }
}

/**
 * The "hashtable" encoding shared by big hashes and sets: a Map from member to its slot in dense
 * arrays. The Map gives O(1) lookups and live iterators (HSCAN/SSCAN cursors survive changes and
 * visit every member present for the whole scan); the dense arrays give O(1) random picks
 * (HRANDFIELD, SRANDMEMBER, SPOP). Deletion swaps the last slot into the hole, which only updates
 * the moved member's value in the Map and so does not disturb its iteration position.
 */
export class IndexedDict {
  readonly index = new Map<string, number>();
  readonly keys: string[] = [];
  /** Values parallel to `keys` (hashes); null for sets. */
  readonly vals: string[] | null;

  constructor(withValues: boolean) {
    this.vals = withValues ? [] : null;
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): string | undefined {
    const i = this.index.get(key);
    return i === undefined || this.vals === null ? undefined : this.vals[i];
  }

  /** Insert or overwrite; true when the key is new. */
  set(key: string, value = ''): boolean {
    const i = this.index.get(key);
    if (i !== undefined) {
      if (this.vals !== null) this.vals[i] = value;
      return false;
    }
    this.index.set(key, this.keys.length);
    this.keys.push(key);
    if (this.vals !== null) this.vals.push(value);
    return true;
  }

  delete(key: string): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.index.delete(key);
    this.removeSlot(i);
    return true;
  }

  /** Remove the entry in slot i (its key must already be out of the index). */
  private removeSlot(i: number): void {
    const last = this.keys.length - 1;
    if (i !== last) {
      const moved = this.keys[last];
      this.keys[i] = moved;
      if (this.vals !== null) this.vals[i] = this.vals[last];
      this.index.set(moved, i);
    }
    this.keys.pop();
    if (this.vals !== null) this.vals.pop();
  }

  /** Remove and return the key in slot i. */
  deleteAt(i: number): string {
    const key = this.keys[i];
    this.index.delete(key);
    this.removeSlot(i);
    return key;
  }

  clone(): IndexedDict {
    const d = new IndexedDict(this.vals !== null);
    for (let i = 0; i < this.keys.length; i++) d.set(this.keys[i], this.vals === null ? '' : this.vals[i]);
    return d;
  }
}

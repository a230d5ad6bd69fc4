/**
 * Hash values (Redis 7.0 t_hash.c encodings). Small hashes are "listpack": a flat array
 * [field0, value0, field1, value1, …] in insertion order (Redis's listpack order, which HGETALL and
 * friends expose), searched linearly. Once a hash has more than hash-max-listpack-entries fields or
 * a field/value longer than hash-max-listpack-value bytes it becomes "hashtable" (an IndexedDict) for
 * good, as in Redis. Fields and values are latin1 strings (one char per byte).
 */
import type { Collection } from '../keyspace.js';
import { IndexedDict } from './indexed-dict.js';

export class HashValue implements Collection {
  readonly typeName = 'hash';
  /** Listpack encoding: [f0, v0, f1, v1, …]; null once converted. */
  lp: string[] | null = [];
  /** Hashtable encoding; null while small. */
  ht: IndexedDict | null = null;

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  size(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.ht!.size;
  }

  private lpFind(field: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i;
    return -1;
  }

  get(field: string): string | undefined {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      return i < 0 ? undefined : this.lp[i + 1];
    }
    return this.ht!.get(field);
  }

  has(field: string): boolean {
    return this.lp !== null ? this.lpFind(field) >= 0 : this.ht!.has(field);
  }

  /** Convert to hashtable now (Redis's hashTypeConvert); one-way. */
  convert(): void {
    const lp = this.lp;
    if (lp === null) return;
    const ht = new IndexedDict(true);
    for (let i = 0; i < lp.length; i += 2) ht.set(lp[i], lp[i + 1]);
    this.ht = ht;
    this.lp = null;
  }

  /**
   * Redis's hashTypeSet: set a field, converting first when the field or value is too long for a
   * listpack and afterwards when there are too many fields. True when the field is new.
   */
  set(field: string, value: string, maxEntries: number, maxValue: number): boolean {
    if (this.lp !== null && (field.length > maxValue || value.length > maxValue)) this.convert();
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i >= 0) {
        this.lp[i + 1] = value;
        return false;
      }
      this.lp.push(field, value);
      if (this.lp.length >> 1 > maxEntries) this.convert();
      return true;
    }
    return this.ht!.set(field, value);
  }

  delete(field: string): boolean {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i < 0) return false;
      this.lp.splice(i, 2);
      return true;
    }
    return this.ht!.delete(field);
  }

  /** Field in position i (0 ≤ i < size), in iteration order. */
  fieldAt(i: number): string {
    return this.lp !== null ? this.lp[2 * i] : this.ht!.keys[i];
  }

  valueAt(i: number): string {
    return this.lp !== null ? this.lp[2 * i + 1] : this.ht!.vals![i];
  }

  clone(): HashValue {
    const h = new HashValue();
    if (this.lp !== null) h.lp = this.lp.slice();
    else {
      h.lp = null;
      h.ht = this.ht!.clone();
    }
    return h;
  }

  /** Serialized form for moving between shards: u8 listpack | (u32 len, bytes) × 2n. */
  encode(): Buffer {
    const n = this.size();
    let total = 1;
    for (let i = 0; i < n; i++) total += 8 + this.fieldAt(i).length + this.valueAt(i).length;
    const buf = Buffer.allocUnsafe(total);
    buf[0] = this.lp !== null ? 1 : 0;
    let p = 1;
    for (let i = 0; i < n; i++) {
      for (const s of [this.fieldAt(i), this.valueAt(i)]) {
        buf.writeUInt32LE(s.length, p);
        p += 4;
        p += buf.latin1Write(s, p);
      }
    }
    return buf;
  }

  static decode(buf: Buffer): HashValue {
    const h = new HashValue();
    const items: string[] = [];
    let p = 1;
    while (p < buf.length) {
      const len = buf.readUInt32LE(p);
      items.push(buf.latin1Slice(p + 4, p + 4 + len));
      p += 4 + len;
    }
    if (buf[0] === 1) h.lp = items;
    else {
      h.lp = null;
      const ht = new IndexedDict(true);
      for (let i = 0; i < items.length; i += 2) ht.set(items[i], items[i + 1]);
      h.ht = ht;
    }
    return h;
  }
}

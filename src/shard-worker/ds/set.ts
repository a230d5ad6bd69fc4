/**
 * Set values (Redis 7.0 t_set.c encodings): "intset" while every member is an integer (string2ll
 * rules) and there are at most set-max-intset-entries of them, members kept sorted (the order SMEMBERS
 * shows); otherwise "hashtable" (an IndexedDict of latin1 strings), for good, as in Redis.
 */
import type { Collection } from '../keyspace.js';
import { parseStrictInt64String, parseStrictIntString } from '../../shared/numbers.js';
import { IndexedDict } from './indexed-dict.js';
import { IntSet } from './intset.js';

/** string2ll: the member as an int64 when it is the canonical text of one, else null. */
export function memberAsInt(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  const n = parseStrictIntString(s);
  if (n !== null) return BigInt(n);
  return parseStrictInt64String(s);
}

export class SetValue implements Collection {
  readonly typeName = 'set';
  ints: IntSet | null = new IntSet();
  ht: IndexedDict | null = null;

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  size(): number {
    return this.ints !== null ? this.ints.size : this.ht!.size;
  }

  convert(): void {
    const ints = this.ints;
    if (ints === null) return;
    const ht = new IndexedDict(false);
    for (let i = 0; i < ints.size; i++) ht.set(ints.at(i).toString());
    this.ht = ht;
    this.ints = null;
  }

  has(member: string): boolean {
    if (this.ints !== null) {
      const v = memberAsInt(member);
      return v !== null && this.ints.has(v);
    }
    return this.ht!.has(member);
  }

  /** Redis's setTypeAdd; true when added. */
  add(member: string, maxIntset: number): boolean {
    if (this.ints !== null) {
      const v = memberAsInt(member);
      if (v !== null) {
        if (!this.ints.add(v)) return false;
        if (this.ints.size > maxIntset) this.convert();
        return true;
      }
      this.convert();
    }
    return this.ht!.set(member);
  }

  delete(member: string): boolean {
    if (this.ints !== null) {
      const v = memberAsInt(member);
      return v !== null && this.ints.delete(v);
    }
    return this.ht!.delete(member);
  }

  /** Member in position i (0 ≤ i < size), in iteration order. */
  at(i: number): string {
    return this.ints !== null ? this.ints.at(i).toString() : this.ht!.keys[i];
  }

  /** Remove and return the member in position i. */
  removeAt(i: number): string {
    return this.ints !== null ? this.ints.removeAt(i).toString() : this.ht!.deleteAt(i);
  }

  members(): string[] {
    if (this.ht !== null) return this.ht.keys.slice();
    const out = new Array<string>(this.size());
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  clone(): SetValue {
    const s = new SetValue();
    if (this.ints !== null) s.ints = this.ints.clone();
    else {
      s.ints = null;
      s.ht = this.ht!.clone();
    }
    return s;
  }

  /** Serialized form for moving between shards: u8 intset | (u32 len, bytes)…. */
  encode(): Buffer {
    const n = this.size();
    const items = new Array<string>(n);
    let total = 1;
    for (let i = 0; i < n; i++) {
      items[i] = this.at(i);
      total += 4 + items[i].length;
    }
    const buf = Buffer.allocUnsafe(total);
    buf[0] = this.ints !== null ? 1 : 0;
    let p = 1;
    for (const s of items) {
      buf.writeUInt32LE(s.length, p);
      p += 4;
      p += buf.latin1Write(s, p);
    }
    return buf;
  }

  static decode(buf: Buffer): SetValue {
    const s = new SetValue();
    if (buf[0] !== 1) s.convert();
    let p = 1;
    while (p < buf.length) {
      const len = buf.readUInt32LE(p);
      s.add(buf.latin1Slice(p + 4, p + 4 + len), Infinity);
      p += 4 + len;
    }
    return s;
  }
}

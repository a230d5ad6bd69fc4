/**
 * Serialization of one key (value and TTL) for moving it between shards inside a cross-shard command.
 * This is an in-process format, not RDB: both ends are the same build.
 *
 * Entry: u16 db | u32 keyLen | key | u8 present | [u8 type | f64 expireAt (-1 = none) | u32 len | bytes]
 */
import type { Collection, Value } from './keyspace.js';

export const enum ValueType {
  String = 0,
}

/** Collection families register how their values cross shards. */
export interface CollectionCodec {
  type: number;
  matches(v: Collection): boolean;
  encode(v: Collection): Buffer;
  decode(bytes: Buffer): Collection;
}

const codecs: CollectionCodec[] = [];

export function registerCodec(c: CollectionCodec): void {
  codecs.push(c);
}

export interface KeyEntry {
  db: number;
  key: string;
  value: Value | undefined;
  expireAt: number;
  /** The key's 24-bit LRU/LFU field (src/shard-worker/access.ts), when it travels with the value. */
  meta?: number;
}

export function encodeEntries(entries: readonly KeyEntry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    const key = Buffer.from(e.key, 'latin1');
    const head = Buffer.allocUnsafe(7);
    head.writeUInt16LE(e.db, 0);
    head.writeUInt32LE(key.length, 2);
    // 0: absent, 1: present, 2: present with its access field (u32 after the value header).
    head[6] = e.value === undefined ? 0 : e.meta === undefined ? 1 : 2;
    chunks.push(head, key);
    if (e.value === undefined) continue;
    let type: number;
    let body: Buffer;
    if (typeof e.value === 'string') {
      type = ValueType.String;
      body = Buffer.from(e.value, 'latin1');
    } else {
      const v = e.value;
      const codec = codecs.find((c) => c.matches(v));
      if (!codec) throw new Error(`no codec for ${v.typeName}`);
      type = codec.type;
      body = codec.encode(v);
    }
    const meta = Buffer.allocUnsafe(13);
    meta[0] = type;
    meta.writeDoubleLE(e.expireAt, 1);
    meta.writeUInt32LE(body.length, 9);
    chunks.push(meta);
    if (e.meta !== undefined) {
      const field = Buffer.allocUnsafe(4);
      field.writeUInt32LE(e.meta, 0);
      chunks.push(field);
    }
    chunks.push(body);
  }
  return Buffer.concat(chunks);
}

export function decodeEntries(buf: Buffer): KeyEntry[] {
  const out: KeyEntry[] = [];
  let p = 0;
  while (p < buf.length) {
    const db = buf.readUInt16LE(p);
    const klen = buf.readUInt32LE(p + 2);
    const present = buf[p + 6];
    const key = buf.latin1Slice(p + 7, p + 7 + klen);
    p += 7 + klen;
    if (!present) {
      out.push({ db, key, value: undefined, expireAt: -1 });
      continue;
    }
    const type = buf[p];
    const expireAt = buf.readDoubleLE(p + 1);
    const len = buf.readUInt32LE(p + 9);
    p += 13;
    let meta: number | undefined;
    if (present === 2) {
      meta = buf.readUInt32LE(p);
      p += 4;
    }
    const body = buf.subarray(p, p + len);
    p += len;
    let value: Value;
    if (type === ValueType.String) value = body.latin1Slice(0, body.length);
    else {
      const codec = codecs.find((c) => c.type === type);
      if (!codec) throw new Error(`no codec for type ${type}`);
      value = codec.decode(Buffer.from(body));
    }
    out.push(meta === undefined ? { db, key, value, expireAt } : { db, key, value, expireAt, meta });
  }
  return out;
}

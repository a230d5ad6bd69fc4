/**
 * The packed encodings Redis stores verbatim inside RDB strings: listpack (listpack.c, Redis 7),
 * ziplist (ziplist.c, RDB ≤ 9), intset (intset.c) and zipmap (zipmap.c, Redis ≤ 2.4 hashes).
 *
 * Readers validate as deeply as Redis's sanitize-dump-payload=yes does (every entry, header counts,
 * back/prev lengths) because Ferrous converts the data into its own structures right away and must
 * not be fed garbage; they throw RdbError('corrupt'). Elements come back as latin1 strings, integers
 * in their decimal form, which is what Redis gives back for them.
 *
 * Writers produce what Redis produces for the same elements: lpAppend's choice of integer or string
 * encoding, the smallest intset encoding that holds every member.
 */
import { corrupt } from './rdb-io.js';
import { parseStrictInt64String, parseStrictIntString } from '../shared/numbers.js';

// ---------------------------------------------------------------------------------------------- listpack

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;
/** The header's element count saturates here ("unknown": count by walking). */
const LP_HDR_NUMELE_UNKNOWN = 65535;

/** Bytes of the backlen that follows an entry whose encoding + data take `l` bytes (lpEncodeBacklen). */
function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

function writeBacklen(out: Buffer, p: number, l: number): number {
  const n = backlenSize(l);
  // Most significant 7-bit group first; every byte but the first has the top bit set.
  for (let k = 0; k < n; k++) {
    const shift = 7 * (n - 1 - k);
    const group = Math.floor(l / 2 ** shift) & 127;
    out[p + k] = k === 0 ? group : group | 128;
  }
  return p + n;
}

/**
 * How lpEncodeGetType stores a string: as an integer when lpStringToInt64 (string2ll) accepts it.
 * Returns the integer (a bigint beyond ±2^53) or null for a string entry.
 */
function entryInt(s: string): number | bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  const n = parseStrictIntString(s);
  if (n !== null) return n;
  return s.length >= 16 ? parseStrictInt64String(s) : null;
}

/** Size of the encoding + data of an integer entry. */
function intEncodedSize(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function strEncodedSize(len: number): number {
  if (len < 64) return 1 + len;
  if (len < 4096) return 2 + len;
  return 5 + len;
}

/** Bytes one element adds to a listpack: encoding, data and backlen. */
export function listpackEntrySize(s: string): number {
  const v = entryInt(s);
  const l = v !== null ? intEncodedSize(v) : strEncodedSize(s.length);
  return l + backlenSize(l);
}

/** Size of a listpack holding nothing (header and terminator). */
export const LISTPACK_EMPTY_SIZE = LP_HDR_SIZE + 1;

function writeEntry(out: Buffer, p: number, s: string): number {
  const start = p;
  const v = entryInt(s);
  if (v === null) {
    const len = s.length;
    if (len < 64) out[p++] = 0x80 | len;
    else if (len < 4096) {
      out[p++] = 0xe0 | (len >> 8);
      out[p++] = len & 0xff;
    } else {
      out[p++] = 0xf0;
      out.writeUInt32LE(len, p);
      p += 4;
    }
    p += out.latin1Write(s, p);
  } else if (typeof v === 'bigint') {
    out[p++] = 0xf4;
    out.writeBigInt64LE(v, p);
    p += 8;
  } else if (v >= 0 && v <= 127) {
    out[p++] = v;
  } else if (v >= -4096 && v <= 4095) {
    const u = v < 0 ? (1 << 13) + v : v;
    out[p++] = (u >> 8) | 0xc0;
    out[p++] = u & 0xff;
  } else if (v >= -32768 && v <= 32767) {
    out[p++] = 0xf1;
    out.writeInt16LE(v, p);
    p += 2;
  } else if (v >= -8388608 && v <= 8388607) {
    out[p++] = 0xf2;
    out.writeIntLE(v, p, 3);
    p += 3;
  } else if (v >= -2147483648 && v <= 2147483647) {
    out[p++] = 0xf3;
    out.writeInt32LE(v, p);
    p += 4;
  } else {
    out[p++] = 0xf4;
    out.writeBigInt64LE(BigInt(v), p);
    p += 8;
  }
  return writeBacklen(out, p, p - start);
}

/** A listpack of `count` elements, element i being `at(i)` (as lpAppend builds it). */
export function encodeListpack(count: number, at: (i: number) => string): Buffer {
  let total = LISTPACK_EMPTY_SIZE;
  for (let i = 0; i < count; i++) total += listpackEntrySize(at(i));
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32LE(total, 0);
  out.writeUInt16LE(count < LP_HDR_NUMELE_UNKNOWN ? count : LP_HDR_NUMELE_UNKNOWN, 4);
  let p = LP_HDR_SIZE;
  for (let i = 0; i < count; i++) p = writeEntry(out, p, at(i));
  out[p] = LP_EOF;
  return out;
}

/** Every element of a listpack, validated entry by entry (lpValidateIntegrity with deep = 1). */
export function decodeListpack(lp: Buffer): string[] {
  const size = lp.length;
  if (size < LP_HDR_SIZE + 1) throw corrupt('listpack too short');
  if (lp.readUInt32LE(0) !== size) throw corrupt('listpack size mismatch');
  if (lp[size - 1] !== LP_EOF) throw corrupt('listpack without terminator');
  const declared = lp.readUInt16LE(4);
  const out: string[] = [];
  let p = LP_HDR_SIZE;
  const end = size - 1;
  while (p < end) {
    const start = p;
    const b = lp[p];
    let s: string;
    if ((b & 0x80) === 0) {
      s = String(b);
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      if (p + 1 + len > end) throw corrupt('listpack entry out of range');
      s = lp.latin1Slice(p + 1, p + 1 + len);
      p += 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) throw corrupt('listpack entry out of range');
      const u = ((b & 0x1f) << 8) | lp[p + 1];
      s = String(u >= 1 << 12 ? u - (1 << 13) : u);
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) throw corrupt('listpack entry out of range');
      const len = ((b & 0x0f) << 8) | lp[p + 1];
      if (p + 2 + len > end) throw corrupt('listpack entry out of range');
      s = lp.latin1Slice(p + 2, p + 2 + len);
      p += 2 + len;
    } else if (b === 0xf0) {
      if (p + 5 > end) throw corrupt('listpack entry out of range');
      const len = lp.readUInt32LE(p + 1);
      if (p + 5 + len > end) throw corrupt('listpack entry out of range');
      s = lp.latin1Slice(p + 5, p + 5 + len);
      p += 5 + len;
    } else if (b === 0xf1) {
      if (p + 3 > end) throw corrupt('listpack entry out of range');
      s = String(lp.readInt16LE(p + 1));
      p += 3;
    } else if (b === 0xf2) {
      if (p + 4 > end) throw corrupt('listpack entry out of range');
      s = String(lp.readIntLE(p + 1, 3));
      p += 4;
    } else if (b === 0xf3) {
      if (p + 5 > end) throw corrupt('listpack entry out of range');
      s = String(lp.readInt32LE(p + 1));
      p += 5;
    } else if (b === 0xf4) {
      if (p + 9 > end) throw corrupt('listpack entry out of range');
      s = lp.readBigInt64LE(p + 1).toString();
      p += 9;
    } else {
      throw corrupt(`invalid listpack encoding 0x${b.toString(16)}`);
    }
    // The backlen must spell this entry's length.
    const l = p - start;
    const n = backlenSize(l);
    if (p + n > end) throw corrupt('listpack backlen out of range');
    for (let k = 0; k < n; k++) {
      const group = Math.floor(l / 2 ** (7 * (n - 1 - k))) & 127;
      if (lp[p + k] !== (k === 0 ? group : group | 128)) throw corrupt('listpack backlen mismatch');
    }
    p += n;
    out.push(s);
  }
  if (declared !== LP_HDR_NUMELE_UNKNOWN && declared !== out.length) throw corrupt('listpack count mismatch');
  return out;
}

// ---------------------------------------------------------------------------------------------- ziplist

const ZIP_HDR_SIZE = 10;
const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 254;

/** Every element of a ziplist (RDB ≤ 9 lists, hashes and sorted sets), validated like ziplistValidateIntegrity(deep). */
export function decodeZiplist(zl: Buffer): string[] {
  const size = zl.length;
  if (size < ZIP_HDR_SIZE + 1) throw corrupt('ziplist too short');
  if (zl.readUInt32LE(0) !== size) throw corrupt('ziplist size mismatch');
  const tail = zl.readUInt32LE(4);
  const declared = zl.readUInt16LE(8);
  if (zl[size - 1] !== ZIP_END) throw corrupt('ziplist without terminator');
  const end = size - 1;
  const out: string[] = [];
  let p = ZIP_HDR_SIZE;
  let prevRaw = 0;
  let last = -1;
  while (p < end) {
    const start = p;
    let prevlen: number;
    if (zl[p] < ZIP_BIG_PREVLEN) {
      prevlen = zl[p];
      p += 1;
    } else if (zl[p] === ZIP_BIG_PREVLEN) {
      if (p + 5 > end) throw corrupt('ziplist entry out of range');
      prevlen = zl.readUInt32LE(p + 1);
      p += 5;
    } else throw corrupt('ziplist entry with invalid prevlen');
    if (prevlen !== prevRaw) throw corrupt('ziplist prevlen mismatch');
    if (p >= end) throw corrupt('ziplist entry out of range');
    const b = zl[p];
    let s: string;
    switch (b & 0xc0) {
      case 0x00: {
        const len = b & 0x3f;
        if (p + 1 + len > end) throw corrupt('ziplist entry out of range');
        s = zl.latin1Slice(p + 1, p + 1 + len);
        p += 1 + len;
        break;
      }
      case 0x40: {
        if (p + 2 > end) throw corrupt('ziplist entry out of range');
        const len = ((b & 0x3f) << 8) | zl[p + 1];
        if (p + 2 + len > end) throw corrupt('ziplist entry out of range');
        s = zl.latin1Slice(p + 2, p + 2 + len);
        p += 2 + len;
        break;
      }
      case 0x80: {
        if (b !== 0x80 || p + 5 > end) throw corrupt('ziplist entry out of range');
        const len = zl.readUInt32BE(p + 1);
        if (p + 5 + len > end) throw corrupt('ziplist entry out of range');
        s = zl.latin1Slice(p + 5, p + 5 + len);
        p += 5 + len;
        break;
      }
      default: {
        let width: number;
        if (b === 0xc0) width = 2;
        else if (b === 0xd0) width = 4;
        else if (b === 0xe0) width = 8;
        else if (b === 0xf0) width = 3;
        else if (b === 0xfe) width = 1;
        else if (b >= 0xf1 && b <= 0xfd) width = 0;
        else throw corrupt(`invalid ziplist encoding 0x${b.toString(16)}`);
        if (p + 1 + width > end) throw corrupt('ziplist entry out of range');
        const q = p + 1;
        if (width === 0) s = String((b & 0x0f) - 1);
        else if (width === 8) s = zl.readBigInt64LE(q).toString();
        else s = String(zl.readIntLE(q, width));
        p += 1 + width;
      }
    }
    out.push(s);
    prevRaw = p - start;
    last = start;
  }
  if (out.length === 0 ? tail !== ZIP_HDR_SIZE : tail !== last) throw corrupt('ziplist tail offset mismatch');
  if (declared !== 0xffff && declared !== out.length) throw corrupt('ziplist count mismatch');
  return out;
}

// ---------------------------------------------------------------------------------------------- intset

const INT16_MIN = -32768n;
const INT16_MAX = 32767n;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

/** Members of an intset, checked strictly ascending (intsetValidateIntegrity with deep = 1). */
export function decodeIntset(is: Buffer): bigint[] {
  if (is.length < 8) throw corrupt('intset too short');
  const enc = is.readUInt32LE(0);
  if (enc !== 2 && enc !== 4 && enc !== 8) throw corrupt(`invalid intset encoding ${enc}`);
  const count = is.readUInt32LE(4);
  if (8 + count * enc !== is.length) throw corrupt('intset size mismatch');
  const out = new Array<bigint>(count);
  let prev: bigint | null = null;
  for (let i = 0; i < count; i++) {
    const p = 8 + i * enc;
    const v = enc === 8 ? is.readBigInt64LE(p) : BigInt(enc === 4 ? is.readInt32LE(p) : is.readInt16LE(p));
    if (prev !== null && v <= prev) throw corrupt('intset not sorted');
    out[i] = v;
    prev = v;
  }
  return out;
}

/** An intset of `count` ascending members in the smallest encoding that holds them all. */
export function encodeIntset(count: number, at: (i: number) => bigint): Buffer {
  let enc = 2;
  if (count > 0) {
    // Sorted: the extremes decide the width.
    for (const v of [at(0), at(count - 1)]) {
      if (v < INT32_MIN || v > INT32_MAX) enc = 8;
      else if ((v < INT16_MIN || v > INT16_MAX) && enc < 4) enc = 4;
    }
  }
  const out = Buffer.allocUnsafe(8 + count * enc);
  out.writeUInt32LE(enc, 0);
  out.writeUInt32LE(count, 4);
  for (let i = 0; i < count; i++) {
    const p = 8 + i * enc;
    const v = at(i);
    if (enc === 8) out.writeBigInt64LE(v, p);
    else if (enc === 4) out.writeInt32LE(Number(v), p);
    else out.writeInt16LE(Number(v), p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- zipmap

const ZIPMAP_BIGLEN = 254;
const ZIPMAP_END = 255;

/** Field/value pairs [f0, v0, f1, v1, …] of a zipmap (Redis ≤ 2.4 hashes), validated like zipmapValidateIntegrity. */
export function decodeZipmap(zm: Buffer): string[] {
  const size = zm.length;
  if (size < 2) throw corrupt('zipmap too short');
  const end = size - 1;
  if (zm[end] !== ZIPMAP_END) throw corrupt('zipmap without terminator');
  const out: string[] = [];
  let p = 1; // zmlen: a count hint that saturates at 254
  const readLen = (): number => {
    if (p >= end) throw corrupt('zipmap entry out of range');
    const b = zm[p];
    if (b < ZIPMAP_BIGLEN) {
      p += 1;
      return b;
    }
    if (b === ZIPMAP_BIGLEN) {
      if (p + 5 > end) throw corrupt('zipmap entry out of range');
      const len = zm.readUInt32LE(p + 1);
      p += 5;
      return len;
    }
    throw corrupt('zipmap entry with invalid length');
  };
  while (p < end) {
    const flen = readLen();
    if (p + flen > end) throw corrupt('zipmap entry out of range');
    out.push(zm.latin1Slice(p, p + flen));
    p += flen;
    const vlen = readLen();
    if (p >= end) throw corrupt('zipmap entry out of range');
    const free = zm[p++];
    if (p + vlen + free > end) throw corrupt('zipmap entry out of range');
    out.push(zm.latin1Slice(p, p + vlen));
    p += vlen + free;
  }
  const zmlen = zm[0];
  if (zmlen < ZIPMAP_BIGLEN && zmlen !== out.length / 2) throw corrupt('zipmap count mismatch');
  return out;
}

/**
 * RDB primitives (Redis 7.0 rdb.c): the byte sink and cursor every RDB module writes and reads with,
 * the length encoding, strings (verbatim, integer-encoded, LZF-compressed), doubles and times.
 *
 * Strings are latin1 JS strings (one char per byte), as everywhere in Ferrous; blobs (listpacks,
 * intsets…) are Buffers.
 */
import { lzfCompress, lzfDecompress } from './lzf.js';
import { parseStrictInt, parseStrictIntString, parseRedisDouble } from '../shared/numbers.js';

/** The RDB version Redis 7.0 writes (RDB_VERSION). */
export const RDB_VERSION = 10;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Length-encoding prefixes (the two top bits of the first byte). */
const RDB_6BITLEN = 0;
const RDB_14BITLEN = 1;
const RDB_32BITLEN = 0x80;
const RDB_64BITLEN = 0x81;
const RDB_ENCVAL = 3;

/** Special string encodings (after an RDB_ENCVAL prefix). */
const RDB_ENC_INT8 = 0;
const RDB_ENC_INT16 = 1;
const RDB_ENC_INT32 = 2;
const RDB_ENC_LZF = 3;

/** Why reading failed: the caller decides what each means (RESTORE: "Bad data format"; files: abort). */
export type RdbErrorKind =
  /** The data ended early (a streaming reader waits for more). */
  | 'truncated'
  /** The bytes are not valid RDB. */
  | 'corrupt'
  /** A collection with no elements (Redis skips these in files and refuses them in RESTORE). */
  | 'empty'
  /** Valid RDB that Ferrous cannot represent (streams, module values). */
  | 'unsupported'
  /** A format version newer than this reader knows. */
  | 'version'
  /** The stored CRC64 does not match the data. */
  | 'checksum';

export class RdbError extends Error {
  constructor(
    readonly kind: RdbErrorKind,
    message: string,
    /** For 'truncated': the absolute offset the reader needed to reach. */
    readonly needed = 0,
  ) {
    super(message);
    this.name = 'RdbError';
  }
}

export function corrupt(message: string): RdbError {
  return new RdbError('corrupt', message);
}

// ---------------------------------------------------------------------------------------------- writing

/** Options that shape how strings are written. */
export interface StringSaveOptions {
  /** rdbcompression: LZF-compress strings longer than 20 bytes when that saves at least 4 bytes. */
  compress: boolean;
}

/** A growable output buffer. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  u16le(n: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(n, this.pos);
    this.pos += 2;
  }

  u32le(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4;
  }

  doubleLE(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** A signed 64-bit little-endian integer (millisecond times), clamped to the int64 range. */
  i64le(n: number): void {
    this.ensure(8);
    const v = n >= 2 ** 63 ? INT64_MAX : n < -(2 ** 63) ? INT64_MIN : BigInt(Math.trunc(n));
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  /** Bytes written so far (a view of the internal buffer, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Bytes written so far as an independent Buffer, and reset. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}

/** rdbSaveLen: 6-bit, 14-bit, 32-bit big-endian or 64-bit big-endian length. */
export function writeLen(w: ByteWriter, n: number): void {
  w.ensure(9);
  const b = w.buf;
  if (n < 1 << 6) {
    b[w.pos++] = (RDB_6BITLEN << 6) | n;
  } else if (n < 1 << 14) {
    b[w.pos++] = (RDB_14BITLEN << 6) | (n >> 8);
    b[w.pos++] = n & 0xff;
  } else if (n <= 0xffffffff) {
    b[w.pos++] = RDB_32BITLEN;
    b.writeUInt32BE(n, w.pos);
    w.pos += 4;
  } else {
    b[w.pos++] = RDB_64BITLEN;
    b.writeBigUInt64BE(BigInt(n), w.pos);
    w.pos += 8;
  }
}

/** rdbEncodeInteger: the INT8/16/32 encodings, or false when the value needs more than 32 bits. */
function writeEncodedInt(w: ByteWriter, v: number): boolean {
  w.ensure(5);
  const b = w.buf;
  if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
    b[w.pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
    b[w.pos++] = v & 0xff;
  } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
    b[w.pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
    b.writeInt16LE(v, w.pos);
    w.pos += 2;
  } else if (v >= -2147483648 && v <= 2147483647) {
    b[w.pos++] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
    b.writeInt32LE(v, w.pos);
    w.pos += 4;
  } else return false;
  return true;
}

/** rdbSaveLzfBlob: the LZF marker, compressed length, original length, compressed bytes. */
export function writeLzfBlob(w: ByteWriter, compressed: Uint8Array, originalLen: number): void {
  w.byte((RDB_ENCVAL << 6) | RDB_ENC_LZF);
  writeLen(w, compressed.length);
  writeLen(w, originalLen);
  w.bytes(compressed);
}

/** rdbSaveLzfStringObject: true when the compressed form (at least 4 bytes smaller) was written. */
function tryWriteLzf(w: ByteWriter, bytes: Uint8Array): boolean {
  if (bytes.length <= 4) return false;
  const c = lzfCompress(bytes, bytes.length - 4);
  if (c === null) return false;
  writeLzfBlob(w, c, bytes.length);
  return true;
}

/**
 * rdbSaveRawString for a latin1 string: integer encoding for short integers, LZF for long
 * compressible strings when `compress` is on, else length + bytes.
 */
export function writeString(w: ByteWriter, s: string, opts: StringSaveOptions): void {
  const n = s.length;
  if (n <= 11) {
    const v = parseStrictIntString(s);
    if (v !== null && writeEncodedInt(w, v)) return;
  }
  if (opts.compress && n > 20 && tryWriteLzf(w, Buffer.from(s, 'latin1'))) return;
  writeLen(w, n);
  w.latin1(s);
}

/** rdbSaveRawString for bytes (listpacks, intsets, function code). */
export function writeStringBytes(w: ByteWriter, b: Uint8Array, opts: StringSaveOptions): void {
  const n = b.length;
  if (n <= 11) {
    const v = parseStrictInt(b, 0, n);
    if (v !== null && writeEncodedInt(w, v)) return;
  }
  if (opts.compress && n > 20 && tryWriteLzf(w, b)) return;
  writeLen(w, n);
  w.bytes(b);
}

// ---------------------------------------------------------------------------------------------- reading

/** A bounds-checked cursor over a buffer; every short read throws RdbError('truncated'). */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throw unless n more bytes are available. */
  need(n: number): void {
    if (this.pos + n > this.end) throw new RdbError('truncated', 'unexpected end of RDB data', this.pos + n);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  /** A view of the next n bytes (no copy). */
  slice(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  latin1(n: number): string {
    this.need(n);
    const s = this.buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  doubleLE(): number {
    this.need(8);
    const d = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return d;
  }

  i64le(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  i32le(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
}

/** A decoded length, or a special string encoding (RDB_ENCVAL prefix) when `encoded`. */
interface LenResult {
  encoded: boolean;
  value: number;
}

const lenScratch: LenResult = { encoded: false, value: 0 };

/** rdbLoadLenByRef (the result object is reused: read it before the next call). */
function readLenOrEncoding(r: ByteReader): LenResult {
  const b0 = r.byte();
  const type = (b0 & 0xc0) >> 6;
  lenScratch.encoded = false;
  if (type === RDB_ENCVAL) {
    lenScratch.encoded = true;
    lenScratch.value = b0 & 0x3f;
  } else if (type === RDB_6BITLEN) {
    lenScratch.value = b0 & 0x3f;
  } else if (type === RDB_14BITLEN) {
    lenScratch.value = ((b0 & 0x3f) << 8) | r.byte();
  } else if (b0 === RDB_32BITLEN) {
    r.need(4);
    lenScratch.value = r.buf.readUInt32BE(r.pos);
    r.pos += 4;
  } else if (b0 === RDB_64BITLEN) {
    r.need(8);
    const v = r.buf.readBigUInt64BE(r.pos);
    r.pos += 8;
    // No collection or string can be this long; beyond 2^53 the number would not even be exact.
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`length ${v} out of range`);
    lenScratch.value = Number(v);
  } else {
    throw corrupt(`unknown length encoding ${type}`);
  }
  return lenScratch;
}

/** rdbLoadLen: a plain length (a string encoding here is corruption). */
export function readLen(r: ByteReader): number {
  const l = readLenOrEncoding(r);
  if (l.encoded) throw corrupt('unexpected string encoding where a length was expected');
  return l.value;
}

/** The integer of an INT8/16/32 string encoding. */
function readEncodedInt(r: ByteReader, enc: number): number {
  if (enc === RDB_ENC_INT8) {
    const b = r.byte();
    return b > 127 ? b - 256 : b;
  }
  if (enc === RDB_ENC_INT16) {
    r.need(2);
    const v = r.buf.readInt16LE(r.pos);
    r.pos += 2;
    return v;
  }
  return r.i32le();
}

/** rdbLoadLzfStringObject's payload: decompressed bytes. */
function readLzf(r: ByteReader): Buffer {
  const clen = readLen(r);
  const len = readLen(r);
  const c = r.slice(clen);
  const out = lzfDecompress(c, len);
  if (out === null) throw corrupt('invalid LZF compressed string');
  return out;
}

/** A string as a latin1 JS string, whatever its encoding (rdbGenericLoadStringObject). */
export function readString(r: ByteReader): string {
  const l = readLenOrEncoding(r);
  if (!l.encoded) return r.latin1(l.value);
  switch (l.value) {
    case RDB_ENC_INT8:
    case RDB_ENC_INT16:
    case RDB_ENC_INT32:
      return String(readEncodedInt(r, l.value));
    case RDB_ENC_LZF: {
      const b = readLzf(r);
      return b.latin1Slice(0, b.length);
    }
    default:
      throw corrupt(`unknown RDB string encoding type ${l.value}`);
  }
}

/** Where readStringSpan found a string's bytes: `bytes[start, end)` (reused: read it before the next call). */
export interface StringSpan {
  bytes: Buffer;
  start: number;
  end: number;
}

const spanScratch: StringSpan = { bytes: Buffer.alloc(0), start: 0, end: 0 };

/** A string's bytes without allocating when it is stored verbatim (the input itself), else decoded. */
export function readStringSpan(r: ByteReader): StringSpan {
  const start = r.pos;
  const l = readLenOrEncoding(r);
  if (!l.encoded) {
    r.need(l.value);
    spanScratch.bytes = r.buf;
    spanScratch.start = r.pos;
    r.pos += l.value;
    spanScratch.end = r.pos;
    return spanScratch;
  }
  r.pos = start;
  const b = readStringBytes(r);
  spanScratch.bytes = b;
  spanScratch.start = 0;
  spanScratch.end = b.length;
  return spanScratch;
}

/** A string as bytes (blobs): a view into the input when stored verbatim. */
export function readStringBytes(r: ByteReader): Buffer {
  const l = readLenOrEncoding(r);
  if (!l.encoded) return r.slice(l.value);
  switch (l.value) {
    case RDB_ENC_INT8:
    case RDB_ENC_INT16:
    case RDB_ENC_INT32:
      return Buffer.from(String(readEncodedInt(r, l.value)), 'latin1');
    case RDB_ENC_LZF:
      return readLzf(r);
    default:
      throw corrupt(`unknown RDB string encoding type ${l.value}`);
  }
}

/**
 * Step over one string without decoding it, copying it to `w` when given. A verbatim string longer
 * than 20 bytes is LZF-compressed on the way when `compress` is on (what writeString would have done
 * with rdbcompression), so a snapshot can be encoded uncompressed and compressed elsewhere.
 */
export function passString(r: ByteReader, w: ByteWriter | null, compress: boolean): void {
  const start = r.pos;
  const l = readLenOrEncoding(r);
  if (l.encoded) {
    switch (l.value) {
      case RDB_ENC_INT8:
        r.need(1);
        r.pos += 1;
        break;
      case RDB_ENC_INT16:
        r.need(2);
        r.pos += 2;
        break;
      case RDB_ENC_INT32:
        r.need(4);
        r.pos += 4;
        break;
      case RDB_ENC_LZF: {
        const clen = readLen(r);
        readLen(r);
        r.need(clen);
        r.pos += clen;
        break;
      }
      default:
        throw corrupt(`unknown RDB string encoding type ${l.value}`);
    }
    if (w !== null) w.bytes(r.buf.subarray(start, r.pos));
    return;
  }
  const n = l.value;
  r.need(n);
  const body = r.buf.subarray(r.pos, r.pos + n);
  r.pos += n;
  if (w === null) return;
  if (compress && n > 20 && tryWriteLzf(w, body)) return;
  w.bytes(r.buf.subarray(start, r.pos));
}

/**
 * rdbLoadDoubleValue (ZSET before RDB 8): a length byte (253 nan, 254 +inf, 255 -inf) then the
 * number as text, parsed like sscanf("%lg").
 */
export function readTextDouble(r: ByteReader): number {
  const len = r.byte();
  if (len === 255) return -Infinity;
  if (len === 254) return Infinity;
  if (len === 253) return NaN;
  const s = r.latin1(len);
  const strict = parseRedisDouble(s);
  if (strict !== null) return strict;
  // sscanf accepts leading blanks and stops at the first character that cannot continue the number.
  const loose = parseFloat(s);
  if (Number.isNaN(loose)) throw corrupt(`invalid double ${JSON.stringify(s)}`);
  return loose;
}

/**
 * CRC-64/Jones as Redis computes it (src/crc64.c): reflected, polynomial 0xad93d23594c935a9, initial
 * value 0, no final xor. It checks RDB files and DUMP payloads, so whole snapshots go through it.
 *
 * Slice-by-8 over 32-bit halves: BigInt arithmetic per byte would be two orders of magnitude slower.
 * A CRC is carried as a `Crc64` pair so callers can feed data in chunks without converting.
 */

/** A 64-bit CRC as two unsigned 32-bit halves. */
export interface Crc64 {
  hi: number;
  lo: number;
}

/** The reflected polynomial (bit-reversed 0xad93d23594c935a9), in halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/** Eight tables of 256 entries, hi and lo halves interleaved: TABLES[k][2n] hi, [2n+1] lo. */
const T = new Uint32Array(8 * 512);

(function buildTables(): void {
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const bit = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (bit) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    T[2 * n] = hi;
    T[2 * n + 1] = lo;
  }
  // Table k advances a byte k further: t[k][n] = (t[k-1][n] >> 8) ^ t[0][t[k-1][n] & 0xff].
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const phi = T[(k - 1) * 512 + 2 * n];
      const plo = T[(k - 1) * 512 + 2 * n + 1];
      const idx = plo & 0xff;
      T[k * 512 + 2 * n] = (phi >>> 8) ^ T[2 * idx];
      T[k * 512 + 2 * n + 1] = ((plo >>> 8) | (phi << 24)) ^ T[2 * idx + 1];
    }
  }
})();

/** Continue `crc` over `data[start, end)`; returns the new CRC (the argument is not modified). */
export function crc64Update(crc: Crc64, data: Uint8Array, start = 0, end = data.length): Crc64 {
  let hi = crc.hi;
  let lo = crc.lo;
  let p = start;
  const t = T;
  // Eight bytes at a time: xor them into the CRC, then one lookup per byte in its own table.
  const stop = end - 8;
  while (p <= stop) {
    const l = lo ^ (data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24));
    const h = hi ^ (data[p + 4] | (data[p + 5] << 8) | (data[p + 6] << 16) | (data[p + 7] << 24));
    const i7 = 7 * 512 + 2 * (l & 0xff);
    const i6 = 6 * 512 + 2 * ((l >>> 8) & 0xff);
    const i5 = 5 * 512 + 2 * ((l >>> 16) & 0xff);
    const i4 = 4 * 512 + 2 * (l >>> 24);
    const i3 = 3 * 512 + 2 * (h & 0xff);
    const i2 = 2 * 512 + 2 * ((h >>> 8) & 0xff);
    const i1 = 512 + 2 * ((h >>> 16) & 0xff);
    const i0 = 2 * (h >>> 24);
    hi = t[i7] ^ t[i6] ^ t[i5] ^ t[i4] ^ t[i3] ^ t[i2] ^ t[i1] ^ t[i0];
    lo = t[i7 + 1] ^ t[i6 + 1] ^ t[i5 + 1] ^ t[i4 + 1] ^ t[i3 + 1] ^ t[i2 + 1] ^ t[i1 + 1] ^ t[i0 + 1];
    p += 8;
  }
  for (; p < end; p++) {
    const i = 2 * ((lo ^ data[p]) & 0xff);
    lo = ((lo >>> 8) | (hi << 24)) ^ t[i + 1];
    hi = (hi >>> 8) ^ t[i];
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

export const CRC64_INIT: Crc64 = { hi: 0, lo: 0 };

/** CRC-64 of a whole buffer. */
export function crc64(data: Uint8Array, start = 0, end = data.length): Crc64 {
  return crc64Update(CRC64_INIT, data, start, end);
}

/** The CRC as Redis stores it after RDB data and DUMP payloads: 8 bytes little-endian. */
export function writeCrc64LE(crc: Crc64, out: Uint8Array, pos: number): void {
  const lo = crc.lo;
  const hi = crc.hi;
  out[pos] = lo & 0xff;
  out[pos + 1] = (lo >>> 8) & 0xff;
  out[pos + 2] = (lo >>> 16) & 0xff;
  out[pos + 3] = lo >>> 24;
  out[pos + 4] = hi & 0xff;
  out[pos + 5] = (hi >>> 8) & 0xff;
  out[pos + 6] = (hi >>> 16) & 0xff;
  out[pos + 7] = hi >>> 24;
}

/** The 8 little-endian bytes at `pos` as a Crc64. */
export function readCrc64LE(buf: Uint8Array, pos: number): Crc64 {
  return {
    lo: (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0,
    hi: (buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24)) >>> 0,
  };
}

export function crc64Equal(a: Crc64, b: Crc64): boolean {
  return a.hi === b.hi && a.lo === b.lo;
}

export function crc64IsZero(c: Crc64): boolean {
  return c.hi === 0 && c.lo === 0;
}

/** Hex spelling (16 digits) for messages and tests. */
export function crc64Hex(c: Crc64): string {
  return c.hi.toString(16).padStart(8, '0') + c.lo.toString(16).padStart(8, '0');
}

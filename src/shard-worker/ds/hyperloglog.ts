/**
 * HyperLogLog, byte for byte as Redis 7.0's hyperloglog.c: the same "HYLL" header, sparse and dense
 * encodings, cached cardinality, MurmurHash64A (seed 0xadc83b19) and Ertl's improved estimator, so a
 * value built here is the exact string Redis would hold after the same operations (DUMP/RESTORE and RDB
 * interchange depend on it) and every PFCOUNT agrees with Redis.
 *
 * Layout (16-byte header, then registers):
 *
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | cached cardinality, u64 LE (MSB set = stale)
 *
 * Dense: 16384 6-bit registers packed LSB first (12288 bytes). Sparse: run-length opcodes
 *   ZERO  00xxxxxx           1..64 zero registers
 *   XZERO 01xxxxxx yyyyyyyy  1..16384 zero registers
 *   VAL   1vvvvvxx           value 1..32 repeated 1..4 times
 *
 * An Hll wraps a byte buffer with spare capacity (the sparse encoding grows in place like an sds).
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const HLL_ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)
/** Redis's default hll-sparse-max-bytes. */
export const HLL_SPARSE_MAX_BYTES_DEFAULT = 3000;

// ---------------------------------------------------------------------------------------------- hashing

/** Result registers of the 64-bit helpers (no allocation per call). */
let rHi = 0;
let rLo = 0;

/** (ah:al) × (bh:bl) mod 2^64 into rHi:rLo. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = (mid >>> 16) + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + p11;
  rHi = (carry + Math.imul(al, bh) + Math.imul(ah, bl)) >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** Sets rHi:rLo = h ^ (h >>> 47) for h = hi:lo. */
function xorShift47(hi: number, lo: number): void {
  rLo = (lo ^ (hi >>> 15)) >>> 0;
  rHi = hi;
}

/** MurmurHash64A as in Redis (little-endian reads, endian neutral); the hash lands in rHi:rLo. */
export function murmurHash64A(key: Uint8Array, start: number, len: number, seed: number): void {
  // h = seed ^ (len * m)
  mul64(0, len >>> 0, M_HI, M_LO);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const end8 = start + (len - (len & 7));
  let i = start;
  for (; i < end8; i += 8) {
    const kLo = (key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24)) >>> 0;
    const kHi = (key[i + 4] | (key[i + 5] << 8) | (key[i + 6] << 16) | (key[i + 7] << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    xorShift47(rHi, rLo);
    mul64(rHi, rLo, M_HI, M_LO);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  const rem = len & 7;
  if (rem !== 0) {
    if (rem >= 7) hHi ^= key[i + 6] << 16;
    if (rem >= 6) hHi ^= key[i + 5] << 8;
    if (rem >= 5) hHi ^= key[i + 4];
    if (rem >= 4) hLo ^= key[i + 3] << 24;
    if (rem >= 3) hLo ^= key[i + 2] << 16;
    if (rem >= 2) hLo ^= key[i + 1] << 8;
    hLo ^= key[i];
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hHi = rHi;
    hLo = rLo;
  }
  xorShift47(hHi, hLo);
  mul64(rHi, rLo, M_HI, M_LO);
  xorShift47(rHi, rLo);
}

/** Register index of the last hllPatLen call. */
let patIndex = 0;

/** Redis's hllPatLen: the register index (in patIndex) and the length of the 000..1 pattern. */
export function hllPatLen(ele: Uint8Array): number {
  murmurHash64A(ele, 0, ele.length, 0xadc83b19);
  patIndex = rLo & HLL_P_MASK;
  const low = rLo >>> HLL_P; // hash bits 14..31 (18 bits)
  if (low !== 0) return ctz32(low) + 1;
  if (rHi !== 0) return 18 + ctz32(rHi) + 1;
  return HLL_Q + 1;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** For tests: register index and count of an element, as Redis computes them. */
export function patternOf(ele: Uint8Array): { index: number; count: number } {
  const count = hllPatLen(ele);
  return { index: patIndex, count };
}

// ---------------------------------------------------------------------------------------------- estimator

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's estimator over a register histogram (Redis's hllCount after the histogram step). */
export function countFromHistogram(reghisto: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j];
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0] / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

// ---------------------------------------------------------------------------------------------- validation

/** Redis's isHLLObjectOrReply checks on a string value: header, magic, encoding, dense length. */
export function isValidHllString(s: string): boolean {
  if (s.length < HLL_HDR_SIZE) return false;
  if (s.charCodeAt(0) !== 0x48 || s.charCodeAt(1) !== 0x59 || s.charCodeAt(2) !== 0x4c || s.charCodeAt(3) !== 0x4c) {
    return false;
  }
  const enc = s.charCodeAt(4);
  if (enc > HLL_MAX_ENCODING) return false;
  if (enc === HLL_DENSE && s.length !== HLL_DENSE_SIZE) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------- the value

export class Hll {
  /** Bytes with spare capacity; only [0, len) is the value. */
  b: Uint8Array;
  len: number;

  private constructor(b: Uint8Array, len: number) {
    this.b = b;
    this.len = len;
  }

  /** Redis's createHLLObject: sparse, every register zero (one XZERO:16384), cardinality 0. */
  static create(): Hll {
    const len = HLL_HDR_SIZE + 2;
    const b = new Uint8Array(len + 16);
    b[0] = 0x48; // H
    b[1] = 0x59; // Y
    b[2] = 0x4c; // L
    b[3] = 0x4c; // L
    b[4] = HLL_SPARSE;
    const l = SPARSE_XZERO_MAX_LEN - 1;
    b[16] = (l >> 8) | 0x40;
    b[17] = l & 0xff;
    return new Hll(b, len);
  }

  /** Wrap a stored (already validated) latin1 string value. */
  static fromString(s: string): Hll {
    const len = s.length;
    const b = new Uint8Array(len + 16);
    b.set(Buffer.from(s, 'latin1'));
    return new Hll(b, len);
  }

  toString(): string {
    return Buffer.from(this.b.buffer, this.b.byteOffset, this.len).toString('latin1');
  }

  get encoding(): number {
    return this.b[4];
  }

  invalidateCache(): void {
    this.b[15] |= 0x80;
  }

  validCache(): boolean {
    return (this.b[15] & 0x80) === 0;
  }

  /**
   * The cached cardinality (only meaningful when validCache()): a bigint past 2^53, which only a
   * hand-edited value holds (SETRANGE/BITFIELD on the header), so that PFCOUNT repeats it exactly.
   */
  cachedCard(): number | bigint {
    const b = this.b;
    const lo = (b[8] | (b[9] << 8) | (b[10] << 16) | (b[11] << 24)) >>> 0;
    const hi = (b[12] | (b[13] << 8) | (b[14] << 16) | (b[15] << 24)) >>> 0;
    return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  }

  setCachedCard(card: number): void {
    const b = this.b;
    const lo = card % 4294967296;
    const hi = Math.floor(card / 4294967296);
    b[8] = lo & 0xff;
    b[9] = (lo >>> 8) & 0xff;
    b[10] = (lo >>> 16) & 0xff;
    b[11] = (lo >>> 24) & 0xff;
    b[12] = hi & 0xff;
    b[13] = (hi >>> 8) & 0xff;
    b[14] = (hi >>> 16) & 0xff;
    b[15] = (hi >>> 24) & 0xff;
  }

  private ensure(cap: number): void {
    if (this.b.length >= cap) return;
    const nb = new Uint8Array(Math.max(cap, this.b.length * 2));
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }

  // -------------------------------------------------------------------------------------- dense

  denseGet(regnum: number): number {
    const p = HLL_HDR_SIZE + ((regnum * HLL_BITS) >> 3);
    const fb = (regnum * HLL_BITS) & 7;
    const b0 = this.b[p];
    const b1 = p + 1 < this.b.length ? this.b[p + 1] : 0;
    return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
  }

  private denseSetRaw(regnum: number, val: number): void {
    const b = this.b;
    const p = HLL_HDR_SIZE + ((regnum * HLL_BITS) >> 3);
    const fb = (regnum * HLL_BITS) & 7;
    const fb8 = 8 - fb;
    b[p] = (b[p] & ~(HLL_REGISTER_MAX << fb)) | ((val << fb) & 0xff);
    if (p + 1 < b.length) b[p + 1] = (b[p + 1] & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
  }

  /** Redis's hllDenseSet: raise register `index` to `count`; 1 when it changed. */
  denseSet(index: number, count: number): number {
    if (count > this.denseGet(index)) {
      this.denseSetRaw(index, count);
      return 1;
    }
    return 0;
  }

  // -------------------------------------------------------------------------------------- sparse

  /** Redis's hllSparseToDense: false (and nothing changed) when the sparse data is corrupt. */
  sparseToDense(): boolean {
    if (this.b[4] === HLL_DENSE) return true;
    const old = this.b;
    const end = this.len;
    const dense = new Hll(new Uint8Array(HLL_DENSE_SIZE + 1), HLL_DENSE_SIZE);
    dense.b.set(old.subarray(0, HLL_HDR_SIZE));
    dense.b[4] = HLL_DENSE;
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < end) {
      const op = old[p];
      if ((op & 0xc0) === 0) {
        idx += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        idx += (((op & 0x3f) << 8) | old[p + 1]) + 1;
        p += 2;
      } else {
        let runlen = (op & 3) + 1;
        const regval = ((op >> 2) & 0x1f) + 1;
        if (runlen + idx > HLL_REGISTERS) break;
        while (runlen--) dense.denseSetRaw(idx++, regval);
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return false;
    this.b = dense.b;
    this.len = dense.len;
    return true;
  }

  /**
   * Redis's hllSparseSet: raise register `index` to `count`. 1 when changed, 0 when not, -1 when the
   * representation is corrupt. Promotes to dense when `count` is beyond what VAL can hold or the
   * sparse string would pass `maxBytes`.
   */
  sparseSet(index: number, count: number, maxBytes: number): number {
    if (count > SPARSE_VAL_MAX_VALUE) return this.promote(index, count);
    this.ensure(this.len + 4);
    const b = this.b;
    const sparse = HLL_HDR_SIZE;
    let p = sparse;
    let end = this.len;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      let oplen = 1;
      const op = b[p];
      if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
      else if (op & 0x80) span = (op & 3) + 1;
      else {
        span = (((op & 0x3f) << 8) | b[p + 1]) + 1;
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;

    const op = b[p];
    const isXzero = (op & 0xc0) === 0x40;
    let next = isXzero ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const isZero = (op & 0xc0) === 0;
    const isVal = (op & 0x80) !== 0;
    const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | b[p + 1]) + 1 : (op & 3) + 1;

    let simple = false;
    if (isVal) {
      const oldcount = ((op >> 2) & 0x1f) + 1;
      if (oldcount >= count) return 0; // case A
      if (runlen === 1) {
        b[p] = valOp(count, 1); // case B
        simple = true;
      }
    }
    if (!simple && isZero && runlen === 1) {
      b[p] = valOp(count, 1); // case C
      simple = true;
    }

    if (!simple) {
      // Case D: split the opcode into up to three.
      const seq = [0, 0, 0, 0, 0];
      let n = 0;
      const last = first + span - 1;
      if (isZero || isXzero) {
        if (index !== first) n = zeroRun(seq, n, index - first);
        seq[n++] = valOp(count, 1);
        if (index !== last) n = zeroRun(seq, n, last - index);
      } else {
        const curval = ((op >> 2) & 0x1f) + 1;
        if (index !== first) seq[n++] = valOp(curval, index - first);
        seq[n++] = valOp(count, 1);
        if (index !== last) seq[n++] = valOp(curval, last - index);
      }
      const seqlen = n;
      const oldlen = isXzero ? 2 : 1;
      const deltalen = seqlen - oldlen;
      if (deltalen > 0 && this.len + deltalen > maxBytes) return this.promote(index, count);
      if (deltalen !== 0 && next >= 0) b.copyWithin(next + deltalen, next, end);
      this.len += deltalen;
      for (let k = 0; k < seqlen; k++) b[p + k] = seq[k];
      end += deltalen;
    }

    // Step 4: merge adjacent VAL opcodes with the same value, scanning up to 5 opcodes from prev.
    p = prev >= 0 ? prev : sparse;
    let scanlen = 5;
    while (p < end && scanlen-- !== 0) {
      const o = b[p];
      if ((o & 0xc0) === 0x40) {
        p += 2;
        continue;
      } else if ((o & 0xc0) === 0) {
        p++;
        continue;
      }
      if (p + 1 < end && b[p + 1] & 0x80) {
        const v1 = ((o >> 2) & 0x1f) + 1;
        const v2 = ((b[p + 1] >> 2) & 0x1f) + 1;
        if (v1 === v2) {
          const len = (o & 3) + 1 + (b[p + 1] & 3) + 1;
          if (len <= SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, len);
            b.copyWithin(p, p + 1, end);
            this.len--;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  private promote(index: number, count: number): number {
    if (!this.sparseToDense()) return -1;
    return this.denseSet(index, count);
  }

  /** Redis's hllAdd: 1 when a register changed, 0 when not, -1 when corrupt. */
  add(ele: Uint8Array, maxBytes: number): number {
    const count = hllPatLen(ele);
    const index = patIndex;
    switch (this.b[4]) {
      case HLL_DENSE:
        return this.denseSet(index, count);
      case HLL_SPARSE:
        return this.sparseSet(index, count, maxBytes);
      default:
        return -1;
    }
  }

  /** Redis's hllMerge: max[i] = MAX(max[i], register i); false when the sparse data is corrupt. */
  mergeInto(max: Uint8Array): boolean {
    const b = this.b;
    if (b[4] === HLL_DENSE) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = this.denseGet(i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    const end = this.len;
    let p = HLL_HDR_SIZE;
    let i = 0;
    while (p < end) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        i += (op & 0x3f) + 1;
        p++;
      } else if ((op & 0xc0) === 0x40) {
        i += (((op & 0x3f) << 8) | b[p + 1]) + 1;
        p += 2;
      } else {
        let runlen = (op & 3) + 1;
        const regval = ((op >> 2) & 0x1f) + 1;
        // A run past the last register is a corrupt value (Redis's CVE-2025-32023 check).
        if (runlen + i > HLL_REGISTERS) return false;
        while (runlen--) {
          if (regval > max[i]) max[i] = regval;
          i++;
        }
        p++;
      }
    }
    return i === HLL_REGISTERS;
  }

  /** Redis's hllCount: the estimate, or -1 when a sparse representation is corrupt. */
  count(): number {
    const reghisto = new Int32Array(64);
    const b = this.b;
    if (b[4] === HLL_DENSE) {
      for (let j = 0; j < HLL_REGISTERS; j++) reghisto[this.denseGet(j)]++;
    } else {
      const end = this.len;
      let p = HLL_HDR_SIZE;
      let idx = 0;
      while (p < end) {
        const op = b[p];
        if ((op & 0xc0) === 0) {
          const runlen = (op & 0x3f) + 1;
          idx += runlen;
          reghisto[0] += runlen;
          p++;
        } else if ((op & 0xc0) === 0x40) {
          const runlen = (((op & 0x3f) << 8) | b[p + 1]) + 1;
          idx += runlen;
          reghisto[0] += runlen;
          p += 2;
        } else {
          const runlen = (op & 3) + 1;
          idx += runlen;
          reghisto[((op >> 2) & 0x1f) + 1] += runlen;
          p++;
        }
      }
      if (idx !== HLL_REGISTERS) return -1;
    }
    return countFromHistogram(reghisto);
  }

  /** PFDEBUG DECODE's text for a sparse HLL. */
  decodeSparse(): string {
    const b = this.b;
    const parts: string[] = [];
    let p = HLL_HDR_SIZE;
    while (p < this.len) {
      const op = b[p];
      if ((op & 0xc0) === 0) {
        parts.push(`z:${(op & 0x3f) + 1}`);
        p++;
      } else if ((op & 0xc0) === 0x40) {
        parts.push(`Z:${(((op & 0x3f) << 8) | b[p + 1]) + 1}`);
        p += 2;
      } else {
        parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
        p++;
      }
    }
    return parts.join(' ');
  }
}

/** Estimate over raw 8-bit registers (PFCOUNT of several keys). */
export function countRaw(max: Uint8Array): number {
  const reghisto = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) reghisto[max[i]]++;
  return countFromHistogram(reghisto);
}

function valOp(val: number, len: number): number {
  return (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
}

/** Append a ZERO or XZERO opcode for `len` zero registers; returns the new write position. */
function zeroRun(seq: number[], n: number, len: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq[n++] = (l >> 8) | 0x40;
    seq[n++] = l & 0xff;
  } else {
    seq[n++] = len - 1;
  }
  return n;
}

/**
 * LZF (liblzf 3.6, as vendored by Redis 7.0 in src/lzf_c.c / src/lzf_d.c), the compression RDB files and
 * DUMP payloads use for long strings and quicklist nodes.
 *
 * The compressor follows Redis's build settings (HLOG 16, VERY_FAST, hash table not pre-set) so its
 * output matches Redis's byte for byte in practice; Redis leaves the table uninitialised, so strictly
 * speaking its output is not deterministic, which is why only decompressibility is a requirement.
 *
 * Stream format: 000LLLLL + L+1 literal bytes | LLLooooo oooooooo (back reference of L+2 bytes,
 * offset o+1) | 111ooooo LLLLLLLL oooooooo (back reference of L+9 bytes).
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** Reused hash table of input positions (0 = empty: position 0 can never be referenced anyway). */
const htab = new Int32Array(HSIZE);
/**
 * The call that wrote each slot: slots of earlier calls read as empty. Clearing the 256 KB table on
 * every call instead cost ~2.5 µs, most of the time spent on a short string.
 */
const htabGen = new Uint32Array(HSIZE);
let gen = 0;

function idx(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Compress `input[start, end)` into at most `outLen` bytes. Returns the compressed bytes, or null when
 * they would not fit in `outLen` (lzf_compress returning 0), which is how callers ask for "at least
 * this much smaller".
 */
export function lzfCompress(input: Uint8Array, outLen: number, start = 0, end = input.length): Buffer | null {
  const inLen = end - start;
  if (inLen === 0 || outLen <= 0) return null;
  const out = Buffer.allocUnsafe(outLen + 1);
  if (++gen === 0xffffffff) {
    htabGen.fill(0);
    gen = 1;
  }
  const inEnd = end;
  const outEnd = outLen;
  let ip = start;
  let op = 0;
  let lit = 0;
  op++; // start run

  let hval = (input[ip] << 8) | input[ip + 1];
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
    const slot = idx(hval);
    const ref = htabGen[slot] === gen ? htab[slot] : 0;
    htab[slot] = ip;
    htabGen[slot] = gen;
    const off = ip - ref - 1;
    if (
      ref > start &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;

      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero

      if (op + 3 + 1 >= outEnd) return null;

      // lzf_c.c unrolls the first 16 comparisons when maxlen > 16 and only then falls into the bounded
      // loop, whose first step is unchecked: a match can end past maxlen there. Kept for identical output.
      let unrolled = 0;
      if (maxlen > 16) {
        for (; unrolled < 16; unrolled++) {
          len++;
          if (input[ref + len] !== input[ip + len]) break;
        }
      }
      if (maxlen <= 16 || unrolled === 16) {
        do len++;
        while (len < maxlen && input[ref + len] === input[ip + len]);
      }

      len -= 2; // len is now #octets - 1
      ip++;

      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run

      ip += len + 1;
      if (ip >= inEnd - 2) break;

      // VERY_FAST: hash the last two positions of the match.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      let h = idx(hval);
      htab[h] = ip;
      htabGen[h] = gen;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      h = idx(hval);
      htab[h] = ip;
      htabGen[h] = gen;
      ip++;
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }

  if (op + 3 > outEnd) return null; // at most 3 bytes can be missing here

  while (ip < inEnd) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }

  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--; // undo run if length is zero

  return out.subarray(0, op);
}

/**
 * Decompress `input[start, end)`, which must expand to exactly `outLen` bytes (what Redis checks).
 * Returns null on any corruption: a reference before the start, a run past either end, a wrong length.
 */
export function lzfDecompress(input: Uint8Array, outLen: number, start = 0, end = input.length): Buffer | null {
  // lzf_decompress fails (returns 0) for any input when there is no room, which Redis takes as success.
  if (outLen === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(outLen);
  let ip = start;
  let op = 0;
  if (ip >= end) return null;
  do {
    let ctrl = input[ip++];
    if (ctrl < 1 << 5) {
      // literal run of ctrl + 1 bytes
      ctrl++;
      if (op + ctrl > outLen) return null;
      if (ip + ctrl > end) return null;
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      // back reference
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return null;
      if (len === 7) {
        len += input[ip++];
        if (ip >= end) return null;
      }
      ref -= input[ip++];
      if (op + len + 2 > outLen) return null;
      if (ref < 0) return null;
      // Byte by byte: the source may overlap the bytes being written (repeats).
      for (let k = 0; k < len + 2; k++) out[op++] = out[ref++];
    }
  } while (ip < end);
  return op === outLen ? out : null;
}

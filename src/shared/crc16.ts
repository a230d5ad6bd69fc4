/**
 * CRC16 and cluster hash slots, as Redis computes them.
 *
 * The CRC is CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final xor), the
 * variant Redis implements in src/crc16.c and uses for `CLUSTER KEYSLOT`. The 256-entry lookup table
 * is derived from the polynomial once at module load, so it is identical to the table in crc16.c.
 *
 * `keyHashSlot` follows src/cluster.c: if the key contains a `{` and, after it, a `}` with at least
 * one byte between them, only the bytes between the first `{` and the first following `}` are hashed;
 * otherwise the whole key is. The slot is the CRC masked to 14 bits (16384 slots).
 */

export const CLUSTER_SLOTS = 16384;
const SLOT_MASK = 0x3fff;

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    t[i] = crc;
  }
  return t;
})();

/** CRC-16/XMODEM of `buf[start, end)`. */
export function crc16(buf: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ buf[i]) & 0xff];
  }
  return crc;
}

/** CRC-16/XMODEM of the latin1 string `s[start, end)` (each char code is one byte). */
export function crc16String(s: string, start = 0, end: number = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ s.charCodeAt(i)) & 0xff];
  }
  return crc;
}

/** Redis's keyHashSlot over the key bytes `buf[start, end)`. */
export function keyHashSlot(buf: Uint8Array, start: number, end: number): number {
  let s = start;
  while (s < end && buf[s] !== 0x7b /* { */) s++;
  // No '{': hash the whole key.
  if (s === end) return crc16(buf, start, end) & SLOT_MASK;
  let e = s + 1;
  while (e < end && buf[e] !== 0x7d /* } */) e++;
  // No '}' or nothing between "{}": hash the whole key.
  if (e === end || e === s + 1) return crc16(buf, start, end) & SLOT_MASK;
  return crc16(buf, s + 1, e) & SLOT_MASK;
}

/** Redis's keyHashSlot of a latin1 JS string (each char code is one byte). */
export function keyHashSlotOfString(key: string): number {
  const end = key.length;
  let s = 0;
  while (s < end && key.charCodeAt(s) !== 0x7b) s++;
  if (s === end) return crc16String(key, 0, end) & SLOT_MASK;
  let e = s + 1;
  while (e < end && key.charCodeAt(e) !== 0x7d) e++;
  if (e === end || e === s + 1) return crc16String(key, 0, end) & SLOT_MASK;
  return crc16String(key, s + 1, e) & SLOT_MASK;
}

/**
 * Bitmap commands (Redis 7.0 bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
 *
 * Bitmaps are plain strings (latin1 JS strings, one char per byte; bit 0 is the most significant bit of
 * byte 0). Reads work on char codes without copying; writes build the new string once. The order in
 * which arguments, keys and types are checked is Redis 7.0's (it decides which error a client sees),
 * e.g. BITCOUNT and BITPOS look the key up before parsing their range.
 */
import { register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_STRING } from '../../shared/config.js';
import { int64Arg, parseInt64, stringRangeIndex } from './int-args.js';

const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
const ERR_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';
const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const ERR_OVERFLOW_TYPE = 'ERR Invalid OVERFLOW type specified';
const ERR_BITFIELD_RO = 'ERR BITFIELD_RO only supports the GET subcommand';

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

// ---------------------------------------------------------------------------------------------- helpers

/**
 * Redis's getBitOffsetFromArgument: a bit offset, optionally "#n" (times `bits`) when `hash`; replies
 * "bit offset is not an integer or out of range" when invalid, negative, or past proto-max-bulk-len.
 */
function bitOffsetArg(ctx: ExecContext, i: number, hash: boolean, bits: number): number | null {
  const s = ctx.args.str(i);
  const useHash = hash && bits > 0 && s.length > 0 && s.charCodeAt(0) === 35; /* '#' */
  const parsed = parseInt64(useHash ? s.slice(1) : s);
  if (parsed === null) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  let off = BigInt(parsed);
  // C multiplies in int64 and wraps; reproduce that before the range check.
  if (useHash) off = BigInt.asIntN(64, off * BigInt(bits));
  if (off < 0n || off >> 3n >= BigInt(ctx.shard.config.protoMaxBulkLen)) {
    ctx.reply.error(ERR_BIT_OFFSET);
    return null;
  }
  return Number(off);
}

/** The string at `key`, undefined when missing, null after replying WRONGTYPE. */
function lookupString(ctx: ExecContext, key: string): string | undefined | null {
  const v = ctx.db.get(key, ctx.now);
  if (v === undefined || typeof v === 'string') return v;
  ctx.reply.error(Err.wrongType);
  return null;
}

/** Bit `bitOffset` of a latin1 string (0 past its end). */
function bitAt(s: string, bitOffset: number): number {
  const byte = Math.floor(bitOffset / 8);
  if (byte >= s.length) return 0;
  return (s.charCodeAt(byte) >> (7 - (bitOffset & 7))) & 1;
}

// ---------------------------------------------------------------------------------------------- SETBIT / GETBIT

register('setbit', (ctx) => {
  const off = bitOffsetArg(ctx, 2, false, 0);
  if (off === null) return;
  const on = int64Arg(ctx, 3, ERR_BIT_VALUE);
  if (on === null) return;
  if (on !== 0 && on !== 1) {
    ctx.reply.error(ERR_BIT_VALUE);
    return;
  }
  const key = ctx.args.str(1);
  const v = lookupString(ctx, key);
  if (v === null) return;
  const byte = Math.floor(off / 8);
  const old = v === undefined ? '' : v;
  const shift = 7 - (off & 7);
  const oldByte = byte < old.length ? old.charCodeAt(byte) : 0;
  const oldBit = (oldByte >> shift) & 1;
  if (v === undefined || byte >= old.length || oldBit !== on) {
    const newByte = on ? oldByte | (1 << shift) : oldByte & ~(1 << shift);
    let next: string;
    if (byte >= old.length) next = old + '\0'.repeat(byte - old.length) + String.fromCharCode(newByte);
    else next = old.slice(0, byte) + String.fromCharCode(newByte) + old.slice(byte + 1);
    if (v === undefined) ctx.db.set(key, next);
    else ctx.db.update(key, next);
    // Redis 7.0 announces only a new key, a longer string or a flipped bit.
    ctx.shard.notify(NOTIFY_STRING, 'setbit', ctx.dbIndex, key);
  }
  ctx.shard.keyModified(ctx.dbIndex, key);
  ctx.reply.int(oldBit);
});

register('getbit', (ctx) => {
  const off = bitOffsetArg(ctx, 2, false, 0);
  if (off === null) return;
  const v = lookupString(ctx, ctx.args.str(1));
  if (v === null) return;
  ctx.reply.int(v === undefined ? 0 : bitAt(v, off));
});

// ---------------------------------------------------------------------------------------------- BITCOUNT / BITPOS

/** BIT|BYTE argument: 1 for BIT, 0 for BYTE, -1 after replying a syntax error. */
function unitArg(ctx: ExecContext, i: number): number {
  if (ctx.args.is(i, 'bit')) return 1;
  if (ctx.args.is(i, 'byte')) return 0;
  ctx.reply.error(Err.syntax);
  return -1;
}

/** Set bits in bytes [start, end] of `s`. */
function popcount(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

register('bitcount', (ctx) => {
  const a = ctx.args;
  const argc = a.count;
  // Redis 7.0 looks the key up first: a missing key counts 0 whatever the other arguments are.
  const v = lookupString(ctx, a.str(1));
  if (v === null) return;
  if (v === undefined) {
    ctx.reply.int(0);
    return;
  }
  const len = v.length;
  if (argc === 2) {
    ctx.reply.int(popcount(v, 0, len - 1));
    return;
  }
  if (argc !== 4 && argc !== 5) {
    ctx.reply.error(Err.syntax);
    return;
  }
  const s0 = int64Arg(ctx, 2);
  if (s0 === null) return;
  const e0 = int64Arg(ctx, 3);
  if (e0 === null) return;
  // Redis 7.0 answers 0 for this before it looks at BYTE/BIT (so "-2 -5 BAD" is 0, not an error).
  if (s0 < 0 && e0 < 0 && s0 > e0) {
    ctx.reply.int(0);
    return;
  }
  let isBit = 0;
  if (argc === 5) {
    isBit = unitArg(ctx, 4);
    if (isBit < 0) return;
  }
  const total = isBit ? len * 8 : len;
  const start = stringRangeIndex(s0, total);
  const end = Math.min(stringRangeIndex(e0, total), total - 1);
  if (start > end) {
    ctx.reply.int(0);
    return;
  }
  if (!isBit) {
    ctx.reply.int(popcount(v, start, end));
    return;
  }
  const sb = start >> 3;
  const eb = end >> 3;
  let n = popcount(v, sb, eb);
  // Drop the bits of the edge bytes that lie outside the range.
  n -= POPCOUNT[v.charCodeAt(sb) & ~((1 << (8 - (start & 7))) - 1) & 0xff];
  n -= POPCOUNT[v.charCodeAt(eb) & ((1 << (7 - (end & 7))) - 1)];
  ctx.reply.int(n);
});

/** First bit equal to `bit` in bit positions [from, to] of `s` (all within the string), or -1. */
function findBit(s: string, bit: number, from: number, to: number): number {
  let pos = from;
  // Leading partial byte.
  while (pos <= to && (pos & 7) !== 0) {
    if (((s.charCodeAt(pos >> 3) >> (7 - (pos & 7))) & 1) === bit) return pos;
    pos++;
  }
  // Whole bytes.
  const skip = bit ? 0 : 0xff;
  while (pos + 7 <= to) {
    const c = s.charCodeAt(pos >> 3);
    if (c !== skip) {
      for (let k = 0; k < 8; k++) if (((c >> (7 - k)) & 1) === bit) return pos + k;
    }
    pos += 8;
  }
  // Trailing partial byte.
  for (; pos <= to; pos++) {
    if (((s.charCodeAt(pos >> 3) >> (7 - (pos & 7))) & 1) === bit) return pos;
  }
  return -1;
}

register('bitpos', (ctx) => {
  const a = ctx.args;
  const argc = a.count;
  const bit = int64Arg(ctx, 2);
  if (bit === null) return;
  if (bit !== 0 && bit !== 1) {
    ctx.reply.error(ERR_BITPOS_BIT);
    return;
  }
  // A missing key is an infinite run of 0 bits.
  const v = lookupString(ctx, a.str(1));
  if (v === null) return;
  if (v === undefined) {
    ctx.reply.int(bit ? -1 : 0);
    return;
  }
  const len = v.length;
  let endGiven = false;
  let sbit: number;
  let ebit: number;
  if (argc === 3) {
    sbit = 0;
    ebit = len * 8 - 1;
  } else if (argc <= 6) {
    const s0 = int64Arg(ctx, 3);
    if (s0 === null) return;
    let isBit = 0;
    if (argc === 6) {
      isBit = unitArg(ctx, 5);
      if (isBit < 0) return;
    }
    let e0: number | bigint = isBit ? len * 8 + 7 : len - 1;
    if (argc >= 5) {
      const e = int64Arg(ctx, 4);
      if (e === null) return;
      e0 = e;
      endGiven = true;
    }
    const total = isBit ? len * 8 : len;
    const start = stringRangeIndex(s0, total);
    const end = Math.min(stringRangeIndex(e0, total), total - 1);
    if (start > end) {
      ctx.reply.int(-1);
      return;
    }
    sbit = isBit ? start : start * 8;
    ebit = isBit ? end : end * 8 + 7;
  } else {
    ctx.reply.error(Err.syntax);
    return;
  }
  if (sbit > ebit) {
    ctx.reply.int(-1);
    return;
  }
  const pos = findBit(v, bit, sbit, ebit);
  if (pos >= 0) ctx.reply.int(pos);
  // No clear bit in range: without an explicit end the string counts as padded with zeros.
  else if (bit === 0 && !endGiven) ctx.reply.int(ebit + 1);
  else ctx.reply.int(-1);
});

// ---------------------------------------------------------------------------------------------- BITOP

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

register('bitop', (ctx) => {
  const a = ctx.args;
  const argc = a.count;
  let op: number;
  if (a.is(1, 'and')) op = OP_AND;
  else if (a.is(1, 'or')) op = OP_OR;
  else if (a.is(1, 'xor')) op = OP_XOR;
  else if (a.is(1, 'not')) op = OP_NOT;
  else {
    ctx.reply.error(Err.syntax);
    return;
  }
  if (op === OP_NOT && argc !== 4) {
    ctx.reply.error(ERR_BITOP_NOT);
    return;
  }
  const n = argc - 3;
  const srcs: Buffer[] = [];
  let maxlen = 0;
  for (let j = 0; j < n; j++) {
    const v = lookupString(ctx, a.str(j + 3));
    if (v === null) return;
    const b = v === undefined ? Buffer.alloc(0) : Buffer.from(v, 'latin1');
    srcs.push(b);
    if (b.length > maxlen) maxlen = b.length;
  }
  const res = Buffer.alloc(maxlen);
  if (maxlen > 0) {
    const first = srcs[0];
    if (op === OP_NOT) {
      for (let i = 0; i < maxlen; i++) res[i] = ~first[i] & 0xff;
    } else {
      first.copy(res, 0);
      for (let j = 1; j < n; j++) {
        const s = srcs[j];
        const sl = s.length;
        if (op === OP_AND) {
          for (let i = 0; i < sl; i++) res[i] &= s[i];
          res.fill(0, sl);
        } else if (op === OP_OR) {
          for (let i = 0; i < sl; i++) res[i] |= s[i];
        } else {
          for (let i = 0; i < sl; i++) res[i] ^= s[i];
        }
      }
    }
  }
  const dest = a.str(2);
  if (maxlen > 0) {
    ctx.db.set(dest, res.latin1Slice(0, maxlen));
    ctx.shard.keyModified(ctx.dbIndex, dest);
    ctx.shard.notify(NOTIFY_STRING, 'set', ctx.dbIndex, dest);
  } else if (ctx.db.delete(dest)) {
    ctx.shard.keyModified(ctx.dbIndex, dest);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, dest);
  }
  ctx.reply.int(maxlen);
});

// ---------------------------------------------------------------------------------------------- BITFIELD

const OV_WRAP = 0;
const OV_SAT = 1;
const OV_FAIL = 2;

const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;

interface BitfieldOp {
  offset: number;
  value: bigint;
  opcode: number;
  overflow: number;
  bits: number;
  signed: boolean;
}

const INT64_MAX = (1n << 63n) - 1n;

/** Redis's getBitfieldTypeFromArgument: [signed, bits] or null after replying the error. */
function bitfieldTypeArg(ctx: ExecContext, i: number): [boolean, number] | null {
  const s = ctx.args.str(i);
  const c = s.length > 0 ? s.charCodeAt(0) : 0;
  if (c === 105 /* i */ || c === 117 /* u */) {
    const signed = c === 105;
    // C reads the width with strlen: it stops at the first NUL byte.
    const nul = s.indexOf('\0', 1);
    const bits = parseInt64(nul < 0 ? s.slice(1) : s.slice(1, nul));
    if (bits !== null && bits >= 1 && bits <= (signed ? 64 : 63)) return [signed, Number(bits)];
  }
  ctx.reply.error(ERR_BITFIELD_TYPE);
  return null;
}

/** `bits` bits from bit `offset` of the byte source, as an unsigned bigint. */
function readBits(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  let v = 0n;
  if (bits <= 48) {
    let n = 0;
    for (let i = 0; i < bits; i++) {
      const p = offset + i;
      n = n * 2 + ((byteAt(Math.floor(p / 8)) >> (7 - (p & 7))) & 1);
    }
    return BigInt(n);
  }
  for (let i = 0; i < bits; i++) {
    const p = offset + i;
    v = (v << 1n) | BigInt((byteAt(Math.floor(p / 8)) >> (7 - (p & 7))) & 1);
  }
  return v;
}

function writeBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(bits, value);
  for (let i = 0; i < bits; i++) {
    const p = offset + i;
    const bit = Number((u >> BigInt(bits - 1 - i)) & 1n);
    const byte = Math.floor(p / 8);
    const mask = 1 << (7 - (p & 7));
    if (bit) buf[byte] |= mask;
    else buf[byte] &= ~mask;
  }
}

function toSigned(u: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, u);
}

/**
 * Redis's checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow, with C's int64 wrap-around in
 * the intermediate limits. Returns [overflow, limit] where limit is the wrapped or saturated value
 * (undefined under FAIL or when there is no overflow).
 */
function checkOverflow(
  signed: boolean,
  value: bigint,
  incr: bigint,
  bits: number,
  owtype: number,
): [number, bigint | undefined] {
  const b = BigInt(bits);
  let max: bigint;
  let min: bigint;
  if (signed) {
    max = bits === 64 ? INT64_MAX : (1n << (b - 1n)) - 1n;
    min = -max - 1n;
  } else {
    max = (1n << b) - 1n;
    min = 0n;
  }
  const wrap = (): bigint => (signed ? BigInt.asIntN(bits, value + incr) : BigInt.asUintN(bits, value + incr));
  let dir = 0;
  if (signed) {
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) dir = 1;
    else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) dir = -1;
  } else {
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxincr)) dir = 1;
    else if (incr < 0n && incr < minincr) dir = -1;
  }
  if (dir === 0) return [0, undefined];
  if (owtype === OV_WRAP) return [dir, wrap()];
  if (owtype === OV_SAT) return [dir, dir > 0 ? max : min];
  return [dir, undefined];
}

function bitfield(ctx: ExecContext, readonlyCommand: boolean): void {
  const a = ctx.args;
  const argc = a.count;
  const ops: BitfieldOp[] = [];
  let owtype = OV_WRAP;
  let readonly = true;
  let highestWrite = 0;
  for (let j = 2; j < argc; j++) {
    const remargs = argc - j - 1;
    let opcode: number;
    if (a.is(j, 'get') && remargs >= 2) opcode = BF_GET;
    else if (a.is(j, 'set') && remargs >= 3) opcode = BF_SET;
    else if (a.is(j, 'incrby') && remargs >= 3) opcode = BF_INCRBY;
    else if (a.is(j, 'overflow') && remargs >= 1) {
      j++;
      if (a.is(j, 'wrap')) owtype = OV_WRAP;
      else if (a.is(j, 'sat')) owtype = OV_SAT;
      else if (a.is(j, 'fail')) owtype = OV_FAIL;
      else {
        ctx.reply.error(ERR_OVERFLOW_TYPE);
        return;
      }
      continue;
    } else {
      ctx.reply.error(Err.syntax);
      return;
    }
    const type = bitfieldTypeArg(ctx, j + 1);
    if (type === null) return;
    const [signed, bits] = type;
    const offset = bitOffsetArg(ctx, j + 2, true, bits);
    if (offset === null) return;
    let value = 0n;
    if (opcode !== BF_GET) {
      readonly = false;
      if (highestWrite < offset + bits - 1) highestWrite = offset + bits - 1;
      const v = int64Arg(ctx, j + 3);
      if (v === null) return;
      value = BigInt(v);
    }
    ops.push({ offset, value, opcode, overflow: owtype, bits, signed });
    j += opcode === BF_GET ? 2 : 3;
  }

  const key = a.str(1);
  const w = ctx.reply;
  if (readonly) {
    const v = lookupString(ctx, key);
    if (v === null) return;
    const s = v ?? '';
    const byteAt = (i: number): number => (i < s.length ? s.charCodeAt(i) : 0);
    w.array(ops.length);
    for (const op of ops) {
      const u = readBits(byteAt, op.offset, op.bits);
      w.bigint(op.signed ? toSigned(u, op.bits) : u);
    }
    return;
  }
  if (readonlyCommand) {
    w.error(ERR_BITFIELD_RO);
    return;
  }
  const v = lookupString(ctx, key);
  if (v === null) return;
  // Like Redis, the string is created or zero-padded up to the farthest bit written before any op runs.
  const old = v ?? '';
  const need = Math.floor(highestWrite / 8) + 1;
  const buf = Buffer.alloc(Math.max(need, old.length));
  buf.latin1Write(old, 0);
  const grew = v === undefined || need > old.length;
  const byteAt = (i: number): number => (i < buf.length ? buf[i] : 0);
  let changed = grew;
  w.array(ops.length);
  for (const op of ops) {
    if (op.opcode === BF_GET) {
      const u = readBits(byteAt, op.offset, op.bits);
      w.bigint(op.signed ? toSigned(u, op.bits) : u);
      continue;
    }
    const rawOld = readBits(byteAt, op.offset, op.bits);
    const oldval = op.signed ? toSigned(rawOld, op.bits) : rawOld;
    let newval: bigint;
    let retval: bigint;
    let overflow: number;
    let limit: bigint | undefined;
    if (op.opcode === BF_INCRBY) {
      [overflow, limit] = checkOverflow(op.signed, oldval, op.value, op.bits, op.overflow);
      newval = overflow && limit !== undefined ? limit : op.signed ? oldval + op.value : BigInt.asUintN(64, oldval + op.value);
      retval = newval;
    } else {
      // SET: the value is taken as the field's own type (an unsigned field sees the int64 as uint64).
      const value = op.signed ? op.value : BigInt.asUintN(64, op.value);
      [overflow, limit] = checkOverflow(op.signed, value, 0n, op.bits, op.overflow);
      newval = overflow && limit !== undefined ? limit : value;
      retval = oldval;
    }
    if (overflow && op.overflow === OV_FAIL) {
      w.nullBulk();
      continue;
    }
    w.bigint(retval);
    writeBits(buf, op.offset, op.bits, newval);
    changed = true;
  }
  if (changed) {
    const next = buf.latin1Slice(0, buf.length);
    if (v === undefined) ctx.db.set(key, next);
    else ctx.db.update(key, next);
    ctx.shard.keyModified(ctx.dbIndex, key);
    ctx.shard.notify(NOTIFY_STRING, 'setbit', ctx.dbIndex, key);
  }
}

register('bitfield', (ctx) => bitfield(ctx, false));
register('bitfield_ro', (ctx) => bitfield(ctx, true));

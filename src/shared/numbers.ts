/**
 * Redis 7.0 number parsing and formatting rules, byte-exact.
 *
 *  - Integers: `string2ll` acceptance rules (src/util.c).
 *  - Doubles: `string2d` acceptance rules (strtod-based, as used by ZADD, ZINCRBY, ZRANGEBYSCORE, ...)
 *    and the `%.17g` formatting that Redis 7.0 uses for double replies (`addReplyDouble`).
 *  - INCRBYFLOAT / HINCRBYFLOAT: Redis computes in x87 80-bit `long double` (64-bit mantissa) and
 *    prints with `ld2string(..., LD_STR_HUMAN)` (`%.17Lf`, trailing zeros and '.' removed, "-0" -> "0").
 *    This module emulates that format exactly in software with BigInt: `strtold` parsing
 *    (correctly rounded, round-half-even, subnormals, hex floats, inf), addition rounded once to 64
 *    bits, and the exact decimal expansion rounded half-even to 17 fractional digits.
 *
 * Strings are latin1 (one char code per byte).
 */

// ---------------------------------------------------------------------------------------------
// Integers (string2ll)
// ---------------------------------------------------------------------------------------------

const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_MINUS = 0x2d;
const CH_PLUS = 0x2b;
const CH_DOT = 0x2e;

/** string2ll rejects strings of this length or longer (LONG_STR_SIZE). */
const LONG_STR_SIZE = 21;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN_ABS = 9223372036854775808n;

/**
 * Redis `string2ll` over `buf[start, end)`, returning the value as a JS number when it is within
 * +-(2^53-1). Returns null when the bytes are not a valid Redis integer OR when the value is a valid
 * int64 outside the safe-integer range (use `parseStrictInt64` to tell these apart). Allocation-free.
 *
 * Accepted: "0", or an optional '-' followed by a digit 1-9 and more digits, fitting in int64.
 * Rejected: empty, "+1", " 1", "1 ", "01", "-0", "-", overflow, and anything of 21+ bytes.
 */
export function parseStrictInt(buf: Uint8Array, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len >= LONG_STR_SIZE) return null;
  let i = start;
  let c = buf[i];
  if (c === CH_0) return len === 1 ? 0 : null;
  let neg = false;
  if (c === CH_MINUS) {
    neg = true;
    if (++i === end) return null;
    c = buf[i];
  }
  if (c < 0x31 || c > CH_9) return null; // first digit must be 1-9
  // More than 16 digits can never be a safe integer (2^53-1 has 16 digits).
  if (end - i > 16) return null;
  let v = c - CH_0;
  for (i++; i < end; i++) {
    c = buf[i];
    if (c < CH_0 || c > CH_9) return null;
    v = v * 10 + (c - CH_0);
  }
  // v is exact while <= 2^53; a true value above 2^53-1 rounds to >= 2^53.
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** `parseStrictInt` for a latin1 JS string. Allocation-free. */
export function parseStrictIntString(s: string): number | null {
  const end = s.length;
  if (end === 0 || end >= LONG_STR_SIZE) return null;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === CH_0) return end === 1 ? 0 : null;
  let neg = false;
  if (c === CH_MINUS) {
    neg = true;
    if (++i === end) return null;
    c = s.charCodeAt(i);
  }
  if (c < 0x31 || c > CH_9) return null;
  if (end - i > 16) return null;
  let v = c - CH_0;
  for (i++; i < end; i++) {
    c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return null;
    v = v * 10 + (c - CH_0);
  }
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** Redis `string2ll` over `buf[start, end)` with the full int64 range; null when invalid. */
export function parseStrictInt64(buf: Uint8Array, start: number, end: number): bigint | null {
  const len = end - start;
  if (len <= 0 || len >= LONG_STR_SIZE) return null;
  let i = start;
  let c = buf[i];
  if (c === CH_0) return len === 1 ? 0n : null;
  let neg = false;
  if (c === CH_MINUS) {
    neg = true;
    if (++i === end) return null;
    c = buf[i];
  }
  if (c < 0x31 || c > CH_9) return null;
  // Accumulate in two exact chunks: the leading digits (at most 4 when there are 19) and the rest.
  const nd = end - i;
  const split = nd > 15 ? end - 15 : i; // hi = leading nd-15 digits, lo = last 15
  let hi = 0;
  for (; i < split; i++) {
    c = buf[i];
    if (c < CH_0 || c > CH_9) return null;
    hi = hi * 10 + (c - CH_0);
  }
  let lo = 0;
  for (; i < end; i++) {
    c = buf[i];
    if (c < CH_0 || c > CH_9) return null;
    lo = lo * 10 + (c - CH_0);
  }
  const v = nd > 15 ? BigInt(hi) * 1000000000000000n + BigInt(lo) : BigInt(lo);
  if (neg) return v > INT64_MIN_ABS ? null : -v;
  return v > INT64_MAX ? null : v;
}

/** `parseStrictInt64` for a latin1 JS string. */
export function parseStrictInt64String(s: string): bigint | null {
  const end = s.length;
  if (end === 0 || end >= LONG_STR_SIZE) return null;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === CH_0) return end === 1 ? 0n : null;
  let neg = false;
  if (c === CH_MINUS) {
    neg = true;
    if (++i === end) return null;
    c = s.charCodeAt(i);
  }
  if (c < 0x31 || c > CH_9) return null;
  for (let j = i + 1; j < end; j++) {
    const d = s.charCodeAt(j);
    if (d < CH_0 || d > CH_9) return null;
  }
  const v = BigInt(i === 0 ? s : s.slice(i));
  if (neg) return v > INT64_MIN_ABS ? null : -v;
  return v > INT64_MAX ? null : v;
}

/** Decimal representation of an integer (Redis ll2string). */
export function formatInt(n: number | bigint): string {
  return typeof n === 'bigint' ? n.toString() : Object.is(n, -0) ? '0' : String(n);
}

// ---------------------------------------------------------------------------------------------
// Exact binary rounding (shared by strtod / strtold emulation and long double addition)
// ---------------------------------------------------------------------------------------------

/** Format of a binary floating type: value = mant * 2^exp with mant < 2^prec. */
interface BinFormat {
  prec: number;
  /** 2^prec as a bigint. */
  limit: bigint;
  /** 2^(prec-1). */
  half: bigint;
  /** Smallest exponent (subnormals use it with mant < 2^(prec-1)). */
  emin: number;
  /** Largest exponent of a finite value (with mant normalized). */
  emax: number;
}

/** IEEE double: 53-bit significand, exponents -1022..1023. */
const DBL: BinFormat = { prec: 53, limit: 1n << 53n, half: 1n << 52n, emin: -1074, emax: 971 };
/** x87 80-bit extended: 64-bit significand (explicit integer bit), exponents -16382..16383. */
const LDBL: BinFormat = { prec: 64, limit: 1n << 64n, half: 1n << 63n, emin: -16445, emax: 16320 };

/** Bit length of a positive bigint. */
function bitLength(n: bigint): number {
  const h = n.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/** Result of rounding a positive exact rational: mant * 2^exp, or null for overflow (infinity). */
interface Rounded {
  mant: bigint;
  exp: number;
}

/**
 * Round num/den (both > 0) to the nearest value of format `f` (ties to even), with gradual underflow.
 * Returns null on overflow. A result with mant === 0n means it underflowed to zero.
 */
function roundRational(num: bigint, den: bigint, f: BinFormat): Rounded | null {
  // floor(log2(num/den)) is lg or lg-1.
  const lg = bitLength(num) - bitLength(den);
  let e = lg - f.prec;
  if (e < f.emin) e = f.emin;
  for (;;) {
    let n = num;
    let d = den;
    if (e >= 0) d = den << BigInt(e);
    else n = num << BigInt(-e);
    let q = n / d;
    if (q >= f.limit) {
      e++;
      continue;
    }
    const r2 = (n - q * d) << 1n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) {
      q++;
      if (q === f.limit) {
        q = f.half;
        e++;
      }
    }
    if (e > f.emax) return null;
    return { mant: q, exp: e };
  }
}

// ---------------------------------------------------------------------------------------------
// strtod / strtold syntax
// ---------------------------------------------------------------------------------------------

const POW10_BIG: bigint[] = [];
function pow10n(k: number): bigint {
  if (k < 64) {
    let v = POW10_BIG[k];
    if (v === undefined) {
      v = 10n ** BigInt(k);
      POW10_BIG[k] = v;
    }
    return v;
  }
  return 10n ** BigInt(k);
}

/** Exponents beyond this magnitude saturate while parsing (the outcome is inf/zero regardless). */
const EXP_SATURATE = 1_000_000_000;

const enum NumKind {
  Invalid = 0,
  Decimal = 1,
  Hex = 2,
  Inf = 3,
}

/** Parsed strtod-syntax number (module scratch; only valid until the next scan). */
let scanNeg = false;
/** Decimal: the mantissa digits without '.', leading zeros stripped. Hex: hex digits likewise. */
let scanDigits = '';
/** Decimal: value = digits * 10^scanExp. Hex: value = digits * 2^scanExp. */
let scanExp = 0;

function isHexDigit(c: number): boolean {
  return (c >= CH_0 && c <= CH_9) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function matchesCI(s: string, i: number, word: string): boolean {
  if (s.length - i < word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Check that the WHOLE string is one number in C strtod/strtold syntax (C locale): optional sign, then
 * "inf" / "infinity", or hex "0x" mantissa with optional "p" exponent, or a decimal mantissa with
 * optional "e" exponent. No leading/trailing spaces, no NUL. NaN is reported as Invalid (Redis
 * rejects it). On success fills scanNeg / scanDigits / scanExp.
 */
function scanNumber(s: string): NumKind {
  const n = s.length;
  let i = 0;
  scanNeg = false;
  if (n === 0) return NumKind.Invalid;
  let c = s.charCodeAt(0);
  if (c === CH_MINUS || c === CH_PLUS) {
    scanNeg = c === CH_MINUS;
    i++;
    if (i === n) return NumKind.Invalid;
    c = s.charCodeAt(i);
  }
  if ((c | 0x20) === 0x69 /* i */) {
    if (n - i === 3 && matchesCI(s, i, 'inf')) return NumKind.Inf;
    if (n - i === 8 && matchesCI(s, i, 'infinity')) return NumKind.Inf;
    return NumKind.Invalid;
  }
  if (c === CH_0 && i + 1 < n && (s.charCodeAt(i + 1) | 0x20) === 0x78 /* x */) {
    // Hex float; if no hex digit follows, strtod consumes only the "0" and the rest is garbage.
    let j = i + 2;
    let digits = '';
    let any = false;
    let fracDigits = 0;
    const intStart = j;
    while (j < n && isHexDigit(s.charCodeAt(j))) j++;
    if (j > intStart) {
      any = true;
      digits = s.slice(intStart, j);
    }
    if (j < n && s.charCodeAt(j) === CH_DOT) {
      const fs = ++j;
      while (j < n && isHexDigit(s.charCodeAt(j))) j++;
      if (j > fs) {
        any = true;
        fracDigits = j - fs;
        digits += s.slice(fs, j);
      }
    }
    if (!any) return NumKind.Invalid;
    let exp = 0;
    if (j < n && (s.charCodeAt(j) | 0x20) === 0x70 /* p */) {
      const r = scanExponent(s, j + 1);
      if (r < 0) return NumKind.Invalid;
      exp = scanExpValue;
      j = r;
    }
    if (j !== n) return NumKind.Invalid;
    scanDigits = stripLeadingZeros(digits);
    scanExp = exp - 4 * fracDigits;
    return NumKind.Hex;
  }
  // Decimal.
  const intStart = i;
  while (i < n && (c = s.charCodeAt(i)) >= CH_0 && c <= CH_9) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && s.charCodeAt(i) === CH_DOT) {
    fracStart = ++i;
    while (i < n && (c = s.charCodeAt(i)) >= CH_0 && c <= CH_9) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return NumKind.Invalid;
  let exp = 0;
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x65 /* e */) {
    const r = scanExponent(s, i + 1);
    if (r < 0) return NumKind.Invalid;
    exp = scanExpValue;
    i = r;
  }
  if (i !== n) return NumKind.Invalid;
  scanDigits = stripLeadingZeros(s.slice(intStart, intEnd) + s.slice(fracStart, fracEnd));
  scanExp = exp - (fracEnd - fracStart);
  return NumKind.Decimal;
}

let scanExpValue = 0;
/** Parse `[+-]?digits+` at i; returns the end index or -1 (exponent not well formed). */
function scanExponent(s: string, i: number): number {
  const n = s.length;
  let neg = false;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === CH_MINUS || c === CH_PLUS) {
      neg = c === CH_MINUS;
      i++;
    }
  }
  const start = i;
  let v = 0;
  let c = 0;
  while (i < n && (c = s.charCodeAt(i)) >= CH_0 && c <= CH_9) {
    if (v < EXP_SATURATE) v = v * 10 + (c - CH_0);
    i++;
  }
  if (i === start) return -1;
  scanExpValue = neg ? -v : v;
  return i;
}

function stripLeadingZeros(d: string): string {
  let k = 0;
  while (k < d.length && d.charCodeAt(k) === CH_0) k++;
  return k === 0 ? d : d.slice(k);
}

/**
 * Exact value of the scanned finite number rounded to format `f`.
 * Returns null on overflow; mant === 0n means zero (exact zero or underflow, see `scanDigits`).
 */
function scannedToBinary(kind: NumKind, f: BinFormat): Rounded | null {
  const digits = scanDigits;
  if (digits.length === 0) return { mant: 0n, exp: 0 };
  if (kind === NumKind.Hex) {
    const m = BigInt('0x' + digits);
    const bitsAbove = digits.length * 4 + scanExp; // value < 2^bitsAbove
    if (bitsAbove - 4 > f.emax + f.prec) return null;
    if (bitsAbove < f.emin - 1) return { mant: 0n, exp: 0 };
    return scanExp >= 0 ? roundRational(m << BigInt(scanExp), 1n, f) : roundRational(m, 1n << BigInt(-scanExp), f);
  }
  const nd = digits.length;
  const e10 = scanExp;
  // value in [10^(nd-1+e10), 10^(nd+e10)).
  const maxDec = f === LDBL ? 4933 : 309; // largest finite < 10^maxDec
  const minDec = f === LDBL ? -4951 : -324; // half the smallest subnormal > 10^(minDec-1)
  if (nd - 1 + e10 >= maxDec) return null;
  if (nd + e10 < minDec) return { mant: 0n, exp: 0 };
  const m = BigInt(digits);
  return e10 >= 0 ? roundRational(m * pow10n(e10), 1n, f) : roundRational(m, pow10n(-e10), f);
}

// ---------------------------------------------------------------------------------------------
// Doubles (string2d, %.17g)
// ---------------------------------------------------------------------------------------------

const POW10: number[] = [];
for (let k = 0; k <= 22; k++) POW10.push(Number(`1e${k}`));

/**
 * Redis `string2d` (strtod-based) acceptance rules: the whole string must be one number in C strtod
 * syntax (decimal, hex float, inf/infinity, any case, optional sign); rejected: empty, leading or
 * trailing whitespace, trailing garbage, NaN, overflow to +-inf, and non-zero values that underflow
 * to zero. Subnormal results are accepted. Returns the double, or null.
 */
export function parseRedisDouble(s: string): number | null {
  const fast = fastDecimalString(s);
  if (fast === fast) return fast; // not NaN: fast path succeeded
  return parseDoubleSlow(s);
}

/** `parseRedisDouble` over the latin1 bytes `buf[start, end)` (allocation-free for plain numbers). */
export function parseRedisDoubleBytes(buf: Uint8Array, start: number, end: number): number | null {
  const fast = fastDecimalBytes(buf, start, end);
  if (fast === fast) return fast;
  if (end <= start) return null;
  return parseDoubleSlow(latin1(buf, start, end));
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

function parseDoubleSlow(s: string): number | null {
  const kind = scanNumber(s);
  if (kind === NumKind.Invalid) return null;
  if (kind === NumKind.Inf) return scanNeg ? -Infinity : Infinity;
  let v: number;
  if (kind === NumKind.Decimal) {
    v = Number(s); // validated C decimal syntax is also valid JS syntax; V8 rounds correctly
    if (v === Infinity || v === -Infinity) return null; // ERANGE overflow
    if (v === 0 && scanDigits.length !== 0) return null; // ERANGE underflow to zero
    return v;
  }
  const r = scannedToBinary(kind, DBL);
  if (r === null) return null;
  if (r.mant === 0n) {
    if (scanDigits.length !== 0) return null;
    return scanNeg ? -0 : 0;
  }
  v = Number(r.mant) * 2 ** r.exp;
  return scanNeg ? -v : v;
}

/**
 * Fast path for `[+-]?digits[.digits]` with at most 15 significant digits in total: exact by
 * Clinger's argument (an exact integer divided by an exact power of ten, rounded once).
 * Returns NaN when the fast path does not apply (the slow path then decides).
 */
function fastDecimalString(s: string): number {
  const n = s.length;
  let i = 0;
  if (n === 0 || n > 17) return NaN;
  let c = s.charCodeAt(0);
  let neg = false;
  if (c === CH_MINUS || c === CH_PLUS) {
    neg = c === CH_MINUS;
    i = 1;
  }
  let v = 0;
  let nd = 0;
  let frac = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= CH_0 && c <= CH_9) {
      v = v * 10 + (c - CH_0);
      nd++;
    } else if (c === CH_DOT && frac < 0) {
      frac = i;
    } else return NaN;
  }
  if (nd === 0 || nd > 15) return NaN;
  if (frac >= 0) v /= POW10[n - 1 - frac];
  return neg ? -v : v;
}

function fastDecimalBytes(buf: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let i = start;
  if (n <= 0 || n > 17) return NaN;
  let c = buf[i];
  let neg = false;
  if (c === CH_MINUS || c === CH_PLUS) {
    neg = c === CH_MINUS;
    i++;
  }
  let v = 0;
  let nd = 0;
  let frac = -1;
  for (; i < end; i++) {
    c = buf[i];
    if (c >= CH_0 && c <= CH_9) {
      v = v * 10 + (c - CH_0);
      nd++;
    } else if (c === CH_DOT && frac < 0) {
      frac = i;
    } else return NaN;
  }
  if (nd === 0 || nd > 15) return NaN;
  if (frac >= 0) v /= POW10[end - 1 - frac];
  return neg ? -v : v;
}

const TWO_25 = 33554432;
const FIVE_POW_BIG: bigint[] = [];
for (let k = 0; k <= 25; k++) FIVE_POW_BIG.push(5n ** BigInt(k));

/** Longest output of `writeDouble17g` / `formatDouble17g` ("-1.2345678901234567e-308"). */
export const MAX_DOUBLE17G_LEN = 24;

/**
 * C `printf("%.17g", d)` as glibc prints it (Redis 7.0 `addReplyDouble`), with Redis' spelling of
 * the non-finite values: "inf", "-inf", "nan". Negative zero prints as "-0".
 */
export function formatDouble17g(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return 1 / d < 0 ? '-0' : '0';
  // Integers up to 2^53 have at most 16 digits and print exactly in fixed notation.
  if (Number.isInteger(d) && d <= Number.MAX_SAFE_INTEGER && d >= -Number.MAX_SAFE_INTEGER) return String(d);
  const neg = d < 0;
  const a = neg ? -d : d;
  let digits: string;
  let x: number;
  if (a >= 1e-6 && a < 1e17 && split17(a)) {
    // `| 0` keeps the halves small integers, whose toString is much cheaper than a double's.
    const hs = String(fastH | 0);
    digits = fastL >= 1e7 ? hs + String(fastL | 0) : hs + String(fastL | 0).padStart(8, '0');
    x = fastX;
  } else {
    digits = slowDigits17(a);
    x = fastX;
  }
  // %g drops trailing zeros (no '#' flag).
  let len = 17;
  while (len > 1 && digits.charCodeAt(len - 1) === CH_0) len--;
  let out: string;
  if (x < -4 || x >= 17) {
    const ax = x < 0 ? -x : x;
    out =
      digits[0] +
      (len > 1 ? '.' + digits.slice(1, len) : '') +
      (x < 0 ? 'e-' : 'e+') +
      (ax < 10 ? '0' + ax : String(ax));
  } else if (x >= 0) {
    out = len > x + 1 ? digits.slice(0, x + 1) + '.' + digits.slice(x + 1, len) : digits.slice(0, x + 1);
  } else {
    out = '0.' + '0'.repeat(-x - 1) + digits.slice(0, len);
  }
  return neg ? '-' + out : out;
}

/** The 17 digits as ASCII codes, for `writeDouble17g`. */
const DIG = new Uint8Array(17);

/**
 * `formatDouble17g` written as latin1 bytes into `out` at `pos`; returns the position after the
 * last byte. The caller guarantees MAX_DOUBLE17G_LEN bytes of room. Allocation-free except for
 * values outside [1e-6, 1e17) that are not integers.
 */
export function writeDouble17g(d: number, out: Uint8Array, pos: number): number {
  if (d !== d) {
    out[pos] = 0x6e;
    out[pos + 1] = 0x61;
    out[pos + 2] = 0x6e;
    return pos + 3;
  }
  if (d < 0 || (d === 0 && 1 / d < 0)) {
    out[pos++] = CH_MINUS;
    d = -d;
  }
  if (d === Infinity) {
    out[pos] = 0x69;
    out[pos + 1] = 0x6e;
    out[pos + 2] = 0x66;
    return pos + 3;
  }
  if (Number.isInteger(d) && d <= Number.MAX_SAFE_INTEGER) return writeUintDigits(d, out, pos);
  let x: number;
  if (d >= 1e-6 && d < 1e17 && split17(d)) {
    let h = fastH | 0;
    let l = fastL | 0;
    for (let i = 16; i >= 9; i--) {
      const q = (l / 10) | 0;
      DIG[i] = CH_0 + (l - q * 10);
      l = q;
    }
    for (let i = 8; i >= 0; i--) {
      const q = (h / 10) | 0;
      DIG[i] = CH_0 + (h - q * 10);
      h = q;
    }
    x = fastX;
  } else {
    const s = slowDigits17(d);
    for (let i = 0; i < 17; i++) DIG[i] = s.charCodeAt(i);
    x = fastX;
  }
  let len = 17;
  while (len > 1 && DIG[len - 1] === CH_0) len--;
  if (x < -4 || x >= 17) {
    out[pos++] = DIG[0];
    if (len > 1) {
      out[pos++] = CH_DOT;
      for (let i = 1; i < len; i++) out[pos++] = DIG[i];
    }
    out[pos++] = 0x65; // e
    let ax = x;
    if (x < 0) {
      out[pos++] = CH_MINUS;
      ax = -x;
    } else out[pos++] = CH_PLUS;
    if (ax >= 100) {
      out[pos++] = CH_0 + ((ax / 100) | 0);
      ax %= 100;
    }
    out[pos++] = CH_0 + ((ax / 10) | 0);
    out[pos++] = CH_0 + (ax % 10);
  } else if (x >= 0) {
    for (let i = 0; i <= x; i++) out[pos++] = DIG[i];
    if (len > x + 1) {
      out[pos++] = CH_DOT;
      for (let i = x + 1; i < len; i++) out[pos++] = DIG[i];
    }
  } else {
    out[pos++] = CH_0;
    out[pos++] = CH_DOT;
    for (let i = -x - 1; i > 0; i--) out[pos++] = CH_0;
    for (let i = 0; i < len; i++) out[pos++] = DIG[i];
  }
  return pos;
}

/** Decimal digits of an integer 0 <= v <= 2^53-1. */
function writeUintDigits(v: number, out: Uint8Array, pos: number): number {
  let n = 1;
  for (let t = v; t >= 10; n++) t = (t - (t % 10)) / 10;
  let i = pos + n - 1;
  do {
    const r = v % 10;
    out[i--] = CH_0 + r;
    v = (v - r) / 10;
  } while (v > 0);
  return pos + n;
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split)
/** Outputs of split17 / slowDigits17: D = fastH * 1e8 + fastL (17 digits), decimal exponent fastX. */
let fastH = 0;
let fastL = 0;
let fastX = 0;

/**
 * The 17 significant digits of a (1e-6 <= a < 1e17) correctly rounded half-to-even, as
 * fastH (9 digits) * 1e8 + fastL (8 digits) with exponent fastX; false if the fast path cannot
 * decide (the caller then uses the slow path). Exact: with k = 16 - X (0 <= k <= 22, so 10^k is
 * an exact double), Dekker's two-product gives a * 10^k = p + e exactly; p >= 2^53 is an even
 * integer and |e| <= 8, so the 17-digit integer is p + round_half_even(e), the tie decided on e.
 */
function split17(a: number): boolean {
  let x = Math.floor(Math.log10(a));
  for (let attempt = 0; attempt < 3; attempt++) {
    const k = 16 - x;
    if (k < 0 || k > 22) return false;
    const b = POW10[k];
    const p = a * b;
    let t = SPLITTER * a;
    const ah = t - (t - a);
    const al = a - ah;
    t = SPLITTER * b;
    const bh = t - (t - b);
    const bl = b - bh;
    const e = ah * bh - p + ah * bl + al * bh + al * bl;
    if (p < 5e15) {
      x--;
      continue;
    }
    if (p > 2e17) {
      x++;
      continue;
    }
    const fe = Math.floor(e);
    const fr = e - fe;
    // p is even (an integer >= 2^53), so p + fe is even iff fe is.
    const r = fr > 0.5 || (fr === 0.5 && (fe & 1) !== 0) ? fe + 1 : fe;
    // x must satisfy 10^x <= a < 10^(x+1), i.e. the exact p + e lies in [1e16, 1e17). Near those
    // bounds p - 1e16 and p - 1e17 are exact, and adding e keeps the sign of the exact sum.
    if (p < 1e16 + 64 && p - 1e16 + e < 0) {
      x--;
      continue;
    }
    if (p > 1e17 - 64) {
      if (p - 1e17 + e >= 0) {
        x++;
        continue;
      }
      if (p - 1e17 + r === 0) {
        // Rounded up to the next power of ten: digits 1000...0, one exponent higher.
        fastH = 1e8;
        fastL = 0;
        fastX = x + 1;
        return true;
      }
    }
    // Split D = H * 1e8 + L with exact operations (h * 1e8 is exact, p - h * 1e8 is exact).
    let h = Math.floor(p / 1e8);
    let l = p - h * 1e8 + r;
    while (l < 0) {
      l += 1e8;
      h--;
    }
    while (l >= 1e8) {
      l -= 1e8;
      h++;
    }
    fastH = h;
    fastL = l;
    fastX = x;
    return true;
  }
  return false;
}

/** 17 significant digits of a > 0 (string) and their exponent (fastX), for any finite a. */
function slowDigits17(a: number): string {
  // V8 rounds exact decimal ties half-up, glibc half-to-even. A tie at the 17th significant digit
  // needs an exact expansion of exactly 18 significant digits ending in 5; that only happens for
  // non-integers a = m / 2^k with k <= 25 and 1e17 <= m * 5^k < 1e18 (m odd). Handle those exactly.
  if (!Number.isInteger(a) && Number.isInteger(a * TWO_25)) {
    let k = 0;
    let m = a;
    while (!Number.isInteger(m)) {
      m *= 2;
      k++;
    }
    const approx = m * 5 ** k;
    if (approx > 0.99e17 && approx < 1.01e18) {
      const exact = (BigInt(m) * FIVE_POW_BIG[k]).toString();
      if (exact.length === 18 && exact.charCodeAt(17) === 0x35 /* 5 */) {
        // value = exact * 10^-k; exact tie: round the 17 leading digits half to even.
        let q = BigInt(exact.slice(0, 17));
        if ((q & 1n) === 1n) q++;
        let digits = q.toString();
        fastX = 17 - k;
        if (digits.length === 18) {
          digits = digits.slice(0, 17);
          fastX++;
        }
        return digits;
      }
    }
  }
  const e = a.toExponential(16); // "d.dddddddddddddddde[+-]x": 17 significant digits
  fastX = Number(e.slice(19));
  return e[0] + e.slice(2, 18);
}

// ---------------------------------------------------------------------------------------------
// x87 80-bit long double emulation (INCRBYFLOAT / HINCRBYFLOAT)
// ---------------------------------------------------------------------------------------------

/** An x87 extended-precision value. Finite values are (-1)^neg * mant * 2^exp, mant < 2^64. */
export interface LongDouble {
  /** 0 = finite (including zero), 1 = infinity, 2 = NaN. */
  readonly kind: 0 | 1 | 2;
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

/** MAX_LONG_DOUBLE_CHARS in Redis: string2ld rejects inputs of this many bytes or more. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const LD_POS_ZERO: LongDouble = { kind: 0, neg: false, mant: 0n, exp: 0 };
const LD_NEG_ZERO: LongDouble = { kind: 0, neg: true, mant: 0n, exp: 0 };
const LD_POS_INF: LongDouble = { kind: 1, neg: false, mant: 0n, exp: 0 };
const LD_NEG_INF: LongDouble = { kind: 1, neg: true, mant: 0n, exp: 0 };
const LD_NAN: LongDouble = { kind: 2, neg: false, mant: 0n, exp: 0 };

/**
 * Redis `string2ld` (strtold-based) acceptance rules, returning the exactly rounded x87 value:
 * rejects empty strings, strings of MAX_LONG_DOUBLE_CHARS (5120) bytes or more, leading whitespace,
 * trailing garbage (including NUL bytes), NaN, overflow to +-inf and non-zero values that underflow
 * to zero. "inf"/"infinity" (any case, optional sign) are accepted.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const kind = scanNumber(s);
  if (kind === NumKind.Invalid) return null;
  if (kind === NumKind.Inf) return scanNeg ? LD_NEG_INF : LD_POS_INF;
  const neg = scanNeg;
  const r = scannedToBinary(kind, LDBL);
  if (r === null) return null; // ERANGE, HUGE_VALL
  if (r.mant === 0n) {
    if (scanDigits.length !== 0) return null; // ERANGE, underflow to zero
    return neg ? LD_NEG_ZERO : LD_POS_ZERO;
  }
  return { kind: 0, neg, mant: r.mant, exp: r.exp };
}

/**
 * Redis's getTimeoutFromObjectOrReply for a timeout in seconds (BLPOP and friends): the milliseconds
 * `(long long)ceill(ftval * 1000.0)`, the product rounded to the long double's 64 bits first. Rounding
 * up means any positive timeout waits at least 1 ms ("0.0004", "1e-30"); 0 means no timeout, which
 * is also what a tiny negative one gives ("-0.0004"). 'float' when string2ld refuses the text,
 * 'negative' when the count is below zero, which includes every value the cast cannot hold ("inf",
 * "1e400"): on x86-64 it yields LLONG_MIN.
 */
export function parseTimeoutSeconds(s: string): number | 'float' | 'negative' {
  const ld = parseLongDouble(s);
  if (ld === null || ld.kind === 2) return 'float';
  if (ld.kind === 1) return 'negative';
  if (ld.mant === 0n) return 0;
  const product = ld.mant * 1000n;
  const r = ld.exp >= 0 ? roundRational(product << BigInt(ld.exp), 1n, LDBL) : roundRational(product, 1n << BigInt(-ld.exp), LDBL);
  if (r === null) return 'negative';
  let ms: bigint;
  if (r.exp >= 0) ms = r.mant << BigInt(r.exp);
  else {
    ms = r.mant >> BigInt(-r.exp);
    // ceill: a positive fraction goes up; a negative one goes toward zero, as truncation does.
    if (!ld.neg && ms << BigInt(-r.exp) !== r.mant) ms += 1n;
  }
  if (ms >= 1n << 63n || (ld.neg && ms > 0n)) return 'negative';
  return Number(ms);
}

/** Exact conversion of a finite or non-finite JS double to a long double. */
export function longDoubleFromNumber(d: number): LongDouble {
  if (d !== d) return LD_NAN;
  if (d === Infinity) return LD_POS_INF;
  if (d === -Infinity) return LD_NEG_INF;
  if (d === 0) return 1 / d < 0 ? LD_NEG_ZERO : LD_POS_ZERO;
  const neg = d < 0;
  let a = neg ? -d : d;
  let exp = 0;
  while (!Number.isInteger(a)) {
    a *= 2;
    exp--;
  }
  while (a > Number.MAX_SAFE_INTEGER) {
    a /= 2;
    exp++;
  }
  return { kind: 0, neg, mant: BigInt(a), exp };
}

export function isFiniteLD(x: LongDouble): boolean {
  return x.kind === 0;
}

export function isNaNLD(x: LongDouble): boolean {
  return x.kind === 2;
}

/** x87 `a + b` (round to nearest even, 64-bit significand, gradual underflow, overflow to inf). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 2 || b.kind === 2) return LD_NAN;
  if (a.kind === 1) {
    if (b.kind === 1 && b.neg !== a.neg) return LD_NAN;
    return a;
  }
  if (b.kind === 1) return b;
  if (a.mant === 0n) {
    if (b.mant === 0n) return a.neg && b.neg ? LD_NEG_ZERO : LD_POS_ZERO;
    return b;
  }
  if (b.mant === 0n) return a;
  const e = a.exp < b.exp ? a.exp : b.exp;
  const am = a.mant << BigInt(a.exp - e);
  const bm = b.mant << BigInt(b.exp - e);
  let sum = (a.neg ? -am : am) + (b.neg ? -bm : bm);
  if (sum === 0n) return LD_POS_ZERO; // exact cancellation gives +0 when rounding to nearest
  const neg = sum < 0n;
  if (neg) sum = -sum;
  const r = e >= 0 ? roundRational(sum << BigInt(e), 1n, LDBL) : roundRational(sum, 1n << BigInt(-e), LDBL);
  if (r === null) return neg ? LD_NEG_INF : LD_POS_INF;
  // Underflow to zero cannot happen here: the exact sum is a multiple of the smallest subnormal.
  return { kind: 0, neg, mant: r.mant, exp: r.exp };
}

const TEN_POW_17 = 10n ** 17n;

/**
 * Redis `ld2string(..., LD_STR_HUMAN)`: `%.17Lf` (exact binary value rounded half-to-even to 17
 * fractional digits, as glibc does), then trailing zeros and a trailing '.' removed, and "-0" turned
 * into "0". Infinities print as "inf"/"-inf"; NaN as "nan" ("-nan" when the sign bit is set).
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === 1) return x.neg ? '-inf' : 'inf';
  if (x.kind === 2) return x.neg ? '-nan' : 'nan';
  if (x.mant === 0n) return '0';
  const sign = x.neg ? '-' : '';
  if (x.exp >= 0) return sign + (x.mant << BigInt(x.exp)).toString();
  const k = -x.exp;
  // value < 2^64 * 2^-k; times 10^17 < 2^121: for k > 122 the rounded result is 0.
  if (k > 122) return '0';
  const n = x.mant * TEN_POW_17;
  const kb = BigInt(k);
  let q = n >> kb;
  const r2 = (n - (q << kb)) << 1n;
  const unit = 1n << kb;
  if (r2 > unit || (r2 === unit && (q & 1n) === 1n)) q++;
  if (q === 0n) return '0';
  let digits = q.toString();
  if (digits.length <= 17) digits = '0'.repeat(18 - digits.length) + digits;
  const intLen = digits.length - 17;
  let end = digits.length;
  while (end > intLen && digits.charCodeAt(end - 1) === CH_0) end--;
  return sign + (end > intLen ? digits.slice(0, intLen) + '.' + digits.slice(intLen, end) : digits.slice(0, intLen));
}

export type IncrByFloatResult = { ok: true; value: string } | { ok: false; error: 'not-float' | 'nan-or-inf' };

/**
 * Redis 7.0 INCRBYFLOAT / HINCRBYFLOAT arithmetic: `current` is the stored string (null when the
 * key/field does not exist, i.e. 0), `incr` the increment argument. Both are parsed with string2ld
 * rules (error 'not-float' -> "ERR value is not a valid float"); a NaN or infinite sum gives
 * 'nan-or-inf' (-> "ERR increment would produce NaN or Infinity"). On success `value` is the new
 * value as Redis stores and replies it.
 */
export function incrByFloat(current: string | null, incr: string): IncrByFloatResult {
  let cur: LongDouble;
  if (current === null) cur = LD_POS_ZERO;
  else {
    const fastCur = parseStrictIntString(current);
    const p = fastCur !== null ? longDoubleFromNumber(fastCur) : parseLongDouble(current);
    if (p === null) return { ok: false, error: 'not-float' };
    cur = p;
  }
  const inc = parseLongDouble(incr);
  if (inc === null) return { ok: false, error: 'not-float' };
  const sum = addLongDouble(cur, inc);
  if (sum.kind !== 0) return { ok: false, error: 'nan-or-inf' };
  return { ok: true, value: formatLongDoubleHuman(sum) };
}

export type HincrByFloatResult =
  | { ok: true; value: string }
  | { ok: false; error: 'not-float' | 'incr-nan-or-inf' | 'hash-not-float' | 'nan-or-inf' };

/**
 * Redis 7.0 HINCRBYFLOAT arithmetic and error precedence. The increment is validated first:
 * 'not-float' -> "ERR value is not a valid float", 'incr-nan-or-inf' -> "ERR value is NaN or
 * Infinity" (checked before the key is even looked up, so before WRONGTYPE); then the stored field
 * (`current`, null when absent): 'hash-not-float' -> "ERR hash value is not a float"; then the sum:
 * 'nan-or-inf' -> "ERR increment would produce NaN or Infinity".
 */
export function hincrByFloat(current: string | null, incr: string): HincrByFloatResult {
  const inc = parseLongDouble(incr);
  if (inc === null) return { ok: false, error: 'not-float' };
  if (inc.kind !== 0) return { ok: false, error: 'incr-nan-or-inf' };
  let cur: LongDouble;
  if (current === null) cur = LD_POS_ZERO;
  else {
    const fastCur = parseStrictIntString(current);
    const p = fastCur !== null ? longDoubleFromNumber(fastCur) : parseLongDouble(current);
    if (p === null) return { ok: false, error: 'hash-not-float' };
    cur = p;
  }
  const sum = addLongDouble(cur, inc);
  if (sum.kind !== 0) return { ok: false, error: 'nan-or-inf' };
  return { ok: true, value: formatLongDoubleHuman(sum) };
}

/**
 * SCAN-family cursors as Redis 7.0 reads them (parseScanCursorOrReply): the empty string is 0, else an
 * optional sign and decimal digits with no blanks or trailing junk, at most 2^64-1; a negative value
 * wraps modulo 2^64 as strtoul does. null = "invalid cursor".
 */
export function parseScanCursor(s: string): bigint | null {
  if (s === '') return 0n;
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const neg = s.charCodeAt(0) === 45;
  const v = BigInt(neg || s.charCodeAt(0) === 43 ? s.slice(1) : s);
  if (v > 0xffffffffffffffffn) return null;
  return neg ? (0x10000000000000000n - v) % 0x10000000000000000n : v;
}

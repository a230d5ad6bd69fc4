/**
 * RESP2/RESP3 reply encoder. Writes into one growable buffer that is reused for every reply, so
 * encoding allocates nothing; the caller copies the finished bytes where they go (a ring frame).
 */
import { formatDouble17g } from '../shared/numbers.js';

const CRLF_0 = 13;
const CRLF_1 = 10;

export class ReplyWriter {
  buf: Buffer;
  pos = 0;
  resp3 = false;
  /** Error replies written since the last reset (for errorstats / failed_calls). */
  errors = 0;
  /** First word of the last error written ("ERR", "WRONGTYPE", …). */
  lastErrorCode = '';

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  reset(resp3: boolean): void {
    this.pos = 0;
    this.resp3 = resp3;
    this.errors = 0;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Bytes written so far as a fresh Buffer (tests, internal callers). */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  private crlf(): void {
    this.buf[this.pos++] = CRLF_0;
    this.buf[this.pos++] = CRLF_1;
  }

  /** Writes the decimal digits of an integer (safe-integer range). */
  private digits(n: number): void {
    if (n < 0) {
      this.byte(45);
      n = -n;
    }
    if (n < 10) {
      this.byte(48 + n);
      return;
    }
    if (n > 0xffffffff) {
      this.pos += this.buf.latin1Write(String(n), this.pos);
      return;
    }
    const b = this.buf;
    if (n <= 0x7fffffff) {
      // int32 arithmetic: V8 turns `(x / 10) | 0` into a multiply, where Math.floor divides doubles.
      let x = n | 0;
      const len =
        x < 10000
          ? x < 100 ? 2 : x < 1000 ? 3 : 4
          : x < 1e6 ? (x < 1e5 ? 5 : 6) : x < 1e8 ? (x < 1e7 ? 7 : 8) : x < 1e9 ? 9 : 10;
      let p = this.pos + len;
      this.pos = p;
      while (x >= 10) {
        const q = (x / 10) | 0;
        b[--p] = 48 + (x - q * 10);
        x = q;
      }
      b[--p] = 48 + x;
      return;
    }
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    let p = this.pos + len;
    this.pos = p;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      b[--p] = 48 + (n - q * 10);
      n = q;
    }
    b[--p] = 48 + n;
  }

  private prefixed(prefix: number, n: number): void {
    this.ensure(24);
    this.byte(prefix);
    this.digits(n);
    this.crlf();
  }

  raw(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    // Short copies byte by byte: a subarray view costs an allocation (most replies are small).
    if (n <= 64) for (let i = 0; i < n; i++) b[p + i] = bytes[start + i];
    else b.set(bytes.subarray(start, end), p);
    this.pos = p + n;
  }

  ok(): void {
    this.ensure(5);
    const b = this.buf;
    const p = this.pos;
    b[p] = 43; // +OK\r\n
    b[p + 1] = 79;
    b[p + 2] = 75;
    b[p + 3] = 13;
    b[p + 4] = 10;
    this.pos = p + 5;
  }

  simple(s: string): void {
    this.ensure(s.length + 3);
    this.byte(43);
    this.pos += this.buf.latin1Write(s, this.pos);
    this.crlf();
  }

  /** `msg` is the whole error line without the leading '-', e.g. "ERR syntax error". */
  error(msg: string): void {
    this.ensure(msg.length + 3);
    this.byte(45);
    this.pos += this.buf.latin1Write(msg, this.pos);
    this.crlf();
    this.errors++;
    const sp = msg.indexOf(' ');
    this.lastErrorCode = sp < 0 ? msg : msg.slice(0, sp);
  }

  int(n: number): void {
    this.ensure(24);
    this.byte(58);
    this.digits(n);
    this.crlf();
  }

  bigint(n: bigint): void {
    const s = n.toString();
    this.ensure(s.length + 3);
    this.byte(58);
    this.pos += this.buf.latin1Write(s, this.pos);
    this.crlf();
  }

  /** Bulk string from a latin1 JS string (one char per byte). */
  bulk(s: string): void {
    const n = s.length;
    this.ensure(n + 16);
    this.byte(36);
    this.digits(n);
    this.crlf();
    if (n < 16) for (let i = 0; i < n; i++) this.buf[this.pos++] = s.charCodeAt(i);
    else this.pos += this.buf.latin1Write(s, this.pos);
    this.crlf();
  }

  bulkBytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n + 16);
    this.byte(36);
    this.digits(n);
    this.crlf();
    this.buf.set(bytes.subarray(start, end), this.pos);
    this.pos += n;
    this.crlf();
  }

  /** Bulk string of an integer's decimal form (e.g. INCRBYFLOAT results, GET of numbers). */
  bulkInt(n: number): void {
    this.bulk(String(n));
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.ensure(5);
    if (this.resp3) {
      this.byte(95);
      this.crlf();
    } else {
      this.byte(36);
      this.byte(45);
      this.byte(49);
      this.crlf();
    }
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.ensure(5);
    if (this.resp3) {
      this.byte(95);
      this.crlf();
    } else {
      this.byte(42);
      this.byte(45);
      this.byte(49);
      this.crlf();
    }
  }

  array(n: number): void {
    this.prefixed(42, n);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
  map(n: number): void {
    if (this.resp3) this.prefixed(37, n);
    else this.prefixed(42, n * 2);
  }

  /** A set: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    this.prefixed(this.resp3 ? 126 : 42, n);
  }

  /** Push frame (RESP3 `>`); in RESP2 an ordinary array (pub/sub messages). */
  push(n: number): void {
    this.prefixed(this.resp3 ? 62 : 42, n);
  }

  /** A double: RESP3 `,`; RESP2 bulk string; both formatted like Redis 7.0 (`%.17g`). */
  double(d: number): void {
    const s = formatDouble17g(d);
    if (this.resp3) {
      this.ensure(s.length + 3);
      this.byte(44);
      this.pos += this.buf.latin1Write(s, this.pos);
      this.crlf();
    } else this.bulk(s);
  }

  bool(b: boolean): void {
    if (this.resp3) {
      this.ensure(4);
      this.byte(35);
      this.byte(b ? 116 : 102);
      this.crlf();
    } else this.int(b ? 1 : 0);
  }

  /** RESP3 verbatim string (`=len\r\ntxt:...`), a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (!this.resp3) {
      this.bulk(s);
      return;
    }
    const n = s.length + 4;
    this.ensure(n + 16);
    this.byte(61);
    this.digits(n);
    this.crlf();
    this.pos += this.buf.latin1Write(format + ':' + s, this.pos);
    this.crlf();
  }

  /** Array of bulk strings. */
  bulkArray(items: ReadonlyArray<string>): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }

  /** Array whose entries may be missing (null bulk), e.g. MGET. */
  bulkOrNullArray(items: ReadonlyArray<string | undefined | null>): void {
    this.array(items.length);
    for (const s of items) {
      if (s === undefined || s === null) this.nullBulk();
      else this.bulk(s);
    }
  }
}

/** Common error replies, spelled exactly as Redis 7.0 spells them. */
export const Err = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  /** Writes refused after a failed BGSAVE (stop-writes-on-bgsave-error). */
  misconf:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  wrongArity: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
} as const;

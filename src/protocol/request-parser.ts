/**
 * Incremental parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n…`) and inline commands
 * (`GET foo\r\n`), with Redis's limits and its exact protocol error strings (networking.c).
 *
 * It never copies a complete request's arguments: each command is reported as offsets into the current
 * input buffer, and the caller consumes it (copies the bytes into a ring frame) before asking for the
 * next one. Incoming chunks are only joined when a request straddles them, and a large bulk argument is
 * joined once, when all of its bytes have arrived.
 */

import { splitArgs } from './split-args.js';
import { parseStrictInt, parseStrictInt64 } from '../shared/numbers.js';

const MAX_INLINE = 64 * 1024; // PROTO_INLINE_MAX_SIZE
const EMPTY = Buffer.alloc(0);
/** Redis 7.0 refuses a multibulk count above INT_MAX only; the offsets grow as arguments arrive. */
const MAX_MULTIBULK = 2147483647;
/** What a client that has yet to authenticate may send (Redis's authRequired limits, CVE-2021-32675). */
const UNAUTH_MAX_ARGS = 10;
const UNAUTH_MAX_BULK = 16384;

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** client-query-buffer-limit */
  queryBufferLimit: number;
}

export const enum ParseResult {
  /** A command is ready in `argc/starts/ends/args`. */
  Command = 1,
  /** More bytes are needed. */
  NeedMore = 2,
  /** Protocol error: reply `-ERR Protocol error: ${error}` and close. */
  Error = 3,
}

/**
 * Where the line starting at `from` ends: the first `byte` ('\r' or '\n'), or -1 when there is none
 * yet. As in Redis, which looks with strchr(), a NUL byte hides everything after it: a line with a
 * NUL before its end never ends (the client's buffer then runs into the 64 KiB limit).
 * The lines searched are mostly a few bytes long (length lines, inline commands): a loop finds their
 * end sooner than a native indexOf call (a multibulk SET made four such calls, measured as ~10% of
 * the acceptor's time at pipeline 16), which takes over past 32 bytes.
 */
function lineEndAt(buf: Buffer, byte: number, from: number): number {
  const stop = Math.min(buf.length, from + 32);
  for (let i = from; i < stop; i++) {
    const c = buf[i];
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  if (stop === buf.length) return -1;
  const at = buf.indexOf(byte, stop);
  if (at < 0) return -1;
  const nul = buf.indexOf(0, stop);
  return nul >= 0 && nul < at ? -1 : at;
}

export class RequestParser {
  buf: Buffer = Buffer.alloc(0);
  /** Buffer holding the current command's arguments (`buf` itself, or the unescaped inline words). */
  args: Buffer = this.buf;
  /** Read position inside `buf`. */
  pos = 0;
  argc = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  error = '';
  /** True when the last command was an inline one (redis-benchmark's PING_INLINE, telnet users). */
  inline = false;
  private pending: Buffer[] = [];
  /**
   * The client has yet to authenticate while a password is required: commands are limited to 10
   * arguments of 16 KiB, as Redis limits them. The server keeps it current before every command.
   */
  unauthenticated = false;
  /** `buf` is a borrowed chunk (see feed). */
  private borrowed = false;
  private pendingBytes = 0;
  /** Bytes that must be buffered before parsing can progress. */
  private need = 0;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet consumed by a complete command. */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes;
  }

  /**
   * Take the next chunk of input. A `borrowed` chunk is only valid until the caller returns (a read
   * buffer shared by every socket): it is parsed in place, and `keepRest` must be called before
   * returning so that what is left of it is copied.
   */
  feed(chunk: Buffer, borrowed = false): void {
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = chunk;
      this.pos = 0;
      this.borrowed = borrowed;
      return;
    }
    this.pending.push(borrowed ? Buffer.from(chunk) : chunk);
    this.pendingBytes += chunk.length;
    if (this.buf.length - this.pos + this.pendingBytes >= this.need) this.join();
  }

  /** Copy the unparsed rest of a borrowed chunk (see feed); nothing to do once it is all parsed. */
  keepRest(): void {
    if (!this.borrowed) return;
    this.borrowed = false;
    if (this.pos < this.buf.length) this.buf = Buffer.from(this.buf.subarray(this.pos));
    else this.buf = EMPTY;
    this.pos = 0;
  }

  private join(): void {
    const rest = this.buf.length - this.pos;
    const out = Buffer.allocUnsafe(rest + this.pendingBytes);
    this.buf.copy(out, 0, this.pos);
    let off = rest;
    for (const c of this.pending) {
      c.copy(out, off);
      off += c.length;
    }
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.buf = out;
    this.pos = 0;
    this.borrowed = false;
  }

  private grow(n: number): void {
    let size = this.starts.length;
    while (size < n) size *= 2;
    // Keeps what is filled in: the inline scan grows while it fills.
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** Parse the next command. Empty inline lines and `*0` are skipped like Redis does. */
  next(): ParseResult {
    for (;;) {
      if (this.pendingBytes > 0 && this.buf.length - this.pos < this.need) {
        // Still short of what the current request needs.
        return this.checkQueryLimit();
      }
      if (this.pendingBytes > 0) this.join();
      const buf = this.buf;
      if (this.pos >= buf.length) {
        this.need = 0;
        return ParseResult.NeedMore;
      }
      const r = buf[this.pos] === 42 ? this.multibulk() : this.inlineCommand();
      if (r === ParseResult.Command && this.argc === 0) continue;
      if (r === ParseResult.NeedMore) return this.checkQueryLimit();
      return r;
    }
  }

  private checkQueryLimit(): ParseResult {
    if (this.buffered > this.limits.queryBufferLimit) {
      this.error = 'query buffer limit';
      return ParseResult.Error;
    }
    return ParseResult.NeedMore;
  }

  private fail(msg: string): ParseResult {
    this.error = msg;
    return ParseResult.Error;
  }

  /** Position of the '\r' ending the line that starts at `from`, or -1. */
  private lineEnd(from: number): number {
    return lineEndAt(this.buf, 13, from);
  }

  /**
   * The integer in buf[start, end) as Redis's string2ll reads it (so "03", "-0", "+1" and 21-byte
   * strings are not numbers), or NaN. A valid long long beyond 2^53 still counts: the callers refuse a
   * huge length by their limits and treat a huge negative count as an empty request, as Redis does.
   */
  private parseLen(start: number, end: number): number {
    const v = parseStrictInt(this.buf, start, end);
    if (v !== null) return v;
    const big = parseStrictInt64(this.buf, start, end);
    return big === null ? NaN : Number(big);
  }

  private multibulk(): ParseResult {
    this.inline = false;
    const buf = this.buf;
    const start = this.pos;
    const nl = this.lineEnd(start);
    if (nl < 0 || nl + 1 >= buf.length) {
      if (buf.length - start > MAX_INLINE) return this.fail('too big mbulk count string');
      this.need = buf.length - start + 1;
      return ParseResult.NeedMore;
    }
    if (nl - start > MAX_INLINE) return this.fail('too big mbulk count string');
    const count = this.parseLen(start + 1, nl);
    if (Number.isNaN(count) || count > MAX_MULTIBULK) return this.fail('invalid multibulk length');
    if (count > UNAUTH_MAX_ARGS && this.unauthenticated) return this.fail('unauthenticated multibulk length');
    let p = nl + 2;
    if (count <= 0) {
      this.pos = p;
      this.argc = 0;
      return ParseResult.Command;
    }
    for (let i = 0; i < count; i++) {
      // Grown as arguments arrive, never to the announced count at once (a bare "*2000000000").
      if (i >= this.starts.length) this.grow(Math.min(count, this.starts.length * 2));
      // Redis looks for the line's end before it looks at the line.
      const e = p < buf.length ? this.lineEnd(p) : -1;
      if (e < 0 || e + 1 >= buf.length) {
        if (buf.length - p > MAX_INLINE) return this.fail('too big bulk count string');
        return this.needFrom(start, buf.length, 1);
      }
      if (buf[p] !== 36) {
        return this.fail(`expected '$', got '${String.fromCharCode(buf[p])}'`);
      }
      if (e - p > MAX_INLINE) return this.fail('too big bulk count string');
      const len = this.parseLen(p + 1, e);
      if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkLen) return this.fail('invalid bulk length');
      if (len > UNAUTH_MAX_BULK && this.unauthenticated) return this.fail('unauthenticated bulk length');
      const dataStart = e + 2;
      if (dataStart + len + 2 > buf.length) return this.needFrom(start, dataStart, len + 2);
      this.starts[i] = dataStart;
      this.ends[i] = dataStart + len;
      p = dataStart + len + 2;
    }
    this.argc = count;
    this.args = buf;
    this.pos = p;
    this.need = 0;
    return ParseResult.Command;
  }

  /** The request starting at `reqStart` needs `more` bytes beyond `at`. */
  private needFrom(reqStart: number, at: number, more: number): ParseResult {
    this.need = at - reqStart + more;
    // Drop what precedes the request so the eventual join copies only this request.
    if (reqStart > 0 && this.pendingBytes === 0) {
      this.buf = this.buf.subarray(reqStart);
      this.pos = 0;
    } else this.pos = reqStart;
    return ParseResult.NeedMore;
  }

  /**
   * The common inline line, with no quotes (and no \v or \f, which splitArgs treats differently
   * before and inside a word): its words are the runs between spaces, tabs, CR and LF, read where
   * they are, as splitArgs would split them but without a string and a Buffer per word.
   */
  private inlineInPlace(buf: Buffer, start: number, end: number): boolean {
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c === 34 || c === 39 || c === 11 || c === 12) return false;
    }
    let argc = 0;
    let i = start;
    for (;;) {
      while (i < end && isWordBreak(buf[i])) i++;
      if (i >= end) break;
      const wordStart = i;
      while (i < end && !isWordBreak(buf[i])) i++;
      if (argc >= this.starts.length) this.grow(argc + 1);
      this.starts[argc] = wordStart;
      this.ends[argc] = i;
      argc++;
    }
    this.args = buf;
    this.argc = argc;
    return true;
  }

  private inlineCommand(): ParseResult {
    this.inline = true;
    const buf = this.buf;
    const start = this.pos;
    const nl = lineEndAt(buf, 10, start);
    if (nl < 0) {
      if (buf.length - start > MAX_INLINE) return this.fail('too big inline request');
      this.need = buf.length - start + 1;
      return ParseResult.NeedMore;
    }
    // With its newline in, a line of any length is a command (Redis checks the size only while it
    // is still waiting for the newline).
    let end = nl;
    if (end > start && buf[end - 1] === 13) end--;
    if (this.inlineInPlace(buf, start, end)) {
      this.pos = nl + 1;
      this.need = 0;
      return ParseResult.Command;
    }
    const words = splitArgs(buf.latin1Slice(start, end));
    const args = words === null ? null : words.map((w) => Buffer.from(w, 'latin1'));
    this.pos = nl + 1;
    this.need = 0;
    if (args === null) return this.fail('unbalanced quotes in request');
    if (args.length === 0) {
      this.argc = 0;
      return ParseResult.Command;
    }
    // Unescaped inline arguments are laid out in a fresh buffer the caller reads like any other.
    let total = 0;
    for (const a of args) total += a.length;
    const out = Buffer.allocUnsafe(total);
    if (args.length > this.starts.length) this.grow(args.length);
    let off = 0;
    for (let i = 0; i < args.length; i++) {
      this.starts[i] = off;
      args[i].copy(out, off);
      off += args[i].length;
      this.ends[i] = off;
    }
    this.args = out;
    this.argc = args.length;
    return ParseResult.Command;
  }
}

/** Space, tab, CR, LF: what ends an unquoted word in sdssplitargs. */
function isWordBreak(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

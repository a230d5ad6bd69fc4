/**
 * A shard's AOF effects since its last Aof frame, already in their file form: each entry is
 * `u16 db | u32 length | the command in RESP`, appended to one growable buffer. The shard encodes
 * each command once, straight from the request's bytes when the effect is the command itself; the
 * acceptor only slices the entries out (see src/aof/aof.ts).
 */
import type { Args } from '../shared/frame.js';

export class EffectLog {
  private buf = Buffer.allocUnsafe(4096);
  /** Bytes used. */
  pos = 0;
  /** Entries. */
  count = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private header(db: number): number {
    this.room(6);
    this.buf.writeUInt16LE(db, this.pos);
    const lenAt = this.pos + 2;
    this.pos += 6;
    return lenAt;
  }

  private prefix(c: number, n: number): void {
    this.room(24);
    this.buf[this.pos++] = c;
    this.pos += this.buf.latin1Write(String(n), this.pos);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  private close(lenAt: number): void {
    this.buf.writeUInt32LE(this.pos - lenAt - 4, lenAt);
    this.count++;
  }

  /** A command given as latin1 strings (a rewritten effect). */
  push(db: number, argv: readonly string[]): void {
    const lenAt = this.header(db);
    this.prefix(42, argv.length);
    for (const a of argv) {
      this.prefix(36, a.length);
      this.room(a.length + 2);
      this.pos += this.buf.latin1Write(a, this.pos);
      this.buf[this.pos++] = 13;
      this.buf[this.pos++] = 10;
    }
    this.close(lenAt);
  }

  /** The command in `args` as it is (the common case: no strings made). */
  pushArgs(db: number, args: Args): void {
    const lenAt = this.header(db);
    this.prefix(42, args.count);
    for (let i = 0; i < args.count; i++) {
      const n = args.len(i);
      this.prefix(36, n);
      this.room(n + 2);
      this.buf.set(args.bytes.subarray(args.starts[i], args.ends[i]), this.pos);
      this.pos += n;
      this.buf[this.pos++] = 13;
      this.buf[this.pos++] = 10;
    }
    this.close(lenAt);
  }

  /** Where the log is now (a script undoing its run comes back to it). */
  mark(): number {
    return this.pos;
  }

  /** Drop everything after `mark` (entries are counted again from the buffer). */
  truncate(mark: number): void {
    if (mark >= this.pos) return;
    this.pos = mark;
    let n = 0;
    for (let p = 0; p < mark; p += 6 + this.buf.readUInt32LE(p + 2)) n++;
    this.count = n;
  }

  /** The entries, copied out, and the log emptied. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.count = 0;
    return out;
  }

  /** Write the entries into `target` at `at` and empty the log. */
  drainInto(target: Uint8Array, at: number): void {
    target.set(this.buf.subarray(0, this.pos), at);
    this.pos = 0;
    this.count = 0;
  }
}

/**
 * Layout of the frames that travel on the rings (all integers little-endian).
 *
 * Request frame (acceptor → shard):
 *   u8  kind      FrameKind
 *   u8  flags     RequestFlag bits
 *   u16 db        selected database
 *   u32 connId    client connection id (CLIENT ID)
 *   u32 tag       opaque to the shard, echoed in the reply (fan-out part index, blocking token, …)
 *   u16 cmd       index of the command in COMMANDS (src/shared/command-table.ts)
 *   u16 extra     kind-specific
 *   u32 argc
 *   argc × (u32 len, len bytes)       argv[0] is the command name as the client sent it
 *
 * Reply frame (shard → acceptor):
 *   u8  kind      ReplyKind
 *   u8  flags
 *   u16 reserved
 *   u32 connId
 *   u32 tag
 *   RESP bytes, ready to write to the socket
 *
 * Replies to REQUEST frames come back in the order the shard received them, so the acceptor matches
 * them to requests with a per-shard FIFO and needs no lookup. Frames the shard originates (events,
 * deferred replies of blocked clients) have their own kinds.
 */

export const REQ_HEADER = 20;
export const REPLY_HEADER = 12;

export const enum FrameKind {
  /** One command; the shard answers with one REPLY. */
  Command = 1,
  /** The payload did not fit the ring: it follows on the shard's MessagePort. */
  Spill = 2,
  /** Several commands run back to back with nothing interleaved (EXEC, internal hops); one REPLY. */
  Batch = 3,
  /**
   * The reply to a script's remote call (ReplyKind.ScriptCall): one argument, the RESP reply. The
   * shard is waiting for it inside the script; no reply is sent back.
   */
  CallReply = 4,
}

export const enum ReplyKind {
  Reply = 1,
  Spill = 2,
  /** Not a reply: blocked-on keys that were written (no request is matched to it). */
  Event = 3,
  /** Not a reply: keyspace notifications to publish. */
  Notify = 4,
  /**
   * Not a reply: a running script asks the acceptor to run a command it cannot run itself (a key on
   * another shard, a server command). Body: u16 db | u8 resp3 | u32 argc | argc × (u32 len, bytes);
   * flags bit 0 set means the frame travelled on the MessagePort because of its size.
   */
  ScriptCall = 5,
  /** Not a reply: AOF effects (see src/shard-worker/effects.ts); flags are AofFlag bits. */
  Aof = 6,
}

export const enum AofFlag {
  /** The effects of the request whose reply comes next (else: the active expiry cycle's). */
  Solicited = 1,
  /** One atomic unit (a script): logged inside MULTI/EXEC when there are several. */
  Atomic = 2,
  /** Too big for the ring: the whole frame travelled on the MessagePort. */
  Port = 4,
}

export const enum RequestFlag {
  Resp3 = 1,
  /** Part of a fan-out: the shard replies in the internal form the acceptor combines. */
  Part = 2,
  /** Replies are not wanted (CLIENT REPLY OFF/SKIP); the shard still executes. */
  NoReply = 4,
  /** CLIENT NO-TOUCH ON: lookups do not update keys' LRU/LFU (except the TOUCH command's). */
  NoTouch = 8,
}

/** Decoded view of a request frame's arguments without copying them. */
export class Args {
  bytes: Uint8Array = new Uint8Array(0);
  count = 0;
  starts: Int32Array = new Int32Array(64);
  ends: Int32Array = new Int32Array(64);

  /** Point at argc length-prefixed arguments starting at `off` in `bytes`. */
  decode(bytes: Uint8Array, view: DataView, off: number, argc: number): void {
    if (argc > this.starts.length) {
      let n = this.starts.length;
      while (n < argc) n *= 2;
      this.starts = new Int32Array(n);
      this.ends = new Int32Array(n);
    }
    this.bytes = bytes;
    this.count = argc;
    for (let i = 0; i < argc; i++) {
      const len = view.getUint32(off, true);
      off += 4;
      this.starts[i] = off;
      off += len;
      this.ends[i] = off;
    }
  }

  /** Set from JS values (scripts, internal commands, tests). */
  setFrom(values: ReadonlyArray<string | Uint8Array>): void {
    let total = 0;
    for (const v of values) total += typeof v === 'string' ? v.length : v.length;
    const buf = Buffer.allocUnsafe(total);
    if (values.length > this.starts.length) {
      let n = this.starts.length;
      while (n < values.length) n *= 2;
      this.starts = new Int32Array(n);
      this.ends = new Int32Array(n);
    }
    let off = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      this.starts[i] = off;
      if (typeof v === 'string') off += buf.latin1Write(v, off);
      else {
        buf.set(v, off);
        off += v.length;
      }
      this.ends[i] = off;
    }
    this.bytes = buf;
    this.count = values.length;
  }

  len(i: number): number {
    return this.ends[i] - this.starts[i];
  }

  /** Argument as a latin1 string: one JS char per byte, so any bytes round-trip. */
  str(i: number): string {
    return latin1(this.bytes, this.starts[i], this.ends[i]);
  }

  /** Zero-copy view, valid only while the command runs. */
  view(i: number): Uint8Array {
    return this.bytes.subarray(this.starts[i], this.ends[i]);
  }

  /** Case-insensitive comparison with an ASCII lowercase word (option parsing without allocation). */
  is(i: number, lowerWord: string): boolean {
    const s = this.starts[i];
    const n = this.ends[i] - s;
    if (n !== lowerWord.length) return false;
    const b = this.bytes;
    for (let k = 0; k < n; k++) {
      let c = b[s + k];
      if (c >= 65 && c <= 90) c |= 0x20;
      if (c !== lowerWord.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Lower-cased argument (for option and sub-command names). */
  lower(i: number): string {
    return this.str(i).toLowerCase();
  }

  all(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.str(i));
    return out;
  }
}

/**
 * Strings up to this many bytes are made by one String.fromCharCode call with the bytes as arguments:
 * measured ~40-60 ns against ~80-90 ns for Buffer#latin1Slice (a native call) and more for a loop of
 * concatenations. Most keys are this short.
 */
const SHORT = 20;
const f = String.fromCharCode;

/** Bytes → latin1 JS string (one char per byte, so any bytes round-trip). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= SHORT) {
    const b = bytes;
    const s = start;
    switch (n) {
      case 0:
        return '';
      case 1:
        return f(b[s]);
      case 2:
        return f(b[s], b[s + 1]);
      case 3:
        return f(b[s], b[s + 1], b[s + 2]);
    case 4:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
    case 17:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15], b[s + 16]);
    case 18:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15], b[s + 16], b[s + 17]);
    case 19:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15], b[s + 16], b[s + 17], b[s + 18]);
    case 20:
      return f(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15], b[s + 16], b[s + 17], b[s + 18], b[s + 19]);
    }
  }
  if (bytes instanceof Buffer) return bytes.latin1Slice(start, end);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, n).latin1Slice(0, n);
}

/**
 * The last few strings made from bytes, handed out again when the same bytes come back: a script's
 * SHA1 arrives with every EVALSHA, and a 40-character string made and hashed anew each time showed in
 * profiles, where a reused one keeps its cached hash for Map lookups.
 */
export class RecentStrings {
  private readonly items: string[] = [];

  constructor(private readonly size: number) {}

  get(bytes: Uint8Array, start: number, end: number): string {
    const n = end - start;
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const s = items[i];
      if (s.length !== n) continue;
      let k = 0;
      while (k < n && bytes[start + k] === s.charCodeAt(k)) k++;
      if (k === n) return s;
    }
    const s = latin1(bytes, start, end);
    if (items.length === this.size) items.pop();
    items.unshift(s);
    return s;
  }
}

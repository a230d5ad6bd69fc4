/**
 * One client connection on the acceptor: its socket, request parser, session state, and the ordering of
 * its replies. Every command gets a sequence number when it is dispatched; replies may arrive out of
 * order (different shards, local commands answered at once) and are written strictly in sequence.
 */
import type { Socket } from 'node:net';
import { RequestParser, type ParserLimits } from '../protocol/request-parser.js';
import type { ReplySink } from './shards.js';

/** Tag bit set on commands whose reply must be dropped (CLIENT REPLY OFF / SKIP). */
export const DISCARD_REPLY = 0x80000000;
const SEQ_MASK = 0x7fffffff;

/**
 * Reply bytes are copied out of the shared ring into a bump arena; sockets write views of it. An arena is
 * never reused, so in-flight writes stay valid; it is collected once its views are written.
 */
class OutputArena {
  private buf = Buffer.allocUnsafeSlow(64 * 1024);
  private pos = 0;

  copy(bytes: Uint8Array, start: number, end: number): Buffer {
    const n = end - start;
    if (this.pos + n > this.buf.length) {
      this.buf = Buffer.allocUnsafeSlow(Math.max(64 * 1024, n));
      this.pos = 0;
    }
    const at = this.pos;
    if (n <= 32) for (let i = 0; i < n; i++) this.buf[at + i] = bytes[start + i];
    else this.buf.set(bytes.subarray(start, end), at);
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  /** Extends `prev` in place when it ends where the arena's free space starts (consecutive replies). */
  tryExtend(prev: Buffer, bytes: Uint8Array, start: number, end: number): Buffer | null {
    const n = end - start;
    if (prev.buffer !== this.buf.buffer || prev.byteOffset + prev.length !== this.buf.byteOffset + this.pos) return null;
    if (this.pos + n > this.buf.length) return null;
    const at = this.pos;
    if (n <= 32) for (let i = 0; i < n; i++) this.buf[at + i] = bytes[start + i];
    else this.buf.set(bytes.subarray(start, end), at);
    this.pos += n;
    return Buffer.from(prev.buffer, prev.byteOffset, prev.length + n);
  }
}

const arena = new OutputArena();

export const enum ReplyMode {
  On = 0,
  Off = 1,
  Skip = 2,
}

export interface ClientHost {
  /** The client has output to flush at the end of this turn. */
  markOutput(c: Client): void;
  /** The client is gone. */
  clientClosed(c: Client): void;
}

export class Client implements ReplySink {
  readonly parser: RequestParser;
  db = 0;
  resp = 2;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  replyMode = ReplyMode.On;
  noEvict = false;
  noTouch = false;
  /** Next sequence number to hand out / to write. */
  private seqIssued = 0;
  private seqWritten = 0;
  private stash: Map<number, Buffer> | null = null;
  /** Pending output for this turn. */
  private out: Buffer[] = [];
  private outQueued = false;
  closed = false;
  /** Close once the reply with this sequence number has been written (QUIT, protocol errors). */
  private closeAfter = -1;
  paused = false;
  /** Bytes of input consumed but whose commands were held back because the shards are saturated. */
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    limits: ParserLimits,
    requirePass: boolean,
    private readonly host: ClientHost,
  ) {
    this.parser = new RequestParser(limits);
    this.authenticated = !requirePass;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
    this.fd = handle?.fd ?? -1;
  }

  /** Reserve the next reply slot; the returned tag goes into the request frame. */
  nextTag(discardable = true): number {
    let tag = this.seqIssued;
    this.seqIssued = (this.seqIssued + 1) & SEQ_MASK;
    if (discardable && this.replyMode !== ReplyMode.On) {
      tag |= DISCARD_REPLY;
      if (this.replyMode === ReplyMode.Skip) this.replyMode = ReplyMode.On;
    }
    return tag;
  }

  /** Replies not yet written (commands in flight). */
  get inFlight(): number {
    return (this.seqIssued - this.seqWritten) & SEQ_MASK;
  }

  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void {
    if (this.closed) return;
    const seq = tag & SEQ_MASK;
    if (seq !== this.seqWritten) {
      // An earlier reply is still outstanding: keep a private copy until its turn.
      const copy = Buffer.allocUnsafe(end - start);
      copy.set(bytes.subarray(start, end));
      (this.stash ??= new Map()).set(seq, (tag & DISCARD_REPLY) !== 0 ? Buffer.alloc(0) : copy);
      return;
    }
    if ((tag & DISCARD_REPLY) === 0) this.emit(bytes, start, end);
    this.advance();
    if (this.stash !== null && this.stash.size > 0) {
      for (;;) {
        const b = this.stash.get(this.seqWritten);
        if (b === undefined) break;
        this.stash.delete(this.seqWritten);
        if (b.length > 0) this.emit(b, 0, b.length);
        this.advance();
      }
    }
  }

  /** Deliver a complete reply for `tag` from a Buffer (local commands, combined fan-out replies). */
  deliverBuffer(buf: Uint8Array, tag: number): void {
    this.deliver(buf, 0, buf.length, tag);
  }

  private advance(): void {
    this.seqWritten = (this.seqWritten + 1) & SEQ_MASK;
    if (this.closeAfter >= 0 && this.seqWritten === this.closeAfter) {
      this.flush();
      this.close();
    }
  }

  private emit(bytes: Uint8Array, start: number, end: number): void {
    const out = this.out;
    if (out.length > 0) {
      const ext = arena.tryExtend(out[out.length - 1], bytes, start, end);
      if (ext !== null) {
        out[out.length - 1] = ext;
        return;
      }
    }
    out.push(arena.copy(bytes, start, end));
    if (!this.outQueued) {
      this.outQueued = true;
      this.host.markOutput(this);
    }
  }

  /** Write everything emitted this turn in one socket write. */
  flush(): void {
    this.outQueued = false;
    const out = this.out;
    if (out.length === 0 || this.closed) {
      out.length = 0;
      return;
    }
    if (out.length === 1) this.socket.write(out[0]);
    else this.socket.write(Buffer.concat(out));
    out.length = 0;
  }

  /** Close the connection after the reply with `tag` (already issued) is written. */
  closeAfterReply(tag: number): void {
    this.closeAfter = ((tag & SEQ_MASK) + 1) & SEQ_MASK;
    if (this.seqWritten === this.closeAfter) {
      this.flush();
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    this.socket.destroySoon?.();
    this.host.clientClosed(this);
  }

  /** Abort at once (CLIENT KILL, limits). */
  kill(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.host.clientClosed(this);
  }
}

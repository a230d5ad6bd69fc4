/**
 * One client connection on the acceptor: its socket, request parser, session state, and the ordering of
 * its replies. Every command gets a sequence number when it is dispatched; replies may arrive out of
 * order (different shards, local commands answered at once) and are written strictly in sequence.
 */
import type { Socket } from 'node:net';
import { RequestParser, type ParserLimits } from '../protocol/request-parser.js';
import type { ReplySink } from './shards.js';
import type { CommandSpec } from '../shared/command-table.js';
import type { ClientSubs } from './pubsub.js';
import type { WatchedKey } from './transaction.js';
import { RequestFlag } from '../shared/frame.js';

/** Tag bit set on commands whose reply must be dropped (CLIENT REPLY OFF / SKIP). */
export const DISCARD_REPLY = 0x80000000;
const SEQ_MASK = 0x7fffffff;

/**
 * Reply bytes are copied out of the shared ring into a bump arena; sockets write views of it. An arena is
 * never reused, so in-flight writes stay valid; it is collected once its views are written.
 */
const ARENA_BYTES = 256 * 1024;
let arenaBuf = Buffer.allocUnsafeSlow(ARENA_BYTES);
let arenaPos = 0;

function arenaCopy(bytes: Uint8Array, start: number, end: number): void {
  const n = end - start;
  const at = arenaPos;
  if (n <= 32) for (let i = 0; i < n; i++) arenaBuf[at + i] = bytes[start + i];
  else arenaBuf.set(bytes.subarray(start, end), at);
  arenaPos = at + n;
}

function arenaReserve(n: number): void {
  if (arenaPos + n > arenaBuf.length) {
    arenaBuf = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, n));
    arenaPos = 0;
  }
}

/** A command queued inside MULTI. */
export interface QueuedCommand {
  spec: CommandSpec;
  src: { buf: Buffer; starts: number[]; ends: number[] };
  argc: number;
}

export const enum ReplyMode {
  On = 0,
  Off = 1,
  Skip = 2,
}

export interface ClientHost {
  /** The client has output to flush at the end of this turn. */
  markOutput(c: Client): void;
  /** Output was handed to the socket: enforce client-output-buffer-limit. */
  afterWrite(c: Client): void;
  /** The client is gone. */
  clientClosed(c: Client): void;
}

export class Client implements ReplySink {
  readonly parser: RequestParser;
  db = 0;
  resp = 2;
  name = '';
  /** CLIENT SETINFO LIB-NAME / LIB-VER (Redis 7.2); shown by CLIENT LIST and CLIENT INFO. */
  libName = '';
  libVer = '';
  authenticated: boolean;
  user = 'default';
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  /** Commands queued by MULTI (null outside a transaction). */
  multi: QueuedCommand[] | null = null;
  /** Keys under WATCH (null when none). */
  watched: WatchedKey[] | null = null;
  /** A command was rejected while queueing: EXEC answers EXECABORT. */
  multiFailed = false;
  /** Pub/Sub subscriptions (null until the first subscribe). */
  subs: ClientSubs | null = null;
  /** When the output buffer went over the soft limit (0 = it is not over). */
  softLimitSince = 0;
  replyMode = ReplyMode.On;
  noEvict = false;
  /** RequestFlag bits that every request of this client carries (CLIENT NO-TOUCH). */
  requestFlags = 0;
  /** CLIENT NO-TOUCH (Redis 7.2): the client's commands leave keys' LRU/LFU alone, except TOUCH. */
  get noTouch(): boolean {
    return (this.requestFlags & RequestFlag.NoTouch) !== 0;
  }

  set noTouch(on: boolean) {
    this.requestFlags = on ? this.requestFlags | RequestFlag.NoTouch : this.requestFlags & ~RequestFlag.NoTouch;
  }
  /** Next sequence number to hand out / to write. */
  private seqIssued = 0;
  private seqWritten = 0;
  private stash: Map<number, Buffer> | null = null;
  /** Pending output for this turn: finished runs, plus the current run [outStart, outEnd) of outBuf. */
  private out: Buffer[] = [];
  private outBuf: Buffer | null = null;
  private outStart = 0;
  private outEnd = 0;
  private outQueued = false;
  closed = false;
  /** Close once the reply with this sequence number has been written (QUIT, protocol errors). */
  private closeAfter = -1;
  paused = false;
  /**
   * Commands in flight that the client's next commands must not overtake: fast script runs and
   * script loads (acceptor/scripting.ts), blocking pops (a blocked client runs nothing else, as in
   * Redis), WATCH (EXEC must see its versions) and SCAN across shards (its walk must not see the
   * client's later writes). Input is parsed again when the count is back to 0 (Server.ungate).
   */
  inputGate = 0;
  /** Set while the server parses and dispatches this client's input (ungate must not re-enter). */
  dispatching = false;
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

  /** Keep a private copy of a command for EXEC. */
  queueCommand(spec: CommandSpec, buf: Uint8Array, starts: ArrayLike<number>, ends: ArrayLike<number>, argc: number): void {
    let total = 0;
    for (let i = 0; i < argc; i++) total += ends[i] - starts[i];
    const copy = Buffer.allocUnsafe(total);
    const s: number[] = [];
    const e: number[] = [];
    let off = 0;
    for (let i = 0; i < argc; i++) {
      copy.set(buf.subarray(starts[i], ends[i]), off);
      s.push(off);
      off += ends[i] - starts[i];
      e.push(off);
    }
    this.multi!.push({ spec, src: { buf: copy, starts: s, ends: e }, argc });
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
    const blocking = this.blockingSeqs;
    if (blocking !== null && blocking.size !== 0) blocking.delete(this.seqWritten);
    this.seqWritten = (this.seqWritten + 1) & SEQ_MASK;
    if (this.closeAfter >= 0 && this.seqWritten === this.closeAfter) {
      this.flush(true);
      this.close();
      return;
    }
    // Held output goes out once the replies it waited for are in, or when the next one may block.
    if (this.holdUntil >= 0 && !this.outQueued && this.outBuf !== null && (this.seqWritten === this.holdUntil || this.headIsBlocking())) {
      this.outQueued = true;
      this.host.markOutput(this);
    }
  }

  /** Sequence numbers of blocking commands in flight (BLPOP…): output is never held for them. */
  private blockingSeqs: Set<number> | null = null;
  /**
   * While ≥ 0, output is being held for the replies before this sequence number; the next flush
   * writes whatever has come by then (a hold lasts one round at most).
   */
  private holdUntil = -1;

  /** The command with this tag may block (its reply can wait for other clients). */
  markBlocking(tag: number): void {
    (this.blockingSeqs ??= new Set()).add(tag & SEQ_MASK);
  }

  private headIsBlocking(): boolean {
    return this.blockingSeqs !== null && this.blockingSeqs.has(this.seqWritten);
  }

  /** Append reply bytes; consecutive replies to this client extend one run of the arena. */
  private emit(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    arenaReserve(n);
    if (this.outBuf !== arenaBuf || this.outEnd !== arenaPos) {
      if (this.outBuf !== null) this.out.push(this.outBuf.subarray(this.outStart, this.outEnd));
      this.outBuf = arenaBuf;
      this.outStart = arenaPos;
    }
    arenaCopy(bytes, start, end);
    this.outEnd = arenaPos;
    if (!this.outQueued) {
      this.outQueued = true;
      this.host.markOutput(this);
    }
  }

  /**
   * Write everything emitted so far in one socket write. Like Redis, which writes the replies to
   * everything one read brought in together, replies whose later neighbours are still being
   * computed (a cross-shard EXEC after its QUEUED replies) are held for one round, until the next
   * reply comes in, unless the next one belongs to a blocking command: one write instead of two. A
   * client that keeps pipelining still gets output at least every other round. `force` writes now.
   */
  flush(force = false): void {
    this.outQueued = false;
    const run = this.outBuf;
    if (run === null || this.closed) {
      this.out.length = 0;
      this.outBuf = null;
      return;
    }
    if (this.holdUntil >= 0) this.holdUntil = -1; // held once already: now it goes
    else if (!force && this.seqWritten !== this.seqIssued && !this.headIsBlocking()) {
      // The next reply written queues the output again (emit, or advance() for a discarded one).
      this.holdUntil = this.seqIssued;
      return;
    }
    const last = run.subarray(this.outStart, this.outEnd);
    this.outBuf = null;
    const out = this.out;
    if (out.length === 0) this.socket.write(last);
    else {
      out.push(last);
      this.socket.write(Buffer.concat(out));
      out.length = 0;
    }
    if (this.socket.writableLength > 0) this.host.afterWrite(this);
  }

  /** Close the connection after the reply with `tag` (already issued) is written. */
  closeAfterReply(tag: number): void {
    this.closeAfter = ((tag & SEQ_MASK) + 1) & SEQ_MASK;
    if (this.seqWritten === this.closeAfter) {
      this.flush(true);
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

/**
 * A minimal RESP2 client over node:net for ferrous-lua: one connection, requests sent as multibulks,
 * replies matched to requests in order. Bulk strings stay Buffers; status and error lines are kept as
 * latin1 strings so every byte survives to the formatter.
 */
import net from 'node:net';

export type Reply =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'bulk'; value: Buffer }
  | { type: 'nil' }
  | { type: 'array'; value: Reply[] };

export class ProtocolError extends Error {}

/** Parse one reply at `p`: [reply, end offset], or null when `b` does not hold all of it yet. */
export function parseReply(b: Buffer, p = 0): [Reply, number] | null {
  if (p >= b.length) return null;
  const nl = b.indexOf('\r\n', p);
  if (nl < 0) return null;
  const type = b[p];
  const line = b.toString('latin1', p + 1, nl);
  const after = nl + 2;
  switch (type) {
    case 0x2b: // +
      return [{ type: 'status', value: line }, after];
    case 0x2d: // -
      return [{ type: 'error', value: line }, after];
    case 0x3a: // :
      if (!/^-?\d+$/.test(line)) throw new ProtocolError(`bad integer reply ${JSON.stringify(line)}`);
      return [{ type: 'integer', value: BigInt(line) }, after];
    case 0x24: {
      // $
      const n = lengthOf(line);
      if (n < 0) return [{ type: 'nil' }, after];
      if (after + n + 2 > b.length) return null;
      return [{ type: 'bulk', value: Buffer.from(b.subarray(after, after + n)) }, after + n + 2];
    }
    case 0x2a: {
      // *
      const n = lengthOf(line);
      if (n < 0) return [{ type: 'nil' }, after];
      const items: Reply[] = [];
      let q = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(b, q);
        if (r === null) return null;
        items.push(r[0]);
        q = r[1];
      }
      return [{ type: 'array', value: items }, q];
    }
    default:
      throw new ProtocolError(`unexpected reply type byte 0x${type.toString(16).padStart(2, '0')}`);
  }
}

function lengthOf(line: string): number {
  if (!/^-?\d+$/.test(line)) throw new ProtocolError(`bad length ${JSON.stringify(line)}`);
  return Number(line);
}

/** One RESP command as a multibulk. */
export function encodeCommand(args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

export class RespClient {
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending[] = [];
  private failure: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => this.onData(d));
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('connection closed by server')));
  }

  static connect(host: string, port: number, timeoutMs = 5000): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error('connection timed out'));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeListener('error', onError);
        resolve(new RespClient(s));
      });
      const onError = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      s.once('error', onError);
    });
  }

  /** Send a command; resolves with its reply (error replies resolve too, as { type: 'error' }). */
  call(...args: Array<string | Buffer>): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.sock.write(encodeCommand(args));
    });
  }

  close(): void {
    this.failure ??= new Error('connection closed');
    this.sock.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let p = 0;
    try {
      for (;;) {
        const r = parseReply(this.buf, p);
        if (r === null) break;
        p = r[1];
        const w = this.pending.shift();
        if (w === undefined) throw new ProtocolError('reply without a request');
        w.resolve(r[0]);
      }
    } catch (e) {
      this.fail(e as Error);
      this.sock.destroy();
      return;
    }
    this.buf = this.buf.subarray(p);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.pending;
    this.pending = [];
    for (const x of w) x.reject(this.failure);
  }
}

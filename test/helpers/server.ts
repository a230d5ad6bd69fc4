/**
 * Test helpers: an in-process Ferrous server, raw RESP connections, and a real redis-server when the
 * machine has one (differential tests).
 */
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { startServer, type RunningServer, type StartOptions } from '../../src/index.js';
import { keyHashSlotOfString } from '../../src/shared/crc16.js';
import { shardOfSlot } from '../../src/shared/sharding.js';

export async function withServer(opts: StartOptions = {}): Promise<RunningServer> {
  return startServer({ shards: 2, ...opts });
}

export function client(srv: { host: string; port: number }): Redis {
  return new Redis({ host: srv.host, port: srv.port, lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true });
}

/** A raw connection that sends bytes and reads back exactly the replies it expects. */
export class RawConn {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    sock.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawConn(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(data: string | Buffer): void {
    this.sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Send a command as a RESP multibulk. */
  send(...args: Array<string | Buffer>): void {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    this.sock.write(Buffer.concat(parts));
  }

  /** Read `n` complete replies (raw bytes, latin1), waiting up to `ms`. */
  async read(n = 1, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = replyEnd(this.buf, 0, n);
      if (end >= 0) {
        const out = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed; have ${JSON.stringify(this.buf.toString('latin1'))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; have ${JSON.stringify(this.buf.toString('latin1'))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Send one command and read its reply. */
  async call(...args: Array<string | Buffer>): Promise<string> {
    this.send(...args);
    return this.read(1);
  }

  /** Resolves when the server closed the connection. */
  async waitClosed(ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.sock.destroy();
  }
}

/** End offset after `n` complete RESP values starting at `p`, or -1 if incomplete. */
export function replyEnd(b: Buffer, p: number, n: number): number {
  for (let i = 0; i < n; i++) {
    p = oneEnd(b, p);
    if (p < 0) return -1;
  }
  return p;
}

function oneEnd(b: Buffer, p: number): number {
  if (p >= b.length) return -1;
  const nl = b.indexOf('\r\n', p);
  if (nl < 0) return -1;
  const t = String.fromCharCode(b[p]);
  const line = b.toString('latin1', p + 1, nl);
  const after = nl + 2;
  switch (t) {
    case '$':
    case '!':
    case '=': {
      const n = Number(line);
      if (n < 0) return after;
      return after + n + 2 <= b.length ? after + n + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (n < 0) return after;
      return replyEnd(b, after, t === '%' ? 2 * n : n);
    }
    default:
      return after;
  }
}

/** A real redis-server on a free port, if installed; null otherwise. */
export async function startRealRedis(extraArgs: string[] = []): Promise<{ port: number; proc: ChildProcess; stop: () => Promise<void> } | null> {
  const which = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (which.status !== 0) return null;
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', ...extraArgs], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RawConn.connect(port);
      c.close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
  });
}

/** `perShard` key names with `prefix` owned by each shard of an `n`-shard server. */
export function keysByShard(n: number, perShard: number, prefix = 'k'): string[][] {
  const out: string[][] = Array.from({ length: n }, () => []);
  for (let i = 0; out.some((l) => l.length < perShard); i++) {
    const k = `${prefix}${i}`;
    const s = shardOfSlot(keyHashSlotOfString(k), n);
    if (out[s].length < perShard) out[s].push(k);
  }
  return out;
}

/**
 * Turning the replies of a command's per-shard parts into the one reply the client expects.
 * Parts are well-formed RESP produced by our own shards, so the reader only needs to find boundaries.
 */
import { Combine } from '../shared/command-table.js';
import type { ReplySink } from './shards.js';

/** End offset of the RESP value starting at `p`. */
export function skipValue(b: Uint8Array, p: number): number {
  const t = b[p];
  let e = p + 1;
  while (b[e] !== 13) e++;
  const lineEnd = e + 2;
  switch (t) {
    case 36: // $ bulk
    case 33: // ! blob error
    case 61: {
      // = verbatim
      const n = parseIntAt(b, p + 1, e);
      return n < 0 ? lineEnd : lineEnd + n + 2;
    }
    case 42: // * array
    case 126: // ~ set
    case 62: {
      // > push
      const n = parseIntAt(b, p + 1, e);
      let q = lineEnd;
      for (let i = 0; i < n; i++) q = skipValue(b, q);
      return q;
    }
    case 37: {
      // % map
      const n = parseIntAt(b, p + 1, e);
      let q = lineEnd;
      for (let i = 0; i < 2 * n; i++) q = skipValue(b, q);
      return q;
    }
    default:
      return lineEnd;
  }
}

export function parseIntAt(b: Uint8Array, start: number, end: number): number {
  let neg = false;
  let i = start;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  for (; i < end; i++) v = v * 10 + (b[i] - 48);
  return neg ? -v : v;
}

/** Element count of an aggregate reply at `p`, and where its first element starts. */
export function aggregateHeader(b: Uint8Array, p: number): { count: number; first: number } {
  let e = p + 1;
  while (b[e] !== 13) e++;
  return { count: parseIntAt(b, p + 1, e), first: e + 2 };
}

export function isError(b: Uint8Array, p = 0): boolean {
  return b[p] === 45 || b[p] === 33;
}

/**
 * Collects the parts of one fan-out command (tag = part index) and delivers the combined reply to the
 * client's slot once all are in.
 */
export class FanOutCollector implements ReplySink {
  private readonly parts: (Buffer | null)[];
  private remaining: number;

  constructor(
    n: number,
    private readonly combine: Combine,
    private readonly done: (reply: Buffer) => void,
    /** For Combine.KeyOrder: part index of each original key, in key order. */
    private readonly keyParts: Uint8Array | null = null,
  ) {
    this.parts = new Array(n).fill(null);
    this.remaining = n;
  }

  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void {
    this.parts[tag] = Buffer.from(bytes.subarray(start, end));
    if (--this.remaining === 0) this.done(this.finish());
  }

  private finish(): Buffer {
    const parts = this.parts as Buffer[];
    for (const p of parts) if (isError(p)) return p;
    switch (this.combine) {
      case Combine.Sum: {
        let total = 0;
        for (const p of parts) total += parseIntAt(p, 1, p.length - 2);
        return Buffer.from(`:${total}\r\n`);
      }
      case Combine.AllOk:
        return parts[0];
      case Combine.Concat: {
        let count = 0;
        const bodies: Buffer[] = [];
        for (const p of parts) {
          const h = aggregateHeader(p, 0);
          count += h.count;
          bodies.push(p.subarray(h.first));
        }
        return Buffer.concat([Buffer.from(`*${count}\r\n`), ...bodies]);
      }
      case Combine.AnyNonNull: {
        const found = parts.filter((p) => !(p[0] === 95 || (p[0] === 36 && p[1] === 45)));
        if (found.length === 0) return parts[0];
        return found[Math.floor(Math.random() * found.length)];
      }
      case Combine.KeyOrder: {
        const keyParts = this.keyParts!;
        const cursors = parts.map((p) => aggregateHeader(p, 0).first);
        const chunks: Buffer[] = [Buffer.from(`*${keyParts.length}\r\n`)];
        for (let i = 0; i < keyParts.length; i++) {
          const k = keyParts[i];
          const p = parts[k];
          const s = cursors[k];
          const e = skipValue(p, s);
          chunks.push(p.subarray(s, e));
          cursors[k] = e;
        }
        return Buffer.concat(chunks);
      }
      default:
        return parts[0];
    }
  }
}

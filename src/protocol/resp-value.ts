/**
 * A typed RESP reply tree that keeps every RESP3 type distinct, plus an encoder for RESP2 and RESP3.
 *
 * The representation is compact and JSON-friendly (it is also the on-disk format of
 * src/shared/redis-command-meta.json):
 *
 *   "text" | Buffer         bulk string            42 | 42n               integer
 *   ['+', 'OK']             simple string          ['-', 'ERR x']         simple error
 *   ['!', 'ERR x']          bulk (blob) error      ['*', a, b, ...]       array
 *   ['%', k1, v1, k2, v2]   map (flat pairs)       ['~', a, b, ...]       set
 *   ['>', a, b, ...]        push                   ['_']                  null ($-1 in RESP2)
 *   ['_*']                  null (*-1 in RESP2)    [',', 1.5]             double
 *   ['#', true]             boolean                ['(', '1234...']       big number
 *   ['=', 'txt', 'body']    verbatim string
 *
 * RESP2 downgrades (what Redis does): map → flat array of 2n, set/push → array, ['_'] → `$-1`
 * (addReplyNull) and ['_*'] → `*-1` (addReplyNullArray), double → bulk string formatted like
 * Redis 7.0 (`%.17g`, `inf`/`-inf`), boolean → `:1`/`:0`, big number → bulk string, verbatim →
 * bulk string of the body, bulk error → simple error (newlines replaced by spaces).
 */

import { formatDouble17g } from '../shared/numbers.js';

export type RespValue =
  | string
  | Buffer
  | number
  | bigint
  | readonly ['+', string]
  | readonly ['-', string]
  | readonly ['!', string]
  | readonly ['*', ...RespValue[]]
  | readonly ['%', ...RespValue[]]
  | readonly ['~', ...RespValue[]]
  | readonly ['>', ...RespValue[]]
  | readonly ['_']
  | readonly ['_*']
  | readonly [',', number]
  | readonly ['#', boolean]
  | readonly ['(', string]
  | readonly ['=', string, string];

export type RespProto = 2 | 3;

/**
 * Formats a double the way Redis 7.0 does in replies (C `%.17g`, `inf`/`-inf`/`nan`); the one
 * implementation is numbers.ts's formatDouble17g.
 */
export const formatRespDouble = formatDouble17g;

class Out {
  parts: (string | Buffer)[] = [];
  str = '';
  hasBuffers = false;

  push(s: string): void {
    this.str += s;
    if (this.str.length > 65536) this.flush();
  }

  pushBuffer(b: Buffer): void {
    this.flush();
    this.parts.push(b);
    this.hasBuffers = true;
  }

  flush(): void {
    if (this.str.length > 0) {
      this.parts.push(this.str);
      this.str = '';
    }
  }

  finish(): Buffer {
    this.flush();
    if (!this.hasBuffers) return Buffer.from(this.parts.join(''), 'utf8');
    return Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  }
}

function bulk(out: Out, s: string): void {
  out.push(`$${Buffer.byteLength(s, 'utf8')}\r\n${s}\r\n`);
}

function noCrlf(s: string): string {
  return s.includes('\r') || s.includes('\n') ? s.replace(/\r\n|\r|\n/g, ' ') : s;
}

function write(out: Out, v: RespValue, proto: RespProto): void {
  if (typeof v === 'string') {
    bulk(out, v);
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`RESP integer must be an integer, got ${v}`);
    out.push(`:${v}\r\n`);
    return;
  }
  if (typeof v === 'bigint') {
    out.push(`:${v}\r\n`);
    return;
  }
  if (Buffer.isBuffer(v)) {
    out.push(`$${v.length}\r\n`);
    out.pushBuffer(v);
    out.push('\r\n');
    return;
  }
  switch (v[0]) {
    case '+':
      out.push(`+${noCrlf(v[1])}\r\n`);
      return;
    case '-':
      out.push(`-${noCrlf(v[1])}\r\n`);
      return;
    case '!':
      if (proto === 3) out.push(`!${Buffer.byteLength(v[1], 'utf8')}\r\n${v[1]}\r\n`);
      else out.push(`-${noCrlf(v[1])}\r\n`);
      return;
    case '*':
    case '~':
    case '>': {
      const prefix = proto === 3 ? v[0] : '*';
      out.push(`${prefix}${v.length - 1}\r\n`);
      for (let i = 1; i < v.length; i++) write(out, v[i] as RespValue, proto);
      return;
    }
    case '%': {
      const n = v.length - 1;
      if (n % 2 !== 0) throw new RangeError('RESP map needs an even number of elements');
      out.push(proto === 3 ? `%${n / 2}\r\n` : `*${n}\r\n`);
      for (let i = 1; i < v.length; i++) write(out, v[i] as RespValue, proto);
      return;
    }
    case '_':
      out.push(proto === 3 ? '_\r\n' : '$-1\r\n');
      return;
    case '_*':
      out.push(proto === 3 ? '_\r\n' : '*-1\r\n');
      return;
    case ',':
      if (proto === 3) out.push(`,${formatRespDouble(v[1])}\r\n`);
      else bulk(out, formatRespDouble(v[1]));
      return;
    case '#':
      out.push(proto === 3 ? (v[1] ? '#t\r\n' : '#f\r\n') : v[1] ? ':1\r\n' : ':0\r\n');
      return;
    case '(':
      if (proto === 3) out.push(`(${v[1]}\r\n`);
      else bulk(out, v[1]);
      return;
    case '=':
      if (proto === 3) {
        const body = `${v[1]}:${v[2]}`;
        out.push(`=${Buffer.byteLength(body, 'utf8')}\r\n${body}\r\n`);
      } else {
        bulk(out, v[2]);
      }
      return;
    default: {
      const never: never = v;
      throw new TypeError(`unknown RESP value ${JSON.stringify(never)}`);
    }
  }
}

/** Encodes a reply tree as raw RESP bytes for the given protocol version. */
export function encodeResp(v: RespValue, proto: RespProto): Buffer {
  const out = new Out();
  write(out, v, proto);
  return out.finish();
}

/** Like encodeResp, but appends the encoding of several values back to back. */
export function encodeRespMany(values: readonly RespValue[], proto: RespProto): Buffer {
  const out = new Out();
  for (const v of values) write(out, v, proto);
  return out.finish();
}

export class RespParseError extends Error {}

/**
 * Parses one complete RESP2/RESP3 reply starting at `offset`. Returns the tree and the offset just
 * past it, or `undefined` if the buffer does not hold a complete reply yet. Bulk strings are returned
 * as JS strings when `binary` is false (the default) and as Buffers otherwise. Attributes (`|`) are
 * skipped. Mostly for tests and tools; the server's request parser lives elsewhere.
 */
export function decodeResp(
  buf: Buffer,
  offset = 0,
  binary = false,
): { value: RespValue; end: number } | undefined {
  const r = parseAt(buf, offset, binary);
  return r === undefined ? undefined : { value: r[0], end: r[1] };
}

function parseAt(buf: Buffer, pos: number, binary: boolean): [RespValue, number] | undefined {
  if (pos >= buf.length) return undefined;
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd < 0) return undefined;
  const type = buf[pos];
  const line = buf.toString('utf8', pos + 1, lineEnd);
  const next = lineEnd + 2;
  const blob = (n: number): [Buffer, number] | undefined => {
    if (!Number.isInteger(n) || n < 0) throw new RespParseError(`bad length ${line}`);
    if (buf.length < next + n + 2) return undefined;
    return [buf.subarray(next, next + n), next + n + 2];
  };
  const aggregate = (
    tag: '*' | '%' | '~' | '>',
    n: number,
  ): [RespValue, number] | undefined => {
    if (!Number.isInteger(n) || n < 0) throw new RespParseError(`bad length ${line}`);
    const items: RespValue[] = [];
    let p = next;
    for (let i = 0; i < n; i++) {
      const r = parseAt(buf, p, binary);
      if (r === undefined) return undefined;
      items.push(r[0]);
      p = r[1];
    }
    return [[tag, ...items], p];
  };
  switch (type) {
    case 0x2b: // +
      return [['+', line], next];
    case 0x2d: // -
      return [['-', line], next];
    case 0x3a: {
      // :
      const n = Number(line);
      return [Number.isSafeInteger(n) ? n : BigInt(line), next];
    }
    case 0x24: {
      // $
      const n = Number(line);
      if (n === -1) return [['_'], next];
      const b = blob(n);
      if (b === undefined) return undefined;
      return [binary ? Buffer.from(b[0]) : b[0].toString('utf8'), b[1]];
    }
    case 0x21: {
      // !
      const b = blob(Number(line));
      if (b === undefined) return undefined;
      return [['!', b[0].toString('utf8')], b[1]];
    }
    case 0x3d: {
      // =
      const b = blob(Number(line));
      if (b === undefined) return undefined;
      const s = b[0].toString('utf8');
      return [['=', s.slice(0, 3), s.slice(4)], b[1]];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n === -1) return [['_*'], next];
      return aggregate('*', n);
    }
    case 0x25: // %
      return aggregate('%', Number(line) * 2);
    case 0x7e: // ~
      return aggregate('~', Number(line));
    case 0x3e: // >
      return aggregate('>', Number(line));
    case 0x7c: {
      // | attribute: skip it, then return the value that follows
      const attr = aggregate('%', Number(line) * 2);
      if (attr === undefined) return undefined;
      return parseAt(buf, attr[1], binary);
    }
    case 0x5f: // _
      return [['_'], next];
    case 0x2c: {
      // ,
      const d = line === 'inf' ? Infinity : line === '-inf' ? -Infinity : line === 'nan' ? NaN : Number(line);
      return [[',', d], next];
    }
    case 0x23: // #
      return [['#', line === 't'], next];
    case 0x28: // (
      return [['(', line], next];
    default:
      throw new RespParseError(`unknown RESP type byte 0x${(type ?? 0).toString(16)}`);
  }
}

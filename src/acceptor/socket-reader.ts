/**
 * Reading client sockets into one shared buffer.
 *
 * A plain `'data'` listener costs, per read, a fresh 64 KiB allocation that is then shrunk, an
 * ArrayBuffer and a Buffer object, and a trip through the Readable stream machinery. Node's `onread`
 * mode (the documented `socket.connect({ onread })` option) reads into a buffer the caller provides
 * and calls back with the byte count instead. Node only offers it for sockets it connects itself, so
 * for accepted sockets (the server is created with `pauseOnConnect`, so nothing has been read yet)
 * it is switched on here the way net.Socket does it for `onread`: the two symbol-keyed fields, then
 * the handle's `useUserBuffer`. Pause and resume keep working (net.Socket stops and restarts the
 * handle's reads in this mode), and end of stream and errors are reported as usual.
 *
 * Every socket reads into the same buffer: callbacks run one at a time, and the consumer must copy
 * what it keeps before returning (RequestParser.keepRest). Where the fields are not found (another
 * Node version), the socket falls back to `'data'` events.
 */
import type { Socket } from 'node:net';

export type ReadCallback = (buf: Buffer, n: number) => void;

/** Node's default read size (libuv's suggested size for a stream read). */
const SHARED_SIZE = 64 * 1024;
const shared = Buffer.allocUnsafe(SHARED_SIZE);

interface OnreadFields {
  buffer: symbol;
  callback: symbol;
}

let fields: OnreadFields | null | undefined;

function onreadFields(sock: Socket): OnreadFields | null {
  if (fields !== undefined) return fields;
  const syms = Object.getOwnPropertySymbols(sock);
  const buffer = syms.find((s) => s.description === 'kBuffer');
  const callback = syms.find((s) => s.description === 'kBufferCb');
  fields = buffer !== undefined && callback !== undefined ? { buffer, callback } : null;
  return fields;
}

interface UserBufferHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
}

/**
 * Start reading an accepted socket (created paused) and hand every chunk to `onRead`. The bytes are
 * valid only during the call when `transient` returns true for the buffer passed.
 */
export function startReading(sock: Socket, onRead: ReadCallback): void {
  const f = onreadFields(sock);
  const handle = (sock as unknown as { _handle?: UserBufferHandle })._handle;
  if (f !== null && handle !== undefined && typeof handle.useUserBuffer === 'function') {
    const s = sock as unknown as Record<symbol, unknown>;
    s[f.buffer] = shared;
    s[f.callback] = (n: number, buf: Buffer): void => onRead(buf, n);
    handle.useUserBuffer(shared);
  } else {
    sock.on('data', (chunk: Buffer) => onRead(chunk, chunk.length));
  }
  sock.resume();
}

/** True when `buf` is the shared read buffer (its bytes are overwritten by the next read). */
export function transient(buf: Uint8Array): boolean {
  return buf === shared;
}

/**
 * DUMP payloads (cluster.c createDumpPayload / verifyDumpPayload): the value in RDB object format
 * followed by a footer of the RDB version (2 bytes) and a CRC64 of everything before it (8 bytes),
 * both little-endian. RESTORE and, later, MIGRATE use the same framing.
 */
import type { Value } from '../shard-worker/keyspace.js';
import { crc64, crc64Equal, readCrc64LE, writeCrc64LE } from './crc64.js';
import { ByteReader, ByteWriter, RDB_VERSION, RdbError } from './rdb-io.js';
import { isObjectType, readObject, writeTypedObject, type EncodingConfig, type ValueSaveOptions } from './value-codec.js';

const FOOTER = 10;

/** DUMP's reply for a value. */
export function createDumpPayload(v: Value, opts: ValueSaveOptions): Buffer {
  const w = new ByteWriter();
  writeTypedObject(w, v, opts);
  w.u16le(RDB_VERSION);
  w.ensure(8);
  writeCrc64LE(crc64(w.buf, 0, w.pos), w.buf, w.pos);
  w.pos += 8;
  return w.take();
}

/**
 * verifyDumpPayload: room for the footer, a version this server knows (≤ 10, as Redis 7.0) and a
 * matching CRC. Unlike an RDB file's, a DUMP payload's CRC of 0 is not "no checksum": Redis 7.0
 * rejects it (only skip-checksum-validation, a debug setting, would let it through).
 */
export function verifyDumpPayload(p: Uint8Array): boolean {
  const len = p.length;
  if (len < FOOTER) return false;
  const ver = p[len - FOOTER] | (p[len - FOOTER + 1] << 8);
  if (ver > RDB_VERSION) return false;
  const stored = readCrc64LE(p, len - 8);
  return crc64Equal(stored, crc64(p, 0, len - 8));
}

/**
 * The value of a verified payload. Like Redis, the object is read from the start of the whole
 * payload (footer included) and trailing bytes are not checked. Throws RdbError.
 */
export function readDumpPayload(p: Uint8Array, config: EncodingConfig): Value {
  const r = new ByteReader(Buffer.from(p.buffer, p.byteOffset, p.length));
  const type = r.byte();
  // rdbLoadObjectType: Redis 7.0 knows the types of its own RDB version only.
  if (!isObjectType(type, RDB_VERSION)) throw new RdbError('corrupt', `unknown RDB object type ${type}`);
  return readObject(r, type, { config, rdbVersion: RDB_VERSION });
}

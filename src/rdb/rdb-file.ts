/**
 * Whole RDB files (Redis 7.0 rdb.c: rdbSaveRio / rdbLoadRioWithLoadingCtx), built on the value codec.
 *
 *   "REDIS0010" | AUX redis-ver, redis-bits, ctime, used-mem, aof-base | FUNCTION2 code…
 *   | per database: SELECTDB n, RESIZEDB keys expires, [EXPIRETIME_MS t] type key value …
 *   | EOF | CRC64 (little-endian; 0 when rdbchecksum is off)
 *
 * Both directions are incremental. The writer is fed entries and hands out Buffer chunks as they
 * fill, so a snapshot can be streamed shard by shard without holding the file in memory. The reader
 * is fed chunks and yields aux fields, functions and entries one at a time; an item cut by a chunk
 * boundary is parsed again once enough data has arrived (at least twice as much, so re-parsing costs
 * at most as much as the data itself).
 */
import type { Value } from '../shard-worker/keyspace.js';
import { REDIS_COMPAT_VERSION } from '../shared/config.js';
import { CRC64_INIT, crc64Equal, crc64Hex, crc64IsZero, crc64Update, readCrc64LE, writeCrc64LE, type Crc64 } from './crc64.js';
import { ByteReader, ByteWriter, RDB_VERSION, RdbError, corrupt, readLen, readString, writeLen, writeString } from './rdb-io.js';
import { objectType, readObject, writeObject, type EncodingConfig, type ValueSaveOptions } from './value-codec.js';

/** Opcodes (rdb.h). */
export const enum Opcode {
  Function2 = 245,
  /** Redis 7.0 release candidates' function format. */
  Function = 246,
  ModuleAux = 247,
  Idle = 248,
  Freq = 249,
  Aux = 250,
  ResizeDb = 251,
  ExpireTimeMs = 252,
  ExpireTime = 253,
  SelectDb = 254,
  Eof = 255,
}

/** The newest format this reader understands (Redis 7.2's RDB 11). */
export const RDB_MAX_READ_VERSION = 11;

const MAGIC = 'REDIS';
const EMPTY = Buffer.alloc(0);
const DEFAULT_CHUNK = 64 * 1024;

// ---------------------------------------------------------------------------------------------- writer

export interface RdbWriterOptions {
  /** rdbcompression: LZF for long strings and list nodes. */
  compress: boolean;
  /** rdbchecksum: when off the trailing CRC is written as 0 (and not computed). */
  checksum: boolean;
  /** Encoding thresholds (list node shapes). */
  config: EncodingConfig;
  /** A chunk is handed out once this many bytes are buffered (default 64 KiB). */
  chunkSize?: number;
}

/** The AUX fields Redis 7.0 writes at the start of every file (rdbSaveInfoAuxFields). */
export interface RdbAuxInfo {
  /** Default: the Redis version Ferrous is compatible with. */
  redisVer?: string;
  /** Default 64. */
  redisBits?: number;
  /** Creation time in seconds since the epoch (default: now). */
  ctime?: number;
  /** Bytes of memory in use (default: this process's resident set). */
  usedMem?: number;
  /** Replication fields, written only when given (a snapshot for a replica). */
  repl?: { streamDb: number; id: string; offset: number };
  /** True when the file is the base of a multi-part AOF. */
  aofBase?: boolean;
}

export class RdbFileWriter {
  private readonly w = new ByteWriter(64 * 1024);
  private readonly chunks: Buffer[] = [];
  private crc: Crc64 = CRC64_INIT;
  private readonly chunkSize: number;
  private currentDb = -1;
  private finished = false;
  /** Bytes handed out or buffered so far. */
  private flushed = 0;

  constructor(private readonly opts: RdbWriterOptions) {
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  }

  /** The "REDIS0010" magic and the standard AUX fields. */
  begin(info: RdbAuxInfo = {}): void {
    this.w.latin1(`${MAGIC}${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', info.redisVer ?? REDIS_COMPAT_VERSION);
    this.aux('redis-bits', String(info.redisBits ?? 64));
    this.aux('ctime', String(info.ctime ?? Math.floor(Date.now() / 1000)));
    this.aux('used-mem', String(info.usedMem ?? process.memoryUsage().rss));
    if (info.repl !== undefined) {
      this.aux('repl-stream-db', String(info.repl.streamDb));
      this.aux('repl-id', info.repl.id);
      this.aux('repl-offset', String(info.repl.offset));
    }
    this.aux('aof-base', info.aofBase ? '1' : '0');
    this.maybeFlush();
  }

  /** One AUX field (key and value are latin1 strings). */
  aux(key: string, value: string): void {
    this.w.byte(Opcode.Aux);
    writeString(this.w, key, this.opts);
    writeString(this.w, value, this.opts);
    this.maybeFlush();
  }

  /** A function library (FUNCTION2: its code, "#!lua name=…" header included). */
  func(code: string): void {
    this.w.byte(Opcode.Function2);
    writeString(this.w, code, this.opts);
    this.maybeFlush();
  }

  /**
   * Start a database: SELECTDB and, when the sizes are known, the RESIZEDB hint (Redis writes both
   * for every non-empty database).
   */
  selectDb(db: number, keys?: number, expires?: number): void {
    this.w.byte(Opcode.SelectDb);
    writeLen(this.w, db);
    if (keys !== undefined) {
      this.w.byte(Opcode.ResizeDb);
      writeLen(this.w, keys);
      writeLen(this.w, expires ?? 0);
    }
    this.currentDb = db;
    this.maybeFlush();
  }

  /**
   * One key (rdbSaveKeyValuePair): a SELECTDB first when `db` is not the current database,
   * EXPIRETIME_MS when `expireAt` (ms since the epoch) is given and not negative.
   */
  entry(db: number, key: string, value: Value, expireAt = -1): void {
    if (db !== this.currentDb) this.selectDb(db);
    writeEntry(this.w, key, value, expireAt, this.opts);
    this.maybeFlush();
  }

  /**
   * Entries already encoded with writeEntry, for the current database (a snapshot's shards encode
   * their own keys). The checksum covers them like everything else.
   */
  raw(bytes: Uint8Array): void {
    this.flush();
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.opts.checksum) this.crc = crc64Update(this.crc, chunk);
    this.chunks.push(chunk);
    this.flushed += chunk.length;
  }

  /** EOF and the checksum; the writer takes nothing more. */
  end(): void {
    if (this.finished) return;
    this.w.byte(Opcode.Eof);
    this.flush();
    const tail = Buffer.alloc(8);
    if (this.opts.checksum) writeCrc64LE(this.crc, tail, 0);
    this.chunks.push(tail);
    this.flushed += 8;
    this.finished = true;
  }

  /** Chunks completed so far (in order); each is handed out once. */
  take(): Buffer[] {
    return this.chunks.splice(0, this.chunks.length);
  }

  /** Everything written so far, buffered bytes included (a file whose end is written elsewhere). */
  takeAll(): Buffer[] {
    this.flush();
    return this.take();
  }

  /** Total bytes produced, buffered ones included. */
  get size(): number {
    return this.flushed + this.w.pos;
  }

  private maybeFlush(): void {
    if (this.w.pos >= this.chunkSize) this.flush();
  }

  private flush(): void {
    if (this.w.pos === 0) return;
    const chunk = this.w.take();
    if (this.opts.checksum) this.crc = crc64Update(this.crc, chunk);
    this.chunks.push(chunk);
    this.flushed += chunk.length;
  }
}

/**
 * One key as rdbSaveKeyValuePair writes it: EXPIRETIME_MS when `expireAt` (ms since the epoch) is not
 * negative, IDLE (seconds) when `idle` is, FREQ when `freq` is, then the object type, the key, the value.
 */
export function writeEntry(w: ByteWriter, key: string, value: Value, expireAt: number, opts: ValueSaveOptions, idle = -1, freq = -1): void {
  if (expireAt >= 0) {
    w.byte(Opcode.ExpireTimeMs);
    w.i64le(expireAt);
  }
  if (idle >= 0) {
    w.byte(Opcode.Idle);
    writeLen(w, idle);
  }
  if (freq >= 0) {
    w.byte(Opcode.Freq);
    w.byte(freq);
  }
  w.byte(objectType(value));
  writeString(w, key, opts);
  writeObject(w, value, opts);
}

// ---------------------------------------------------------------------------------------------- reader

/** A key and its value. `expireAt` is ms since the epoch or -1; `idle` (seconds) and `freq` are -1 when absent. */
export interface RdbEntry {
  type: 'entry';
  db: number;
  key: string;
  value: Value;
  expireAt: number;
  idle: number;
  freq: number;
}

export type RdbItem =
  | RdbEntry
  | { type: 'aux'; key: string; value: string }
  /** A function library's code (FUNCTION2, or the 7.0 release-candidate format translated as Redis does). */
  | { type: 'function'; code: string }
  | { type: 'selectdb'; db: number }
  | { type: 'resizedb'; db: number; keys: number; expires: number }
  /** An empty collection, which Redis skips with a warning when loading. */
  | { type: 'skipped'; db: number; key: string; reason: string };

export interface RdbReaderOptions {
  /** Thresholds deciding the encodings of loaded values. */
  config: EncodingConfig;
  /** Check the trailing CRC64 (rdbchecksum; default true). A stored 0 means "not computed" and passes. */
  verifyChecksum?: boolean;
}

const enum State {
  Header,
  Body,
  Checksum,
  Done,
}

export class RdbFileReader {
  /** Data not yet consumed starts at buf[pos]; chunks pushed since are in `pending`. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Absolute file offset of buf[0] (for messages). */
  private base = 0;
  private ended = false;
  /** Do not retry a cut item before this many bytes are available. */
  private retryAt = 0;
  private state = State.Header;
  private crc: Crc64 = CRC64_INIT;
  /** RDB version from the header. */
  version = 0;
  private db = 0;
  private expireAt = -1;
  private idle = -1;
  private freq = -1;

  constructor(private readonly opts: RdbReaderOptions) {}

  /** Add the next chunk of the file. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /** No more data will come: the next items() call finishes the file or reports it truncated. */
  end(): void {
    this.ended = true;
  }

  /** True once EOF and the checksum have been read. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** Everything parseable from the data pushed so far. Throws RdbError on bad data. */
  *items(): Generator<RdbItem> {
    while (this.state !== State.Done) {
      const avail = this.buf.length - this.pos + this.pendingBytes;
      if (!this.ended && (avail === 0 || avail < this.retryAt)) return;
      this.compact();
      const r = new ByteReader(this.buf, this.pos);
      let item: RdbItem | null;
      try {
        item = this.parseOne(r);
      } catch (e) {
        if (!(e instanceof RdbError)) throw e;
        if (e.kind === 'truncated') {
          if (this.ended) throw new RdbError('truncated', `RDB file truncated at offset ${this.base + this.buf.length}`);
          this.retryAt = Math.max(e.needed - this.pos, 2 * avail);
          return;
        }
        throw new RdbError(e.kind, `${e.message} (RDB offset ${this.base + this.pos})`);
      }
      this.retryAt = 0;
      if (item !== null) yield item;
    }
  }

  /** Move pushed chunks after the unconsumed bytes (one copy per retry). */
  private compact(): void {
    if (this.pending.length === 0) return;
    const rest = this.buf.subarray(this.pos);
    this.base += this.pos;
    this.buf = rest.length === 0 && this.pending.length === 1 ? this.pending[0] : Buffer.concat([rest, ...this.pending]);
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Consume r's bytes since this.pos (they count in the checksum). */
  private commit(r: ByteReader): void {
    this.crc = crc64Update(this.crc, this.buf, this.pos, r.pos);
    this.pos = r.pos;
    // Let go of consumed data as soon as nothing is left of it (streaming keeps memory bounded).
    if (this.pos === this.buf.length) {
      this.base += this.pos;
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** One top-level element; null for those that only set state. Bytes are committed only on success. */
  private parseOne(r: ByteReader): RdbItem | null {
    switch (this.state) {
      case State.Header:
        return this.parseHeader(r);
      case State.Checksum:
        return this.parseChecksum(r);
      default:
        return this.parseBody(r);
    }
  }

  private parseHeader(r: ByteReader): null {
    const magic = r.latin1(9);
    if (!magic.startsWith(MAGIC)) throw corrupt('wrong signature: not an RDB file');
    // atoi: leading digits only.
    const m = /^\d+/.exec(magic.slice(5));
    const ver = m === null ? 0 : Number(m[0]);
    if (ver < 1 || ver > RDB_MAX_READ_VERSION) {
      throw new RdbError('version', `can't handle RDB format version ${ver} (this reader supports 1 to ${RDB_MAX_READ_VERSION})`);
    }
    this.version = ver;
    this.commit(r);
    this.state = State.Body;
    return null;
  }

  private parseChecksum(r: ByteReader): null {
    const stored = readCrc64LE(r.slice(8), 0);
    this.pos = r.pos;
    this.state = State.Done;
    if ((this.opts.verifyChecksum ?? true) && !crc64IsZero(stored) && !crc64Equal(stored, this.crc)) {
      throw new RdbError('checksum', `wrong RDB checksum: expected ${crc64Hex(this.crc)}, file has ${crc64Hex(stored)}`);
    }
    return null;
  }

  private parseBody(r: ByteReader): RdbItem | null {
    const type = r.byte();
    switch (type) {
      case Opcode.ExpireTime:
        this.expireAt = r.i32le() * 1000;
        this.commit(r);
        return null;
      case Opcode.ExpireTimeMs:
        // Before RDB 9 the time was written in host order; every platform Redis ran on for those was little-endian.
        this.expireAt = r.i64le();
        this.commit(r);
        return null;
      case Opcode.Freq:
        this.freq = r.byte();
        this.commit(r);
        return null;
      case Opcode.Idle:
        this.idle = readLen(r);
        this.commit(r);
        return null;
      case Opcode.Eof:
        this.commit(r);
        // RDB 5 added the checksum.
        this.state = this.version >= 5 ? State.Checksum : State.Done;
        return null;
      case Opcode.SelectDb: {
        const db = readLen(r);
        this.commit(r);
        this.db = db;
        return { type: 'selectdb', db };
      }
      case Opcode.ResizeDb: {
        const keys = readLen(r);
        const expires = readLen(r);
        this.commit(r);
        return { type: 'resizedb', db: this.db, keys, expires };
      }
      case Opcode.Aux: {
        const key = readString(r);
        const value = readString(r);
        this.commit(r);
        return { type: 'aux', key, value };
      }
      case Opcode.ModuleAux:
        throw new RdbError('unsupported', 'the RDB file holds module data, which Ferrous cannot load');
      case Opcode.Function2: {
        const code = readString(r);
        this.commit(r);
        return { type: 'function', code };
      }
      case Opcode.Function: {
        const name = readString(r);
        const engine = readString(r);
        if (readLen(r) !== 0) readString(r); // description, dropped as Redis does
        const blob = readString(r);
        this.commit(r);
        return { type: 'function', code: `#!${engine} name=${name}\n${blob}` };
      }
      default:
        return this.parseEntry(r, type);
    }
  }

  private parseEntry(r: ByteReader, type: number): RdbItem {
    const key = readString(r);
    let value: Value;
    try {
      value = readObject(r, type, { config: this.opts.config, rdbVersion: this.version });
    } catch (e) {
      if (e instanceof RdbError && e.kind === 'empty') {
        // The whole value was read: Redis skips the key and goes on.
        this.commit(r);
        const skipped: RdbItem = { type: 'skipped', db: this.db, key, reason: 'empty collection' };
        this.resetKeyState();
        return skipped;
      }
      throw e;
    }
    this.commit(r);
    const entry: RdbEntry = { type: 'entry', db: this.db, key, value, expireAt: this.expireAt, idle: this.idle, freq: this.freq };
    this.resetKeyState();
    return entry;
  }

  private resetKeyState(): void {
    this.expireAt = -1;
    this.idle = -1;
    this.freq = -1;
  }
}

/** Every item of a complete file (or of its chunks, in order). */
export function* readRdb(data: Buffer | readonly Buffer[], opts: RdbReaderOptions): Generator<RdbItem> {
  const reader = new RdbFileReader(opts);
  for (const chunk of Buffer.isBuffer(data) ? [data] : data) reader.push(chunk);
  reader.end();
  yield* reader.items();
  if (!reader.done) throw new RdbError('truncated', 'RDB file truncated');
}

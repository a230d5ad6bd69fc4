/**
 * Start-up loading of an RDB file (rdbLoad / rdbLoadRioWithLoadingCtx), split across the shards.
 *
 * The acceptor reads the file in segments and splits it into entries without building any value
 * (passObject steps over each one), checks the CRC64, drops keys already expired, and sends each
 * key's bytes to the shard owning its slot in batches (`__load`); the shards decode and install them
 * in parallel. Reading pauses while too many bytes are in the shards' hands. The event loop turns
 * between segments, so clients connecting meanwhile get -LOADING and INFO shows the progress.
 */
import fs from 'node:fs';
import { ByteReader, ByteWriter, RdbError, corrupt, readLen, readString, readStringSpan } from '../rdb/rdb-io.js';
import { passObject } from '../rdb/value-codec.js';
import { Opcode, RDB_MAX_READ_VERSION } from '../rdb/rdb-file.js';
import { CRC64_INIT, crc64Equal, crc64Hex, crc64IsZero, crc64Update, readCrc64LE } from '../rdb/crc64.js';
import type { Logger } from './log.js';

export interface LoadTarget {
  databases: number;
  shardCount: number;
  /** rdbchecksum: verify the file's CRC64. */
  verifyChecksum: boolean;
  log: Logger;
  /** The shard owning the key whose bytes are key[start, end). */
  shardOf(key: Uint8Array, start: number, end: number): number;
  /**
   * Install a batch on a shard (see __load: f64le expireAt, idle and freq, then type, key and value as
   * in the file):
   * resolves to [loaded, emptySkipped], rejects with the shard's error.
   */
  send(shard: number, db: number, rdbVersion: number, entries: Buffer): Promise<[number, number]>;
  /** A function library (FUNCTION2): rejects with Redis's reason when it cannot be created. */
  loadFunction(code: string): Promise<void>;
  /** Progress, for INFO's loading_* fields. */
  progress(loadedBytes: number, keysLoaded: number, keysExpired: number, rdbUsedMem: number): void;
}

export interface LoadStats {
  keysLoaded: number;
  keysExpired: number;
  emptySkipped: number;
}

const SEGMENT_BYTES = 1024 * 1024;
const BATCH_BYTES = 128 * 1024;
/**
 * Stop reading while this many bytes per shard are on their way to the shards: enough to keep them
 * busy, little enough that INFO (which asks every shard) is not queued behind seconds of work.
 */
const IN_FLIGHT_PER_SHARD = 512 * 1024;
const PROGRESS_LOG_MS = 1000;

/** One shard's batch being filled: entries of one database. */
interface Batch {
  db: number;
  w: ByteWriter;
}

const enum Stage {
  Header,
  Body,
  Checksum,
  Done,
}

export async function loadRdbFile(file: string, size: number, target: LoadTarget): Promise<LoadStats> {
  const fh = await fs.promises.open(file, 'r');
  try {
    return await new RdbSplitter(size, target).run(fh);
  } finally {
    await fh.close();
  }
}

class RdbSplitter {
  private stage = Stage.Header;
  private version = 0;
  private db = 0;
  private expireAt = -1;
  /** IDLE (seconds) and FREQ opcodes before the next key, -1 when absent (reset after each key). */
  private idle = -1;
  private freq = -1;
  private crc = CRC64_INIT;
  /** Unconsumed data; `base` is its file offset. */
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;
  private readonly batches = new Map<number, Batch>();
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();
  private failure: Error | null = null;
  private readonly now = Date.now();
  private rdbUsedMem = 0;
  private lastLog = Date.now();
  readonly stats: LoadStats = { keysLoaded: 0, keysExpired: 0, emptySkipped: 0 };
  private readonly functions: string[] = [];

  constructor(
    private readonly size: number,
    private readonly t: LoadTarget,
  ) {}

  async run(fh: fs.promises.FileHandle): Promise<LoadStats> {
    let offset = 0;
    let eof = false;
    while (this.stage !== Stage.Done) {
      if (eof) throw new RdbError('truncated', 'Unexpected EOF reading RDB file');
      // Read at least what the item cut at the end of the last segment said it needs.
      const want = Math.max(SEGMENT_BYTES, this.needed - this.buf.length);
      const seg = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(seg, 0, want, offset);
      offset += bytesRead;
      if (bytesRead === 0) eof = true;
      this.buf = this.buf.length === 0 ? seg.subarray(0, bytesRead) : Buffer.concat([this.buf, seg.subarray(0, bytesRead)]);
      this.parse();
      for (const code of this.functions.splice(0)) await this.t.loadFunction(code);
      while (this.inFlight > IN_FLIGHT_PER_SHARD * this.t.shardCount && this.failure === null) await Promise.race(this.pending);
      if (this.failure !== null) throw this.failure;
      this.t.progress(this.base, this.stats.keysLoaded, this.stats.keysExpired, this.rdbUsedMem);
      if (Date.now() - this.lastLog >= PROGRESS_LOG_MS) {
        this.lastLog = Date.now();
        const perc = this.size > 0 ? ((this.base / this.size) * 100).toFixed(2) : '0.00';
        this.t.log.notice(`Loading RDB: ${perc}% done, ${this.stats.keysLoaded} keys loaded`);
      }
    }
    for (const b of [...this.batches.keys()]) this.flush(b);
    await Promise.all(this.pending);
    if (this.failure !== null) throw this.failure;
    return this.stats;
  }

  /** Bytes the item cut at the end of `buf` needs from its start (it may be bigger than a segment). */
  private needed = 0;

  /** Consume every complete item in `buf`. */
  private parse(): void {
    const buf = this.buf;
    const r = new ByteReader(buf);
    this.needed = 0;
    while (this.stage !== Stage.Done) {
      const start = r.pos;
      // The checksum covers everything before itself.
      const summed = this.stage !== Stage.Checksum;
      try {
        this.item(r);
      } catch (e) {
        if (e instanceof RdbError && e.kind === 'truncated') {
          r.pos = start;
          this.needed = e.needed - start;
          break;
        }
        if (e instanceof RdbError) throw new RdbError(e.kind, `${e.message} (RDB offset ${this.base + start})`);
        throw e;
      }
      if (summed) this.crc = crc64Update(this.crc, buf, start, r.pos);
    }
    this.base += r.pos;
    this.buf = buf.subarray(r.pos);
  }

  private item(r: ByteReader): void {
    if (this.stage === Stage.Header) {
      const magic = r.latin1(9);
      if (!magic.startsWith('REDIS')) throw corrupt('Wrong signature trying to load DB from file');
      const m = /^\d+/.exec(magic.slice(5));
      const ver = m === null ? 0 : Number(m[0]);
      if (ver < 1 || ver > RDB_MAX_READ_VERSION) throw new RdbError('version', `Can't handle RDB format version ${ver}`);
      this.version = ver;
      this.stage = Stage.Body;
      return;
    }
    if (this.stage === Stage.Checksum) {
      const stored = readCrc64LE(r.slice(8), 0);
      this.stage = Stage.Done;
      if (!this.t.verifyChecksum) return;
      if (crc64IsZero(stored)) this.t.log.warning('RDB file was saved with checksum disabled: no check performed.');
      else if (!crc64Equal(stored, this.crc)) {
        throw new RdbError('checksum', `Wrong RDB checksum expected: (${crc64Hex(this.crc)}) but got (${crc64Hex(stored)}). Aborting now.`);
      }
      return;
    }
    const type = r.byte();
    switch (type) {
      case Opcode.ExpireTime:
        this.expireAt = r.i32le() * 1000;
        return;
      case Opcode.ExpireTimeMs:
        this.expireAt = r.i64le();
        return;
      case Opcode.Freq:
        this.freq = r.byte();
        return;
      case Opcode.Idle:
        this.idle = readLen(r);
        return;
      case Opcode.Eof:
        this.stage = this.version >= 5 ? Stage.Checksum : Stage.Done;
        return;
      case Opcode.SelectDb: {
        const db = readLen(r);
        if (db >= this.t.databases) {
          throw corrupt(`FATAL: Data file was created with a Redis server configured to handle more than ${this.t.databases} databases.`);
        }
        this.db = db;
        return;
      }
      case Opcode.ResizeDb:
        readLen(r);
        readLen(r);
        return;
      case Opcode.Aux:
        this.aux(readString(r), readString(r));
        return;
      case Opcode.ModuleAux:
        throw new RdbError('unsupported', 'The RDB file contains AUX module data I can\'t load: Ferrous has no modules');
      case Opcode.Function2:
        this.functions.push(readString(r));
        return;
      case Opcode.Function: {
        // 7.0 release candidates: name, engine, optional description, code (translated as Redis does).
        const name = readString(r);
        const engine = readString(r);
        if (readLen(r) !== 0) readString(r);
        this.functions.push(`#!${engine} name=${name}\n${readString(r)}`);
        return;
      }
      default:
        this.entry(r, type);
    }
  }

  private entry(r: ByteReader, type: number): void {
    const start = r.pos - 1;
    const key = readStringSpan(r);
    const shard = this.t.shardOf(key.bytes, key.start, key.end);
    passObject(r, type, this.version, null, false);
    const expireAt = this.expireAt;
    const idle = this.idle;
    const freq = this.freq;
    this.expireAt = this.idle = this.freq = -1;
    // Like a master's rdbLoad: keys already expired are not loaded.
    if (expireAt !== -1 && expireAt < this.now) {
      this.stats.keysExpired++;
      return;
    }
    let b = this.batches.get(shard);
    if (b !== undefined && b.db !== this.db) {
      this.flush(shard);
      b = undefined;
    }
    if (b === undefined) this.batches.set(shard, (b = { db: this.db, w: new ByteWriter(BATCH_BYTES + 64 * 1024) }));
    const w = b.w;
    w.doubleLE(expireAt);
    w.doubleLE(idle);
    w.doubleLE(freq);
    w.ensure(r.pos - start);
    w.pos += r.buf.copy(w.buf, w.pos, start, r.pos);
    this.stats.keysLoaded++;
    if (b.w.pos >= BATCH_BYTES) this.flush(shard);
  }

  private flush(shard: number): void {
    const b = this.batches.get(shard);
    if (b === undefined) return;
    this.batches.delete(shard);
    const size = b.w.pos;
    this.inFlight += size;
    // A view is enough: the frame gets its own copy, and this writer is dropped.
    const p: Promise<void> = this.t.send(shard, b.db, this.version, b.w.view()).then(
      ([, empty]) => {
        this.inFlight -= size;
        this.stats.keysLoaded -= empty;
        this.stats.emptySkipped += empty;
        this.pending.delete(p);
      },
      (e: Error) => {
        this.inFlight -= size;
        this.failure ??= corrupt(e.message);
        this.pending.delete(p);
      },
    );
    this.pending.add(p);
  }

  private aux(key: string, value: string): void {
    const log = this.t.log;
    if (key.startsWith('%')) log.notice(`RDB '${key}': ${value}`);
    else if (key === 'redis-ver') log.notice(`Loading RDB produced by version ${value}`);
    else if (key === 'ctime') log.notice(`RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - (parseInt(value, 10) || 0))} seconds`);
    else if (key === 'used-mem') {
      this.rdbUsedMem = parseInt(value, 10) || 0;
      log.notice(`RDB memory usage when created ${(this.rdbUsedMem / (1024 * 1024)).toFixed(2)} Mb`);
    } else if (key === 'aof-preamble' && parseInt(value, 10)) log.notice('RDB has an AOF tail');
    else if (key === 'aof-base' && parseInt(value, 10)) log.notice('RDB is base AOF');
    else if (key !== 'redis-bits' && key !== 'lua' && !key.startsWith('repl-')) log.debug(`Unrecognized RDB AUX field: '${key}'`);
  }
}

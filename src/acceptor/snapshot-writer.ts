/**
 * Merges the shards' snapshot streams into one RDB file, laid out as Redis writes it:
 *
 *   REDIS0010 | AUX fields | FUNCTION2 libraries | per non-empty db: SELECTDB, RESIZEDB (totals of all
 *   shards), the db's entries from every shard | EOF | CRC64
 *
 * Every shard walks its databases in order, so db d is complete once each shard has ended it; chunks of
 * later databases wait here meanwhile, bounded by each shard's credit (see SNAPSHOT_CREDIT_BYTES),
 * which is given back as their bytes reach the file. The bytes themselves go to the save worker
 * (src/rdb/save-worker.ts) in one task at a time: this thread only orders and forwards them.
 */
import path from 'node:path';
import type { Piscina } from 'piscina';
import { Opcode, RdbFileWriter } from '../rdb/rdb-file.js';
import { ByteWriter, RDB_VERSION, writeLen } from '../rdb/rdb-io.js';
import { CRC64_INIT, type Crc64 } from '../rdb/crc64.js';
import { defaultShardConfig } from '../shard-worker/context.js';
import type { SnapshotChunk } from '../rdb/snapshot.js';
import type { SavePart, SaveTask, SaveTaskResult } from '../rdb/save-worker.js';

export interface SnapshotFileOptions {
  /** Directory and file name of the RDB file (`dir`, `dbfilename`). */
  dir: string;
  filename: string;
  /** rdbcompression, rdbchecksum. */
  compress: boolean;
  checksum: boolean;
  /** rdb-save-incremental-fsync. */
  autosync: boolean;
  /** Function libraries' code, saved ahead of the keys (FUNCTION2). */
  functions: string[];
}

export type SavePool = Piscina<SaveTask, SaveTaskResult>;

export class SnapshotWriter {
  /** Per shard: Int32 [0] = bytes sent and not yet written (the shard stops producing past a limit). */
  readonly credit: SharedArrayBuffer[];
  private readonly creditWords: Int32Array[];
  readonly tmpPath: string;
  readonly path: string;
  /** Per shard: [keys0, expires0, keys1, …] at the snapshot point (null until its begin reply). */
  private readonly counts: (number[] | null)[];
  private readonly queues: SnapshotChunk[][];
  private readonly dbEnded: Set<number>[];
  private readonly ended: boolean[];
  private fd = -1;
  private crc: Crc64 | null;
  private unsynced = 0;
  private headerWritten = false;
  /** The database whose section is being written; its SELECTDB is out once `sectionOpen`. */
  private db = 0;
  private sectionOpen = false;
  private busy = false;
  private settled = false;
  private resolveDone!: (error: string | null) => void;
  /** Resolves when the file is in place (null) or the save failed (Redis's log line for why). */
  readonly done: Promise<string | null>;
  private cleanup: Promise<void> = Promise.resolve();
  private readonly opened: Promise<void>;
  /** Bytes written to the file so far; keys the shards have encoded so far. */
  bytesWritten = 0;
  keysReceived = 0;

  constructor(
    private readonly pool: SavePool,
    id: number,
    private readonly shardCount: number,
    private readonly databases: number,
    private readonly opts: SnapshotFileOptions,
  ) {
    this.tmpPath = path.join(opts.dir, `temp-${process.pid}-${id}.rdb`);
    this.path = path.join(opts.dir, opts.filename);
    this.credit = Array.from({ length: shardCount }, () => new SharedArrayBuffer(4));
    this.creditWords = this.credit.map((b) => new Int32Array(b));
    this.counts = new Array<number[] | null>(shardCount).fill(null);
    this.queues = Array.from({ length: shardCount }, () => []);
    this.dbEnded = Array.from({ length: shardCount }, () => new Set<number>());
    this.ended = new Array<boolean>(shardCount).fill(false);
    this.crc = opts.checksum ? CRC64_INIT : null;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.busy = true;
    this.opened = this.pool.run({ op: 'open', tmpPath: this.tmpPath }).then(
      (r) => {
        this.busy = false;
        if (r.error !== undefined) this.fail(r.error);
        else {
          this.fd = r.fd!;
          // Given up while the file was being opened: remove it now.
          if (this.settled) this.discard();
          else this.pump();
        }
      },
      (e: Error) => this.fail(`Failed opening the temp RDB file for saving: ${e.message}`),
    );
  }

  /** A shard's state at the snapshot point (its begin reply). */
  setCounts(shard: number, counts: number[]): void {
    this.counts[shard] = counts;
    this.pump();
  }

  onChunk(chunk: SnapshotChunk): void {
    if (this.settled) return;
    this.keysReceived += chunk.keys;
    if (chunk.end) this.ended[chunk.shard] = true;
    else this.queues[chunk.shard].push(chunk);
    this.pump();
  }

  /** Resolves once an abandoned save's temp file is gone (the server waits for it when closing). */
  async quiet(): Promise<void> {
    await this.opened;
    await this.cleanup;
  }

  /** Give up: the temp file is removed; chunks still arriving are dropped. */
  abort(reason: string): void {
    if (this.settled) return;
    this.fail(reason);
  }

  private fail(error: string): void {
    if (this.settled) return;
    this.settled = true;
    this.discard();
    this.resolveDone(error);
  }

  /** Close and remove the temp file (after whatever task is running: the pool runs them in order). */
  private discard(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    this.cleanup = this.pool.run({ op: 'abort', fd, tmpPath: this.tmpPath }).then(
      () => {},
      () => {},
    );
  }

  /** Keys in the snapshot (known once every shard has answered its begin frame). */
  get keysTotal(): number {
    let n = 0;
    for (const c of this.counts) if (c !== null) for (let i = 0; i < c.length; i += 2) n += c[i];
    return n;
  }

  /** Total of the shards' counts for database `db`: [keys, expires]. */
  private totals(db: number): [number, number] {
    let keys = 0;
    let expires = 0;
    for (const c of this.counts) {
      keys += c![2 * db];
      expires += c![2 * db + 1];
    }
    return [keys, expires];
  }

  /** Whether shard `s` has nothing more for database `db`. */
  private shardDone(s: number, db: number): boolean {
    if (this.counts[s]![2 * db] === 0 || this.dbEnded[s].has(db) || this.ended[s]) return true;
    const head = this.queues[s][0];
    return head !== undefined && head.db > db;
  }

  /** Collect everything that can be written now, in file order, and hand it to one task. */
  private pump(): void {
    if (this.busy || this.settled || this.fd < 0) return;
    const parts: SavePart[] = [];
    const credit = new Array<number>(this.shardCount).fill(0);
    if (!this.headerWritten) {
      parts.push({ bytes: this.header(), entries: false });
      this.headerWritten = true;
    }
    if (this.counts.every((c) => c !== null)) {
      while (this.db < this.databases) {
        const [keys, expires] = this.totals(this.db);
        if (keys === 0) {
          this.db++;
          continue;
        }
        if (!this.sectionOpen) {
          const w = new ByteWriter(32);
          w.byte(Opcode.SelectDb);
          writeLen(w, this.db);
          w.byte(Opcode.ResizeDb);
          writeLen(w, keys);
          writeLen(w, expires);
          parts.push({ bytes: new Uint8Array(w.view()), entries: false });
          this.sectionOpen = true;
        }
        for (let s = 0; s < this.shardCount; s++) {
          const q = this.queues[s];
          while (q.length > 0 && q[0].db === this.db) {
            const c = q.shift()!;
            if (c.bytes.length > 0) parts.push({ bytes: c.bytes, entries: true });
            credit[s] += c.bytes.length;
            if (c.dbEnd) this.dbEnded[s].add(this.db);
          }
        }
        let complete = true;
        for (let s = 0; s < this.shardCount; s++) if (!this.shardDone(s, this.db)) complete = false;
        if (!complete) break;
        this.db++;
        this.sectionOpen = false;
      }
    }
    const finished = this.db >= this.databases && this.ended.every(Boolean) && this.counts.every((c) => c !== null);
    if (parts.length === 0) {
      if (finished) this.finish();
      return;
    }
    this.busy = true;
    const task: SaveTask = {
      op: 'write',
      fd: this.fd,
      crc: this.crc,
      compress: this.opts.compress,
      rdbVersion: RDB_VERSION,
      autosync: this.opts.autosync,
      unsynced: this.unsynced,
      parts,
    };
    const transfer = parts.filter((p) => p.entries).map((p) => p.bytes.buffer as ArrayBuffer);
    let size = 0;
    for (const p of parts) size += p.bytes.length;
    this.pool.run(task, { transferList: transfer }).then(
      (r) => {
        this.busy = false;
        for (let s = 0; s < this.shardCount; s++) if (credit[s] !== 0) Atomics.sub(this.creditWords[s], 0, credit[s]);
        if (r.error !== undefined) {
          this.fail(r.error);
          return;
        }
        this.crc = r.crc ?? null;
        this.unsynced = r.unsynced ?? 0;
        this.bytesWritten += size;
        this.pump();
      },
      (e: Error) => {
        this.busy = false;
        this.fail(`Write error saving DB on disk: ${e.message}`);
      },
    );
  }

  private finish(): void {
    this.busy = true;
    const fd = this.fd;
    this.fd = -1;
    this.pool.run({ op: 'finish', fd, crc: this.crc, tmpPath: this.tmpPath, path: this.path }).then(
      (r) => {
        this.busy = false;
        if (r.error !== undefined) this.fail(r.error);
        else if (!this.settled) {
          this.settled = true;
          this.resolveDone(null);
        }
      },
      (e: Error) => {
        this.busy = false;
        this.fail(`Write error saving DB on disk: ${e.message}`);
      },
    );
  }

  /** The magic, the AUX fields and the function libraries. */
  private header(): Uint8Array {
    // Only strings go through this writer: the encoding thresholds do not matter.
    const w = new RdbFileWriter({ compress: this.opts.compress, checksum: false, config: defaultShardConfig() });
    w.begin();
    for (const code of this.opts.functions) w.func(code);
    return new Uint8Array(Buffer.concat(w.takeAll()));
  }
}


/**
 * RDB persistence, the acceptor's side (rdb.c and the persistence parts of server.c): SAVE, BGSAVE
 * [SCHEDULE], LASTSAVE, the `save` points, stop-writes-on-bgsave-error, saving on shutdown, loading at
 * start-up, and INFO's persistence fields.
 *
 * A save ("job") fixes its snapshot point with one ShardLock over every shard: once granted, each
 * shard gets a `__snapshot begin` frame as the lock's frame, so every shard's point is the same
 * instant of the acceptor's order. BGSAVE releases the lock right away and the shards write their
 * keys out between commands (copy-on-write, src/rdb/snapshot.ts); SAVE keeps the lock until the file
 * is in place, which blocks keyed commands like Redis's SAVE blocks the server. The shards' chunks
 * reach this thread through their workers' message ports and go to a SnapshotWriter, which merges
 * them into one file through the save worker pool (piscina).
 */
import fs from 'node:fs';
import { Err } from '../protocol/reply-writer.js';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { Invocation, Server } from './server.js';
import type { ReplySink } from './shards.js';
import type { Logger } from './log.js';
import { ShardLock } from './lock-manager.js';
import { SnapshotWriter, type SavePool } from './snapshot-writer.js';
import { loadRdbFile } from './rdb-loader.js';
import { commandByName } from '../shared/command-table.js';
import { keyHashSlot } from '../shared/crc16.js';
import { slotTable } from '../shared/sharding.js';
import { strerror } from '../shared/config.js';
import { ByteReader, RdbError, readString } from '../rdb/rdb-io.js';
import { Opcode } from '../rdb/rdb-file.js';
import type { SnapshotChunk, SnapshotControl } from '../rdb/snapshot.js';
import type { SaveTask, SaveTaskResult } from '../rdb/save-worker.js';
import { Aof } from '../aof/aof.js';

/** A rewrite's hooks into the snapshot (see Aof.startRewrite). */
export interface RewriteHooks {
  /** Every shard is locked: the snapshot point is now (before any shard has taken it). */
  granted: () => void;
  /** Shard `i` took its snapshot point (its `__snapshot begin` reply arrived). */
  shardBegun: (i: number) => void;
}

export const MISCONF_ERROR = Err.misconf;
export const LOADING_ERROR = 'LOADING Redis is loading the dataset in memory';

/** CONFIG_BGSAVE_RETRY_DELAY: seconds between automatic attempts after a failed BGSAVE. */
const BGSAVE_RETRY_DELAY = 5;

/** SHUTDOWN's options (and shutdown-on-sigterm / shutdown-on-sigint). */
export interface ShutdownFlags {
  save?: boolean;
  nosave?: boolean;
  now?: boolean;
  force?: boolean;
}

interface SaveJob {
  id: number;
  /** BGSAVE (the lock is let go at the snapshot point) or SAVE (held until the file is in place). */
  background: boolean;
  writer: SnapshotWriter;
  lock: ShardLock | null;
  /** The lock was granted: the shards have (or are about to have) their snapshot point. */
  granted: boolean;
  /** jobDone ran (a lock granted after this is let go at once). */
  finished: boolean;
  /** ms since the epoch. */
  startedAt: number;
  /** Sum of the shards' dirty counters at the snapshot point. */
  dirty: number;
  /** Resolves once every shard has taken its snapshot point. */
  began: Promise<void>;
  /** Stopped on purpose (SHUTDOWN, FLUSHALL): not a failure. */
  aborted: boolean;
  /** null once the file is in place, else why it failed. */
  result: Promise<string | null>;
  /** An AOF rewrite's base rather than an RDB save. */
  rewrite: boolean;
}

function isChunk(m: unknown): m is SnapshotChunk {
  return typeof m === 'object' && m !== null && 'id' in m && 'bytes' in m && 'dbEnd' in m;
}

const now = (): number => Math.floor(Date.now() / 1000);

export class Persistence {
  /** Loading the dataset at start-up (clients get -LOADING). */
  loading = false;
  private loadingStartTime = 0;
  private loadingTotalBytes = 0;
  private loadingLoadedBytes = 0;
  private loadingRdbUsedMem = 0;
  private lastLoadKeysLoaded = 0;
  private lastLoadKeysExpired = 0;
  /** LASTSAVE: when the dataset was last saved (or the server started). */
  lastSave = now();
  private lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private lastBgsaveTimeSec = -1;
  private rdbSaves = 0;
  private bgsaveScheduled = false;
  /** Sum of the shards' dirty counters the last save covered. */
  private dirtyBaseline = 0;
  private job: SaveJob | null = null;
  private pool: SavePool | null = null;
  private nextId = 1;
  private polling = false;
  /** stop-writes-on-bgsave-error is in force: write commands (and PING) get MISCONF. */
  writesDenied = false;

  /** The append-only file (src/aof/aof.ts). */
  readonly aof: Aof;

  constructor(private readonly server: Server) {
    this.aof = new Aof(server);
    server.config.onChange('save', () => this.updateWritesDenied());
    server.config.onChange('stop-writes-on-bgsave-error', () => this.updateWritesDenied());
  }

  /** Listen to the shards' snapshot output (once the workers run). */
  attach(): void {
    for (const s of this.server.shards.shards) {
      s.worker.on('message', (m: unknown) => {
        const job = this.job;
        if (isChunk(m) && job !== null && m.id === job.id) job.writer.onChunk(m);
      });
    }
  }

  private get log(): Logger {
    return this.server.log;
  }

  private updateWritesDenied(): void {
    const cfg = this.server.config;
    this.writesDenied = !this.lastBgsaveOk && cfg.getBool('stop-writes-on-bgsave-error') && cfg.getSaveParams().length > 0;
  }

  get bgsaveInProgress(): boolean {
    return this.job !== null && this.job.background;
  }

  // ------------------------------------------------------------------ saving

  private savePool(): SavePool {
    this.pool ??= new Piscina<SaveTask, SaveTaskResult>({
      filename: new URL('../rdb/save-worker.js', import.meta.url).href,
      minThreads: 0,
      // A save's tasks run one after another; one thread leaves the cores to the shards.
      maxThreads: 1,
      idleTimeout: 30_000,
    });
    return this.pool;
  }

  /** The function libraries' code (from FUNCTION DUMP's FUNCTION2 entries). */
  private functionCodes(): string[] {
    const dump = this.server.scripting.libraries.dump();
    const r = new ByteReader(dump.subarray(0, dump.length - 10));
    const codes: string[] = [];
    while (r.remaining > 0 && r.byte() === Opcode.Function2) codes.push(readString(r));
    return codes;
  }

  /** A save or rewrite is running (one snapshot at a time). */
  get saveRunning(): boolean {
    return this.job !== null;
  }

  /** BGREWRITEAOF's base: a background snapshot to `dir`/`filename`; resolves with null or the error. */
  startRewriteJob(dir: string, filename: string, hooks: RewriteHooks): Promise<string | null> {
    return this.startJob(true, false, { dir, filename, hooks }).result;
  }

  /** Start a save; `counted`: it shows in rdb_saves (the one FLUSHALL makes does not, as in Redis). */
  private startJob(background: boolean, counted = true, target?: { dir: string; filename: string; hooks: RewriteHooks }): SaveJob {
    const server = this.server;
    const set = server.shards;
    const cfg = server.config;
    const id = this.nextId++;
    const writer = new SnapshotWriter(this.savePool(), id, set.count, cfg.getInt('databases'), {
      dir: target?.dir ?? cfg.getDir(),
      filename: target?.filename ?? cfg.getString('dbfilename'),
      compress: cfg.getBool('rdbcompression'),
      checksum: cfg.getBool('rdbchecksum'),
      autosync: cfg.getBool('rdb-save-incremental-fsync'),
      functions: this.functionCodes(),
    });
    let began!: () => void;
    const job: SaveJob = {
      id,
      background,
      writer,
      lock: null,
      granted: false,
      finished: false,
      startedAt: Date.now(),
      dirty: 0,
      began: new Promise((r) => (began = r)),
      aborted: false,
      result: Promise.resolve(null),
      rewrite: target !== undefined,
    };
    this.job = job;
    if (counted) this.rdbSaves++;
    const spec = commandByName('__snapshot');
    let waiting = set.count;
    const lock = new ShardLock(
      set,
      set.shards.map((s) => s.index),
      () => {
        job.granted = true;
        if (job.aborted || job.finished) {
          lock.release();
          set.publishAll();
          began();
          return;
        }
        target?.hooks.granted();
        for (const s of set.shards) {
          const control: SnapshotControl = { type: 'snapshot', id, credit: writer.credit[s.index] };
          s.worker.postMessage(control);
          const sink: ReplySink = {
            deliver: (bytes, start, end) => {
              const reply = Buffer.from(bytes.subarray(start, end)).latin1Slice(0);
              if (reply.startsWith('$')) {
                const nums = reply.slice(reply.indexOf('\n') + 1, -2).split(' ').map(Number);
                job.dirty += nums[0];
                writer.setCounts(s.index, nums.slice(1));
              } else writer.abort(`Snapshot failed on shard ${s.index}: ${reply.slice(1, -2)}`);
              target?.hooks.shardBegun(s.index);
              if (--waiting === 0) began();
            },
          };
          s.sendSimple(lock, sink, spec.index, 0, 0, 0, 0, ['__snapshot', 'begin', String(id)]);
        }
        // BGSAVE: the snapshot point is fixed, everything else may go on. SAVE holds on until done.
        if (background) lock.release();
        set.publishAll();
      },
    );
    job.lock = lock;
    job.result = writer.done.then((error) => this.jobDone(job, error));
    lock.acquire();
    return job;
  }

  private jobDone(job: SaveJob, error: string | null): string | null {
    const set = this.server.shards;
    job.finished = true;
    if (this.job === job) this.job = null;
    // SAVE still holds its lock: what is sent now goes ahead of everything it held back.
    const owner = job.granted && !job.background ? job.lock : null;
    if (error !== null && job.granted) {
      // Shards still walking their keyspace stop.
      const spec = commandByName('__snapshot');
      for (const s of set.shards) s.sendSimple(owner, null, spec.index, 0, 0, 0, 0, ['__snapshot', 'abort', String(job.id)]);
    }
    if (owner !== null) owner.release();
    set.publishAll();
    const elapsed = Math.floor((Date.now() - job.startedAt) / 1000);
    if (job.background) this.lastBgsaveTimeSec = elapsed;
    if (job.rewrite) {
      // A rewrite's base: none of the RDB bookkeeping (Aof.startRewrite reports it).
    } else if (error === null) {
      this.log.notice('DB saved on disk');
      if (job.background) this.log.notice('Background saving terminated with success');
      this.dirtyBaseline = job.dirty;
      this.lastSave = now();
      this.lastBgsaveOk = true;
    } else if (job.aborted) {
      if (job.background) this.log.warning(`Background saving terminated: ${error}`);
    } else {
      this.log.warning(error);
      if (job.background) {
        this.log.warning('Background saving error');
        this.lastBgsaveOk = false;
      }
    }
    this.updateWritesDenied();
    return error;
  }

  /** Drop the running AOF rewrite (CONFIG SET appendonly no: Redis kills the rewrite child). */
  abortRewrite(): void {
    if (this.job !== null && this.job.background) void this.abortJob('appendonly turned off');
  }

  /** Stop the running save on purpose (not counted as a failure); a new one may start at once. */
  private abortJob(reason: string): Promise<string | null> | null {
    const job = this.job;
    if (job === null) return null;
    job.aborted = true;
    this.job = null;
    job.writer.abort(reason);
    return job.result;
  }

  /**
   * FLUSHALL (flushAllDataAndResetRDB): a running BGSAVE is dropped, and with save points the emptied
   * dataset is saved at once, before FLUSHALL answers. The save's lock is taken right after the
   * FLUSHALL frames were sent, so it saves exactly the state FLUSHALL left.
   */
  flushAll(inv: Invocation, route: (inv: Invocation) => void): void {
    if (this.job !== null && this.job.background) void this.abortJob('FLUSHALL');
    if (this.server.config.getSaveParams().length === 0 || this.job !== null) {
      route(inv);
      return;
    }
    const { sink, tag } = inv;
    let reply: Buffer | null = null;
    let saved = false;
    const answer = (): void => {
      if (reply === null || !saved) return;
      sink.deliver(reply, 0, reply.length, tag);
      this.server.flushOutput();
    };
    route({ ...inv, sink: { deliver: (b, start, end) => ((reply = Buffer.from(b.subarray(start, end))), answer()) } });
    void this.startJob(false, false).result.then(() => ((saved = true), answer()));
  }

  private startBackground(): SaveJob {
    const job = this.startJob(true);
    this.lastBgsaveTry = now();
    this.log.notice('Background saving started');
    return job;
  }

  /** BGSAVE [SCHEDULE]: the reply line. `inExec`: run from MULTI/EXEC (Redis schedules it then). */
  async bgsave(schedule: boolean, inExec: boolean): Promise<string> {
    if (this.job !== null) return '-ERR Background save already in progress\r\n';
    if (inExec) {
      this.bgsaveScheduled = true;
      return '+Background saving scheduled\r\n';
    }
    void schedule; // SCHEDULE only matters while another child (an AOF rewrite) runs
    const job = this.startBackground();
    await job.began;
    return '+Background saving started\r\n';
  }

  /** SAVE: the reply line (Redis answers a failed save with a bare -ERR). */
  async save(): Promise<string> {
    if (this.job !== null) return '-ERR Background save already in progress\r\n';
    return (await this.startJob(false).result) === null ? '+OK\r\n' : '-ERR\r\n';
  }

  /** Called at `hz`: scheduled BGSAVEs and the `save <seconds> <changes>` points (serverCron). */
  cron(): void {
    if (this.loading || this.server.closing) return;
    this.aof.cron();
    if (this.job !== null) return;
    const t = now();
    const retryOk = (): boolean => t - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk;
    if (this.bgsaveScheduled && retryOk()) {
      this.bgsaveScheduled = false;
      this.startBackground();
      return;
    }
    const points = this.server.config.getSaveParams();
    if (points.length === 0 || this.polling) return;
    this.polling = true;
    void this.dirty().then((dirty) => {
      this.polling = false;
      if (this.job !== null || this.server.closing) return;
      const changes = dirty - this.dirtyBaseline;
      for (const sp of points) {
        if (changes >= sp.changes && t - this.lastSave > sp.seconds && retryOk()) {
          this.log.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
          this.startBackground();
          return;
        }
      }
    });
  }

  /** Sum of the shards' dirty counters now. */
  private async dirty(): Promise<number> {
    const replies = await this.server.askAllShards('__dirty', [], 0, null);
    return replies.reduce((n, r) => n + Number(r.latin1Slice(1, r.length - 2)), 0);
  }

  /**
   * prepareForShutdown: stop a running BGSAVE, save when there are save points (unless NOSAVE) or
   * SAVE was asked. False when the save failed and FORCE was not given: the server keeps running.
   */
  async shutdown(flags: ShutdownFlags): Promise<boolean> {
    this.log.warning('User requested shutdown...');
    // While loading, the dataset is incomplete: saving it would destroy the file being loaded.
    const nosave = flags.nosave === true || this.loading;
    const save = flags.save === true && !this.loading;
    if (this.job !== null) {
      if (this.job.background) {
        this.log.warning('There is a child saving an .rdb. Killing it!');
        await this.abortJob('killed by SHUTDOWN');
      } else await this.job.result;
    }
    if ((this.server.config.getSaveParams().length > 0 && !nosave) || save) {
      this.log.notice('Saving the final RDB snapshot before exiting.');
      const error = await this.startJob(false).result;
      if (error !== null) {
        if (flags.force === true) this.log.warning('Error trying to save the DB. Exit anyway.');
        else {
          this.log.warning("Error trying to save the DB, can't exit.");
          this.log.warning('Errors trying to shut down the server. Check the logs for more information.');
          return false;
        }
      }
    }
    return true;
  }

  async close(): Promise<void> {
    this.aof.close();
    const job = this.job;
    if (job !== null) {
      await this.abortJob('server closing');
      await job.writer.quiet();
    }
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
  }

  // ------------------------------------------------------------------ loading

  /**
   * loadDataFromDisk: with appendonly yes the AOF (and never dump.rdb, as in Redis), else
   * `dir`/`dbfilename` if it exists; throws (the server must not start) when a file is bad.
   */
  async loadAtStartup(): Promise<void> {
    const cfg = this.server.config;
    if (!cfg.getBool('appendonly')) {
      await this.loadRdb(path.join(cfg.getDir(), cfg.getString('dbfilename')));
      return;
    }
    this.loading = true;
    this.loadingStartTime = now();
    const t0 = performance.now();
    try {
      if (await this.aof.load((file) => this.loadRdb(file, true))) {
        this.log.notice(`DB loaded from append only file: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
      }
    } catch (e) {
      this.log.warning((e as Error).message);
      throw new Error(`Bad AOF: ${(e as Error).message}`);
    } finally {
      this.loading = false;
    }
    this.aof.startAfterLoad();
  }

  /** Load one RDB file (dump.rdb, or an AOF's RDB base: `nested` keeps LOADING on for what follows). */
  private async loadRdb(file: string, nested = false): Promise<void> {
    const server = this.server;
    const cfg = server.config;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`Fatal error loading the DB: ${strerror(e)}. Exiting.`);
    }
    this.loading = true;
    this.loadingStartTime = now();
    this.loadingTotalBytes = size;
    this.loadingLoadedBytes = 0;
    this.lastLoadKeysLoaded = this.lastLoadKeysExpired = 0;
    const set = server.shards;
    const loadSpec = commandByName('__load');
    const slots = slotTable(set.count);
    const t0 = performance.now();
    try {
      const stats = await loadRdbFile(file, size, {
        databases: cfg.getInt('databases'),
        shardCount: set.count,
        verifyChecksum: cfg.getBool('rdbchecksum'),
        log: this.log,
        shardOf: (key, start, end) => slots[keyHashSlot(key, start, end)],
        send: (shard, db, version, entries) =>
          new Promise((resolve, reject) => {
            const sink: ReplySink = {
              deliver: (bytes, start, end) => {
                const reply = Buffer.from(bytes.subarray(start, end)).latin1Slice(0);
                const m = /^\*2\r\n:(\d+)\r\n:(\d+)\r\n$/.exec(reply);
                if (m !== null) resolve([Number(m[1]), Number(m[2])]);
                else reject(new Error(reply.slice(1, -2).replace(/^ERR /, '')));
              },
            };
            set.shards[shard].sendSimple(null, sink, loadSpec.index, db, 0, 0, 0, ['__load', String(db), String(version), entries]);
            set.publishAll();
          }),
        loadFunction: async (code) => {
          const r = await server.scripting.libraries.load(code, false);
          if ('error' in r) throw new RdbError('corrupt', `Failed loading library, ${r.error.replace(/^ERR /, '')}`);
        },
        progress: (loaded, keys, expired, usedMem) => {
          this.loadingLoadedBytes = loaded;
          this.lastLoadKeysLoaded = keys;
          this.lastLoadKeysExpired = expired;
          this.loadingRdbUsedMem = usedMem;
        },
      });
      this.lastLoadKeysLoaded = stats.keysLoaded;
      this.lastLoadKeysExpired = stats.keysExpired;
      const done = `Done loading RDB, keys loaded: ${stats.keysLoaded}, keys expired: ${stats.keysExpired}`;
      if (stats.emptySkipped > 0) this.log.warning(`${done}, empty keys skipped: ${stats.emptySkipped}.`);
      else this.log.notice(`${done}.`);
      this.log.notice(`DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    } catch (e) {
      const err = e as Error;
      if (e instanceof RdbError && e.kind === 'truncated') {
        this.log.warning('Short read or OOM loading DB. Unrecoverable error, aborting now.');
      }
      this.log.warning(`Internal error in RDB reading ${file}: ${err.message}`);
      this.log.warning('Terminating server after rdb file reading failure.');
      throw new Error(`Bad RDB file ${file}: ${err.message}`);
    } finally {
      this.loading = nested;
    }
  }

  // ------------------------------------------------------------------ INFO

  /** The Persistence section's lines, in Redis 7.0's order; `dirty`: the shards' counters summed. */
  infoLines(dirty: number): string[] {
    const job = this.job;
    const t = now();
    const keysTotal = job !== null ? job.writer.keysTotal : 0;
    const keysDone = job !== null ? job.writer.keysReceived : 0;
    const lines = [
      `loading:${this.loading ? 1 : 0}`,
      'async_loading:0',
      'current_cow_peak:0',
      'current_cow_size:0',
      'current_cow_size_age:0',
      `current_fork_perc:${keysTotal > 0 ? ((keysDone / keysTotal) * 100).toFixed(2) : '0.00'}`,
      `current_save_keys_processed:${keysDone}`,
      `current_save_keys_total:${keysTotal}`,
      `rdb_changes_since_last_save:${Math.max(0, dirty - this.dirtyBaseline)}`,
      `rdb_bgsave_in_progress:${this.bgsaveInProgress ? 1 : 0}`,
      `rdb_last_save_time:${this.lastSave}`,
      `rdb_last_bgsave_status:${this.lastBgsaveOk ? 'ok' : 'err'}`,
      `rdb_last_bgsave_time_sec:${this.lastBgsaveTimeSec}`,
      `rdb_current_bgsave_time_sec:${this.bgsaveInProgress ? Math.floor((Date.now() - job!.startedAt) / 1000) : -1}`,
      `rdb_saves:${this.rdbSaves}`,
      'rdb_last_cow_size:0',
      `rdb_last_load_keys_expired:${this.lastLoadKeysExpired}`,
      `rdb_last_load_keys_loaded:${this.lastLoadKeysLoaded}`,
      ...this.aof.infoLines(),
    ];
    if (this.loading) {
      const total = this.loadingTotalBytes;
      const loaded = this.loadingLoadedBytes;
      const elapsed = t - this.loadingStartTime;
      const eta = elapsed === 0 ? 1 : Math.floor((elapsed * (total - loaded)) / (loaded + 1));
      lines.push(
        `loading_start_time:${this.loadingStartTime}`,
        `loading_total_bytes:${total}`,
        `loading_rdb_used_mem:${this.loadingRdbUsedMem}`,
        `loading_loaded_bytes:${loaded}`,
        `loading_loaded_perc:${total > 0 ? ((loaded / total) * 100).toFixed(2) : '0.00'}`,
        `loading_eta_seconds:${eta}`,
      );
    }
    return lines;
  }
}

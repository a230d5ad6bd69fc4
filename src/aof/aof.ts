/**
 * The append-only file, the acceptor's side (aof.c): effects from the shards appended in arrival order
 * to the current incremental file of Redis 7.0's multi-part layout, fsync policy, BGREWRITEAOF (a new
 * RDB base from a BGSAVE-style snapshot plus a new incremental file started at the snapshot point),
 * automatic rewrites, turning AOF on and off at run time, and loading at start-up.
 *
 * Ordering (see docs/ARCHITECTURE.md, Persistence (AOF)): each shard's effects arrive in the order it
 * applied them; effects of different shards commute (different keys) unless they belong to one atomic
 * unit, and every atomic unit runs under a ShardLock, so its effects are kept aside and logged as one
 * MULTI/EXEC block when the lock is released -- after everything its shards ran before it, before
 * anything they run after it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../acceptor/server.js';
import type { AofSink, LockOwner } from '../acceptor/shards.js';
import { AofFlag } from '../shared/frame.js';
import { parseManifest, writeManifestAtomic, type Manifest } from './manifest.js';
import { replayAofFile } from './loader.js';

const SELECT_CACHE: Buffer[] = [];
function selectCmd(db: number): Buffer {
  return (SELECT_CACHE[db] ??= Buffer.from(`*2\r\n$6\r\nSELECT\r\n$${String(db).length}\r\n${db}\r\n`, 'latin1'));
}
const MULTI = Buffer.from('*1\r\n$5\r\nMULTI\r\n');
const EXEC = Buffer.from('*1\r\n$4\r\nEXEC\r\n');

interface Effect {
  db: number;
  resp: Buffer;
}

/** The entries of an Aof frame body (EffectLog's form: u32 count, then u16 db | u32 length | RESP). */
function decodeEffects(body: Uint8Array): Effect[] {
  // One copy of the body; the entries are slices of it.
  const b = Buffer.from(body);
  const n = b.readUInt32LE(0);
  let p = 4;
  const out: Effect[] = [];
  for (let i = 0; i < n; i++) {
    const db = b.readUInt16LE(p);
    const len = b.readUInt32LE(p + 2);
    out.push({ db, resp: b.subarray(p + 6, p + 6 + len) });
    p += 6 + len;
  }
  return out;
}

/** One open incremental file. */
class IncrFile {
  fd: number;
  pending: Buffer[] = [];
  pendingBytes = 0;
  /** Database of the last command written (SELECT is inserted when it changes). */
  curDb = -1;
  size: number;
  unsynced = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
    this.size = fs.fstatSync(this.fd).size;
  }

  append(effects: Effect[], wrap: boolean): void {
    if (wrap) {
      this.select(effects[0].db);
      this.push(MULTI);
    }
    for (const e of effects) {
      this.select(e.db);
      this.push(e.resp);
    }
    if (wrap) this.push(EXEC);
  }

  private select(db: number): void {
    if (db === this.curDb) return;
    this.curDb = db;
    this.push(selectCmd(db));
  }

  private push(b: Buffer): void {
    this.pending.push(b);
    this.pendingBytes += b.length;
  }

  /**
   * write(2) what is pending; returns whether anything was written. On an error nothing is lost: a
   * partial write is cut off again (no torn command in the file) and the data stays pending.
   */
  write(): boolean {
    if (this.pendingBytes === 0) return false;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    let off = 0;
    try {
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
    } catch (e) {
      if (off > 0) {
        try {
          fs.ftruncateSync(this.fd, this.size);
        } catch {
          // The next successful write still starts at the right place only if this worked; the
          // error is reported either way.
        }
      }
      this.pending = [data];
      throw e;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.size += data.length;
    this.unsynced = true;
    return true;
  }

  close(): void {
    this.write();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }
}

interface RewriteState {
  /** The incremental file that holds what came before the snapshot point (until every shard passed it). */
  prev: IncrFile | null;
  /** Per shard: its effects now go to the new file (its snapshot point reply arrived). */
  switched: boolean[];
  startedAt: number;
}

export class Aof implements AofSink {
  /** The file being appended to (null while AOF is off or waiting for its first rewrite). */
  private cur: IncrFile | null = null;
  private manifest: Manifest = { base: null, incrs: [], history: [] };
  private readonly groups = new Map<LockOwner, Effect[]>();
  private flushScheduled = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing = false;
  private rewrite: RewriteState | null = null;
  /** aof_state: on, off, or waiting for the rewrite that turning it on started. */
  state: 'off' | 'on' | 'wait_rewrite' = 'off';
  rewriteScheduled = false;
  private rewrites = 0;
  private lastRewriteOk = true;
  private lastRewriteSec = -1;
  private consecutiveFailures = 0;
  private lastWriteOk = true;
  private baseSize = 0;

  constructor(private readonly server: Server) {
    server.config.onChange('appendonly', () => {
      const on = server.config.getBool('appendonly');
      if (on && this.state === 'off') this.enableAtRuntime();
      else if (!on && this.state !== 'off') this.disable();
    });
  }

  private get dir(): string {
    return path.join(this.server.config.getDir(), this.server.config.getString('appenddirname'));
  }
  private get fileName(): string {
    return this.server.config.getString('appendfilename');
  }
  private get manifestName(): string {
    return `${this.fileName}.manifest`;
  }

  // ------------------------------------------------------------------ effects in

  effects(shard: number, body: Uint8Array, flags: number, group: LockOwner | null): void {
    const list = decodeEffects(body);
    if (group !== null) {
      const g = this.groups.get(group);
      if (g === undefined) this.groups.set(group, list);
      else for (const e of list) g.push(e);
      return;
    }
    const r = this.rewrite;
    const target = r !== null && r.prev !== null && !r.switched[shard] ? r.prev : this.cur;
    if (target === null) return;
    target.append(list, (flags & AofFlag.Atomic) !== 0 && list.length > 1);
    this.scheduleFlush();
  }

  /**
   * A write the acceptor carries out itself (FUNCTION LOAD/DELETE/FLUSH): logged as the command,
   * in the database of the last logged command (it touches no database).
   */
  command(argv: ReadonlyArray<string | Buffer>): void {
    const cur = this.cur;
    if (cur === null) return;
    const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
    for (const a of argv) {
      const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    cur.append([{ db: cur.curDb < 0 ? 0 : cur.curDb, resp: Buffer.concat(parts) }], false);
    this.scheduleFlush();
  }

  groupEnd(owner: LockOwner): void {
    const list = this.groups.get(owner);
    if (list === undefined) return;
    this.groups.delete(owner);
    // A lock taken after a rewrite's snapshot lock: everything it did is after the snapshot point.
    if (this.cur === null) return;
    this.cur.append(list, list.length > 1);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Write what is pending (Redis's flushAppendOnlyFile in beforeSleep): called before client output is
   * written, so with appendfsync always a reply never leaves before its write is on disk.
   */
  flush(): void {
    this.flushScheduled = false;
    try {
      const r = this.rewrite;
      if (r !== null && r.prev !== null) r.prev.write();
      const cur = this.cur;
      if (cur === null || !cur.write()) return;
      if (this.server.config.getEnum('appendfsync') === 'always') {
        fs.fdatasyncSync(cur.fd);
        cur.unsynced = false;
      }
      this.lastWriteOk = true;
    } catch (e) {
      this.lastWriteOk = false;
      this.server.log.warning(`Error writing to the AOF file: ${(e as Error).message}`);
      // With appendfsync always the replies about to go out promise durability: like Redis, stop
      // rather than acknowledge writes that are not on disk. Otherwise the data stays pending and
      // the next flush tries again.
      if (this.server.config.getEnum('appendfsync') === 'always') {
        this.server.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        this.server.onFatal(e as Error);
      }
    }
  }

  /** everysec: fdatasync in the thread pool, off the event loop, at most one at a time. */
  private everySec(): void {
    const cur = this.cur;
    if (cur === null || this.syncing || this.server.config.getEnum('appendfsync') !== 'everysec') return;
    this.flush();
    if (!cur.unsynced) return;
    cur.unsynced = false;
    this.syncing = true;
    fs.fdatasync(cur.fd, (err) => {
      this.syncing = false;
      if (err) this.server.log.warning(`Can't fsync the AOF: ${err.message}`);
    });
  }

  // ------------------------------------------------------------------ on / off

  /** Start-up with appendonly yes, after loading: open the last incremental file (or create the layout). */
  startAfterLoad(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.state = 'on';
    this.attachToShards();
    const last = this.manifest.incrs[this.manifest.incrs.length - 1];
    if (last !== undefined) {
      this.cur = new IncrFile(path.join(this.dir, last.name));
      this.baseSize = this.manifest.base !== null ? this.fileSize(this.manifest.base.name) : 0;
      return;
    }
    // No AOF yet: an incremental file now, and a base from a rewrite (as Redis 7.0 does on start).
    const incr = { name: `${this.fileName}.1.incr.aof`, seq: 1, type: 'i' as const };
    this.manifest = { base: null, incrs: [incr], history: [] };
    this.cur = new IncrFile(path.join(this.dir, incr.name));
    writeManifestAtomic(this.dir, this.manifestName, this.manifest);
    this.startRewrite();
  }

  private attachToShards(): void {
    this.server.shards.aofSink = this;
    this.server.broadcastConfig('appendOnly', '1');
    this.syncTimer ??= setInterval(() => this.everySec(), 1000);
    this.syncTimer.unref();
  }

  /** CONFIG SET appendonly yes (startAppendOnly): the AOF exists once the rewrite it starts is done. */
  private enableAtRuntime(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.manifest = this.readManifest() ?? { base: null, incrs: [], history: [] };
    this.state = 'wait_rewrite';
    this.attachToShards();
    if (this.startRewrite() === 'busy') this.rewriteScheduled = true;
  }

  private disable(): void {
    // A rewrite in progress is dropped: its result would belong to an AOF that is off, and a later
    // CONFIG SET appendonly yes must start its own (its completion handler sees state 'off').
    const dropped = this.rewrite;
    this.flush();
    if (dropped !== null) {
      this.server.persistence.abortRewrite();
      this.rewrite = null;
      dropped.prev?.close();
      dropped.prev = null;
    }
    this.server.shards.aofSink = null;
    this.server.broadcastConfig('appendOnly', '0');
    this.cur?.close();
    this.cur = null;
    this.state = 'off';
    this.groups.clear();
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
  }

  close(): void {
    if (this.state === 'off') return;
    this.flush();
    try {
      this.cur?.close();
      this.rewrite?.prev?.close();
    } catch {
      // closing at exit: nothing more to do
    }
    this.cur = null;
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(path.join(this.dir, name)).size;
    } catch {
      return 0;
    }
  }

  private readManifest(): Manifest | null {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, this.manifestName), 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return parseManifest(text);
  }

  // ------------------------------------------------------------------ rewrite

  get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  /** BGREWRITEAOF: 'started', 'busy' (a save runs: scheduled by the caller) or 'running'. */
  startRewrite(): 'started' | 'busy' | 'running' {
    if (this.rewrite !== null) return 'running';
    const p = this.server.persistence;
    if (p.saveRunning) return 'busy';
    this.flush();
    const baseSeq = (this.manifest.base?.seq ?? 0) + 1;
    const incrSeq = Math.max(0, ...this.manifest.incrs.map((f) => f.seq)) + 1;
    const baseName = `${this.fileName}.${baseSeq}.base.rdb`;
    const incr = { name: `${this.fileName}.${incrSeq}.incr.aof`, seq: incrSeq, type: 'i' as const };
    const state: RewriteState = { prev: null, switched: this.server.shards.shards.map(() => false), startedAt: Date.now() };
    this.rewrite = state;
    this.server.log.notice('Background append only file rewriting started');
    const oldManifest = this.manifest;
    const result = p.startRewriteJob(this.dir, baseName, {
      // Snapshot point on every shard: a new incremental file takes what comes after it.
      granted: () => {
        state.prev = this.cur;
        this.cur = new IncrFile(path.join(this.dir, incr.name));
        if (state.prev !== null) {
          this.manifest = { ...this.manifest, incrs: [...this.manifest.incrs, incr] };
          writeManifestAtomic(this.dir, this.manifestName, this.manifest);
        }
      },
      shardBegun: (shard) => {
        state.switched[shard] = true;
        if (state.switched.every(Boolean) && state.prev !== null) {
          state.prev.close();
          state.prev = null;
        }
      },
    });
    void result.then((error) => {
      if (this.rewrite !== state) {
        // Dropped (appendonly turned off meanwhile): its files are not part of any manifest.
        state.prev?.close();
        return;
      }
      this.rewrite = null;
      this.lastRewriteSec = Math.floor((Date.now() - state.startedAt) / 1000);
      if (state.prev !== null) {
        state.prev.close();
        state.prev = null;
      }
      if (error !== null) {
        this.lastRewriteOk = false;
        this.consecutiveFailures++;
        this.server.log.warning(`Background AOF rewrite failed: ${error}`);
        // Turning the AOF on waits for a successful rewrite: try again from the cron.
        if (this.state === 'wait_rewrite') this.rewriteScheduled = true;
        return;
      }
      this.rewrites++;
      this.lastRewriteOk = true;
      this.consecutiveFailures = 0;
      this.manifest = { base: { name: baseName, seq: baseSeq, type: 'b' }, incrs: [incr], history: [] };
      writeManifestAtomic(this.dir, this.manifestName, this.manifest);
      // The old base and incremental files are history now (aof-disable-auto-gc keeps them).
      if (!this.server.config.getBool('aof-disable-auto-gc')) {
        const old = [oldManifest.base, ...oldManifest.incrs, ...oldManifest.history];
        for (const f of old) if (f !== null && f.name !== incr.name && f.name !== baseName) fs.rmSync(path.join(this.dir, f.name), { force: true });
      }
      this.baseSize = this.fileSize(baseName);
      if (this.state === 'wait_rewrite') this.state = 'on';
      this.server.log.notice('Background AOF rewrite terminated with success');
      this.server.log.notice('Background AOF rewrite finished successfully');
    });
    return 'started';
  }

  /** serverCron: scheduled rewrites and auto-aof-rewrite-percentage. */
  cron(): void {
    if (this.state === 'off' || this.rewrite !== null) return;
    if (this.rewriteScheduled) {
      if (this.startRewrite() !== 'busy') this.rewriteScheduled = false;
      return;
    }
    const cfg = this.server.config;
    const pct = cfg.getInt('auto-aof-rewrite-percentage');
    const size = this.currentSize();
    if (this.state === 'on' && pct > 0 && size > cfg.getInt('auto-aof-rewrite-min-size')) {
      const base = this.baseSize > 0 ? this.baseSize : 1;
      const growth = ((size - base) * 100) / base;
      if (growth >= pct) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${Math.floor(growth)}% growth`);
        this.startRewrite();
      }
    }
  }

  private currentSize(): number {
    let n = this.baseSize;
    for (const f of this.manifest.incrs) n += f.name === this.manifest.incrs[this.manifest.incrs.length - 1].name && this.cur !== null ? this.cur.size : this.fileSize(f.name);
    return n;
  }

  // ------------------------------------------------------------------ loading

  /**
   * loadAppendOnlyFiles: the base (RDB through the RDB loader, or RESP), then every incremental file
   * replayed through the normal command path. Returns false when there is no AOF to load.
   */
  async load(loadRdb: (file: string) => Promise<void>): Promise<boolean> {
    const m = this.readManifest();
    if (m === null) return false;
    this.manifest = m;
    const log = this.server.log;
    const files = [...(m.base !== null ? [m.base] : []), ...m.incrs];
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const file = path.join(this.dir, f.name);
      if (!fs.existsSync(file)) {
        if (f.type === 'i' && i === files.length - 1 && fs.existsSync(this.dir)) continue; // created, never written
        throw new Error(`The AOF file ${f.name} doesn't exist`);
      }
      const head = Buffer.alloc(5);
      const fd = fs.openSync(file, 'r');
      const got = fs.readSync(fd, head, 0, 5, 0);
      fs.closeSync(fd);
      if (got === 5 && head.latin1Slice(0, 5) === 'REDIS') {
        log.notice(`Reading RDB base file on AOF loading...`);
        await loadRdb(file);
      } else {
        const r = await replayAofFile(this.server, file, i === files.length - 1 && this.server.config.getBool('aof-load-truncated'));
        if (r.truncatedAt !== null) {
          log.warning(`!!! Warning: short read while loading the AOF file ${f.name}!!!`);
          log.warning(`!!! Truncating the AOF ${f.name} at offset ${r.truncatedAt} !!!`);
          fs.truncateSync(file, r.truncatedAt);
          log.warning(`AOF ${f.name} loaded anyway because aof-load-truncated is enabled`);
        }
        log.notice(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${r.commands} commands`);
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ INFO

  infoLines(): string[] {
    const on = this.state !== 'off';
    const lines = [
      `aof_enabled:${on ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.rewrite !== null ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteSec}`,
      `aof_current_rewrite_time_sec:${this.rewrite !== null ? Math.floor((Date.now() - this.rewrite.startedAt) / 1000) : -1}`,
      `aof_last_bgrewrite_status:${this.lastRewriteOk ? 'ok' : 'err'}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.lastWriteOk ? 'ok' : 'err'}`,
      'aof_last_cow_size:0',
      'module_fork_in_progress:0',
      'module_fork_last_cow_size:0',
    ];
    if (on) {
      const pending = (this.cur?.pendingBytes ?? 0) + (this.rewrite?.prev?.pendingBytes ?? 0);
      lines.push(
        `aof_current_size:${this.currentSize()}`,
        `aof_base_size:${this.baseSize}`,
        `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
        `aof_buffer_length:${pending}`,
        `aof_pending_bio_fsync:${this.syncing ? 1 : 0}`,
        `aof_delayed_fsync:0`,
      );
    }
    return lines;
  }
}

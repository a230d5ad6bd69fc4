/**
 * MULTI/EXEC. Commands are queued in the acceptor (after the same lookup/arity checks as always, so
 * errors surface at queue time as in Redis). A transaction with neither WATCH nor commands spanning
 * shards is written to the rings in one synchronous step and needs no lock (see execTransaction).
 * Otherwise EXEC locks every shard the queued commands touch with one
 * ShardLock (the lock protocol of lock-manager.ts, so transactions, cross-shard commands and later
 * scripts order consistently and cannot deadlock), issues the commands in order as the lock's owner,
 * collects the replies in order and unlocks. Shards serve a locked shard's frames strictly in order, so
 * commands on different shards may be in flight together; a command that itself spans shards waits
 * for everything before it and is waited for by everything after it.
 */
import type { Client } from './client.js';
import type { LockOwner, ReplySink } from './shards.js';
import { Route, commandByName } from '../shared/command-table.js';
import { ShardLock } from './lock-manager.js';
import type { Invocation, Server } from './server.js';

const EXECABORT = Buffer.from('-EXECABORT Transaction discarded because of previous errors.\r\n');

/** A key the client WATCHes, with the version its shard reported at WATCH time. */
export interface WatchedKey {
  db: number;
  key: string;
  shard: number;
  version: number;
}

/** Group (db, key[, version]) arguments per shard for the __watch* commands. */
function perShard(keys: WatchedKey[], withVersion: boolean): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const k of keys) {
    let args = out.get(k.shard);
    if (!args) out.set(k.shard, (args = []));
    args.push(String(k.db), k.key);
    if (withVersion) args.push(String(k.version));
  }
  return out;
}

/** WATCH key…: register with the owning shards, remember the versions, then answer OK. */
export function watchKeys(server: Server, client: Client, keys: string[], done: () => void): void {
  const wanted: WatchedKey[] = keys
    .filter((key) => !client.watched?.some((w) => w.db === client.db && w.key === key))
    .map((key) => ({ db: client.db, key, shard: server.shardOfKey(key), version: 0 }));
  const groups = perShard(wanted, false);
  if (groups.size === 0) {
    done();
    return;
  }
  let left = groups.size;
  const spec = commandByName('__watch');
  for (const [shard, args] of groups) {
    const mine = wanted.filter((w) => w.shard === shard);
    const sink: ReplySink = {
      deliver: (bytes, start) => {
        // *n :v1 :v2 … in the order the keys were sent
        const lines = Buffer.from(bytes.subarray(start)).latin1Slice(0).split('\r\n');
        mine.forEach((w, i) => (w.version = Number(lines[1 + i].slice(1))));
        if (--left === 0) {
          (client.watched ??= []).push(...wanted);
          done();
        }
      },
    };
    server.shards.shards[shard].sendSimple(null, sink, spec.index, client.db, client.id, 0, 0, ['__watch', ...args]);
  }
  server.shards.publishAll();
}

/** Forget every watched key (UNWATCH, EXEC, DISCARD, RESET, disconnect). */
export function unwatchAll(server: Server, client: Client, owner: LockOwner | null = null): void {
  const watched = client.watched;
  client.watched = null;
  if (watched === null || watched.length === 0) return;
  const spec = commandByName('__unwatch');
  for (const [shard, args] of perShard(watched, false)) {
    server.shards.shards[shard].sendSimple(owner, null, spec.index, 0, client.id, 0, 0, ['__unwatch', ...args]);
  }
  server.shards.publishAll();
}

/** Gathers EXEC's replies (tag = position in the transaction) into one array reply. */
class ExecCollector implements ReplySink {
  readonly parts: Buffer[];
  completed = 0;
  onProgress: () => void = () => {};

  constructor(n: number) {
    this.parts = new Array(n);
  }

  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void {
    this.parts[tag] = Buffer.from(bytes.subarray(start, end));
    this.completed++;
    this.onProgress();
  }
}

export function execTransaction(server: Server, client: Client, sink: ReplySink, tag: number): void {
  const queued = client.multi ?? [];
  const failed = client.multiFailed;
  const watched = client.watched ?? [];
  client.multi = null;
  client.multiFailed = false;
  if (failed) {
    unwatchAll(server, client);
    sink.deliver(EXECABORT, 0, EXECABORT.length, tag);
    return;
  }
  const n = queued.length;
  const collector = new ExecCollector(n);
  const invocations: Invocation[] = queued.map((q, i) => ({
    client,
    spec: q.spec,
    src: q.src,
    argc: q.argc,
    db: client.db,
    sink: collector,
    tag: i,
    owner: null,
  }));
  // Each command's shards, computed once: they decide the lock set and which commands span shards.
  const shardSet = new Set<number>();
  const cross: boolean[] = invocations.map((inv) => {
    const shards = server.shardsOf(inv);
    for (const s of shards) shardSet.add(s);
    // A script always runs as a step of its own under the transaction's lock: it may reach any shard
    // (and must not be started over after the commands queued behind it went out). So does SCAN,
    // which visits the shards one after another: a command queued after it must not reach a shard
    // before the walk does.
    const route = inv.spec.route;
    return (shards.length > 1 && (route === Route.Keys || route === Route.Scan)) || route === Route.Script;
  });
  for (const w of watched) shardSet.add(w.shard);
  const finish = (lock: ShardLock | null) => {
    lock?.release();
    server.shards.publishAll();
    const out = Buffer.concat([Buffer.from(`*${n}\r\n`), ...collector.parts]);
    sink.deliver(out, 0, out.length, tag);
    server.flushOutput();
  };
  const run = (lock: ShardLock | null) => {
    let next = 0;
    /** Issue commands from `next` on; stop before a cross-shard command until all before it are done. */
    const issue = () => {
      while (next < n) {
        const inv = invocations[next];
        inv.db = client.db; // a queued SELECT takes effect for the commands after it
        inv.owner = lock;
        const spans = cross[next];
        if (spans && collector.completed < next) return; // wait for everything before it
        next++;
        server.invoke(inv);
        if (spans && collector.completed < next) {
          server.shards.schedulePublish();
          return; // and everything after it waits for it
        }
      }
      // Published with the rest of this turn's requests, whose replies the acceptor then collects
      // synchronously (see ShardSet.publishAndCollect).
      server.shards.schedulePublish();
    };
    collector.onProgress = () => {
      if (collector.completed === n) finish(lock);
      else if (next < n) issue();
    };
    if (n === 0) finish(lock);
    else issue();
  };
  // Without WATCH and without commands that span shards, no lock is needed: the commands are
  // written to every ring in one synchronous step, which the sequencer argument (as for MSET) makes
  // atomic -- each shard runs them back to back, and every other command lands before or after all.
  // With the AOF on, the lock also makes the transaction's effects one MULTI/EXEC block (aof.ts).
  const needsLock = watched.length > 0 || cross.includes(true) || server.shards.aofSink !== null;
  if (shardSet.size === 0 || !needsLock) {
    run(null);
    return;
  }
  /**
   * With WATCHed keys: once every shard is locked, ask the watched keys' shards whether any of them
   * changed; nothing can change them between that answer and the commands, which run under the same
   * lock. A changed key makes EXEC answer with a null array and run nothing.
   */
  const checkThenRun = (lock: ShardLock) => {
    const groups = perShard(watched, true);
    if (groups.size === 0) {
      run(lock);
      return;
    }
    let left = groups.size;
    let intact = true;
    const spec = commandByName('__watchcheck');
    const check: ReplySink = {
      deliver: (bytes, start) => {
        if (bytes[start + 1] !== 49) intact = false; // ":1"
        if (--left > 0) return;
        if (intact) run(lock);
        else {
          lock.release();
          server.shards.publishAll();
          const nil = Buffer.from(client.resp === 3 ? '_\r\n' : '*-1\r\n');
          sink.deliver(nil, 0, nil.length, tag);
          server.flushOutput();
        }
      },
    };
    for (const [shard, args] of groups) {
      server.shards.shards[shard].sendSimple(lock, check, spec.index, 0, client.id, 0, 0, ['__watchcheck', ...args]);
    }
    // EXEC ends the watch whatever happens; the shards see this after the checks above.
    unwatchAll(server, client, lock);
  };
  const lock = new ShardLock(server.shards, [...shardSet].sort((a, b) => a - b), (l) => checkThenRun(l));
  lock.acquire();
}

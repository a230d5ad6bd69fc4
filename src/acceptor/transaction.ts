/**
 * MULTI/EXEC. Commands are queued in the acceptor (after the same lookup/arity checks as always, so
 * errors surface at queue time as in Redis). EXEC locks every shard the queued commands touch with one
 * ShardLock (the lock protocol of lock-manager.ts, so transactions, cross-shard commands and later
 * scripts order consistently and cannot deadlock), issues the commands in order as the lock's owner,
 * collects the replies in order and unlocks. Shards serve a locked shard's frames strictly in order, so
 * commands on different shards may be in flight together; a command that itself spans shards waits
 * for everything before it and is waited for by everything after it.
 */
import type { Client } from './client.js';
import type { ReplySink } from './shards.js';
import { ShardLock } from './lock-manager.js';
import type { Invocation, Server } from './server.js';

const EXECABORT = Buffer.from('-EXECABORT Transaction discarded because of previous errors.\r\n');

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
  client.multi = null;
  client.multiFailed = false;
  if (failed) {
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
  const shardSet = new Set<number>();
  for (const inv of invocations) for (const s of server.shardsOf(inv)) shardSet.add(s);
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
        const cross = server.isCrossShard(inv);
        if (cross && collector.completed < next) return; // wait for everything before it
        next++;
        server.invoke(inv);
        if (cross && collector.completed < next) {
          server.shards.publishAll();
          return; // and everything after it waits for it
        }
      }
      server.shards.publishAll();
    };
    collector.onProgress = () => {
      if (collector.completed === n) finish(lock);
      else if (next < n) issue();
    };
    if (n === 0) finish(lock);
    else issue();
  };
  if (shardSet.size === 0) {
    run(null);
    return;
  }
  const lock = new ShardLock(server.shards, [...shardSet].sort((a, b) => a - b), (l) => run(l));
  lock.acquire();
}

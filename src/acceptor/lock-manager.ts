/**
 * Cross-shard lock manager.
 *
 * The acceptor is the only producer of every shard's request ring, so it is a natural sequencer. A
 * transaction that needs several shards places a barrier in each of their hold queues in one synchronous
 * step; a shard grants its barrier when everything issued before it has been written to its ring, and
 * from then on only the owner's frames reach that shard until it unlocks. Because barriers are placed on
 * all of a transaction's shards at the same instant, every shard sees competing transactions in the same
 * order, so the wait-for relation always points to an older transaction: no deadlock, no retries.
 *
 * Single-shard commands never come here. Multi-key commands whose per-shard parts are independent
 * (MSET, MGET, DEL…) do not need locks either: their parts enter every ring at one instant, which
 * already orders them consistently against every other command (see docs/ARCHITECTURE.md).
 */
import { Route, commandByName, type CommandSpec } from '../shared/command-table.js';
import { RequestFlag } from '../shared/frame.js';
import type { LockOwner, ReplySink, ShardSet } from './shards.js';
import { aggregateHeader, isError, skipValue, parseIntAt } from './combine.js';

export class ShardLock implements LockOwner {
  private pending: number;
  private released = false;

  constructor(
    private readonly set: ShardSet,
    readonly shardIndexes: readonly number[],
    private readonly onGranted: (lock: ShardLock) => void,
  ) {
    this.pending = shardIndexes.length;
  }

  /** Called by each shard when this lock's barrier reaches the front of its queue. */
  granted(): void {
    if (--this.pending === 0) this.onGranted(this);
  }

  /** Place the barriers. Must be called once, synchronously with the decision to lock. */
  acquire(): void {
    let immediate = 0;
    for (const i of this.shardIndexes) if (this.set.shards[i].enqueueBarrier(this)) immediate++;
    this.pending -= immediate;
    if (this.pending === 0) this.onGranted(this);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Its effects are logged before anything its shards run next can be.
    this.set.aofSink?.groupEnd(this);
    for (const i of this.shardIndexes) this.set.shards[i].unlock(this);
  }
}

/** A sink that calls back once per reply (used for single-step waits). */
class CallbackSink implements ReplySink {
  constructor(private readonly fn: (reply: Buffer, tag: number) => void) {}
  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void {
    this.fn(Buffer.from(bytes.subarray(start, end)), tag);
  }
}

export interface KeyRef {
  db: number;
  /** Key bytes (latin1 string). */
  key: string;
  shard: number;
}

const EXPORT = () => commandByName('__export');
const RUN_FOREIGN = () => commandByName('__run_foreign');
const IMPORT = () => commandByName('__import');

/**
 * Run one multi-key command whose keys live on several shards, atomically:
 *   1. lock every shard involved;
 *   2. copy the keys held by the other shards out of them (`__export`);
 *   3. run the command on the home shard with those keys installed (`__run_foreign`), which replies with
 *      the command's own reply and the final state of every foreign key it changed;
 *   4. write the changed keys back to their owners (`__import`) and unlock. The imports are queued ahead
 *      of anything the locks held back, so no client can observe the keys in between.
 */
export function runAcrossShards(
  set: ShardSet,
  spec: CommandSpec,
  argv: Buffer[],
  keys: KeyRef[],
  clientDb: number,
  connId: number,
  /** RequestFlag bits of the client's command (Resp3, NoTouch). */
  flags: number,
  done: (reply: Buffer) => void,
  /** A transaction already holding every shard involved (EXEC): run under it, take no lock. */
  heldBy: LockOwner | null = null,
): void {
  if (spec.route !== Route.Keys) throw new Error(`${spec.name} is not a keyed command`);
  const home = keys[0].shard;
  const shardIdx = [...new Set(keys.map((k) => k.shard))].sort((a, b) => a - b);
  const foreign = new Map<number, KeyRef[]>();
  for (const k of keys) {
    if (k.shard === home) continue;
    let list = foreign.get(k.shard);
    if (!list) foreign.set(k.shard, (list = []));
    if (!list.some((x) => x.db === k.db && x.key === k.key)) list.push(k);
  }
  const run = (lock: LockOwner, release: () => void) => {
    const payloads: Buffer[] = [];
    let waiting = foreign.size;
    let failed: Buffer | null = null;
    const exported = new CallbackSink((reply) => {
      // An internal step failing must not take the acceptor down: the client gets the error.
      if (isError(reply)) failed ??= reply;
      if (failed !== null) {
        if (--waiting === 0) {
          release();
          set.publishAll();
          done(failed);
        }
        return;
      }
      // Bulk string: the serialized entries.
      const h = aggregateHeader(reply, 0);
      payloads.push(reply.subarray(h.first, h.first + h.count));
      if (--waiting === 0) runHome();
    });
    for (const [shard, list] of foreign) {
      const args: (string | Buffer)[] = ['__export'];
      for (const k of list) args.push(String(k.db), Buffer.from(k.key, 'latin1'));
      // Exporting is the foreign keys' access: it touches them unless the client has NO-TOUCH on.
      set.shards[shard].sendSimple(lock, exported, EXPORT().index, clientDb, connId, 0, flags & RequestFlag.NoTouch, args);
    }
    set.publishAll();

    function runHome(): void {
      const args: (string | Buffer)[] = ['__run_foreign', String(spec.index), String(payloads.length), ...payloads, ...argv];
      const sink = new CallbackSink((reply) => {
        if (isError(reply)) {
          release();
          set.publishAll();
          done(reply);
          return;
        }
        // *2 [bulk: the command's reply] [array of (shard, payload) write-backs]
        const outer = aggregateHeader(reply, 0);
        const replyHdr = aggregateHeader(reply, outer.first);
        const clientReply = reply.subarray(replyHdr.first, replyHdr.first + replyHdr.count);
        const wbStart = skipValue(reply, outer.first);
        const wb = aggregateHeader(reply, wbStart);
        let p = wb.first;
        for (let i = 0; i < wb.count; i += 2) {
          const shardEnd = skipValue(reply, p);
          const shard = parseIntAt(reply, p + 1, shardEnd - 2);
          const ph = aggregateHeader(reply, shardEnd);
          const payload = reply.subarray(ph.first, ph.first + ph.count);
          p = skipValue(reply, shardEnd);
          set.shards[shard].sendSimple(lock, null, IMPORT().index, clientDb, connId, 0, 0, ['__import', payload]);
        }
        release();
        set.publishAll();
        done(Buffer.from(clientReply));
      });
      set.shards[home].sendSimple(lock, sink, RUN_FOREIGN().index, clientDb, connId, 0, flags, args);
      set.publishAll();
    }
    if (waiting === 0) runHome();
  };
  if (heldBy !== null) {
    run(heldBy, () => {});
    return;
  }
  const lock = new ShardLock(set, shardIdx, () => run(lock, () => lock.release()));
  lock.acquire();
}

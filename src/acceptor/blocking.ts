/**
 * Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP).
 *
 * Shards run these commands without blocking. When the answer is null, the acceptor parks the client
 * here: it queues it FIFO on each of its keys, asks the keys' shards to report writes to them
 * (__blockon), and retries once at once (a push that landed before __blockon was registered is seen
 * by that retry; one after it produces an event). When a shard reports a key written, the first client
 * waiting on it retries its command through the normal router, so keys on several shards go through
 * the lock manager like any multi-key command and exactly one client gets each element. A client that
 * still finds nothing stays at the head of its queues; the next one waits for the next event.
 *
 *   BLPOP k 0 ─► shard: null ─► park (FIFO per key) ─► __blockon ─► retry
 *   LPUSH k v ─► shard: keyModified ─► ready event ─► first waiter on k retries ─► [k, v]
 */
import type { Client } from './client.js';
import type { ReplySink } from './shards.js';
import { commandByName, keyIndices } from '../shared/command-table.js';
import type { Invocation, Server } from './server.js';
import { parseTimeoutSeconds } from '../shared/numbers.js';

interface Waiter {
  inv: Invocation;
  /** "db\0key" ids the client waits on. */
  ids: string[];
  timer: NodeJS.Timeout | null;
  /** The null reply to send on timeout (its form depends on the command and protocol). */
  nullReply: Buffer;
  retrying: boolean;
  done: boolean;
}

function isNull(b: Uint8Array, start: number): boolean {
  return b[start] === 95 || ((b[start] === 42 || b[start] === 36) && b[start + 1] === 45);
}

function isWrongType(b: Uint8Array, start: number): boolean {
  return b[start] === 45 && Buffer.from(b.buffer, b.byteOffset + start, Math.min(10, b.length - start)).latin1Slice(0, 10) === '-WRONGTYPE';
}

const NULL_ARRAY = Buffer.from('*-1\r\n');

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 0x7fffffff;

/** Where the timeout argument sits. */
function timeoutIndex(name: string, argc: number): number {
  if (name === 'blmpop' || name === 'bzmpop') return 1;
  if (name === 'blmove') return 5;
  if (name === 'brpoplpush') return 3;
  return argc - 1;
}

export class BlockingManager {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly byClient = new Map<Client, Waiter>();
  /** References per id held on the shards (__blockon sent, __blockoff not yet). */
  private readonly interest = new Map<string, number>();

  constructor(private readonly server: Server) {}

  get blockedClients(): number {
    return this.byClient.size;
  }

  /** Wrap a blocking command's reply: a null parks the client instead of answering. */
  intercept(inv: Invocation): ReplySink {
    const target = inv.sink;
    const tag = inv.tag;
    const saved: Invocation = { ...inv, src: copySrc(inv) };
    return {
      deliver: (bytes, start, end) => {
        if (!isNull(bytes, start)) {
          target.deliver(bytes, start, end, tag);
          return;
        }
        this.park(saved, Buffer.from(bytes.subarray(start, end)), target, tag);
      },
    };
  }

  private park(inv: Invocation, nullReply: Buffer, target: ReplySink, tag: number): void {
    const client = inv.client;
    if (client.closed) return;
    const a = inv.src;
    // The shard has checked the timeout already: here it is a whole number of ms (0: no timeout).
    const ms = parseTimeoutSeconds(a.buf.latin1Slice(a.starts[timeoutIndex(inv.spec.name, inv.argc)], a.ends[timeoutIndex(inv.spec.name, inv.argc)]));
    const idx = keyIndices(inv.spec, inv.argc, (i) => a.buf.latin1Slice(a.starts[i], a.ends[i]));
    const moves = inv.spec.name === 'blmove' || inv.spec.name === 'brpoplpush';
    // BLMOVE/BRPOPLPUSH wait on their source only.
    const keys = moves ? idx.slice(0, 1) : idx;
    const ids = [...new Set(keys.map((i) => `${inv.db}\u0000${a.buf.latin1Slice(a.starts[i], a.ends[i])}`))];
    const w: Waiter = {
      inv: { ...inv, sink: target, tag },
      ids,
      timer: null,
      // Redis 7.0 times a list wait out with a null array, also for BLMOVE/BRPOPLPUSH, whose
      // non-blocking form (inside MULTI) answers a null bulk (replyToBlockedClientTimedOut).
      nullReply: moves && nullReply[0] === 36 ? NULL_ARRAY : nullReply,
      retrying: false,
      done: false,
    };
    for (const id of ids) {
      let q = this.queues.get(id);
      if (!q) this.queues.set(id, (q = []));
      q.push(w);
    }
    this.byClient.set(client, w);
    this.addInterest(ids);
    if (typeof ms === 'number' && ms > 0) this.armTimeout(w, ms);
    this.retry(w);
  }

  /**
   * Time the wait out after `ms`. Node fires a timer longer than 2^31-1 ms after 1 ms (with a
   * warning), so a BLPOP … 2147484 would return at once: long waits are chained in pieces.
   */
  private armTimeout(w: Waiter, ms: number): void {
    if (ms > MAX_TIMER_MS) w.timer = setTimeout(() => this.armTimeout(w, ms - MAX_TIMER_MS), MAX_TIMER_MS);
    else w.timer = setTimeout(() => this.finish(w, w.nullReply), ms);
  }

  private addInterest(ids: string[]): void {
    const fresh = ids.filter((id) => {
      const n = this.interest.get(id) ?? 0;
      this.interest.set(id, n + 1);
      return n === 0;
    });
    this.sendInterest('__blockon', fresh);
  }

  private dropInterest(ids: string[]): void {
    const gone = ids.filter((id) => {
      const n = (this.interest.get(id) ?? 0) - 1;
      if (n <= 0) this.interest.delete(id);
      else this.interest.set(id, n);
      return n <= 0;
    });
    this.sendInterest('__blockoff', gone);
  }

  private sendInterest(cmd: string, ids: string[]): void {
    if (ids.length === 0) return;
    const spec = commandByName(cmd);
    const perShard = new Map<number, string[]>();
    for (const id of ids) {
      const sep = id.indexOf('\u0000');
      const key = id.slice(sep + 1);
      const shard = this.server.shardOfKey(key);
      let args = perShard.get(shard);
      if (!args) perShard.set(shard, (args = []));
      args.push(id.slice(0, sep), key);
    }
    for (const [shard, args] of perShard) this.server.shards.shards[shard].sendSimple(null, null, spec.index, 0, 0, 0, 0, [cmd, ...args]);
    this.server.shards.publishAll();
  }

  /** Run the waiter's command again; on success answer and leave, on null stay parked. */
  private retry(w: Waiter): void {
    if (w.done || w.retrying) return;
    w.retrying = true;
    const inv: Invocation = {
      ...w.inv,
      sink: {
        deliver: (bytes, start, end) => {
          w.retrying = false;
          if (w.done) return;
          // Still nothing, or the key now holds another type (Redis keeps such clients blocked).
          if (isNull(bytes, start) || isWrongType(bytes, start)) return;
          this.finish(w, Buffer.from(bytes.subarray(start, end)));
        },
      },
      tag: 0,
    };
    this.server.invoke(inv);
    this.server.shards.publishAll();
  }

  /** Answer a waiter and remove it everywhere. */
  private finish(w: Waiter, reply: Buffer | null): void {
    if (w.done) return;
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    for (const id of w.ids) {
      const q = this.queues.get(id);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.queues.delete(id);
      // The next waiter on this key may be served by what is left.
      else this.retry(q[0]);
    }
    this.byClient.delete(w.inv.client);
    this.dropInterest(w.ids);
    if (reply !== null) {
      w.inv.sink.deliver(reply, 0, reply.length, w.inv.tag);
      this.server.flushOutput();
    }
  }

  /** Shards report writes to blocked-on keys: the first waiter of each retries. */
  keysReady(ids: string[]): void {
    for (const id of ids) {
      const q = this.queues.get(id);
      if (q && q.length > 0) this.retry(q[0]);
    }
  }

  /** The client went away: forget it (no element is taken for it from now on). */
  dropClient(c: Client): void {
    const w = this.byClient.get(c);
    if (w) this.finish(w, null);
  }

  /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: true if the client was blocked. */
  unblock(c: Client, error: boolean): boolean {
    const w = this.byClient.get(c);
    if (!w) return false;
    this.finish(w, error ? Buffer.from('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n') : w.nullReply);
    return true;
  }
}

function copySrc(inv: Invocation): Invocation['src'] {
  const { buf, starts, ends } = inv.src;
  let total = 0;
  for (let i = 0; i < inv.argc; i++) total += ends[i] - starts[i];
  const copy = Buffer.allocUnsafe(total);
  const s: number[] = [];
  const e: number[] = [];
  let off = 0;
  for (let i = 0; i < inv.argc; i++) {
    copy.set(buf.subarray(starts[i], ends[i]), off);
    s.push(off);
    off += ends[i] - starts[i];
    e.push(off);
  }
  return { buf: copy, starts: s, ends: e };
}

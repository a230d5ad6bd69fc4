/**
 * Pub/Sub lives entirely in the acceptor (it never touches the keyspace): channel, pattern and shard
 * channel subscriptions, message fan-out, and the replies of the (P|S)(UN)SUBSCRIBE family.
 *
 * A message is a reply slot of its own in each receiver's reply sequence (client.nextTag()), so it is
 * written after every reply the receiver was already owed, as in Redis where it is appended to the
 * output buffer when PUBLISH runs.
 */
import type { Client } from './client.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import { globMatchString } from '../shared/glob.js';

export const enum Kind {
  Channel = 0,
  Pattern = 1,
  Shard = 2,
}

const SUB = ['subscribe', 'psubscribe', 'ssubscribe'];
const UNSUB = ['unsubscribe', 'punsubscribe', 'sunsubscribe'];

/** Per-client subscriptions (allocated on first subscribe). */
export interface ClientSubs {
  sets: [Set<string>, Set<string>, Set<string>];
}

export class PubSub {
  /** channel / pattern / shard channel → subscribers, in subscription order. */
  private readonly maps: [Map<string, Set<Client>>, Map<string, Set<Client>>, Map<string, Set<Client>>] = [
    new Map(),
    new Map(),
    new Map(),
  ];
  private readonly w = new ReplyWriter(1024);

  /** Redis's clientSubscriptionsCount: channels + patterns (shard channels are counted apart). */
  static count(c: Client, kind: Kind): number {
    const s = c.subs;
    if (s === null) return 0;
    return kind === Kind.Shard ? s.sets[2].size : s.sets[0].size + s.sets[1].size;
  }

  static isSubscribed(c: Client): boolean {
    const s = c.subs;
    return s !== null && (s.sets[0].size > 0 || s.sets[1].size > 0 || s.sets[2].size > 0);
  }

  /** Write the confirmation of one (un)subscription into `w` (push in RESP3, array in RESP2). */
  private confirm(w: ReplyWriter, verb: string, name: string | null, count: number): void {
    w.push(3);
    w.bulk(verb);
    if (name === null) w.nullBulk();
    else w.bulk(name);
    w.int(count);
  }

  subscribe(c: Client, kind: Kind, names: string[], w: ReplyWriter): void {
    const subs = (c.subs ??= { sets: [new Set(), new Set(), new Set()] });
    for (const name of names) {
      if (!subs.sets[kind].has(name)) {
        subs.sets[kind].add(name);
        let set = this.maps[kind].get(name);
        if (!set) this.maps[kind].set(name, (set = new Set()));
        set.add(c);
      }
      this.confirm(w, SUB[kind], name, PubSub.count(c, kind));
    }
  }

  /** Unsubscribe from `names`, or from everything of that kind when `names` is empty. */
  unsubscribe(c: Client, kind: Kind, names: string[], w: ReplyWriter | null): void {
    const subs = c.subs;
    const list = names.length > 0 ? names : subs ? [...subs.sets[kind]] : [];
    if (list.length === 0) {
      if (w) this.confirm(w, UNSUB[kind], null, PubSub.count(c, kind));
      return;
    }
    for (const name of list) {
      if (subs && subs.sets[kind].delete(name)) {
        const set = this.maps[kind].get(name);
        if (set) {
          set.delete(c);
          if (set.size === 0) this.maps[kind].delete(name);
        }
      }
      if (w) this.confirm(w, UNSUB[kind], name, PubSub.count(c, kind));
    }
  }

  /** Drop every subscription of a client that is closing or RESET. */
  dropClient(c: Client): void {
    if (c.subs === null) return;
    for (const kind of [Kind.Channel, Kind.Pattern, Kind.Shard]) this.unsubscribe(c, kind, [], null);
    c.subs = null;
  }

  /**
   * Deliver a message; returns the number of receivers (PUBLISH's reply). A publisher subscribed to
   * the channel itself gets the message ahead of PUBLISH's own reply, as in Redis: it is written into
   * `publisherReply`, the writer that reply goes to next.
   */
  publish(channel: string, message: Uint8Array, shard: boolean, publisher: Client | null, publisherReply: ReplyWriter | null): number {
    let receivers = 0;
    const direct = this.maps[shard ? Kind.Shard : Kind.Channel].get(channel);
    if (direct) {
      for (const c of direct) {
        const w = this.writerFor(c, publisher, publisherReply);
        w.push(3);
        w.bulk(shard ? 'smessage' : 'message');
        w.bulk(channel);
        w.bulkBytes(message);
        this.send(c, w, publisher);
        receivers++;
      }
    }
    if (!shard) {
      for (const [pattern, clients] of this.maps[Kind.Pattern]) {
        if (!globMatchString(pattern, channel, false)) continue;
        for (const c of clients) {
          const w = this.writerFor(c, publisher, publisherReply);
          w.push(4);
          w.bulk('pmessage');
          w.bulk(pattern);
          w.bulk(channel);
          w.bulkBytes(message);
          this.send(c, w, publisher);
          receivers++;
        }
      }
    }
    return receivers;
  }

  private writerFor(c: Client, publisher: Client | null, publisherReply: ReplyWriter | null): ReplyWriter {
    if (c === publisher && publisherReply !== null) return publisherReply;
    this.w.reset(c.resp === 3);
    return this.w;
  }

  private send(c: Client, w: ReplyWriter, publisher: Client | null): void {
    if (c !== publisher) c.deliver(w.buf, 0, w.pos, c.nextTag(false));
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS [pattern] */
  channels(kind: Kind.Channel | Kind.Shard, pattern: string | null): string[] {
    const out: string[] = [];
    for (const name of this.maps[kind].keys()) if (pattern === null || globMatchString(pattern, name, false)) out.push(name);
    return out;
  }

  numSub(kind: Kind.Channel | Kind.Shard, name: string): number {
    return this.maps[kind].get(name)?.size ?? 0;
  }

  numPat(): number {
    return this.maps[Kind.Pattern].size;
  }
}

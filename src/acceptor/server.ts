/**
 * The acceptor: owns the listening sockets and every client connection, parses requests, answers the
 * connection- and server-level commands itself, and routes keyed commands to the shard that owns the
 * key's hash slot (see docs/ARCHITECTURE.md).
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { Args } from '../shared/frame.js';
import { ParseResult } from '../protocol/request-parser.js';
import { ReplyWriter, Err } from '../protocol/reply-writer.js';
import {
  COMMANDS,
  Combine,
  Route,
  arityOk,
  commandByName,
  keyIndices,
  type CommandSpec,
} from '../shared/command-table.js';
import { CommandNames } from './command-names.js';
import { keyHashSlot, keyHashSlotOfString } from '../shared/crc16.js';
import { startReading, transient } from './socket-reader.js';
import { parseScanCursor } from '../shared/numbers.js';
import { slotTable } from '../shared/sharding.js';
import { RequestFlag } from '../shared/frame.js';
import { Client, type ClientHost } from './client.js';
import { PubSub } from './pubsub.js';
import { BlockingManager } from './blocking.js';
import { unwatchAll } from './transaction.js';
import { ShardSet, HOLD_PAUSE_BYTES, type ArgSource, type LockOwner, type ReplySink } from './shards.js';
import { FanOutCollector, aggregateHeader, skipValue } from './combine.js';
import { ShardLock, runAcrossShards, type KeyRef } from './lock-manager.js';
import { localHandler, type LocalContext } from './local-commands.js';
import { Scripting } from './scripting.js';
import { LOADING_ERROR, MISCONF_ERROR, Persistence } from './persistence.js';
import { NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, type Config } from '../shared/config.js';
import { defaultShardConfig, type ShardConfig } from '../shard-worker/context.js';
import { maxmemoryPolicyFlags } from '../shard-worker/access.js';
import type { Logger } from './log.js';

export interface ServerStats {
  startedAt: number;
  connectionsReceived: number;
  rejectedConnections: number;
  commandsProcessed: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** Calls rejected before reaching a shard, by command name (unknown/arity/auth errors…). */
  rejectedCalls: Map<string, number>;
  /** Errors produced by the acceptor, by error code. */
  errors: Map<string, number>;
}

/** Shard configuration values, by config name → ShardConfig field. */
const SHARD_CONFIG_KEYS: Record<string, keyof ShardConfig & string> = {
  'proto-max-bulk-len': 'protoMaxBulkLen',
  hz: 'hz',
  'active-expire-effort': 'activeExpireEffort',
  'hash-max-listpack-entries': 'hashMaxListpackEntries',
  'hash-max-listpack-value': 'hashMaxListpackValue',
  'set-max-intset-entries': 'setMaxIntsetEntries',
  'zset-max-listpack-entries': 'zsetMaxListpackEntries',
  'zset-max-listpack-value': 'zsetMaxListpackValue',
  'list-max-listpack-size': 'listMaxListpackSize',
  'list-compress-depth': 'listCompressDepth',
  'hll-sparse-max-bytes': 'hllSparseMaxBytes',
  'lua-memory-limit': 'luaMemoryLimit',
  'lfu-log-factor': 'lfuLogFactor',
  'lfu-decay-time': 'lfuDecayTime',
};

/** The configuration values shards act on, read from the server's config. */
function shardConfigOf(config: Config): ShardConfig {
  // Start from the defaults so that every field is set (a missing one would read as undefined, and
  // e.g. `appendOnly !== 0` would then record AOF effects with the AOF off).
  const out: ShardConfig = defaultShardConfig();
  const fields = out as unknown as Record<string, number>;
  for (const [name, field] of Object.entries(SHARD_CONFIG_KEYS)) fields[field] = config.getInt(name);
  out.notifyKeyspaceEvents = config.getNotifyKeyspaceEvents();
  out.rdbCompression = config.getBool('rdbcompression') ? 1 : 0;
  out.maxmemoryPolicyFlags = maxmemoryPolicyFlags(config.getEnum('maxmemory-policy'));
  // The AOF turns effect recording on when it starts (Aof.attachToShards).
  out.appendOnly = 0;
  return out;
}

/**
 * One command to execute: its arguments, who gets the reply (a client slot, or a collector such as
 * EXEC's), and the lock owner on whose behalf it runs (inside a transaction).
 */
export interface Invocation {
  client: Client;
  spec: CommandSpec;
  src: ArgSource & { buf: Buffer };
  argc: number;
  db: number;
  sink: ReplySink;
  tag: number;
  owner: LockOwner | null;
  /** Protocol of the reply when it is not the client's (a script's redis.call follows redis.setresp). */
  proto?: 2 | 3;
}

/** Commands that act on the transaction itself and so are never queued. */
const TRANSACTION_CONTROL = new Set(['multi', 'exec', 'discard', 'watch', 'quit', 'reset']);

const FLUSHALL = commandByName('flushall');

/** What a RESP2 client may send while subscribed. */
const SUBSCRIBED_MODE_ALLOWED = new Set(['subscribe', 'ssubscribe', 'psubscribe', 'unsubscribe', 'sunsubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

export class Server extends EventEmitter implements ClientHost {
  readonly shards: ShardSet;
  readonly pubsub = new PubSub();
  readonly blocking: BlockingManager = new BlockingManager(this);
  readonly scripting: Scripting;
  readonly persistence: Persistence;
  readonly clients = new Map<number, Client>();
  private nextClientId = 1;
  private readonly netServers: net.Server[] = [];
  private readonly slotToShard: Uint8Array;
  /** With one shard every key is routed to it: no slot to compute. */
  private readonly singleShard: boolean;
  private readonly writer = new ReplyWriter(16 * 1024);
  private readonly localArgs = new Args();
  private readonly outputClients: Client[] = [];
  private outputScheduled = false;
  private readonly pausedClients = new Set<Client>();
  private cron: NodeJS.Timeout | null = null;
  /** Reused for the command being dispatched on the hot path (no allocation per command). */
  private readonly hotInvocation: Invocation;
  private readonly scanArgs = new Args();
  /** Reused for every local command (no allocation per command). */
  private readonly localCtx: LocalContext;
  /** Per-command stats of the commands the acceptor answers itself, by command index. */
  readonly localStats = COMMANDS.map(() => ({ calls: 0, usec: 0, failed: 0 }));
  /** Command lookup from the name's bytes, with no string made per request. */
  private readonly commandNames = new CommandNames();
  /**
   * Commands the client's next commands must not overtake (Client.inputGate): blocking pops, WATCH,
   * and SCAN when it walks several shards.
   */
  private readonly gatesInput: boolean[];
  /** Commands flagged blocking, by command index (checked per command: no Set lookup). */
  private readonly blockingCmd: boolean[];
  readonly stats: ServerStats = {
    startedAt: Date.now(),
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    rejectedCalls: new Map(),
    errors: new Map(),
  };
  closing = false;
  boundPorts: number[] = [];
  /** Path of the configuration file the server was started with ('' if none). */
  configFile = '';

  constructor(
    readonly config: Config,
    readonly log: Logger,
    /** The server cannot go on safely (a shard died, an AOF write failed under appendfsync always). */
    readonly onFatal: (err: Error) => void,
  ) {
    super();
    const noClient = null as unknown as Client;
    this.localCtx = { server: this, client: noClient, args: this.localArgs, w: this.writer, tag: 0, sink: noClient, spec: COMMANDS[0] };
    this.hotInvocation = {
      client: noClient,
      spec: COMMANDS[0],
      src: { buf: Buffer.alloc(0), starts: [], ends: [] },
      argc: 0,
      db: 0,
      sink: noClient,
      tag: 0,
      owner: null,
    };
    const count = config.getInt('shards');
    this.slotToShard = slotTable(count);
    this.singleShard = count === 1;
    this.blockingCmd = COMMANDS.map((s) => s.flags.has('blocking'));
    this.gatesInput = COMMANDS.map((s) => s.flags.has('blocking') || s.name === 'watch' || (s.route === Route.Scan && count > 1));
    this.shards = new ShardSet({
      count,
      databases: config.getInt('databases'),
      config: shardConfigOf(config),
      onFatal,
      onResume: () => this.resumeClients(),
      onRepliesDelivered: () => this.flushOutput(),
      onBarrierGranted: (owner: LockOwner) => owner.granted(),
      onKeysReady: (ids: string[]) => this.blocking.keysReady(ids),
      onNotify: (flags, db, event, key) => {
        // Redis's notifyKeyspaceEvent: __keyspace@<db>__:<key> → event, __keyevent@<db>__:<event> → key.
        if (flags & NOTIFY_KEYSPACE) this.pubsub.publish(`__keyspace@${db}__:${key}`, Buffer.from(event, 'latin1'), false, null, null);
        if (flags & NOTIFY_KEYEVENT) this.pubsub.publish(`__keyevent@${db}__:${event}`, Buffer.from(key, 'latin1'), false, null, null);
      },
    });
    this.scripting = new Scripting(this);
    this.persistence = new Persistence(this);
    for (const [name, field] of Object.entries(SHARD_CONFIG_KEYS)) {
      config.onChange(name, (value: string) => this.broadcastConfig(field, value));
    }
    config.onChange('notify-keyspace-events', () => this.broadcastConfig('notifyKeyspaceEvents', String(config.getNotifyKeyspaceEvents())));
    config.onChange('rdbcompression', () => this.broadcastConfig('rdbCompression', config.getBool('rdbcompression') ? '1' : '0'));
    config.onChange('maxmemory-policy', () => this.broadcastConfig('maxmemoryPolicyFlags', String(maxmemoryPolicyFlags(config.getEnum('maxmemory-policy')))));
  }

  async start(): Promise<void> {
    await this.shards.start();
    this.persistence.attach();
    const port = this.config.getInt('port');
    for (const entry of this.config.getBind()) {
      // "-addr" means optional (skip when the address is not available), "*" is every IPv4 address and
      // "::*" every IPv6 address, as in redis.conf.
      const optional = entry.startsWith('-');
      const addr = optional ? entry.slice(1) : entry;
      const host = addr === '*' ? '0.0.0.0' : addr === '::*' ? '::' : addr;
      // Paused: reading starts once the socket reads into the shared buffer (see socket-reader.ts).
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.accept(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ port: this.boundPorts[0] ?? port, host, ipv6Only: host.includes(':'), backlog: this.config.getInt('tcp-backlog') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'ENOTFOUND')) continue;
        throw new Error(`Could not create server TCP listening socket ${addr}:${port}: ${(err as Error).message}`);
      }
      const a = srv.address();
      if (a && typeof a === 'object' && this.boundPorts.length === 0) this.boundPorts.push(a.port);
      this.netServers.push(srv);
    }
    const hz = Math.max(1, this.config.getInt('hz'));
    this.cron = setInterval(() => this.serverCron(), Math.round(1000 / hz));
    this.cron.unref();
  }

  get port(): number {
    return this.boundPorts[0];
  }

  // ------------------------------------------------------------------ connections

  private accept(sock: net.Socket): void {
    this.stats.connectionsReceived++;
    if (this.closing) {
      sock.destroy();
      return;
    }
    if (this.clients.size >= this.config.getInt('maxclients')) {
      this.stats.rejectedConnections++;
      sock.resume(); // read (and drop) what it sent: closing with unread input would reset the connection
      sock.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.protectedModeRefuses(sock)) {
      this.stats.rejectedConnections++;
      sock.resume();
      sock.end(PROTECTED_MODE_ERROR);
      return;
    }
    sock.setNoDelay(true);
    const keepalive = this.config.getInt('tcp-keepalive');
    if (keepalive > 0) sock.setKeepAlive(true, keepalive * 1000);
    const id = this.nextClientId++;
    const client = new Client(
      id,
      sock,
      {
        maxBulkLen: this.config.getInt('proto-max-bulk-len'),
        queryBufferLimit: this.config.getInt('client-query-buffer-limit'),
      },
      this.config.getString('requirepass') !== '',
      this,
    );
    this.clients.set(id, client);
    startReading(sock, (buf, n) => this.onData(client, buf, n));
    sock.on('error', () => client.kill());
    sock.on('close', () => client.kill());
  }

  /**
   * The default user has a password (requirepass). A client that connected without one to give, or
   * has yet to AUTH, is held to it only while this is true, as Redis's authRequired() decides.
   */
  private passwordRequired(): boolean {
    return this.config.getString('requirepass') !== '';
  }

  private protectedModeRefuses(sock: net.Socket): boolean {
    if (!this.config.getBool('protected-mode') || this.passwordRequired()) return false;
    const binds = this.config.getBind().join(' ');
    const explicitlyPublic = binds.split(/\s+/).some((b) => b === '*' || b === '0.0.0.0' || b === '::' || b === '-::*');
    if (!explicitlyPublic && binds.trim() !== '') return false;
    const ra = sock.remoteAddress ?? '';
    return !(ra === '127.0.0.1' || ra === '::1' || ra === '::ffff:127.0.0.1' || ra.startsWith('127.'));
  }

  clientClosed(c: Client): void {
    this.clients.delete(c.id);
    this.pausedClients.delete(c);
    this.pubsub.dropClient(c);
    this.blocking.dropClient(c);
    unwatchAll(this, c);
  }

  /** The shard that owns a key (latin1 string). */
  shardOfKey(key: string): number {
    return this.singleShard ? 0 : this.slotToShard[keyHashSlotOfString(key)];
  }

  /**
   * client-output-buffer-limit: a client whose unsent output passes the hard limit, or stays over the
   * soft limit for longer than its seconds, is disconnected (a subscriber that does not read must not
   * grow the server's memory without bound). Pub/Sub clients use the pubsub class, others normal.
   */
  afterWrite(c: Client): void {
    const limits = this.config.getClientOutputBufferLimits();
    const l = PubSub.isSubscribed(c) ? limits.pubsub : limits.normal;
    const pending = c.socket.writableLength;
    let reason = '';
    if (l.hardLimitBytes > 0 && pending >= l.hardLimitBytes) reason = 'hard';
    else if (l.softLimitBytes > 0 && pending >= l.softLimitBytes) {
      const now = Date.now();
      if (c.softLimitSince === 0) c.softLimitSince = now;
      else if (now - c.softLimitSince > l.softLimitSeconds * 1000) reason = 'soft';
    } else c.softLimitSince = 0;
    if (reason !== '') {
      this.log.warning(
        `Client id=${c.id} addr=${c.addr} name=${c.name} scheduled to be closed ASAP for overcoming of output buffer limits.`,
      );
      c.kill();
    }
  }

  /**
   * Output is written once per event-loop turn, after every socket read of the turn (like Redis's
   * beforeSleep): clients woken by our writes then find their replies in fewer, larger bursts.
   */
  markOutput(c: Client): void {
    this.outputClients.push(c);
    if (!this.outputScheduled) {
      this.outputScheduled = true;
      this.shards.schedulePublish();
    }
  }

  flushOutput(): void {
    this.outputScheduled = false;
    // The AOF first (beforeSleep's flushAppendOnlyFile): with appendfsync always, on disk before replies.
    this.persistence.aof.flush();
    const list = this.outputClients;
    // A failed AOF write under appendfsync always is shutting the server down: acknowledge nothing.
    if (!this.closing) for (let i = 0; i < list.length; i++) list[i].flush();
    list.length = 0;
  }

  private onData(client: Client, buf: Buffer, n: number): void {
    this.stats.netInputBytes += n;
    client.lastInteraction = Date.now();
    const parser = client.parser;
    const borrowed = transient(buf);
    parser.feed(n === buf.length ? buf : buf.subarray(0, n), borrowed);
    try {
      this.processInput(client);
    } finally {
      // The next socket's read overwrites the shared buffer.
      if (borrowed) parser.keepRest();
    }
    // Publish once per event-loop turn, after every socket read of the turn (one wake-up per batch).
    this.shards.schedulePublish();
  }

  /** Carry on with a client's input after its gate opened (see Scripting). */
  resumeInput(client: Client): void {
    this.processInput(client);
    this.shards.schedulePublish();
  }

  /** A gated command of the client was answered (see Client.inputGate): go on with its input. */
  ungate(client: Client): void {
    client.inputGate--;
    // Answered while its own dispatch is still running: the dispatch loop goes on by itself.
    if (client.inputGate === 0 && !client.dispatching) this.resumeInput(client);
  }

  /** The client's sink, opening its input gate once the reply has been delivered. */
  private gatedSink(client: Client, inner: ReplySink): ReplySink {
    return {
      deliver: (bytes, start, end, tag) => {
        inner.deliver(bytes, start, end, tag);
        this.ungate(client);
      },
    };
  }

  private processInput(client: Client): void {
    const parser = client.parser;
    client.dispatching = true;
    try {
      while (!client.closed && !client.paused && client.inputGate === 0) {
        // Redis's authRequired: checked per command, so an AUTH lifts the limits for the next one.
        parser.unauthenticated = !client.authenticated && this.passwordRequired();
        const r = parser.next();
        if (r === ParseResult.NeedMore) break;
        if (r === ParseResult.Error) {
          this.protocolError(client, parser.error);
          return;
        }
        this.stats.commandsProcessed++;
        this.dispatch(client);
      }
    } finally {
      client.dispatching = false;
    }
  }

  private protocolError(client: Client, msg: string): void {
    if (msg === 'query buffer limit') {
      this.log.warning(`Closing client that reached max query buffer length: id=${client.id} addr=${client.addr}`);
      client.kill();
      return;
    }
    const tag = client.nextTag();
    client.deliverBuffer(Buffer.from(`-ERR Protocol error: ${msg}\r\n`), tag);
    this.countError('ERR');
    client.closeAfterReply(tag);
  }

  private pauseClient(c: Client): void {
    if (c.paused) return;
    c.paused = true;
    c.socket.pause();
    this.pausedClients.add(c);
  }

  private resumeClients(): void {
    if (this.pausedClients.size === 0) return;
    const list = [...this.pausedClients];
    this.pausedClients.clear();
    for (const c of list) {
      c.paused = false;
      c.socket.resume();
      this.processInput(c);
    }
    this.shards.publishAll();
  }

  // ------------------------------------------------------------------ dispatch

  /** Route the command the client's parser just produced. */
  private dispatch(client: Client): void {
    const p = client.parser;
    const buf = p.args;
    const argc = p.argc;
    let spec = this.commandNames.find(buf, p.starts[0], p.ends[0]);
    if (spec === null) {
      this.reject(client, null, unknownCommandError(buf, p.starts, p.ends, argc));
      return;
    }
    if (spec.subcommands.size > 0) {
      if (argc < 2) {
        this.reject(client, spec, Err.wrongArity(spec.name));
        return;
      }
      const subName = buf.latin1Slice(p.starts[1], p.ends[1]).toLowerCase();
      const sub = spec.subcommands.get(subName);
      if (sub === undefined) {
        this.reject(
          client,
          spec,
          `ERR unknown subcommand '${truncate(buf.latin1Slice(p.starts[1], p.ends[1]), 128)}'. Try ${spec.name.toUpperCase()} HELP.`,
        );
        return;
      }
      spec = sub;
    }
    if (!arityOk(spec, argc)) {
      this.reject(client, spec, Err.wrongArity(spec.name));
      return;
    }
    if (!client.authenticated && !spec.flags.has('no_auth') && this.passwordRequired()) {
      this.reject(client, spec, 'NOAUTH Authentication required.');
      return;
    }
    if (this.persistence.writesDenied && this.refusedAfterBgsaveError(client, spec)) return;
    if (this.persistence.loading && (!spec.flags.has('loading') || (spec.name === 'exec' && client.multi?.some((q) => !q.spec.flags.has('loading'))))) {
      this.reject(client, spec, LOADING_ERROR);
      return;
    }
    if (this.scripting.inFlightAny() && !spec.flags.has('allow_busy')) {
      const busy = this.scripting.busyError(Date.now());
      if (busy !== null) {
        this.reject(client, spec, busy);
        return;
      }
    }
    if (client.subs !== null && client.resp === 2 && !SUBSCRIBED_MODE_ALLOWED.has(spec.name) && PubSub.isSubscribed(client)) {
      this.reject(
        client,
        spec,
        `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      );
      return;
    }
    if (client.multi !== null && !TRANSACTION_CONTROL.has(spec.name)) {
      if (spec.flags.has('no_multi')) {
        this.reject(client, spec, 'ERR Command not allowed inside a transaction');
        return;
      }
      client.queueCommand(spec, buf, p.starts, p.ends, argc);
      client.deliverBuffer(QUEUED, client.nextTag());
      return;
    }
    client.lastCommand = spec.name;
    const inv = this.hotInvocation;
    inv.client = client;
    inv.spec = spec;
    inv.src.buf = buf;
    inv.src.starts = p.starts;
    inv.src.ends = p.ends;
    inv.argc = argc;
    inv.db = client.db;
    inv.sink = client;
    inv.owner = null;
    // CLIENT REPLY decides about replies itself (ON answers even while replies are off).
    inv.tag = client.nextTag(spec.name !== 'client|reply');
    // The client's next commands wait for this one's reply (see Client.inputGate).
    if (this.gatesInput[spec.index]) {
      client.inputGate++;
      inv.sink = this.gatedSink(client, client);
    }
    // A blocking command parks the client instead of answering null (not inside MULTI: see EXEC).
    if (this.blockingCmd[spec.index]) {
      client.markBlocking(inv.tag);
      inv.sink = this.blocking.intercept(inv);
      inv.tag = 0;
    }
    this.invoke(inv);
  }

  /**
   * stop-writes-on-bgsave-error: writes (and PING, as in Redis) get MISCONF; an EXEC whose queue holds a
   * write discards the transaction. True when the command was refused.
   */
  private refusedAfterBgsaveError(client: Client, spec: CommandSpec): boolean {
    if (spec.name === 'exec' && client.multi !== null && client.multi.some((q) => q.spec.flags.has('write'))) {
      unwatchAll(this, client);
      client.multi = null;
      client.multiFailed = false;
      this.reject(client, spec, `EXECABORT Transaction discarded because of: ${MISCONF_ERROR}`);
      return true;
    }
    if (!spec.flags.has('write') && spec.name !== 'ping') return false;
    this.reject(client, spec, MISCONF_ERROR);
    return true;
  }

  /** Execute an invocation by its route. */
  invoke(inv: Invocation): void {
    switch (inv.spec.route) {
      case Route.Keys:
        this.routeKeys(inv);
        return;
      case Route.FanOut:
        this.routeFanOut(inv);
        return;
      case Route.AllShards:
        // FLUSHALL with save points also saves the emptied dataset (see Persistence.flushAll).
        if (inv.spec === FLUSHALL && inv.owner === null) this.persistence.flushAll(inv, (i) => this.routeAll(i));
        else this.routeAll(inv);
        return;
      case Route.Scan:
        this.routeScan(inv);
        return;
      case Route.Script:
        this.scripting.run(inv);
        return;
      default:
        this.runLocal(inv);
    }
  }

  private reject(client: Client, spec: CommandSpec | null, msg: string): void {
    // An error while queueing dooms the transaction (EXECABORT), as Redis's flagTransaction.
    if (client.multi !== null) client.multiFailed = true;
    if (spec) this.stats.rejectedCalls.set(spec.name, (this.stats.rejectedCalls.get(spec.name) ?? 0) + 1);
    this.countError(msg.slice(0, msg.indexOf(' ') >>> 0));
    client.deliverBuffer(Buffer.from(`-${msg}\r\n`), client.nextTag());
  }

  countError(code: string): void {
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  }

  private flagsFor(inv: Invocation): number {
    return ((inv.proto ?? inv.client.resp) === 3 ? RequestFlag.Resp3 : 0) | inv.client.requestFlags;
  }

  /** The shard that owns the key in `buf[start, end)`. */
  shardOfArg(buf: Uint8Array, start: number, end: number): number {
    return this.singleShard ? 0 : this.slotToShard[keyHashSlot(buf, start, end)];
  }

  private sendWhole(inv: Invocation, shard: number): void {
    const c = inv.client;
    const ok = this.shards.shards[shard].send(inv.owner, inv.sink, inv.spec.index, inv.db, c.id, inv.tag, this.flagsFor(inv), inv.src, inv.argc);
    if (!ok && inv.owner === null && this.shards.heldBytes > HOLD_PAUSE_BYTES) this.pauseClient(c);
  }

  /** Deliver a finished reply to the invocation's sink (and get it on the wire if it is a client). */
  private answer(inv: Invocation, reply: Uint8Array): void {
    inv.sink.deliver(reply, 0, reply.length, inv.tag);
    this.flushOutput();
  }

  /** Shards that the invocation's keys live on (for locking a transaction). */
  shardsOf(inv: Invocation): number[] {
    const spec = inv.spec;
    const { buf, starts, ends } = inv.src;
    if (spec.route === Route.AllShards || spec.route === Route.Scan || spec.route === Route.Script) return this.shards.shards.map((s) => s.index);
    if (spec.route !== Route.Keys && spec.route !== Route.FanOut) return [];
    const idx = spec.keys !== null ? spec.keys(inv.argc, (i) => buf.latin1Slice(starts[i], ends[i])) : keyIndices(spec, inv.argc);
    if (idx.length === 0) return [0];
    return [...new Set(idx.map((i) => this.shardOfArg(buf, starts[i], ends[i])))];
  }

  private routeKeys(inv: Invocation): void {
    const spec = inv.spec;
    const { buf, starts, ends } = inv.src;
    const argc = inv.argc;
    let idx: number[] | null = null;
    let shard: number;
    if (spec.keys !== null) {
      idx = spec.keys(argc, (i) => buf.latin1Slice(starts[i], ends[i]));
      // Malformed key counts: any shard answers with Redis's error.
      shard = idx.length === 0 ? 0 : this.shardOfArg(buf, starts[idx[0]], ends[idx[0]]);
    } else {
      const first = spec.firstKey;
      shard = this.shardOfArg(buf, starts[first], ends[first]);
      if (spec.lastKey !== spec.firstKey) idx = keyIndices(spec, argc);
    }
    if (idx !== null && idx.length > 1) {
      let cross = false;
      for (const i of idx) if (this.shardOfArg(buf, starts[i], ends[i]) !== shard) cross = true;
      const extraDb = spec.name === 'copy' ? copyTargetDb(buf, starts, ends, argc, this.config.getInt('databases')) : null;
      // An invalid COPY … DB n is rejected by the home shard before it touches the destination.
      if (cross && extraDb !== -1) {
        const keys: KeyRef[] = idx.map((i, n) => ({
          db: n === 1 && extraDb !== null ? extraDb : inv.db,
          key: buf.latin1Slice(starts[i], ends[i]),
          shard: this.shardOfArg(buf, starts[i], ends[i]),
        }));
        const argv: Buffer[] = [];
        for (let i = 0; i < argc; i++) argv.push(Buffer.from(buf.subarray(starts[i], ends[i])));
        const target = { ...inv };
        runAcrossShards(this.shards, spec, argv, keys, inv.db, inv.client.id, this.flagsFor(inv), (reply) => this.answer(target, reply), inv.owner);
        return;
      }
    }
    this.sendWhole(inv, shard);
  }

  private routeFanOut(inv: Invocation): void {
    const spec = inv.spec;
    const { buf, starts, ends } = inv.src;
    const idx = keyIndices(spec, inv.argc);
    const n = this.shards.count;
    // One shard, or key/value pairs that do not pair up (MSET a 1 b): a single shard answers it,
    // with the command's own arity error in the second case (a split would read past the arguments).
    if (n === 1 || (spec.step > 1 && (inv.argc - spec.firstKey) % spec.step !== 0)) {
      this.sendWhole(inv, 0);
      return;
    }
    const keyShard = new Uint8Array(idx.length);
    let first = -1;
    let single = true;
    for (let k = 0; k < idx.length; k++) {
      const s = this.shardOfArg(buf, starts[idx[k]], ends[idx[k]]);
      keyShard[k] = s;
      if (first < 0) first = s;
      else if (s !== first) single = false;
    }
    if (single) {
      this.sendWhole(inv, first);
      return;
    }
    // One part per shard that owns keys: [name, its keys (with their step arguments)].
    const partOfShard = new Int32Array(n).fill(-1);
    const partShards: number[] = [];
    const partArgs: number[][] = [];
    for (let k = 0; k < idx.length; k++) {
      const s = keyShard[k];
      if (partOfShard[s] < 0) {
        partOfShard[s] = partShards.length;
        partShards.push(s);
        partArgs.push([0]);
      }
      const list = partArgs[partOfShard[s]];
      for (let j = 0; j < spec.step; j++) list.push(idx[k] + j);
    }
    const keyParts = new Uint8Array(idx.length);
    for (let k = 0; k < idx.length; k++) keyParts[k] = partOfShard[keyShard[k]];
    const { sink, tag } = inv;
    const collector = new FanOutCollector(
      partShards.length,
      spec.combine,
      (reply) => sink.deliver(reply, 0, reply.length, tag),
      spec.combine === Combine.KeyOrder ? keyParts : null,
    );
    for (let i = 0; i < partShards.length; i++) {
      this.shards.shards[partShards[i]].send(inv.owner, collector, spec.index, inv.db, inv.client.id, i, this.flagsFor(inv), inv.src, partArgs[i].length, partArgs[i]);
    }
  }

  private routeAll(inv: Invocation): void {
    if (this.shards.count === 1) {
      this.sendWhole(inv, 0);
      return;
    }
    if (this.shards.aofSink !== null && inv.owner === null && inv.spec.flags.has('write')) {
      // FLUSHALL/FLUSHDB/SWAPDB do not commute with anything: with the AOF on they run under a lock
      // over every shard, so their one effect (logged by shard 0) lands at one point of the log.
      const { sink } = inv;
      const copy: Invocation = { ...inv, src: { buf: Buffer.from(inv.src.buf), starts: Array.from(inv.src.starts), ends: Array.from(inv.src.ends) } };
      const lock = new ShardLock(this.shards, this.shards.shards.map((s) => s.index), () => {
        copy.owner = lock;
        copy.sink = {
          deliver: (b, start, end, tag) => {
            lock.release();
            this.shards.publishAll();
            sink.deliver(b, start, end, tag);
          },
        };
        this.routeAll(copy);
        this.shards.publishAll();
      });
      lock.acquire();
      return;
    }
    const { sink, tag } = inv;
    const collector = new FanOutCollector(this.shards.count, inv.spec.combine, (reply) => sink.deliver(reply, 0, reply.length, tag));
    for (const s of this.shards.shards) s.send(inv.owner, collector, inv.spec.index, inv.db, inv.client.id, s.index, this.flagsFor(inv), inv.src, inv.argc);
  }

  /** SCAN: the cursor encodes (local cursor × shard count + shard); shards are walked in order. */
  private routeScan(inv: Invocation): void {
    const a = this.scanArgs;
    a.bytes = inv.src.buf;
    a.starts = inv.src.starts as Int32Array;
    a.ends = inv.src.ends as Int32Array;
    a.count = inv.argc;
    const target = { ...inv };
    const reply = (buf: Buffer) => this.answer(target, buf);
    const cursor = parseScanCursor(a.str(1));
    if (cursor === null) {
      reply(Buffer.from('-ERR invalid cursor\r\n'));
      return;
    }
    let count = 10;
    let pattern = '';
    let type = '';
    for (let i = 2; i < a.count; i++) {
      const more = i + 1 < a.count;
      if (a.is(i, 'count') && more) {
        const v = a.str(++i);
        if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > Number.MAX_SAFE_INTEGER) {
          reply(Buffer.from(`-${Err.notInteger}\r\n`));
          return;
        }
        count = Number(v);
        if (count < 1) {
          reply(Buffer.from(`-${Err.syntax}\r\n`));
          return;
        }
      } else if (a.is(i, 'match') && more) {
        pattern = a.str(++i);
      } else if (a.is(i, 'type') && more) {
        type = a.str(++i).toLowerCase();
      } else {
        reply(Buffer.from(`-${Err.syntax}\r\n`));
        return;
      }
    }
    const n = this.shards.count;
    let shard = Number(cursor % BigInt(n));
    let local = Number(cursor / BigInt(n));
    if (local > 0x3fffffff) local = 0; // not a cursor we handed out: restart that shard's walk
    const scanSpec = commandByName('__scan');
    const db = inv.db;
    const found: Buffer[] = [];
    let foundCount = 0;
    // Walk shards in order; when one finishes before COUNT keys were examined, carry on with the next
    // in the same call, so a small keyspace comes back in one reply with cursor 0, as in Redis.
    const step = (budget: number) => {
      const sink = {
        deliver: (bytes: Uint8Array, start: number, end: number) => {
          const b = Buffer.from(bytes.subarray(start, end));
          const outer = aggregateHeader(b, 0);
          const ch = aggregateHeader(b, outer.first);
          const nextLocal = Number(b.latin1Slice(ch.first, ch.first + ch.count));
          const keysHdr = aggregateHeader(b, skipValue(b, outer.first));
          found.push(b.subarray(keysHdr.first));
          foundCount += keysHdr.count;
          let next: bigint;
          if (nextLocal !== 0) next = BigInt(nextLocal) * BigInt(n) + BigInt(shard);
          else if (shard + 1 < n) {
            shard++;
            local = 0;
            if (foundCount < count) {
              step(count - foundCount);
              return;
            }
            next = BigInt(shard);
          } else next = 0n;
          const ns = String(next);
          reply(Buffer.concat([Buffer.from(`*2\r\n$${ns.length}\r\n${ns}\r\n*${foundCount}\r\n`), ...found]));
        },
      };
      this.shards.shards[shard].sendSimple(target.owner, sink, scanSpec.index, db, target.client.id, 0, 0, [
        '__scan',
        String(db),
        String(local),
        String(budget),
        pattern,
        type,
      ]);
      this.shards.publishAll();
    };
    step(count);
  }

  /** The current command's arguments as an Args view (no copy). */
  argsOf(client: Client): Args {
    const p = client.parser;
    const a = this.localArgs;
    a.bytes = p.args;
    a.starts = p.starts;
    a.ends = p.ends;
    a.count = p.argc;
    return a;
  }

  private runLocal(inv: Invocation): void {
    const { client, spec, tag } = inv;
    const handler = localHandler(spec.name);
    const w = this.writer;
    w.reset((inv.proto ?? client.resp) === 3);
    if (handler === undefined) {
      w.error(`ERR unknown command '${spec.name}'`);
      inv.sink.deliver(w.buf, 0, w.pos, tag);
      return;
    }
    const ctx = this.localCtx;
    ctx.client = client;
    const a = this.localArgs;
    a.bytes = inv.src.buf;
    a.starts = inv.src.starts as Int32Array;
    a.ends = inv.src.ends as Int32Array;
    a.count = inv.argc;
    ctx.args = a;
    ctx.tag = tag;
    ctx.sink = inv.sink;
    ctx.spec = spec;
    const t0 = performance.now();
    // Shard round trips the handler starts run on behalf of the invocation's lock owner (a script's).
    this.localOwner = inv.owner;
    const deferred = handler(ctx);
    this.localOwner = null;
    const st = this.localStats[spec.index];
    st.calls++;
    st.usec += (performance.now() - t0) * 1000;
    if (w.errors > 0) {
      st.failed++;
      this.countError(w.lastErrorCode);
    }
    if (deferred !== true) inv.sink.deliver(w.buf, 0, w.pos, tag);
  }

  // ------------------------------------------------------------------ services for local commands

  /**
   * Lock owner of the local command being run (see runLocal): set only while its handler runs
   * synchronously, so a handler must call askAllShards before its first await (INFO does) — a round
   * trip started later under a script's lock would wait behind that lock.
   */
  private localOwner: LockOwner | null = null;

  /** Send an internal command to every shard and collect the replies (in shard order). */
  askAllShards(cmd: string, args: string[], db = 0, owner: LockOwner | null = this.localOwner): Promise<Buffer[]> {
    const spec = commandByName(cmd);
    return new Promise((resolve) => {
      const out: Buffer[] = new Array(this.shards.count);
      let left = this.shards.count;
      const sink = {
        deliver: (bytes: Uint8Array, start: number, end: number, tag: number) => {
          out[tag] = Buffer.from(bytes.subarray(start, end));
          if (--left === 0) resolve(out);
        },
      };
      for (const s of this.shards.shards) s.sendSimple(owner, sink, spec.index, db, 0, s.index, 0, [cmd, ...args]);
      this.shards.publishAll();
    });
  }

  /** Hold every shard for `ms` (DEBUG SLEEP): a lock on all shards, released after the delay. */
  blockAllShards(ms: number, done: () => void): void {
    const all = this.shards.shards.map((s) => s.index);
    const lock = new ShardLock(this.shards, all, () => {
      setTimeout(
        () => {
          lock.release();
          this.shards.publishAll();
          done();
        },
        Math.max(0, ms),
      );
    });
    lock.acquire();
  }

  resetStats(): void {
    const s = this.stats;
    s.commandsProcessed = s.netInputBytes = s.netOutputBytes = s.rejectedConnections = s.connectionsReceived = 0;
    s.rejectedCalls.clear();
    s.errors.clear();
    for (const st of this.localStats) st.calls = st.usec = st.failed = 0;
    void this.askAllShards('__stats', ['reset']);
  }

  broadcastConfig(field: string, value: string): void {
    void this.askAllShards('__config', [field, value]);
  }

  private serverCron(): void {
    this.persistence.cron();
    const timeout = this.config.getInt('timeout');
    if (timeout > 0) {
      const limit = Date.now() - timeout * 1000;
      for (const c of this.clients.values()) {
        if (c.lastInteraction < limit && c.inFlight === 0) c.kill();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.cron) clearInterval(this.cron);
    for (const srv of this.netServers) srv.close();
    for (const c of [...this.clients.values()]) {
      c.flush(true);
      c.kill();
    }
    await this.persistence.close();
    await this.shards.close();
  }
}

const QUEUED = Buffer.from('+QUEUED\r\n');

export const PROTECTED_MODE_ERROR =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a bind address or an authentication password. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n';

/** `s` as C's `%.*s` prints it in Redis's error messages: up to the first NUL byte, at most `n` bytes. */
function truncate(s: string, n: number): string {
  const nul = s.indexOf('\0');
  const end = nul >= 0 && nul < n ? nul : n;
  return s.length > end ? s.slice(0, end) : s;
}

/** Redis 7.0's unknown-command error: the name and up to 128 bytes of quoted arguments. */
export function unknownCommandError(buf: Buffer, starts: Int32Array, ends: Int32Array, argc: number): string {
  let args = '';
  for (let i = 1; i < argc && args.length < 128; i++) {
    const room = 128 - args.length;
    args += `'${truncate(buf.latin1Slice(starts[i], ends[i]), room)}' `;
  }
  const name = truncate(buf.latin1Slice(starts[0], ends[0]), 128);
  return `ERR unknown command '${name}', with args beginning with: ${args}`.replace(/[\r\n]/g, ' ');
}

/** COPY src dst DB n: the destination database; null when not given, -1 when invalid. */
function copyTargetDb(buf: Buffer, starts: ArrayLike<number>, ends: ArrayLike<number>, argc: number, databases: number): number | null {
  let db: number | null = null;
  for (let i = 3; i < argc; i++) {
    if (buf.latin1Slice(starts[i], ends[i]).toLowerCase() === 'db') {
      if (i + 1 >= argc) return -1;
      const s = buf.latin1Slice(starts[i + 1], ends[i + 1]);
      const v = Number(s);
      if (!/^-?\d+$/.test(s) || !Number.isInteger(v) || v < 0 || v >= databases) return -1;
      db = v;
      i++;
    }
  }
  return db;
}

/**
 * What a command implementation sees, and the registry the data-type families fill.
 *
 * One ExecContext per shard is reused for every command (no allocation per command): the shard points
 * it at the request's arguments, database and reply writer, then calls the handler.
 */
import type { Args } from '../shared/frame.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Database } from './keyspace.js';
import type { AccessClock } from './access.js';
import { COMMANDS, Route, commandByName, type CommandSpec } from '../shared/command-table.js';

/** Shard-wide services a handler may need beyond its own database. */
export interface ShardServices {
  readonly shardIndex: number;
  readonly shardCount: number;
  readonly dbs: Database[];
  /** Live configuration values the shard cares about (updated by CONFIG SET broadcasts). */
  readonly config: ShardConfig;
  /** Per-key LRU/LFU tracking (OBJECT IDLETIME/FREQ, RESTORE IDLETIME/FREQ). */
  readonly access: AccessClock;
  /** Record a change to `key` (dirty counter; WATCH and keyspace notifications hook in here). */
  keyModified(db: number, key: string): void;
  /** Before a key changes outside a command handler (a snapshot being saved keeps its old value). */
  beforeKeyWrite(db: number, key: string): void;
  /** Swap two databases (SWAPDB). */
  swapDbs(a: number, b: number): void;
  /**
   * Keyspace notification (Redis's notifyKeyspaceEvent): `type` is a NOTIFY_* class from
   * src/shared/config.ts, `event` the event name ("set", "lpush", "expired", …). Cheap when disabled.
   */
  notify(type: number, event: string, db: number, key: string): void;
  /**
   * AOF: make these arguments (instead of the command's own) the current command's effect; may be
   * called several times (Redis's rewriteClientCommandVector / alsoPropagate). No-op with appendonly no.
   */
  propagate(db: number, argv: string[]): void;
}

/** Configuration the shards act on (kept current by CONFIG SET broadcasts; see server.ts). */
export interface ShardConfig {
  protoMaxBulkLen: number;
  hz: number;
  activeExpireEffort: number;
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  listMaxListpackSize: number;
  listCompressDepth: number;
  hllSparseMaxBytes: number;
  /** notify-keyspace-events as NOTIFY_* flags (0 = off). */
  notifyKeyspaceEvents: number;
  /** lua-memory-limit: cap of the shard's Lua engine in bytes (0 = none). */
  luaMemoryLimit: number;
  /** rdbcompression (1/0): DUMP payloads LZF-compress long strings. */
  rdbCompression: number;
  /** appendonly (1/0): write commands record their effects for the AOF (src/shard-worker/effects.ts). */
  appendOnly: number;
  /** maxmemory-policy as MAXMEMORY_FLAG_LRU / MAXMEMORY_FLAG_LFU bits (src/shard-worker/access.ts). */
  maxmemoryPolicyFlags: number;
  lfuLogFactor: number;
  lfuDecayTime: number;
}

/** Redis 7.0's defaults (for shards built without a server, e.g. in unit tests). */
export function defaultShardConfig(): ShardConfig {
  return {
    protoMaxBulkLen: 512 * 1024 * 1024,
    hz: 10,
    activeExpireEffort: 1,
    hashMaxListpackEntries: 128,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
    listMaxListpackSize: -2,
    listCompressDepth: 0,
    hllSparseMaxBytes: 3000,
    notifyKeyspaceEvents: 0,
    luaMemoryLimit: 50 * 1024 * 1024,
    rdbCompression: 1,
    appendOnly: 0,
    maxmemoryPolicyFlags: 0,
    lfuLogFactor: 10,
    lfuDecayTime: 1,
  };
}

export interface ExecContext {
  shard: ShardServices;
  /** Selected database index and object. */
  dbIndex: number;
  db: Database;
  args: Args;
  reply: ReplyWriter;
  connId: number;
  /** Milliseconds since the epoch, sampled once per command (Redis caches it the same way). */
  now: number;
  spec: CommandSpec;
}

export type CommandHandler = (ctx: ExecContext) => void;

const handlers: (CommandHandler | undefined)[] = new Array(COMMANDS.length);

/** Called by each family module for the commands it implements. */
export function register(name: string, handler: CommandHandler): void {
  const spec = commandByName(name);
  if (handlers[spec.index]) throw new Error(`handler for ${name} registered twice`);
  handlers[spec.index] = handler;
}

export function handlerAt(index: number): CommandHandler | undefined {
  return handlers[index];
}

/** Names of table entries that route to shards but have no handler (checked at start-up and in tests). */
export function missingHandlers(): string[] {
  return COMMANDS.filter(
    (s) => s.route !== Route.Local && s.route !== Route.Scan && s.route !== Route.Script && s.subcommands.size === 0 && !handlers[s.index],
  ).map((s) => s.name);
}

/**
 * The declarative command table: the one place that says what a command is.
 *
 * Read by the acceptor (lookup, arity errors, key extraction, routing, COMMAND) and by the shards
 * (dispatch by index: a request frame carries the command's index in COMMANDS). Arity, flags, key
 * positions and ACL categories are Redis 7.0's own (test/shared/command-table.test.ts checks them
 * against the metadata captured from redis-server). Ferrous adds how the command is routed.
 */

/** How the acceptor gets a command executed. */
export const enum Route {
  /** Executed by the acceptor itself (connection state, server-wide commands). */
  Local = 0,
  /**
   * Runs in the shard that owns its key(s). When a multi-key command's keys live on several shards,
   * the lock manager runs it atomically across them (see docs/ARCHITECTURE.md, "Cross-shard commands").
   */
  Keys = 1,
  /** Keys are split by shard, each shard runs its part independently and the replies are combined. */
  FanOut = 2,
  /** Sent to every shard; the replies are combined. */
  AllShards = 3,
  /** Walks the shards one after another (SCAN). */
  Scan = 4,
  /** Internal acceptor→shard command, never reachable by clients. */
  Internal = 5,
}

/** How the replies of a FanOut / AllShards command become one reply. */
export const enum Combine {
  None = 0,
  /** Sum of integer replies (DEL, EXISTS, DBSIZE). */
  Sum = 1,
  /** +OK when every part said OK, else the first error (MSET, FLUSHDB). */
  AllOk = 2,
  /** Array replies merged back into the order of the keys (MGET). */
  KeyOrder = 3,
  /** Arrays concatenated (KEYS). */
  Concat = 4,
  /** One non-null reply picked at random (RANDOMKEY). */
  AnyNonNull = 5,
}

export interface CommandSpec {
  /** Full lowercase name; subcommands are "parent|sub". */
  readonly name: string;
  /** Redis arity: n = exactly n arguments (including the name), -n = at least n. */
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly acl: readonly string[];
  readonly group: string;
  readonly route: Route;
  readonly combine: Combine;
  /** Index in COMMANDS; carried in request frames. */
  index: number;
  /** Implemented subcommands, by lowercase subcommand name. */
  readonly subcommands: Map<string, CommandSpec>;
  readonly parent: CommandSpec | null;
}

export const COMMANDS: CommandSpec[] = [];
const byName = new Map<string, CommandSpec>();

interface Options {
  route?: Route;
  combine?: Combine;
  group?: string;
}

function def(
  name: string,
  arity: number,
  flags: string,
  firstKey: number,
  lastKey: number,
  step: number,
  acl: string,
  opts: Options = {},
): CommandSpec {
  const bar = name.indexOf('|');
  const parent = bar < 0 ? null : byName.get(name.slice(0, bar)) ?? null;
  if (bar >= 0 && parent === null) throw new Error(`subcommand ${name} defined before its parent`);
  const spec: CommandSpec = {
    name,
    arity,
    flags: new Set(flags.split(' ').filter(Boolean)),
    firstKey,
    lastKey,
    step,
    acl: acl.split(' ').filter(Boolean),
    group: opts.group ?? parent?.group ?? 'generic',
    route: opts.route ?? (firstKey > 0 ? Route.Keys : Route.Local),
    combine: opts.combine ?? Combine.None,
    index: COMMANDS.length,
    subcommands: new Map(),
    parent,
  };
  COMMANDS.push(spec);
  byName.set(name, spec);
  if (parent) parent.subcommands.set(name.slice(bar + 1), spec);
  return spec;
}

// ---------------------------------------------------------------- strings (t_string.c)
const S = { group: 'string' };
def('get', 2, 'readonly fast', 1, 1, 1, 'read string fast', S);
def('set', -3, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('setnx', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('setex', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('psetex', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('getex', -2, 'write fast', 1, 1, 1, 'write string fast', S);
def('getdel', 2, 'write fast', 1, 1, 1, 'write string fast', S);
def('getset', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('mset', -3, 'write denyoom', 1, -1, 2, 'write string slow', { ...S, route: Route.FanOut, combine: Combine.AllOk });
def('msetnx', -3, 'write denyoom', 1, -1, 2, 'write string slow', S);
def('mget', -2, 'readonly fast', 1, -1, 1, 'read string fast', { ...S, route: Route.FanOut, combine: Combine.KeyOrder });
def('incr', 2, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('decr', 2, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('incrby', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('decrby', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('incrbyfloat', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('append', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('strlen', 2, 'readonly fast', 1, 1, 1, 'read string fast', S);
def('getrange', 4, 'readonly', 1, 1, 1, 'read string slow', S);
def('setrange', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('substr', 4, 'readonly', 1, 1, 1, 'read string slow', S);
def('lcs', -3, 'readonly', 1, 2, 1, 'read string slow', S);

// ---------------------------------------------------------------- keyspace (db.c, expire.c)
const G = { group: 'generic' };
const sum = { ...G, route: Route.FanOut, combine: Combine.Sum };
def('del', -2, 'write', 1, -1, 1, 'keyspace write slow', sum);
def('unlink', -2, 'write fast', 1, -1, 1, 'keyspace write fast', sum);
def('exists', -2, 'readonly fast', 1, -1, 1, 'keyspace read fast', sum);
def('touch', -2, 'readonly fast', 1, -1, 1, 'keyspace read fast', sum);
def('expire', -3, 'write fast', 1, 1, 1, 'keyspace write fast', G);
def('pexpire', -3, 'write fast', 1, 1, 1, 'keyspace write fast', G);
def('expireat', -3, 'write fast', 1, 1, 1, 'keyspace write fast', G);
def('pexpireat', -3, 'write fast', 1, 1, 1, 'keyspace write fast', G);
def('ttl', 2, 'readonly fast', 1, 1, 1, 'keyspace read fast', G);
def('pttl', 2, 'readonly fast', 1, 1, 1, 'keyspace read fast', G);
def('expiretime', 2, 'readonly fast', 1, 1, 1, 'keyspace read fast', G);
def('pexpiretime', 2, 'readonly fast', 1, 1, 1, 'keyspace read fast', G);
def('persist', 2, 'write fast', 1, 1, 1, 'keyspace write fast', G);
def('type', 2, 'readonly fast', 1, 1, 1, 'keyspace read fast', G);
def('rename', 3, 'write', 1, 2, 1, 'keyspace write slow', G);
def('renamenx', 3, 'write fast', 1, 2, 1, 'keyspace write fast', G);
def('copy', -3, 'write denyoom', 1, 2, 1, 'keyspace write slow', G);
def('move', 3, 'write fast', 1, 1, 1, 'keyspace write fast', G);
const all = (combine: Combine, group = 'generic') => ({ group, route: Route.AllShards, combine });
def('swapdb', 3, 'write fast', 0, 0, 0, 'keyspace write fast dangerous', { ...all(Combine.AllOk), group: 'server' });
def('keys', 2, 'readonly', 0, 0, 0, 'keyspace read slow dangerous', all(Combine.Concat));
def('scan', -2, 'readonly', 0, 0, 0, 'keyspace read slow', { ...G, route: Route.Scan });
def('randomkey', 1, 'readonly', 0, 0, 0, 'keyspace read slow', all(Combine.AnyNonNull));
def('dbsize', 1, 'readonly fast', 0, 0, 0, 'keyspace read fast', all(Combine.Sum, 'server'));
def('flushdb', -1, 'write', 0, 0, 0, 'keyspace write slow dangerous', all(Combine.AllOk, 'server'));
def('flushall', -1, 'write', 0, 0, 0, 'keyspace write slow dangerous', all(Combine.AllOk, 'server'));
def('object', -2, '', 0, 0, 0, 'slow', G);
def('object|encoding', 3, 'readonly', 2, 2, 1, 'keyspace read slow');
def('object|refcount', 3, 'readonly', 2, 2, 1, 'keyspace read slow');
def('object|help', 2, 'loading stale', 0, 0, 0, 'keyspace slow');

// ---------------------------------------------------------------- connection (networking.c, server.c)
const C = { group: 'connection' };
def('ping', -1, 'fast', 0, 0, 0, 'fast connection', C);
def('echo', 2, 'loading stale fast', 0, 0, 0, 'fast connection', C);
def('quit', -1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('select', 2, 'loading stale fast', 0, 0, 0, 'fast connection', C);
def('auth', -2, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('hello', -1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('reset', 1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('client', -2, '', 0, 0, 0, 'slow', C);
def('client|id', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|setname', 3, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|getname', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|list', -2, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|info', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|kill', -3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|reply', 3, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|no-evict', 3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|help', 2, 'loading stale', 0, 0, 0, 'slow connection');

// ---------------------------------------------------------------- server (server.c, config.c)
const V = { group: 'server' };
def('command', -1, 'loading stale', 0, 0, 0, 'slow connection', V);
def('command|count', 2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|info', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|docs', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|list', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|getkeys', -4, 'loading stale', 0, 0, 0, 'slow connection');
def('command|help', 2, 'loading stale', 0, 0, 0, 'slow connection');
def('info', -1, 'loading stale', 0, 0, 0, 'slow dangerous', V);
def('config', -2, '', 0, 0, 0, 'slow', V);
def('config|get', -3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|set', -4, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|resetstat', 2, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|help', 2, 'loading stale', 0, 0, 0, 'slow');
def('time', 1, 'loading stale fast', 0, 0, 0, 'fast', V);
def('shutdown', -1, 'admin noscript loading stale no_multi allow_busy', 0, 0, 0, 'admin slow dangerous', V);

// ---------------------------------------------------------------- internal (acceptor → shard only)
const I = { group: 'internal', route: Route.Internal };
/** Copy keys out for a cross-shard command: __export db key… → serialized entries. */
def('__export', -2, '', 0, 0, 0, '', I);
/** Run a command with foreign keys installed for its duration, then return what changed. */
def('__run_foreign', -3, '', 0, 0, 0, '', I);
/** Write keys back after a cross-shard command: __import db payload. */
def('__import', 3, '', 0, 0, 0, '', I);
/** Shard statistics for INFO. */
def('__stats', 1, '', 0, 0, 0, '', I);
/** One step of SCAN inside a shard. */
def('__scan', -3, '', 0, 0, 0, '', I);
/** Apply a configuration change broadcast by the acceptor. */
def('__config', 3, '', 0, 0, 0, '', I);

/** Client-visible top-level command by lowercase name. */
export function lookupCommand(lowerName: string): CommandSpec | undefined {
  const spec = byName.get(lowerName);
  if (spec === undefined || spec.parent !== null || spec.route === Route.Internal) return undefined;
  return spec;
}

/** Any command, subcommand or internal command by full name. */
export function commandByName(fullName: string): CommandSpec {
  const spec = byName.get(fullName);
  if (!spec) throw new Error(`no command ${fullName}`);
  return spec;
}

export function isClientVisible(fullName: string): boolean {
  const spec = byName.get(fullName);
  return spec !== undefined && spec.route !== Route.Internal;
}

/** Arity check exactly as Redis: n means exactly n, -n at least n. */
export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}

/**
 * Indices of the key arguments (first..last by step, last < 0 counting from the end), for commands
 * whose keys are at fixed positions.
 */
export function keyIndices(spec: CommandSpec, argc: number): number[] {
  const out: number[] = [];
  if (spec.firstKey <= 0) return out;
  const last = spec.lastKey < 0 ? argc + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < argc; i += spec.step) out.push(i);
  return out;
}

/**
 * The command registry: types and `def`, filled by the per-group tables in this folder (like Redis's
 * src/commands/*.json). Everything else imports src/shared/command-table.ts, which loads them all.
 *
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
  /** EVAL/FCALL and friends: run by the scripting layer (src/acceptor/scripting.ts). */
  Script = 6,
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

/**
 * Key positions of a command whose keys move with its arguments (ZUNIONSTORE dest numkeys k…, LMPOP
 * numkeys k…). Gets argc and a reader for argument i; returns [] when the arguments are malformed
 * (the shard then answers with Redis's error).
 */
export type KeyFinder = (argc: number, arg: (i: number) => string) => number[];

export interface CommandSpec {
  /** Full lowercase name; subcommands are "parent|sub". */
  readonly name: string;
  /** Redis arity: n = exactly n arguments (including the name), -n = at least n. */
  readonly arity: number;
  readonly flags: ReadonlySet<string>;
  /** flags.has('write'), asked on hot paths (scripts' redis.call, AOF logging). */
  readonly isWrite: boolean;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly acl: readonly string[];
  readonly group: string;
  readonly route: Route;
  readonly combine: Combine;
  /** For commands with movable keys (Redis's "movablekeys" flag): where the keys are. */
  readonly keys: KeyFinder | null;
  /** Index in COMMANDS; carried in request frames. */
  index: number;
  /** Implemented subcommands, by lowercase subcommand name. */
  readonly subcommands: Map<string, CommandSpec>;
  readonly parent: CommandSpec | null;
  /**
   * The Redis version that introduced a command newer than the 7.0 metadata (src/shared/command-meta.ts),
   * e.g. "7.2.0"; null for 7.0's commands. Its arity, flags and ACL categories are that version's;
   * COMMAND INFO / DOCS / LIST / COUNT stay Redis 7.0's and do not list it.
   */
  readonly since: string | null;
}

export const COMMANDS: CommandSpec[] = [];
export const byName = new Map<string, CommandSpec>();

export interface Options {
  route?: Route;
  combine?: Combine;
  group?: string;
  keys?: KeyFinder;
  /** See CommandSpec.since. */
  since?: string;
}

export function def(
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
  const flagSet = new Set(flags.split(' ').filter(Boolean));
  const spec: CommandSpec = {
    name,
    arity,
    flags: flagSet,
    isWrite: flagSet.has('write'),
    firstKey,
    lastKey,
    step,
    acl: acl.split(' ').filter(Boolean),
    group: opts.group ?? parent?.group ?? 'generic',
    route: opts.route ?? (firstKey > 0 || opts.keys ? Route.Keys : Route.Local),
    combine: opts.combine ?? Combine.None,
    keys: opts.keys ?? null,
    index: COMMANDS.length,
    subcommands: new Map(),
    parent,
    since: opts.since ?? null,
  };
  COMMANDS.push(spec);
  byName.set(name, spec);
  if (parent) parent.subcommands.set(name.slice(bar + 1), spec);
  return spec;
}


/**
 * The declarative command table: the one place that says what a command is, split by command group
 * into src/shared/commands/*.ts (like Redis's src/commands/*.json) and assembled here in a fixed
 * order, so command indices are stable within a build.
 *
 * Read by the acceptor (lookup, arity errors, key extraction, routing, COMMAND) and by the shards
 * (dispatch by index: a request frame carries the command's index in COMMANDS). Arity, flags, key
 * positions and ACL categories are Redis 7.0's own (test/shared/command-table.test.ts checks them
 * against the metadata captured from redis-server), except for the few newer commands marked with
 * the version that introduced them (`since`, e.g. CLIENT NO-TOUCH and SETINFO from 7.2), which carry
 * that version's. Ferrous adds how the command is routed.
 */
import { Route, byName, type CommandSpec } from './commands/registry.js';
import './commands/strings.js';
import './commands/keyspace.js';
import './commands/connection.js';
import './commands/server.js';
import './commands/internal.js';
import './commands/pubsub.js';
import './commands/transactions.js';
import './commands/blocking.js';
import './commands/lists.js';
import './commands/zsets.js';
import './commands/hashes.js';
import './commands/sets.js';
import './commands/bitmaps.js';
import './commands/hyperloglog.js';
import './commands/geo.js';
import './commands/sort.js';
import './commands/memory.js';
import './commands/scripting.js';
import './commands/persistence.js';

export { COMMANDS, Route, Combine, type CommandSpec, type KeyFinder } from './commands/registry.js';

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
 * Indices of the key arguments: from the command's own key finder when its keys move with its
 * arguments (numkeys…), else first..last by step (last < 0 counting from the end).
 */
export function keyIndices(spec: CommandSpec, argc: number, arg?: (i: number) => string): number[] {
  if (spec.keys !== null) return arg === undefined ? [] : spec.keys(argc, arg);
  const out: number[] = [];
  if (spec.firstKey <= 0) return out;
  const last = spec.lastKey < 0 ? argc + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < argc; i += spec.step) out.push(i);
  return out;
}

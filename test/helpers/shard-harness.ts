/**
 * Drive a Shard directly from tests: build one, run a command line, get the exact RESP bytes back.
 *
 *   const shard = makeShard();
 *   t.equal(run(shard, 'SET', 'k', 'v'), '+OK\r\n');
 *   t.equal(runWith(shard, { db: 1, resp3: true }, 'GET', 'k'), '_\r\n');
 *
 * Arguments are latin1 strings (one char per byte) or byte arrays; replies come back as latin1 strings.
 * Subcommands ("OBJECT ENCODING k") resolve to their "parent|sub" table entry like the acceptor does.
 * Arity is checked here the way the acceptor does, so a test can't call a handler with too few
 * arguments by mistake.
 */
import '../../src/shard-worker/families/index.js';
import { Shard } from '../../src/shard-worker/shard.js';
import type { Collection } from '../../src/shard-worker/keyspace.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';
import { arityOk, commandByName, lookupCommand, type CommandSpec } from '../../src/shared/command-table.js';

export function makeShard(databases = 16, protoMaxBulkLen = 512 * 1024 * 1024): Shard {
  return new Shard({
    shardIndex: 0,
    shardCount: 1,
    databases,
    config: { ...defaultShardConfig(), protoMaxBulkLen },
  });
}

export interface RunOptions {
  db?: number;
  resp3?: boolean;
  connId?: number;
}

function resolve(argv: ReadonlyArray<string | Uint8Array>): CommandSpec {
  const name = String(argv[0]).toLowerCase();
  const spec = lookupCommand(name) ?? commandByName(name);
  if (spec.subcommands.size > 0 && argv.length > 1) {
    const sub = spec.subcommands.get(String(argv[1]).toLowerCase());
    if (sub) return sub;
  }
  return spec;
}

export function runWith(shard: Shard, opts: RunOptions, ...argv: Array<string | Uint8Array>): string {
  const spec = resolve(argv);
  if (!arityOk(spec, argv.length)) throw new Error(`wrong arity for ${spec.name}: ${argv.length}`);
  const resp3 = opts.resp3 ?? false;
  shard.args.setFrom(argv);
  shard.writer.reset(resp3);
  shard.tick(); // the ring loop refreshes the cached clock per batch; direct calls do it per command
  shard.execute(spec.index, opts.db ?? 0, opts.connId ?? 1, resp3);
  return shard.writer.take().toString('latin1');
}

export function run(shard: Shard, ...argv: Array<string | Uint8Array>): string {
  return runWith(shard, {}, ...argv);
}

export function run3(shard: Shard, ...argv: Array<string | Uint8Array>): string {
  return runWith(shard, { resp3: true }, ...argv);
}

/** Put an expiry time in the past on `key` so the next access finds it expired. */
export function expireNow(shard: Shard, key: string, db = 0): void {
  shard.dbs[db].setExpire(key, Date.now() - 1);
}

/**
 * A stand-in collection for type checks (WRONGTYPE, TYPE, OBJECT ENCODING, COPY) in tests that must
 * not depend on the list family: TYPE says "list", OBJECT ENCODING "quicklist" (Redis 7.0's list encoding).
 */
export class FakeList implements Collection {
  readonly typeName = 'list';
  constructor(readonly items: string[] = ['x']) {}
  encoding(): string {
    return 'quicklist';
  }
  size(): number {
    return this.items.length;
  }
  clone(): Collection {
    return new FakeList([...this.items]);
  }
}

export function fakeList(shard: Shard, key: string, db = 0): FakeList {
  const v = new FakeList();
  shard.dbs[db].set(key, v);
  return v;
}

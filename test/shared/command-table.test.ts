import t from 'tap';
import { COMMANDS, Route, keyIndices, lookupCommand, arityOk } from '../../src/shared/command-table.js';
import { getAclCategories, getArity, getFlags, getKeyRange, isKnownCommand } from '../../src/shared/command-meta.js';
import { missingHandlers } from '../../src/shard-worker/context.js';
import '../../src/shard-worker/families/index.js';
import { missingLocalHandlers } from '../../src/acceptor/local-commands.js';

/**
 * Commands newer than Redis 7.0, with their own version's metadata (COMMAND INFO of Redis 7.2.4:
 * arity, flags, first/last/step key, ACL categories).
 */
const NEWER: Record<string, { since: string; arity: number; flags: string[]; keys: [number, number, number]; acl: string[] }> = {
  'client|no-touch': { since: '7.2.0', arity: 3, flags: ['noscript', 'loading', 'stale'], keys: [0, 0, 0], acl: ['slow', 'connection'] },
  'client|setinfo': { since: '7.2.0', arity: 4, flags: ['noscript', 'loading', 'stale'], keys: [0, 0, 0], acl: ['slow', 'connection'] },
};

t.test('commands newer than 7.0 carry their version and its metadata', (t) => {
  const newer = COMMANDS.filter((s) => s.since !== null);
  t.same(newer.map((s) => s.name).sort(), Object.keys(NEWER).sort(), 'the commands marked with a version');
  for (const spec of newer) {
    const m = NEWER[spec.name];
    t.notOk(isKnownCommand(spec.name), `${spec.name} is not in the 7.0 metadata`);
    t.equal(spec.since, m.since, `${spec.name} since`);
    t.equal(spec.arity, m.arity, `${spec.name} arity`);
    t.same([...spec.flags].sort(), [...m.flags].sort(), `${spec.name} flags`);
    t.same([spec.firstKey, spec.lastKey, spec.step], m.keys, `${spec.name} key range`);
    t.same([...spec.acl].sort(), [...m.acl].sort(), `${spec.name} ACL categories`);
  }
  t.end();
});

t.test('every client-visible command matches Redis 7.0 metadata', (t) => {
  for (const spec of COMMANDS) {
    if (spec.route === Route.Internal || spec.since !== null) continue;
    t.ok(isKnownCommand(spec.name), `${spec.name} exists in Redis`);
    t.equal(spec.arity, getArity(spec.name), `${spec.name} arity`);
    t.same([...spec.flags].sort(), [...(getFlags(spec.name) ?? [])].sort(), `${spec.name} flags`);
    const kr = getKeyRange(spec.name);
    t.same({ first: spec.firstKey, last: spec.lastKey, step: spec.step }, kr, `${spec.name} key range`);
    t.same(
      [...spec.acl].sort(),
      (getAclCategories(spec.name) ?? []).map((c) => c.replace(/^@/, '')).sort(),
      `${spec.name} ACL categories`,
    );
  }
  t.end();
});

t.test('every routed command has an implementation', (t) => {
  t.same(missingHandlers(), [], 'shard handlers');
  t.same(missingLocalHandlers(), [], 'acceptor handlers');
  t.end();
});

t.test('lookup, arity and key positions', (t) => {
  t.equal(lookupCommand('get')?.name, 'get');
  t.equal(lookupCommand('config|get'), undefined, 'subcommands are reached through their parent');
  t.equal(lookupCommand('__export'), undefined, 'internal commands are invisible to clients');
  const mset = lookupCommand('mset')!;
  t.ok(arityOk(mset, 3));
  t.notOk(arityOk(mset, 2));
  t.same(keyIndices(mset, 7), [1, 3, 5]);
  t.same(keyIndices(lookupCommand('del')!, 4), [1, 2, 3]);
  t.same(keyIndices(lookupCommand('ping')!, 1), []);
  t.end();
});

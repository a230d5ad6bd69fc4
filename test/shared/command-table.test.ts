import t from 'tap';
import { COMMANDS, Route, keyIndices, lookupCommand, arityOk } from '../../src/shared/command-table.js';
import { getAclCategories, getArity, getFlags, getKeyRange, isKnownCommand } from '../../src/shared/command-meta.js';
import { missingHandlers } from '../../src/shard-worker/context.js';
import '../../src/shard-worker/families/index.js';
import { missingLocalHandlers } from '../../src/acceptor/local-commands.js';

t.test('every client-visible command matches Redis 7.0 metadata', (t) => {
  for (const spec of COMMANDS) {
    if (spec.route === Route.Internal) continue;
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

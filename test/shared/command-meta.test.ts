import t from 'tap';
import {
  COMMAND_META_REDIS_VERSION,
  commandCount,
  commandCountReply,
  commandDocsReply,
  commandInfoReply,
  commandListNames,
  commandListReply,
  commandListReplyFromArgs,
  commandReply,
  getAclCategories,
  getArity,
  getDocsEntry,
  getFlags,
  getGroup,
  getInfoEntry,
  getKeyRange,
  getSubcommandNames,
  isKnownCommand,
  listAllNames,
  parseCommandListArgs,
} from '../../src/shared/command-meta.js';
import { encodeResp } from '../../src/protocol/resp-value.js';

// Raw replies captured from a real redis-server 7.0.15 (COMMAND INFO get / set / config|get and
// COMMAND DOCS get), in RESP2 and in RESP3 (after HELLO 3).
const CAPTURED = {
  2: {
    infoGet: [
      '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n',
      '+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\n',
      'begin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n',
      '$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n',
      ':0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
    ].join(''),
    infoSet: [
      '*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n',
      '+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n$48\r\n',
      'RW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n*4\r\n+RW\r\n+access\r\n',
      '+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n',
      'spec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n',
      '$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
    ].join(''),
    infoConfigGet: [
      '*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n',
      ':0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n',
    ].join(''),
    docsGet: [
      '*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n',
      '$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\n',
      'arguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n',
      'key_spec_index\r\n:0\r\n',
    ].join(''),
  },
  3: {
    infoGet: [
      '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n',
      '+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\n',
      'begin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n',
      '$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n',
      ':0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
    ].join(''),
    infoSet: [
      '*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n~2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n~3\r\n',
      '+@write\r\n+@string\r\n+@slow\r\n~0\r\n~1\r\n%4\r\n$5\r\nnotes\r\n$48\r\n',
      'RW and ACCESS due to the optional `GET` argument\r\n$5\r\nflags\r\n~4\r\n+RW\r\n+access\r\n',
      '+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\n',
      'spec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n',
      '$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
    ].join(''),
    infoConfigGet: [
      '*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n',
      ':0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n',
    ].join(''),
    docsGet: [
      '%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n',
      '$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\n',
      'arguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\n',
      'key_spec_index\r\n:0\r\n',
    ].join(''),
  },
} as const;

const all = (): boolean => true;
const only =
  (...names: string[]) =>
  (n: string): boolean =>
    names.includes(n);
const s = (b: Buffer): string => b.toString('utf8');
/** Strips the leading "*1\r\n" of a one-entry COMMAND INFO reply, leaving the entry itself. */
const entryOf = (reply: string): string => reply.slice('*1\r\n'.length);

t.test('metadata is from Redis 7.0.15', async (t) => {
  t.equal(COMMAND_META_REDIS_VERSION, '7.0.15');
  t.equal(commandCount(all), 240);
  t.equal(listAllNames().length, 240 + 126);
  t.ok(listAllNames().includes('config|get'));
  t.ok(listAllNames().includes('get'));
});

for (const proto of [2, 3] as const) {
  const cap = CAPTURED[proto];

  t.test(`COMMAND INFO matches captured bytes (RESP${proto})`, async (t) => {
    t.equal(s(commandInfoReply(all, proto, ['get'])), cap.infoGet);
    t.equal(s(commandInfoReply(all, proto, ['SET'])), cap.infoSet);
    t.equal(s(commandInfoReply(all, proto, ['config|get'])), cap.infoConfigGet);
    t.equal(s(commandInfoReply(all, proto, ['CONFIG|Get'])), cap.infoConfigGet);
    t.equal(s(commandInfoReply(all, proto, [Buffer.from('get')])), cap.infoGet);
  });

  t.test(`COMMAND DOCS matches captured bytes (RESP${proto})`, async (t) => {
    t.equal(s(commandDocsReply(all, proto, ['get'])), cap.docsGet);
    // unknown names are skipped
    t.equal(s(commandDocsReply(all, proto, ['nosuch', 'get', 'get|x'])), cap.docsGet);
    t.equal(s(commandDocsReply(all, proto, ['nosuch'])), proto === 3 ? '%0\r\n' : '*0\r\n');
    // not implemented == unknown
    t.equal(s(commandDocsReply(only('set'), proto, ['get'])), proto === 3 ? '%0\r\n' : '*0\r\n');
  });

  t.test(`COMMAND INFO unknown names (RESP${proto})`, async (t) => {
    const nul = proto === 3 ? '_\r\n' : '$-1\r\n';
    t.equal(s(commandInfoReply(all, proto, ['nosuch'])), `*1\r\n${nul}`);
    for (const bad of ['', '|', 'get|', 'config|', '|get', 'config|get|x', 'config|nope']) {
      t.equal(s(commandInfoReply(all, proto, [bad])), `*1\r\n${nul}`, JSON.stringify(bad));
    }
    t.equal(
      s(commandInfoReply(all, proto, ['get', 'nosuch', 'set'])),
      `*3\r\n${entryOf(cap.infoGet)}${nul}${entryOf(cap.infoSet)}`,
    );
    // not implemented == unknown; a subcommand also needs its parent
    t.equal(s(commandInfoReply(only('set'), proto, ['get'])), `*1\r\n${nul}`);
    t.equal(s(commandInfoReply(only('config|get'), proto, ['config|get'])), `*1\r\n${nul}`);
    t.equal(s(commandInfoReply(only('config', 'config|get'), proto, ['config|get'])), cap.infoConfigGet);
  });

  t.test(`COMMAND / COMMAND INFO with a predicate (RESP${proto})`, async (t) => {
    const pred = only('get', 'set');
    const both = [`*2\r\n${entryOf(cap.infoGet)}${entryOf(cap.infoSet)}`, `*2\r\n${entryOf(cap.infoSet)}${entryOf(cap.infoGet)}`];
    t.ok(both.includes(s(commandReply(pred, proto))));
    t.same(s(commandInfoReply(pred, proto)), s(commandReply(pred, proto)));
    t.equal(s(commandReply(() => false, proto)), '*0\r\n');
    // container: only implemented subcommands are nested
    const header =
      proto === 3
        ? '*10\r\n$6\r\nconfig\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n'
        : '*10\r\n$6\r\nconfig\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n';
    t.equal(
      s(commandReply(only('config', 'config|get'), proto)),
      `*1\r\n${header}*1\r\n${entryOf(cap.infoConfigGet)}`,
    );
    t.equal(s(commandReply(only('config'), proto)), `*1\r\n${header}*0\r\n`);
  });

  t.test(`COMMAND COUNT (RESP${proto})`, async (t) => {
    t.equal(s(commandCountReply(all, proto)), ':240\r\n');
    t.equal(s(commandCountReply(only('get', 'set', 'config', 'config|get', 'nosuch'), proto)), ':3\r\n');
    t.equal(s(commandCountReply(() => false, proto)), ':0\r\n');
  });

  t.test(`COMMAND DOCS with a predicate (RESP${proto})`, async (t) => {
    const r = s(commandDocsReply(only('get'), proto));
    const body = cap.docsGet.slice(cap.docsGet.indexOf('\r\n') + 2);
    t.equal(r, (proto === 3 ? '%1\r\n' : '*2\r\n') + body);
    const cfg = commandDocsReply(only('config', 'config|get'), proto, ['config']);
    const sub = encodeResp(getDocsEntry('config|get') ?? '', proto).toString();
    t.ok(s(cfg).includes(`$11\r\nsubcommands\r\n${proto === 3 ? '%1' : '*2'}\r\n$10\r\nconfig|get\r\n${sub}`));
    t.notOk(s(cfg).includes('config|set'));
  });

  t.test(`COMMAND LIST (RESP${proto})`, async (t) => {
    const pred = only('get', 'set', 'config', 'config|get', 'config|set', 'getrange');
    const names = commandListNames(pred);
    t.same([...names].sort(), ['config', 'config|get', 'config|set', 'get', 'getrange', 'set']);
    t.ok(names.indexOf('config') < names.indexOf('config|get'));
    t.equal(s(commandListReply(pred, proto, { type: 'pattern', arg: 'CONFIG|*ET' })).split('\r\n')[0], '*2');
    t.same(commandListNames(pred, { type: 'pattern', arg: 'get*' }).sort(), ['get', 'getrange']);
    t.same(commandListNames(pred, { type: 'aclcat', arg: 'STRING' }).sort(), ['get', 'getrange', 'set']);
    t.same(commandListNames(pred, { type: 'aclcat', arg: '@string' }), []);
    t.same(commandListNames(pred, { type: 'aclcat', arg: 'dangerous' }).sort(), ['config|get', 'config|set']);
    t.same(commandListNames(pred, { type: 'module', arg: 'x' }), []);
    t.equal(s(commandListReplyFromArgs(only('get'), proto, [])), '*1\r\n$3\r\nget\r\n');
    t.equal(s(commandListReplyFromArgs(only('get'), proto, ['filterby', 'PATTERN', 'g?t'])), '*1\r\n$3\r\nget\r\n');
    t.equal(s(commandListReplyFromArgs(only('get'), proto, ['FILTERBY', 'nope', 'x'])), '-ERR syntax error\r\n');
    t.equal(s(commandListReplyFromArgs(only('get'), proto, ['FILTERBY', 'pattern'])), '-ERR syntax error\r\n');
    t.equal(s(commandListReplyFromArgs(all, proto, [])).split('\r\n')[0], '*366');
  });
}

t.test('parseCommandListArgs', async (t) => {
  t.equal(parseCommandListArgs([]), null);
  t.same(parseCommandListArgs(['FilterBy', 'AclCat', 'Read']), { type: 'aclcat', arg: 'Read' });
  t.equal(parseCommandListArgs(['FILTERBY', 'PATTERN', 'a', 'FILTERBY', 'PATTERN', 'b']), 'syntax');
  t.equal(parseCommandListArgs(['x']), 'syntax');
});

t.test('accessors', async (t) => {
  t.equal(getArity('get'), 2);
  t.equal(getArity('SET'), -3);
  t.equal(getArity('config|get'), -3);
  t.equal(getArity('config'), -2);
  t.equal(getArity('nosuch'), undefined);
  t.same(getFlags('get'), ['readonly', 'fast']);
  t.same(getFlags('config|get'), ['admin', 'noscript', 'loading', 'stale']);
  t.same(getKeyRange('mset'), { first: 1, last: -1, step: 2 });
  t.same(getKeyRange('get'), { first: 1, last: 1, step: 1 });
  t.same(getKeyRange('ping'), { first: 0, last: 0, step: 0 });
  t.same(getAclCategories('get'), ['@read', '@string', '@fast']);
  t.equal(getGroup('get'), 'string');
  t.equal(getGroup('config|get'), 'server');
  t.equal(getGroup('zadd'), 'sorted-set');
  t.ok(getSubcommandNames('config').includes('config|get'));
  t.same(getSubcommandNames('get'), []);
  t.ok(isKnownCommand('Config|Get'));
  t.notOk(isKnownCommand('config|nope'));
  t.ok(getInfoEntry('get'));
  t.equal(getDocsEntry('nosuch'), undefined);
  t.equal(s(encodeResp(['*', getInfoEntry('get') ?? ''], 2)), CAPTURED[2].infoGet);
});

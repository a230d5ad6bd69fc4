/**
 * FUNCTION LOAD/DELETE/FLUSH/LIST/STATS/DUMP/RESTORE and FCALL/FCALL_RO compared byte for byte with
 * redis-server (runDifferential: a 2-shard Ferrous against a real Redis). Compile errors are left out:
 * Lua 5.4's parser words some of them differently (docs/SCRIPTING.md).
 */
import t from 'tap';
import { runDifferential, type DiffCase } from './harness.js';
import { RawConn, startRealRedis, withServer } from '../helpers/server.js';

const cases: DiffCase[] = [
  {
    name: 'library life cycle, registration errors and FCALL',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ["function", "load", "return 1"],
      ["function", "load", "#!lua\nreturn 1"],
      ["function", "load", "#!lua name=lib1\nreturn 1"],
      ["function", "load", "#!lua name=lib1\nredis.register_function(\"f1\", function(keys, args) return keys[1] end)"],
      ["function", "load", "#!lua name=lib1\nredis.register_function(\"f1\", function(keys, args) return 1 end)"],
      ["fcall", "f1", "1", "k"],
      ["fcall", "nof", "0"],
      ["function", "load", "#!lua name=lib2 foo=bar\nreturn 1"],
      ["function", "load", "#!lua2 name=lib2\nreturn 1"],
      ["function", "load", "#!lua name=lib2\nredis.register_function{function_name=\"f2\", callback=function(keys, args) return redis.call(\"set\", keys[1], args[1]) end, flags={\"no-writes\"}, description=\"desc\"}"],
      ["fcall_ro", "f2", "1", "k", "v"],
      ["fcall", "f2", "1", "k", "v"],
      ["function", "list", "libraryname", "lib1"],
      ["function", "list", "withcode", "libraryname", "lib2"],
      ["function", "load", "#!lua name=lib3\nredis.register_function(\"f1\", function() return 1 end)"],
      ["function", "load", "#!lua name=lib3\nredis.call(\"ping\")"],
      ["function", "load", "#!lua name=lib3\nlocal x = KEYS"],
      ["function", "load", "#!lua name=lib3\nx = 1"],
      ["function", "load", "#!lua name=lib3\nredis.register_function{function_name=\"g\", callback=function() return 1 end, flags={\"bad-flag\"}}"],
      ["function", "load", "#!lua name=lib3\nerror(\"boom\")"],
      ["function", "load", "#!lua name=lib3\nredis.register_function(\"g\", function() return 1 end) redis.register_function(\"g\", function() return 1 end)"],
      ["function", "load", "#!lua name=lib3\nredis.register_function(\"g\", 5)"],
      ["function", "load", "#!lua name=lib3\nredis.register_function(\"g-x\", function() return 1 end)"],
      ["function", "load", "#!lua name=lib3\nredis.register_function(\"g\", function() local t = {} for k in pairs(redis) do t[#t+1] = k end table.sort(t) return table.concat(t, \",\") end)"],
      ["fcall", "g", "0"],
      ["function", "stats"],
      ["fcall", "f1", "abc"],
      ["fcall", "f1", "5"],
      ["fcall_ro", "f1", "0"],
      ["function", "flush", "x"],
      ["function", "list", "foo"],
      ["function", "list", "libraryname"],
      ["function", "kill"],
      ["function", "delete", "x"],
      ["function", "delete", "lib3"],
      ["function", "restore", "garbage"],
      ["function", "load", "replace", "#!lua name=lib1\nredis.register_function(\"f1b\", function(keys, args) return 'new' end)"],
      ["fcall", "f1", "0"],
      ["fcall", "f1b", "0"],
      ["function", "load", "#!lua name=lib4\nredis.register_function('h', function(keys, args) return {keys[1], args[1], type(KEYS)} end)"],
      ["fcall", "h", "1", "a", "b"],
      ["function", "load", "#!lua name=lib5\nredis.register_function('e', function(keys, args) return redis.call('incr', keys[1]) end)"],
      ["set", "str", "abc"],
      ["fcall", "e", "1", "str"],
    ],
  },
  {
    name: 'DUMP and RESTORE with every policy',
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', "#!lua name=la\nredis.register_function('fa', function(keys, args) return 'a' end)"],
      ['FUNCTION', 'LOAD', "#!lua name=lb\nredis.register_function{function_name='fb', callback=function() return 'b' end, flags={'no-writes', 'allow-oom'}}"],
      ['FUNCTION', 'RESTORE', 'not a payload'],
      ['FUNCTION', 'FLUSH', 'SYNC'],
      ['FCALL', 'fa', '0'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'l*'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a', 'LIBRARYNAME', 'b'],
      ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
      ['FUNCTION', 'RESTORE', 'a', 'b', 'c'],
      ['FUNCTION', 'LOAD', 'foo', "#!lua name=x\nredis.register_function('f', function() return 1 end)"],
    ],
  },
  {
    name: 'FCALL_RO, flags, RESP3 replies and errors inside functions',
    resp: 3,
    cmds: [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', "#!lua name=lr\nredis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\nredis.register_function('rw', function(keys, args) return redis.call('set', keys[1], args[1]) end)\nredis.register_function('m', function() redis.setresp(3) return redis.call('hgetall', 'h') end)"],
      ['HSET', 'h', 'f', 'v'],
      ['FCALL', 'rw', '1', 'k', 'v1'],
      ['FCALL_RO', 'ro', '1', 'k'],
      ['FCALL_RO', 'rw', '1', 'k', 'v2'],
      ['FCALL', 'm', '0'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nothing*'],
      ['FUNCTION', 'STATS'],
    ],
  },
];

await runDifferential(t, cases);

/** The payload of a bulk reply (RawConn replies are latin1 strings). */
function bulkBytes(reply: string): Buffer {
  const nl = reply.indexOf('\r\n');
  return Buffer.from(reply.slice(nl + 2, nl + 2 + Number(reply.slice(1, nl))), 'latin1');
}

// Library and function order in LIST and DUMP follow Redis's randomly seeded dicts, so payloads are
// compared by what they restore, in both directions.
t.test('FUNCTION DUMP payloads restore on the other server', async (t) => {
  const real = await startRealRedis();
  if (real === null) return;
  const fer = await withServer({ shards: 2 });
  t.teardown(async () => {
    await fer.close();
    await real.stop();
  });
  const r = await RawConn.connect(real.port);
  const f = await RawConn.connect(fer.port);
  t.teardown(() => {
    r.close();
    f.close();
  });
  const lib = (name: string, fn: string, value: string) =>
    `#!lua name=${name}\nredis.register_function{function_name='${fn}', callback=function() return '${value}' end, flags={'no-writes'}, description='a long enough description to be compressed by LZF'}`;
  t.equal(await f.call('FUNCTION', 'LOAD', lib('fromferrous', 'ff', 'F')), '$11\r\nfromferrous\r\n');
  t.equal(await r.call('FUNCTION', 'LOAD', lib('fromredis', 'fr', 'R')), '$9\r\nfromredis\r\n');
  const ferDump = bulkBytes(await f.call('FUNCTION', 'DUMP'));
  const redisDump = bulkBytes(await r.call('FUNCTION', 'DUMP'));
  t.equal(await r.call('FUNCTION', 'RESTORE', ferDump), '+OK\r\n', 'Redis restores Ferrous payload');
  t.equal(await f.call('FUNCTION', 'RESTORE', redisDump), '+OK\r\n', 'Ferrous restores Redis payload');
  t.equal(await r.call('FCALL_RO', 'ff', '0'), '$1\r\nF\r\n');
  t.equal(await f.call('FCALL_RO', 'fr', '0'), '$1\r\nR\r\n');
  t.equal(await f.call('FUNCTION', 'RESTORE', redisDump), '-ERR Library fromredis already exists\r\n');
  t.equal(await r.call('FUNCTION', 'RESTORE', ferDump), '-ERR Library fromferrous already exists\r\n');
  t.equal(await f.call('FUNCTION', 'RESTORE', redisDump, 'REPLACE'), '+OK\r\n');
  t.equal(await f.call('FUNCTION', 'RESTORE', redisDump, 'FLUSH'), '+OK\r\n');
  t.equal(await f.call('FCALL_RO', 'ff', '0'), '-ERR Function not found\r\n', 'FLUSH dropped the other library');
  t.equal(await f.call('FUNCTION', 'RESTORE', redisDump, 'BAD'), '-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n');
});

/**
 * Hashes and sets moving between shards: multi-key set commands whose keys live on different shards
 * run through the lock manager, which serialises the foreign keys with the hash/set codecs.
 */
import t from 'tap';
import { withServer, RawConn, keysByShard } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 4, 'c');

t.test('SMOVE between shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('FLUSHALL');
  t.equal(await c.call('SADD', s0[0], '1', '2', 'x'), ':3\r\n');
  t.equal(await c.call('SMOVE', s0[0], s1[0], '1'), ':1\r\n');
  t.equal(await c.call('SMEMBERS', s1[0]), '*1\r\n$1\r\n1\r\n');
  t.equal(await c.call('OBJECT', 'ENCODING', s1[0]), '$6\r\nintset\r\n');
  t.equal(await c.call('SMOVE', s0[0], s1[0], 'x'), ':1\r\n');
  t.equal(await c.call('OBJECT', 'ENCODING', s1[0]), '$9\r\nhashtable\r\n');
  t.equal(await c.call('SMOVE', s0[0], s1[0], '2'), ':1\r\n');
  t.equal(await c.call('EXISTS', s0[0]), ':0\r\n', 'emptied source removed on its own shard');
  t.equal(await c.call('SCARD', s1[0]), ':3\r\n');
  t.equal(await c.call('SMOVE', s0[0], s1[0], '2'), ':0\r\n');
  await c.call('HSET', s0[1], 'f', 'v');
  t.equal(await c.call('SMOVE', s1[0], s0[1], '2'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(await c.call('SCARD', s1[0]), ':3\r\n');
});

t.test('SUNIONSTORE / SINTERSTORE / SDIFFSTORE / SINTERCARD across shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('FLUSHALL');
  await c.call('SADD', s0[0], '1', '2', '3');
  await c.call('SADD', s1[0], '3', '4');
  await c.call('SADD', s1[1], 'a', 'b');
  t.equal(await c.call('SUNIONSTORE', s1[2], s0[0], s1[0]), ':4\r\n');
  t.equal(await c.call('SMEMBERS', s1[2]), '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n');
  t.equal(await c.call('SINTERSTORE', s0[2], s0[0], s1[0]), ':1\r\n');
  t.equal(await c.call('SMEMBERS', s0[2]), '*1\r\n$1\r\n3\r\n');
  t.equal(await c.call('SDIFFSTORE', s1[3], s0[0], s1[0]), ':2\r\n');
  t.equal(await c.call('SMEMBERS', s1[3]), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  t.equal(await c.call('SUNIONSTORE', s0[3], s1[1], s0[0]), ':5\r\n');
  t.equal(await c.call('OBJECT', 'ENCODING', s0[3]), '$9\r\nhashtable\r\n');
  t.equal(await c.call('SINTERCARD', '2', s0[0], s1[0]), ':1\r\n');
  t.equal(await c.call('SINTER', s0[0], s1[0]), '*1\r\n$1\r\n3\r\n');
  t.equal(await c.call('SINTERSTORE', s1[3], s0[0], s1[1]), ':0\r\n');
  t.equal(await c.call('EXISTS', s1[3]), ':0\r\n', 'empty result deletes the foreign destination');
  // Sources are untouched.
  t.equal(await c.call('SCARD', s0[0]), ':3\r\n');
  t.equal(await c.call('SCARD', s1[0]), ':2\r\n');
});

t.test('hashes move between shards with COPY / RENAME', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('FLUSHALL');
  await c.call('HSET', s0[0], 'b', '2', 'a', '1');
  t.equal(await c.call('RENAME', s0[0], s1[0]), '+OK\r\n');
  t.equal(await c.call('HGETALL', s1[0]), '*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n', 'listpack order kept');
  t.equal(await c.call('COPY', s1[0], s0[1]), ':1\r\n');
  t.equal(await c.call('HGET', s0[1], 'a'), '$1\r\n1\r\n');
  t.equal(await c.call('OBJECT', 'ENCODING', s0[1]), '$8\r\nlistpack\r\n');
});

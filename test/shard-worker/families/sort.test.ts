/**
 * SORT / SORT_RO against a Shard: byte-exact replies (checked against redis-server 7.0.15), STORE's
 * bookkeeping, and Ferrous's rule for BY/GET keys that belong to another shard.
 */
import t from 'tap';
import { makeShard, run, run3 } from '../../helpers/shard-harness.js';
import { Shard } from '../../../src/shard-worker/shard.js';
import { defaultShardConfig } from '../../../src/shard-worker/context.js';
import { keyIndices, lookupCommand } from '../../../src/shared/command-table.js';

const CROSS =
  '-ERR SORT BY/GET keys must be in the same slot as the sorted key when running with more than one shard (use a {hashtag})\r\n';

t.test('numeric, alpha, limit, desc', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', '3', '1', '2', '10');
  t.equal(run(s, 'SORT', 'l'), '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n');
  t.equal(run(s, 'SORT', 'l', 'ALPHA'), '*4\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n');
  t.equal(run(s, 'SORT', 'l', 'DESC', 'LIMIT', '1', '2'), '*2\r\n$1\r\n3\r\n$1\r\n2\r\n');
  t.equal(run(s, 'SORT', 'l', 'BY', 'nosort', 'DESC'), '*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n');
  t.equal(run(s, 'SORT', 'nokey'), '*0\r\n');
  run(s, 'RPUSH', 'bad', 'x');
  t.equal(run(s, 'SORT', 'bad'), "-ERR One or more scores can't be converted into double\r\n");
  t.equal(run(s, 'SORT', 'l', 'LIMIT', '1'), '-ERR syntax error\r\n');
  t.equal(run(s, 'SORT_RO', 'l', 'STORE', 'x'), '-ERR syntax error\r\n');
  run(s, 'SET', 'str', 'v');
  t.equal(run(s, 'SORT', 'str'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

t.test('BY and GET patterns', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', '1', '2', '3');
  run(s, 'MSET', 'w_1', '3', 'w_2', '1', 'w_3', '2', 'o_2', 'two');
  run(s, 'HSET', 'h_1', 'f', 'a');
  t.equal(run(s, 'SORT', 'l', 'BY', 'w_*'), '*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n');
  t.equal(run(s, 'SORT', 'l', 'BY', 'w_*', 'GET', 'o_*', 'GET', '#', 'GET', 'h_*->f'),
    '*9\r\n$3\r\ntwo\r\n$1\r\n2\r\n$-1\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$-1\r\n$1\r\n1\r\n$1\r\na\r\n');
  t.equal(run3(s, 'SORT', 'l', 'GET', 'o_*', 'LIMIT', '0', '1'), '*1\r\n_\r\n');
});

t.test('STORE replaces the destination, drops its TTL, deletes it when empty', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', '2', '1');
  run(s, 'SET', 'd', 'x', 'EX', '100');
  let dirty = s.dirty;
  t.equal(run(s, 'SORT', 'l', 'STORE', 'd'), ':2\r\n');
  t.equal(s.dirty, dirty + 1);
  t.equal(run(s, 'TTL', 'd'), ':-1\r\n');
  t.equal(run(s, 'LRANGE', 'd', '0', '-1'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  t.equal(run(s, 'SORT', 'none', 'STORE', 'd'), ':0\r\n');
  t.equal(run(s, 'EXISTS', 'd'), ':0\r\n');
  dirty = s.dirty;
  t.equal(run(s, 'SORT', 'none', 'STORE', 'd'), ':0\r\n');
  t.equal(s.dirty, dirty, 'deleting a missing destination changes nothing');
  run(s, 'ZADD', 'z', '1', 'a');
  run(s, 'SORT', 'z', 'ALPHA');
  t.equal(run(s, 'OBJECT', 'ENCODING', 'z'), '$8\r\nskiplist\r\n', 'SORT converts the sorted set like Redis');
});

t.test('BY/GET keys on another shard are refused when there are several shards', async (t) => {
  // Shard 0 of 2 owns slots 0..8191: "w_2" is here, "w_1" and "x" are not.
  const s = new Shard({ shardIndex: 0, shardCount: 2, databases: 16, config: defaultShardConfig() });
  run(s, 'RPUSH', 'l', '1', '2');
  run(s, 'SET', 'w_2', '5');
  t.equal(run(s, 'SORT', 'l', 'BY', 'w_*'), CROSS);
  t.equal(run(s, 'SORT', 'l', 'GET', 'w_*'), CROSS);
  t.equal(run(s, 'SORT', 'l', 'GET', 'w_*', 'STORE', 'dst'), CROSS);
  t.equal(run(s, 'EXISTS', 'dst'), ':0\r\n', 'nothing written');
  t.equal(run(s, 'SORT', 'l', 'GET', 'w_*', 'LIMIT', '1', '1'), '*1\r\n$1\r\n5\r\n', 'only the keys really read count');
  t.equal(run(s, 'SORT', 'l', 'BY', 'nosort', 'GET', '#', 'GET', 'nostar'), '*4\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$-1\r\n');
  run(s, 'RPUSH', '{b}:l', '1', '2');
  run(s, 'SET', '{b}:w_1', '9');
  t.equal(run(s, 'SORT', '{b}:l', 'BY', '{b}:w_*', 'GET', '{b}:w_*'), '*2\r\n$-1\r\n$1\r\n9\r\n', 'hashtagged patterns are served');
});

t.test('key finder', async (t) => {
  const sort = lookupCommand('sort')!;
  const idx = (...a: string[]): number[] => keyIndices(sort, a.length, (i) => a[i]);
  t.same(idx('sort', 'k'), [1]);
  t.same(idx('sort', 'k', 'STORE', 'd'), [1, 3]);
  t.same(idx('sort', 'k', 'store', 'a', 'LIMIT', '0', '1', 'store', 'b'), [1, 8]);
  t.same(idx('sort', 'k', 'LIMIT', 'store', 'x'), [1]);
  t.same(idx('sort', 'k', 'GET', 'store'), [1]);
  t.same(idx('sort', 'k', 'store'), [1]);
});

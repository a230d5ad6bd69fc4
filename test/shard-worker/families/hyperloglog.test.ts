/**
 * HyperLogLog commands against a Shard; expected replies were captured from redis-server 7.0.15.
 */
import t from 'tap';
import { expireNow, fakeList, makeShard, run } from '../../helpers/shard-harness.js';

const many = (n: number, p = 'e'): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);

t.test('PFADD / PFCOUNT and the cached cardinality', async (t) => {
  const shard = makeShard();
  t.equal(run(shard, 'PFADD', 'h', 'a', 'b', 'c'), ':1\r\n');
  t.equal(run(shard, 'GET', 'h'), '$27\r\nHYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n');
  const before = shard.dirty;
  t.equal(run(shard, 'PFCOUNT', 'h'), ':3\r\n');
  t.equal(shard.dirty, before + 1, 'cache update signals the key');
  t.equal(run(shard, 'GET', 'h'), '$27\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n');
  t.equal(run(shard, 'PFCOUNT', 'h'), ':3\r\n');
  t.equal(shard.dirty, before + 1, 'cached value: no write');
  t.equal(run(shard, 'PFADD', 'h', 'a'), ':0\r\n');
  t.equal(run(shard, 'PFADD', 'e'), ':1\r\n');
  t.equal(run(shard, 'PFADD', 'e'), ':0\r\n');
  t.equal(run(shard, 'PFCOUNT', 'nokey'), ':0\r\n');
  t.equal(run(shard, 'PFADD', 'big', ...many(1000)), ':1\r\n');
  t.equal(run(shard, 'STRLEN', 'big'), ':1906\r\n');
  t.equal(run(shard, 'PFCOUNT', 'big'), ':1008\r\n');
  t.equal(run(shard, 'PFADD', 'big2', ...many(10000)), ':1\r\n');
  t.equal(run(shard, 'PFDEBUG', 'ENCODING', 'big2'), '+dense\r\n');
  t.equal(run(shard, 'PFCOUNT', 'big2'), ':9973\r\n');
  t.equal(run(shard, 'PFCOUNT', 'big', 'big2', 'h'), ':9977\r\n');
  t.equal(run(shard, 'GET', 'h'), '$27\r\nHYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ\r\n');
});

t.test('PFMERGE', async (t) => {
  const shard = makeShard();
  run(shard, 'PFADD', 'a', ...many(1000));
  run(shard, 'PFADD', 'b', ...many(10000));
  t.equal(run(shard, 'PFMERGE', 'd', 'a', 'nokey'), '+OK\r\n');
  t.equal(run(shard, 'PFDEBUG', 'ENCODING', 'd'), '+sparse\r\n');
  t.equal(run(shard, 'PFCOUNT', 'd'), ':1008\r\n');
  t.equal(run(shard, 'PFMERGE', 'd', 'b'), '+OK\r\n');
  t.equal(run(shard, 'PFDEBUG', 'ENCODING', 'd'), '+dense\r\n');
  t.equal(run(shard, 'PFCOUNT', 'd'), ':9973\r\n');
  t.equal(run(shard, 'PFMERGE', 'empty'), '+OK\r\n');
  t.equal(run(shard, 'PFCOUNT', 'empty'), ':0\r\n');
});

t.test('errors', async (t) => {
  const shard = makeShard();
  run(shard, 'SET', 's', 'foo');
  fakeList(shard, 'l');
  t.equal(run(shard, 'PFADD', 's', 'a'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
  t.equal(run(shard, 'PFCOUNT', 's'), '-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n');
  t.equal(run(shard, 'PFADD', 'l', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'PFMERGE', 'd', 'l'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'EXISTS', 'd'), ':0\r\n');
  run(shard, 'SET', 'c', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xf0');
  t.equal(run(shard, 'PFCOUNT', 'c'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
  t.equal(run(shard, 'PFCOUNT', 'c', 'nokey'), '-INVALIDOBJ Corrupted HLL object detected\r\n');
  t.equal(run(shard, 'PFDEBUG', 'ENCODING', 'nokey'), '-ERR The specified key does not exist\r\n');
  run(shard, 'PFADD', 'h', 'a');
  t.equal(run(shard, 'PFDEBUG', 'foo', 'h'), "-ERR Unknown PFDEBUG subcommand 'foo'\r\n");
});

t.test('PFDEBUG and TTL', async (t) => {
  const shard = makeShard();
  run(shard, 'PFADD', 'p', 'a', 'b');
  t.equal(run(shard, 'PFDEBUG', 'DECODE', 'p'), '$32\r\nZ:12711 v:2,1 Z:3068 v:1,1 Z:603\r\n');
  t.equal(run(shard, 'PFDEBUG', 'TODENSE', 'p'), ':1\r\n');
  t.equal(run(shard, 'PFDEBUG', 'TODENSE', 'p'), ':0\r\n');
  t.equal(run(shard, 'PFDEBUG', 'DECODE', 'p'), '-ERR HLL encoding is not sparse\r\n');
  t.equal(run(shard, 'PFCOUNT', 'p'), ':2\r\n');
  t.match(run(shard, 'PFDEBUG', 'GETREG', 'p'), /^\*16384\r\n/);
  run(shard, 'EXPIRE', 'p', '1000');
  run(shard, 'PFADD', 'p', 'zz');
  t.equal(run(shard, 'TTL', 'p'), ':1000\r\n');
  expireNow(shard, 'p');
  t.equal(run(shard, 'PFCOUNT', 'p'), ':0\r\n');
});

t.test('hll-sparse-max-bytes from the shard config', async (t) => {
  const shard = makeShard();
  Object.assign(shard.config, { hllSparseMaxBytes: 100 });
  run(shard, 'PFADD', 'small', ...many(30));
  t.equal(run(shard, 'PFDEBUG', 'ENCODING', 'small'), '+dense\r\n');
  t.equal(run(shard, 'STRLEN', 'small'), ':12304\r\n');
});

/**
 * Sorted-set commands against a Shard; expected bytes are Redis 7.0.15's replies to the same commands.
 */
import t from 'tap';
import { fakeList, makeShard, run, run3 } from '../../helpers/shard-harness.js';

t.test('ZADD, ZSCORE, ZINCRBY and errors', async (t) => {
  const s = makeShard();
  t.equal(run(s, 'ZADD', 'z', '1', 'a', '2', 'b'), ':2\r\n');
  t.equal(run(s, 'ZADD', 'z', 'CH', '5', 'a', '2', 'b', '3', 'c'), ':2\r\n');
  t.equal(run(s, 'ZADD', 'z', 'NX', 'XX', '1', 'a'), '-ERR XX and NX options at the same time are not compatible\r\n');
  t.equal(run(s, 'ZADD', 'z', 'GT', 'LT', '1', 'a'), '-ERR GT, LT, and/or NX options at the same time are not compatible\r\n');
  t.equal(run(s, 'ZADD', 'z', 'INCR', '1', 'a', '2', 'b'), '-ERR INCR option supports a single increment-element pair\r\n');
  t.equal(run(s, 'ZADD', 'z', 'x', 'a'), '-ERR value is not a valid float\r\n');
  t.equal(run(s, 'ZADD', 'z', '1', 'a', '2'), '-ERR syntax error\r\n');
  t.equal(run(s, 'ZINCRBY', 'z', '0.5', 'a'), '$3\r\n5.5\r\n');
  t.equal(run3(s, 'ZINCRBY', 'z', '0.1', 'b'), ',2.1000000000000001\r\n');
  t.equal(run(s, 'ZADD', 'z', 'inf', 'i'), ':1\r\n');
  t.equal(run(s, 'ZINCRBY', 'z', '-inf', 'i'), '-ERR resulting score is not a number (NaN)\r\n');
  t.equal(run(s, 'ZSCORE', 'z', 'i'), '$3\r\ninf\r\n');
  t.equal(run(s, 'ZADD', 'z', 'GT', 'INCR', '-1', 'a'), '$-1\r\n');
  t.equal(run(s, 'ZADD', 'nokey', 'XX', '1', 'a'), ':0\r\n');
  t.equal(run(s, 'EXISTS', 'nokey'), ':0\r\n');
  fakeList(s, 'l');
  t.equal(run(s, 'ZADD', 'l', '1', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(s, 'ZSCORE', 'l', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(s, 'TYPE', 'z'), '+zset\r\n');
  t.equal(run(s, 'OBJECT', 'ENCODING', 'z'), '$8\r\nlistpack\r\n');
});

t.test('ranges, ranks and removal', async (t) => {
  const s = makeShard();
  run(s, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  t.equal(run(s, 'ZRANGE', 'z', '1', '2'), '*2\r\n$1\r\nb\r\n$1\r\nc\r\n');
  t.equal(run(s, 'ZRANGE', 'z', '0', '0', 'WITHSCORES'), '*2\r\n$1\r\na\r\n$1\r\n1\r\n');
  t.equal(run3(s, 'ZRANGE', 'z', '0', '0', 'WITHSCORES'), '*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  t.equal(run(s, 'ZREVRANGEBYSCORE', 'z', '(4', '2', 'LIMIT', '0', '1'), '*1\r\n$1\r\nc\r\n');
  t.equal(run(s, 'ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'), '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n');
  t.equal(run(s, 'ZRANGEBYSCORE', 'z', 'x', '1'), '-ERR min or max is not a float\r\n');
  t.equal(run(s, 'ZRANGEBYLEX', 'z', 'x', '+'), '-ERR min or max not valid string range item\r\n');
  t.equal(run(s, 'ZRANK', 'z', 'c'), ':2\r\n');
  t.equal(run(s, 'ZREVRANK', 'z', 'c'), ':1\r\n');
  t.equal(run(s, 'ZCOUNT', 'z', '(1', '3'), ':2\r\n');
  t.equal(run(s, 'ZPOPMIN', 'z'), '*2\r\n$1\r\na\r\n$1\r\n1\r\n');
  t.equal(run3(s, 'ZPOPMAX', 'z', '1'), '*1\r\n*2\r\n$1\r\nd\r\n,4\r\n');
  t.equal(run(s, 'ZREMRANGEBYSCORE', 'z', '-inf', '+inf'), ':2\r\n');
  t.equal(run(s, 'EXISTS', 'z'), ':0\r\n');
});

t.test('conversion to skiplist and set operations', async (t) => {
  const s = makeShard();
  const argv = ['ZADD', 'big'];
  for (let i = 0; i < 200; i++) argv.push(String(i), `m${i}`);
  t.equal(run(s, ...argv), ':200\r\n');
  t.equal(run(s, 'OBJECT', 'ENCODING', 'big'), '$8\r\nskiplist\r\n');
  t.equal(run(s, 'ZRANGE', 'big', '150', '150', 'WITHSCORES'), '*2\r\n$4\r\nm150\r\n$3\r\n150\r\n');
  t.equal(run(s, 'ZRANGESTORE', 'small', 'big', '0', '9'), ':10\r\n');
  t.equal(run(s, 'OBJECT', 'ENCODING', 'small'), '$8\r\nlistpack\r\n');
  t.equal(run(s, 'ZINTERSTORE', 'i', '2', 'big', 'small', 'WEIGHTS', '1', '2'), ':10\r\n');
  t.equal(run(s, 'ZSCORE', 'i', 'm3'), '$1\r\n9\r\n');
  t.equal(run(s, 'ZDIFF', '2', 'small', 'i'), '*0\r\n');
  t.equal(run(s, 'ZINTERCARD', '2', 'big', 'small', 'LIMIT', '3'), ':3\r\n');
  t.equal(run(s, 'ZMPOP', '2', 'nokey', 'small', 'MAX', 'COUNT', '1'), '*2\r\n$5\r\nsmall\r\n*1\r\n*2\r\n$2\r\nm9\r\n$1\r\n9\r\n');
  t.equal(run(s, 'COPY', 'big', 'big2'), ':1\r\n');
  t.equal(run(s, 'ZCARD', 'big2'), ':200\r\n');
});

t.test('ZRANDMEMBER shapes and ZSCAN cursors', async (t) => {
  const s = makeShard();
  run(s, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  t.match(run(s, 'ZRANDMEMBER', 'z'), /^\$1\r\n[abc]\r\n$/);
  t.match(run(s, 'ZRANDMEMBER', 'z', '-5'), /^\*5\r\n(\$1\r\n[abc]\r\n){5}$/);
  t.match(run(s, 'ZRANDMEMBER', 'z', '2', 'WITHSCORES'), /^\*4\r\n/);
  const argv = ['ZADD', 'big'];
  for (let i = 0; i < 300; i++) argv.push(String(i), `m${i}`);
  run(s, ...argv);
  const seen = new Set<string>();
  let cursor = '0';
  let rounds = 0;
  do {
    const reply = run(s, 'ZSCAN', 'big', cursor, 'COUNT', '50');
    const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n/.exec(reply);
    cursor = m![1];
    for (const mm of reply.matchAll(/\r\n(m\d+)\r\n/g)) seen.add(mm[1]);
    rounds++;
  } while (cursor !== '0' && rounds < 100);
  t.equal(seen.size, 300);
  t.ok(rounds > 1);
});

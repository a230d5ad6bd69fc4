/**
 * List commands against a Shard. Expected replies are redis-server 7.0.15's (the differential test
 * test/differential/lists.test.ts compares far more sequences byte for byte with a live server).
 */
import t from 'tap';
import { expireNow, makeShard, run, run3 } from '../../helpers/shard-harness.js';
import { ListValue } from '../../../src/shard-worker/families/lists.js';
import { decodeEntries, encodeEntries } from '../../../src/shard-worker/value-codec.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
const arr = (...xs: string[]): string => `*${xs.length}\r\n` + xs.map((x) => `$${x.length}\r\n${x}\r\n`).join('');

t.test('push, pop, length, empty lists are deleted', async (t) => {
  const s = makeShard();
  t.equal(run(s, 'LPUSH', 'l', 'a', 'b', 'c'), ':3\r\n');
  t.equal(run(s, 'RPUSH', 'l', 'x', 'y'), ':5\r\n');
  t.equal(run(s, 'LRANGE', 'l', '0', '-1'), arr('c', 'b', 'a', 'x', 'y'));
  t.equal(run(s, 'LPUSHX', 'nokey', 'a'), ':0\r\n');
  t.equal(run(s, 'EXISTS', 'nokey'), ':0\r\n');
  t.equal(run(s, 'RPUSHX', 'l', 'z'), ':6\r\n');
  t.equal(run(s, 'LLEN', 'l'), ':6\r\n');
  t.equal(run(s, 'LPOP', 'l'), '$1\r\nc\r\n');
  t.equal(run(s, 'RPOP', 'l'), '$1\r\nz\r\n');
  t.equal(run(s, 'RPOP', 'l', '2'), arr('y', 'x'));
  t.equal(run(s, 'LPOP', 'l', '0'), '*0\r\n');
  t.equal(run(s, 'LPOP', 'l', '-1'), '-ERR value is out of range, must be positive\r\n');
  t.equal(run(s, 'LPOP', 'l', 'x'), '-ERR value is out of range, must be positive\r\n');
  t.equal(run(s, 'LPOP', 'l', '1', '2'), "-ERR wrong number of arguments for 'lpop' command\r\n");
  t.equal(run(s, 'LPOP', 'l', '10'), arr('b', 'a'));
  t.equal(run(s, 'EXISTS', 'l'), ':0\r\n');
  t.equal(run(s, 'LPOP', 'l'), '$-1\r\n');
  t.equal(run(s, 'LPOP', 'l', '1'), '*-1\r\n');
  t.equal(run(s, 'LPOP', 'l', '0'), '*-1\r\n');
  t.equal(run3(s, 'LPOP', 'l'), '_\r\n');
  t.equal(run3(s, 'RPOP', 'l', '3'), '_\r\n');
  t.equal(run(s, 'LLEN', 'l'), ':0\r\n');
});

t.test('wrong type and TYPE / OBJECT ENCODING / COPY', async (t) => {
  const s = makeShard();
  run(s, 'SET', 'str', 'v');
  for (const argv of [
    ['LPUSH', 'str', 'a'], ['RPUSHX', 'str', 'a'], ['LPOP', 'str'], ['LLEN', 'str'], ['LRANGE', 'str', '0', '1'], ['LINDEX', 'str', '0'],
    ['LSET', 'str', '0', 'a'], ['LINSERT', 'str', 'BEFORE', 'a', 'b'], ['LREM', 'str', '0', 'a'], ['LTRIM', 'str', '0', '1'], ['LPOS', 'str', 'a'],
    ['LMOVE', 'str', 'd', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'str', 'd'], ['LMPOP', '1', 'str', 'LEFT'],
  ]) t.equal(run(s, ...argv), WRONGTYPE, argv.join(' '));
  run(s, 'RPUSH', 'l', 'a', 'b');
  t.equal(run(s, 'GET', 'l'), WRONGTYPE);
  t.equal(run(s, 'TYPE', 'l'), '+list\r\n');
  t.equal(run(s, 'OBJECT', 'ENCODING', 'l'), '$9\r\nquicklist\r\n');
  t.equal(run(s, 'COPY', 'l', 'l2'), ':1\r\n');
  t.equal(run(s, 'RPUSH', 'l2', 'c'), ':3\r\n');
  t.equal(run(s, 'LLEN', 'l'), ':2\r\n');
});

t.test('LRANGE LINDEX LSET', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  t.equal(run(s, 'LRANGE', 'l', '1', '3'), arr('b', 'c', 'd'));
  t.equal(run(s, 'LRANGE', 'l', '-100', '100'), arr('a', 'b', 'c', 'd', 'e'));
  t.equal(run(s, 'LRANGE', 'l', '3', '1'), '*0\r\n');
  t.equal(run(s, 'LRANGE', 'l', '-9223372036854775808', '9223372036854775807'), arr('a', 'b', 'c', 'd', 'e'));
  t.equal(run(s, 'LRANGE', 'nokey', 'x', '1'), '-ERR value is not an integer or out of range\r\n');
  t.equal(run(s, 'LINDEX', 'l', '-1'), '$1\r\ne\r\n');
  t.equal(run(s, 'LINDEX', 'l', '5'), '$-1\r\n');
  t.equal(run(s, 'LINDEX', 'nokey', 'x'), '$-1\r\n');
  t.equal(run(s, 'LINDEX', 'l', 'x'), '-ERR value is not an integer or out of range\r\n');
  t.equal(run(s, 'LSET', 'l', '-1', 'E'), '+OK\r\n');
  t.equal(run(s, 'LSET', 'l', '5', 'x'), '-ERR index out of range\r\n');
  t.equal(run(s, 'LSET', 'nokey', '0', 'x'), '-ERR no such key\r\n');
  t.equal(run(s, 'LINDEX', 'l', '4'), '$1\r\nE\r\n');
});

t.test('LINSERT LREM LTRIM', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', 'a', 'b', 'c', 'b', 'a');
  t.equal(run(s, 'LINSERT', 'l', 'BEFORE', 'b', 'X'), ':6\r\n');
  t.equal(run(s, 'LINSERT', 'l', 'after', 'b', 'Y'), ':7\r\n');
  t.equal(run(s, 'LINSERT', 'l', 'AFTER', 'nope', 'Q'), ':-1\r\n');
  t.equal(run(s, 'LINSERT', 'l', 'MIDDLE', 'a', 'Q'), '-ERR syntax error\r\n');
  t.equal(run(s, 'LINSERT', 'nokey', 'BEFORE', 'a', 'Q'), ':0\r\n');
  t.equal(run(s, 'LRANGE', 'l', '0', '-1'), arr('a', 'X', 'b', 'Y', 'c', 'b', 'a'));
  t.equal(run(s, 'LREM', 'l', '-1', 'a'), ':1\r\n');
  t.equal(run(s, 'LREM', 'l', '0', 'b'), ':2\r\n');
  t.equal(run(s, 'LRANGE', 'l', '0', '-1'), arr('a', 'X', 'Y', 'c'));
  t.equal(run(s, 'LTRIM', 'l', '1', '-2'), '+OK\r\n');
  t.equal(run(s, 'LRANGE', 'l', '0', '-1'), arr('X', 'Y'));
  t.equal(run(s, 'LTRIM', 'l', '5', '1'), '+OK\r\n');
  t.equal(run(s, 'EXISTS', 'l'), ':0\r\n');
  t.equal(run(s, 'LTRIM', 'nokey', 'a', '1'), '-ERR value is not an integer or out of range\r\n');
  run(s, 'RPUSH', 'r', 'a', 'a');
  t.equal(run(s, 'LREM', 'r', '0', 'a'), ':2\r\n');
  t.equal(run(s, 'EXISTS', 'r'), ':0\r\n');
});

t.test('LPOS', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'p', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
  t.equal(run(s, 'LPOS', 'p', 'c'), ':2\r\n');
  t.equal(run(s, 'LPOS', 'p', 'c', 'RANK', '-2'), ':6\r\n');
  t.equal(run(s, 'LPOS', 'p', 'c', 'COUNT', '0'), '*3\r\n:2\r\n:6\r\n:7\r\n');
  t.equal(run(s, 'LPOS', 'p', 'c', 'RANK', '-1', 'COUNT', '2'), '*2\r\n:7\r\n:6\r\n');
  t.equal(run(s, 'LPOS', 'p', 'c', 'MAXLEN', '2'), '$-1\r\n');
  t.equal(
    run(s, 'LPOS', 'p', 'c', 'RANK', '0'),
    "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
  );
  t.equal(run(s, 'LPOS', 'p', 'c', 'COUNT', '-1'), "-ERR COUNT can't be negative\r\n");
  t.equal(run(s, 'LPOS', 'p', 'c', 'MAXLEN', '-1'), "-ERR MAXLEN can't be negative\r\n");
  t.equal(run(s, 'LPOS', 'p', 'c', 'RANK'), '-ERR syntax error\r\n');
  t.equal(run(s, 'LPOS', 'p', 'c', 'RANK', '-9223372036854775808'), ':7\r\n');
  t.equal(run(s, 'LPOS', 'nokey', 'c', 'COUNT', '1'), '*0\r\n');
  t.equal(run3(s, 'LPOS', 'nokey', 'c'), '_\r\n');
});

t.test('LMOVE RPOPLPUSH LMPOP', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'src', 'a', 'b', 'c');
  t.equal(run(s, 'LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'), '$1\r\na\r\n');
  t.equal(run(s, 'RPOPLPUSH', 'src', 'dst'), '$1\r\nc\r\n');
  t.equal(run(s, 'LRANGE', 'dst', '0', '-1'), arr('c', 'a'));
  t.equal(run(s, 'LMOVE', 'src', 'dst', 'UP', 'LEFT'), '-ERR syntax error\r\n');
  t.equal(run(s, 'LMOVE', 'src', 'src', 'LEFT', 'RIGHT'), '$1\r\nb\r\n');
  t.equal(run(s, 'LRANGE', 'src', '0', '-1'), arr('b'));
  t.equal(run(s, 'RPOPLPUSH', 'nokey', 'dst'), '$-1\r\n');
  t.equal(run(s, 'LMPOP', '2', 'nokey', 'dst', 'RIGHT', 'COUNT', '5'), '*2\r\n$3\r\ndst\r\n' + arr('a', 'c'));
  t.equal(run(s, 'EXISTS', 'dst'), ':0\r\n');
  t.equal(run(s, 'LMPOP', '1', 'dst', 'LEFT'), '*-1\r\n');
  t.equal(run3(s, 'LMPOP', '1', 'dst', 'LEFT'), '_\r\n');
  t.equal(run(s, 'LMPOP', '0', 'a', 'LEFT'), '-ERR numkeys should be greater than 0\r\n');
  t.equal(run(s, 'LMPOP', '3', 'a', 'LEFT'), '-ERR syntax error\r\n');
  t.equal(run(s, 'LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'), '-ERR count should be greater than 0\r\n');
});

t.test('expired lists are gone; writes report modified keys', async (t) => {
  const s = makeShard();
  run(s, 'RPUSH', 'l', 'a');
  expireNow(s, 'l');
  t.equal(run(s, 'LLEN', 'l'), ':0\r\n');
  t.equal(run(s, 'RPUSHX', 'l', 'a'), ':0\r\n');
  t.equal(run(s, 'RPUSH', 'l', 'b'), ':1\r\n');
  t.equal(run(s, 'TTL', 'l'), ':-1\r\n');
});

t.test('codec round-trips a list', async (t) => {
  const l = new ListValue();
  for (let i = 0; i < 300; i++) l.pushTail(String.fromCharCode(i & 255, 0, 255) + i);
  l.pushHead('');
  const [e] = decodeEntries(encodeEntries([{ db: 3, key: 'k', value: l, expireAt: 42 }]));
  t.ok(e.value instanceof ListValue);
  t.same((e.value as ListValue).toArray(), l.toArray());
  t.equal(e.expireAt, 42);
});

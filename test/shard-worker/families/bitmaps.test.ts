/**
 * Bitmap commands against a Shard, compared byte for byte with replies captured from redis-server
 * 7.0.15. Wrong-type cases use a stand-in list (test/helpers/shard-harness.ts) where Redis had RPUSH.
 */
import t from 'tap';
import { expireNow, fakeList, makeShard, run } from '../../helpers/shard-harness.js';

t.test('SETBIT / GETBIT', async (t) => {
  const shard = makeShard();
  t.equal(run(shard, 'SETBIT', 'k', '7', '1'), ':0\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '7', '0'), ':1\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '9', '1'), ':0\r\n');
  t.equal(run(shard, 'GET', 'k'), '$2\r\n\x00\x40\r\n');
  t.equal(run(shard, 'GETBIT', 'k', '9'), ':1\r\n');
  t.equal(run(shard, 'GETBIT', 'k', '8'), ':0\r\n');
  t.equal(run(shard, 'GETBIT', 'k', '1000'), ':0\r\n');
  t.equal(run(shard, 'GETBIT', 'nokey', '0'), ':0\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '-1', '1'), '-ERR bit offset is not an integer or out of range\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '1', '2'), '-ERR bit is not an integer or out of range\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '1', 'x'), '-ERR bit is not an integer or out of range\r\n');
  t.equal(run(shard, 'GETBIT', 'k', '#1'), '-ERR bit offset is not an integer or out of range\r\n');
  fakeList(shard, 'l');
  t.equal(run(shard, 'SETBIT', 'l', '0', '1'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'GETBIT', 'l', '0'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'GETBIT', 'l', 'x'), '-ERR bit offset is not an integer or out of range\r\n');
  t.equal(run(shard, 'SETBIT', 'l', '0', '5'), '-ERR bit is not an integer or out of range\r\n');
  run(shard, 'SET', 'e', 'x');
  expireNow(shard, 'e');
  t.equal(run(shard, 'SETBIT', 'e', '0', '1'), ':0\r\n', 'an expired key starts empty');
  t.equal(run(shard, 'GET', 'e'), '$1\r\n\x80\r\n');
});

t.test('offsets are limited by proto-max-bulk-len', async (t) => {
  const shard = makeShard(16, 1024);
  t.equal(run(shard, 'SETBIT', 'k', '8192', '1'), '-ERR bit offset is not an integer or out of range\r\n');
  t.equal(run(shard, 'SETBIT', 'k', '8191', '1'), ':0\r\n');
  t.equal(run(shard, 'STRLEN', 'k'), ':1024\r\n');
  t.equal(run(shard, 'BITFIELD', 'k', 'GET', 'u8', '#1024'), '-ERR bit offset is not an integer or out of range\r\n');
  t.equal(run(shard, 'BITFIELD', 'k', 'SET', 'u8', '8191', '1'), '*1\r\n:128\r\n');
  t.equal(run(shard, 'STRLEN', 'k'), ':1025\r\n', 'a field may reach one byte past the limit, as in Redis');
});

t.test('BITCOUNT and BITPOS', async (t) => {
  const shard = makeShard();
  run(shard, 'SET', 's', '\xff\xf0\x00');
  t.equal(run(shard, 'BITCOUNT', 's'), ':12\r\n');
  t.equal(run(shard, 'BITCOUNT', 's', '1', '1'), ':4\r\n');
  t.equal(run(shard, 'BITCOUNT', 's', '4', '11', 'BIT'), ':8\r\n');
  t.equal(run(shard, 'BITCOUNT', 's', '-1', '-2'), ':0\r\n');
  t.equal(run(shard, 'BITCOUNT', 's', '0'), '-ERR syntax error\r\n');
  t.equal(run(shard, 'BITCOUNT', 'nokey', 'a', 'b'), ':0\r\n', 'Redis 7.0 answers a missing key before parsing');
  t.equal(run(shard, 'BITPOS', 's', '0'), ':12\r\n');
  t.equal(run(shard, 'BITPOS', 's', '1', '2'), ':-1\r\n');
  t.equal(run(shard, 'BITPOS', 's', '0', '0', '11', 'BIT'), ':-1\r\n');
  t.equal(run(shard, 'BITPOS', 's', '0', '0', '12', 'BIT'), ':12\r\n');
  t.equal(run(shard, 'BITPOS', 's', '2'), '-ERR The bit argument must be 1 or 0.\r\n');
  t.equal(run(shard, 'BITPOS', 'nokey', '0'), ':0\r\n');
  t.equal(run(shard, 'BITPOS', 'nokey', '1'), ':-1\r\n');
  run(shard, 'SET', 'f', '\xff\xff');
  t.equal(run(shard, 'BITPOS', 'f', '0'), ':16\r\n', 'no end given: the string is padded with zeros');
  t.equal(run(shard, 'BITPOS', 'f', '0', '0', '-1'), ':-1\r\n', 'explicit end: no clear bit in range');
  fakeList(shard, 'l');
  t.equal(run(shard, 'BITCOUNT', 'l', '1'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'BITPOS', 'l', '1', 'x'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
});

t.test('BITOP', async (t) => {
  const shard = makeShard();
  run(shard, 'SET', 's', 'abc');
  t.equal(run(shard, 'BITOP', 'NOT', 'd', 's'), ':3\r\n');
  t.equal(run(shard, 'BITCOUNT', 'd', '0', '10', 'BIT'), ':6\r\n');
  t.equal(run(shard, 'BITPOS', 'd', '0', '2', '-1'), ':17\r\n');
  run(shard, 'SET', 'b', '\x0f');
  t.equal(run(shard, 'BITOP', 'AND', 'd', 's', 'b'), ':3\r\n');
  t.equal(run(shard, 'GET', 'd'), '$3\r\n\x01\x00\x00\r\n');
  t.equal(run(shard, 'BITOP', 'OR', 'd', 's', 'b'), ':3\r\n');
  t.equal(run(shard, 'GET', 'd'), '$3\r\nobc\r\n');
  t.equal(run(shard, 'BITOP', 'XOR', 'd', 's', 'b'), ':3\r\n');
  t.equal(run(shard, 'GET', 'd'), '$3\r\nnbc\r\n');
  t.equal(run(shard, 'BITOP', 'AND', 'd', 'nokey'), ':0\r\n');
  t.equal(run(shard, 'EXISTS', 'd'), ':0\r\n', 'an empty result deletes the destination');
  t.equal(run(shard, 'BITOP', 'NOT', 'd', 's', 'b'), '-ERR BITOP NOT must be called with a single source key.\r\n');
  t.equal(run(shard, 'BITOP', 'NAND', 'd', 's'), '-ERR syntax error\r\n');
  fakeList(shard, 'l');
  t.equal(run(shard, 'BITOP', 'OR', 'd', 's', 'l'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'BITOP', 'OR', 'l', 's'), ':3\r\n', 'the destination is overwritten whatever its type');
  t.equal(run(shard, 'GET', 'l'), '$3\r\nabc\r\n');
});

t.test('BITFIELD and BITFIELD_RO', async (t) => {
  const shard = makeShard();
  run(shard, 'SET', 's', 'abc');
  t.equal(run(shard, 'BITFIELD', 's', 'GET', 'i8', '0', 'SET', 'u4', '4', '15', 'INCRBY', 'i4', '4', '1'), '*3\r\n:97\r\n:1\r\n:0\r\n');
  t.equal(run(shard, 'GET', 's'), '$3\r\n`bc\r\n');
  t.equal(
    run(shard, 'BITFIELD', 'k', 'INCRBY', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '102', '1', 'INCRBY', 'u2', '102', '1', 'INCRBY', 'u2', '102', '1'),
    '*4\r\n:1\r\n:1\r\n:2\r\n:3\r\n',
  );
  t.equal(run(shard, 'BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '102', '1', 'OVERFLOW', 'WRAP', 'INCRBY', 'u2', '102', '1'), '*2\r\n$-1\r\n:0\r\n');
  t.equal(
    run(shard, 'BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '1'),
    '*4\r\n:0\r\n:9223372036854775807\r\n:9223372036854775807\r\n:9223372036854775807\r\n',
  );
  t.equal(run(shard, 'BITFIELD', 'k', 'GET', 'u64', '0'), '-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n');
  t.equal(run(shard, 'BITFIELD', 'k', 'OVERFLOW', 'FOO'), '-ERR Invalid OVERFLOW type specified\r\n');
  t.equal(run(shard, 'BITFIELD', 'k', 'FOO'), '-ERR syntax error\r\n');
  t.equal(run(shard, 'BITFIELD', 'k', 'SET', 'u8', '0', 'x'), '-ERR value is not an integer or out of range\r\n');
  t.equal(run(shard, 'BITFIELD', 'k'), '*0\r\n');
  t.equal(run(shard, 'BITFIELD_RO', 'k', 'GET', 'u8', '0', 'SET', 'u8', '0', '1'), '-ERR BITFIELD_RO only supports the GET subcommand\r\n');
  t.equal(run(shard, 'BITFIELD_RO', 's', 'GET', 'u8', '#1'), '*1\r\n:98\r\n');
  t.equal(run(shard, 'BITFIELD', 'new', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '10', '8'), '*1\r\n$-1\r\n');
  t.equal(run(shard, 'GET', 'new'), '$2\r\n\x00\x00\r\n', 'the key is created even when every write fails');
  t.equal(run(shard, 'BITFIELD', 'new2', 'GET', 'u8', '0'), '*1\r\n:0\r\n');
  t.equal(run(shard, 'EXISTS', 'new2'), ':0\r\n');
  fakeList(shard, 'l');
  t.equal(run(shard, 'BITFIELD', 'l', 'GET', 'u8', '0'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'BITFIELD', 'l', 'GET', 'u8', 'x'), '-ERR bit offset is not an integer or out of range\r\n');
});

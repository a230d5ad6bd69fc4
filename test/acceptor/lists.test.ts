/** Lists through a real two-shard server: LMOVE, RPOPLPUSH and LMPOP with keys on different shards. */
import t from 'tap';
import { withServer, RawConn, keysByShard } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 4, 'list');

t.test('LMOVE / RPOPLPUSH / LMPOP across shards move lists through the lock manager', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('RPUSH', s0[0], 'a', 'b', 'c'), ':3\r\n');
  t.equal(await c.call('RPUSH', s1[0], 'x'), ':1\r\n');
  t.equal(await c.call('PEXPIRE', s1[0], '100000'), ':1\r\n');
  t.equal(await c.call('LMOVE', s0[0], s1[0], 'LEFT', 'RIGHT'), '$1\r\na\r\n');
  t.equal(await c.call('LRANGE', s1[0], '0', '-1'), '*2\r\n$1\r\nx\r\n$1\r\na\r\n');
  t.equal(await c.call('LRANGE', s0[0], '0', '-1'), '*2\r\n$1\r\nb\r\n$1\r\nc\r\n');
  const ttl = await c.call('PTTL', s1[0]);
  t.ok(/^:\d+\r\n$/.test(ttl) && Number(ttl.slice(1)) > 90000, 'destination keeps its TTL');
  // A new destination on the other shard, then the source emptied and deleted.
  t.equal(await c.call('RPOPLPUSH', s0[0], s1[1]), '$1\r\nc\r\n');
  t.equal(await c.call('LMOVE', s0[0], s1[1], 'RIGHT', 'RIGHT'), '$1\r\nb\r\n');
  t.equal(await c.call('EXISTS', s0[0]), ':0\r\n');
  t.equal(await c.call('LRANGE', s1[1], '0', '-1'), '*2\r\n$1\r\nc\r\n$1\r\nb\r\n');
  t.equal(await c.call('RPOPLPUSH', s0[0], s1[1]), '$-1\r\n');
  // Wrong type on the foreign destination: nothing moves.
  t.equal(await c.call('SET', s0[2], 'str'), '+OK\r\n');
  t.equal(await c.call('LMOVE', s1[1], s0[2], 'LEFT', 'LEFT'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(await c.call('LLEN', s1[1]), ':2\r\n');
  // LMPOP picks the first non-empty list whichever shard holds it.
  t.equal(await c.call('LMPOP', '3', s0[3], s1[3], s1[1], 'LEFT', 'COUNT', '5'), '*2\r\n$' + s1[1].length + '\r\n' + s1[1] + '\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n');
  t.equal(await c.call('EXISTS', s1[1]), ':0\r\n');
  t.equal(await c.call('LMPOP', '2', s0[3], s1[3], 'LEFT'), '*-1\r\n');
  // Big lists with binary elements survive the trip both ways.
  const items: Buffer[] = [];
  for (let i = 0; i < 500; i++) items.push(Buffer.from([i & 255, 0, 13, 10, (i >> 8) & 255]));
  t.equal(await c.call('RPUSH', s1[2], ...items), ':500\r\n');
  t.equal(await c.call('LMOVE', s1[2], s0[1], 'LEFT', 'LEFT'), '$5\r\n' + items[0].toString('latin1') + '\r\n');
  t.equal(await c.call('LLEN', s1[2]), ':499\r\n');
  t.equal(await c.call('LINDEX', s1[2], '-1'), '$5\r\n' + items[499].toString('latin1') + '\r\n');
  t.equal(await c.call('LMOVE', s0[1], s1[2], 'LEFT', 'LEFT'), '$5\r\n' + items[0].toString('latin1') + '\r\n');
  t.equal(await c.call('LLEN', s1[2]), ':500\r\n');
  t.equal(await c.call('LINDEX', s1[2], '0'), '$5\r\n' + items[0].toString('latin1') + '\r\n');
});

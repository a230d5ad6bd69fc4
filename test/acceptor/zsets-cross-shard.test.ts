import t from 'tap';
import { withServer, client, keysByShard } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 3, 'zs');

t.test('ZUNIONSTORE / ZINTERSTORE / ZRANGESTORE with keys on different shards', async (t) => {
  const r = client(srv);
  t.teardown(() => r.disconnect());
  await r.zadd(s0[0], 1, 'a', 2, 'b');
  await r.zadd(s1[0], 10, 'b', 20, 'c');
  t.equal(await r.zunionstore(s1[1], 2, s0[0], s1[0]), 3);
  t.same(await r.zrange(s1[1], 0, -1, 'WITHSCORES'), ['a', '1', 'b', '12', 'c', '20']);
  t.equal(await r.zinterstore(s0[1], 2, s0[0], s1[0]), 1);
  t.same(await r.zrange(s0[1], 0, -1, 'WITHSCORES'), ['b', '12']);
  t.equal(await r.zrangestore(s0[2], s1[1], 0, 1), 2);
  t.same(await r.zrange(s0[2], 0, -1), ['a', 'b']);
  t.same(await r.zunion(2, s0[0], s1[0]), ['a', 'b', 'c']);
  t.equal(await r.zdiffstore(s1[2], 2, s1[1], s0[0]), 1);
  t.same(await r.zrange(s1[2], 0, -1), ['c']);
});

import t from 'tap';
import { RawConn, keysByShard, withServer } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 6, 'blk:');
const conns: RawConn[] = [];
t.teardown(() => conns.forEach((c) => c.close()));
async function conn(): Promise<RawConn> {
  const c = await RawConn.connect(srv.port);
  conns.push(c);
  return c;
}

t.test('BLPOP waits for a push from another client', async (t) => {
  const a = await conn();
  const b = await conn();
  a.send('BLPOP', s0[0], '0');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await b.call('RPUSH', s0[0], 'hello'), ':1\r\n');
  t.equal(await a.read(), `*2\r\n$${s0[0].length}\r\n${s0[0]}\r\n$5\r\nhello\r\n`);
  t.equal(await b.call('EXISTS', s0[0]), ':0\r\n', 'the element was taken');
});

t.test('timeout answers a null after the delay; fractional seconds', async (t) => {
  const a = await conn();
  const start = Date.now();
  t.equal(await a.call('BLPOP', s0[1], '0.2'), '*-1\r\n');
  t.ok(Date.now() - start >= 180, 'waited about 200 ms');
  // Redis 7.0 times BRPOPLPUSH/BLMOVE out with a null array (inside MULTI they answer a null bulk).
  t.equal(await a.call('BRPOPLPUSH', s0[1], s0[2], '0.1'), '*-1\r\n');
  t.equal(await a.call('BLMOVE', s0[1], s0[2], 'LEFT', 'RIGHT', '0.1'), '*-1\r\n');
  t.equal(await a.call('BLPOP', s0[1], '-1'), '-ERR timeout is negative\r\n');
  t.equal(await a.call('BLPOP', s0[1], 'abc'), '-ERR timeout is not a float or out of range\r\n');
});

t.test('a timeout beyond 2^31 ms still waits (not fired at once by the timer limit)', async (t) => {
  const a = await conn();
  const b = await conn();
  let early = '';
  a.sock.once('data', (d) => (early = d.toString('latin1')));
  a.send('BLPOP', s1[5], '2147484');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(early, '', 'still blocked after 200 ms');
  t.equal(await b.call('RPUSH', s1[5], 'x'), ':1\r\n');
  t.equal(await a.read(), `*2\r\n$${s1[5].length}\r\n${s1[5]}\r\n$1\r\nx\r\n`);
});

t.test('FIFO: clients blocked on a key are served in the order they blocked', async (t) => {
  const waiters = [await conn(), await conn(), await conn()];
  for (const w of waiters) {
    w.send('BLPOP', s1[0], '0');
    await new Promise((r) => setTimeout(r, 30));
  }
  const p = await conn();
  await p.call('RPUSH', s1[0], 'one', 'two', 'three');
  const got = await Promise.all(waiters.map((w) => w.read()));
  t.same(
    got.map((r) => r.split('\r\n')[4]),
    ['one', 'two', 'three'],
  );
});

t.test('keys on different shards in one call, and exactly one client per element', async (t) => {
  const n = 10;
  const waiters: RawConn[] = [];
  for (let i = 0; i < n; i++) {
    const w = await conn();
    w.send('BLPOP', s0[3], s1[3], '0');
    waiters.push(w);
  }
  await new Promise((r) => setTimeout(r, 50));
  const p = await conn();
  for (let i = 0; i < n; i++) await p.call('LPUSH', i % 2 === 0 ? s0[3] : s1[3], `v${i}`);
  const got = await Promise.all(waiters.map((w) => w.read()));
  const values = got.map((r) => r.split('\r\n')[4]).sort();
  t.same(values, Array.from({ length: n }, (_, i) => `v${i}`).sort(), 'every element went to exactly one client');
  t.equal(await p.call('EXISTS', s0[3], s1[3]), ':0\r\n');
});

t.test('BLMOVE across shards and BZPOPMIN', async (t) => {
  const a = await conn();
  const b = await conn();
  a.send('BLMOVE', s0[4], s1[4], 'LEFT', 'RIGHT', '0');
  await new Promise((r) => setTimeout(r, 50));
  await b.call('RPUSH', s0[4], 'moved');
  t.equal(await a.read(), '$5\r\nmoved\r\n');
  t.equal(await b.call('LRANGE', s1[4], '0', '-1'), '*1\r\n$5\r\nmoved\r\n');
  a.send('BZPOPMIN', s1[5], '0');
  await new Promise((r) => setTimeout(r, 50));
  await b.call('ZADD', s1[5], '2', 'two', '1', 'one');
  t.equal(await a.read(), `*3\r\n$${s1[5].length}\r\n${s1[5]}\r\n$3\r\none\r\n$1\r\n1\r\n`);
});

t.test('a blocked client that disconnects takes nothing', async (t) => {
  const a = await conn();
  a.send('BLPOP', s0[5], '0');
  await new Promise((r) => setTimeout(r, 50));
  a.close();
  await new Promise((r) => setTimeout(r, 50));
  const b = await conn();
  await b.call('RPUSH', s0[5], 'kept');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await b.call('LRANGE', s0[5], '0', '-1'), '*1\r\n$4\r\nkept\r\n');
});

t.test('inside MULTI a blocking pop does not block', async (t) => {
  const a = await conn();
  a.send('MULTI');
  a.send('BLPOP', 'nosuchlist', '0');
  a.send('EXEC');
  t.equal(await a.read(3), '+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n');
});

t.test('CLIENT UNBLOCK with TIMEOUT and ERROR', async (t) => {
  const a = await conn();
  const b = await conn();
  const id = (await a.call('CLIENT', 'ID')).slice(1, -2);
  a.send('BLPOP', 'unblock:me', '0');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await b.call('CLIENT', 'UNBLOCK', id), ':1\r\n');
  t.equal(await a.read(), '*-1\r\n');
  a.send('BLPOP', 'unblock:me', '0');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await b.call('CLIENT', 'UNBLOCK', id, 'ERROR'), ':1\r\n');
  t.equal(await a.read(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
  t.equal(await b.call('CLIENT', 'UNBLOCK', id), ':0\r\n');
});

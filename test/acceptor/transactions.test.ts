/**
 * EXEC is atomic across shards: transfers between accounts on different shards never show a partial
 * state to MGET or to a reading transaction, and the final sum is exact.
 */
import t from 'tap';
import { RawConn, keysByShard, withServer } from '../helpers/server.js';

const SHARDS = 3;
const srv = await withServer({ shards: SHARDS });
t.teardown(() => srv.close());

function sumOfArray(raw: string): number {
  // *N then N integers-as-bulk (MGET) or N ":n" / bulk replies (EXEC of GETs)
  let sum = 0;
  for (const line of raw.split('\r\n').slice(1)) if (/^-?\d+$/.test(line)) sum += Number(line);
  return sum;
}

/** Read-modify-write with WATCH: lost updates would change the total, so retries must be exact. */
t.test('WATCH/MULTI/EXEC transfers with retries: total constant for every observer, final sum exact', async (t) => {
  const accounts = keysByShard(SHARDS, 17, 'wacct:').flat().slice(0, 50);
  const setup = await RawConn.connect(srv.port);
  const mset = ['MSET'];
  for (const a of accounts) mset.push(a, '100');
  t.equal(await setup.call(...mset), '+OK\r\n');
  setup.close();
  const total = accounts.length * 100;
  const movers = await Promise.all(Array.from({ length: 20 }, () => RawConn.connect(srv.port)));
  const readers = await Promise.all(Array.from({ length: 4 }, () => RawConn.connect(srv.port)));
  t.teardown(() => [...movers, ...readers].forEach((c) => c.close()));
  let stop = false;
  let wrong = 0;
  let retries = 0;
  const bulkInt = (r: string) => Number(r.split('\r\n')[1]);
  const moving = movers.map(async (c, m) => {
    for (let i = 0; i < 25; i++) {
      const from = accounts[(m * 7 + i * 3) % accounts.length];
      const to = accounts[(m * 11 + i * 5 + 1) % accounts.length];
      if (from === to) continue;
      const amount = 1 + ((m + i) % 9);
      for (;;) {
        await c.call('WATCH', from, to);
        const a = bulkInt(await c.call('GET', from));
        const b = bulkInt(await c.call('GET', to));
        c.send('MULTI');
        c.send('SET', from, String(a - amount));
        c.send('SET', to, String(b + amount));
        c.send('EXEC');
        const r = await c.read(4);
        if (r.endsWith('*-1\r\n')) {
          retries++;
          continue;
        }
        if (!r.endsWith('*2\r\n+OK\r\n+OK\r\n')) throw new Error(r);
        break;
      }
    }
  });
  const reading = readers.map(async (c) => {
    while (!stop) {
      if (sumOfArray(await c.call('MGET', ...accounts)) !== total) wrong++;
    }
  });
  await Promise.all(moving);
  stop = true;
  await Promise.all(reading);
  const final = await RawConn.connect(srv.port);
  t.equal(sumOfArray(await final.call('MGET', ...accounts)), total, 'final sum exact');
  final.close();
  t.equal(wrong, 0, 'no observer saw money appear or vanish');
  t.ok(retries > 0, `conflicts happened and were retried (${retries})`);
});

t.test('transfers in MULTI/EXEC across shards keep the total constant for every observer', async (t) => {
  const accounts = keysByShard(SHARDS, 17, 'acct:').flat().slice(0, 50);
  const setup = await RawConn.connect(srv.port);
  const mset = ['MSET'];
  for (const a of accounts) mset.push(a, '100');
  t.equal(await setup.call(...mset), '+OK\r\n');
  setup.close();
  const total = accounts.length * 100;
  const movers = await Promise.all(Array.from({ length: 20 }, () => RawConn.connect(srv.port)));
  const readers = await Promise.all(Array.from({ length: 6 }, () => RawConn.connect(srv.port)));
  t.teardown(() => [...movers, ...readers].forEach((c) => c.close()));
  let stop = false;
  let observations = 0;
  let wrong = 0;
  const moving = movers.map(async (c, m) => {
    for (let i = 0; i < 60; i++) {
      const from = accounts[(m * 7 + i * 3) % accounts.length];
      const to = accounts[(m * 11 + i * 5 + 1) % accounts.length];
      const amount = String(1 + ((m + i) % 9));
      c.send('MULTI');
      c.send('DECRBY', from, amount);
      c.send('INCRBY', to, amount);
      c.send('EXEC');
      const r = await c.read(4);
      if (!r.startsWith('+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n')) throw new Error(r);
    }
  });
  const reading = readers.map(async (c, i) => {
    while (!stop) {
      if (i % 2 === 0) {
        const r = await c.call('MGET', ...accounts);
        if (sumOfArray(r) !== total) wrong++;
      } else {
        c.send('MULTI');
        for (const a of accounts) c.send('GET', a);
        c.send('EXEC');
        const r = await c.read(accounts.length + 2);
        const exec = r.slice(r.lastIndexOf('*'));
        if (sumOfArray(exec) !== total) wrong++;
      }
      observations++;
    }
  });
  await Promise.all(moving);
  stop = true;
  await Promise.all(reading);
  const final = await RawConn.connect(srv.port);
  t.equal(sumOfArray(await final.call('MGET', ...accounts)), total, 'final sum exact');
  final.close();
  t.ok(observations > 10, `${observations} observations`);
  t.equal(wrong, 0, 'no observer ever saw a partial transfer');
});

/**
 * Redis writes the replies to one read's commands together: a transaction sent in one write gets
 * MULTI's +OK, the QUEUED replies and EXEC's array in one write, although EXEC is answered by the
 * shards a round later than the rest (the client would otherwise be woken twice).
 */
t.test('a cross-shard transaction sent in one write is answered in one write', async (t) => {
  const keys = keysByShard(SHARDS, 1, 'onewrite:').map((k) => k[0]);
  const conn = await RawConn.connect(srv.port);
  t.teardown(() => conn.close());
  let chunks = 0;
  conn.sock.on('data', () => chunks++);
  const counts: number[] = [];
  for (let round = 0; round < 20; round++) {
    chunks = 0;
    conn.sock.cork(); // one write
    conn.send('MULTI');
    for (const k of keys) conn.send('INCR', k);
    conn.send('EXEC');
    conn.sock.uncork();
    const r = await conn.read(keys.length + 2);
    t.equal(r, `+OK\r\n${'+QUEUED\r\n'.repeat(keys.length)}*${keys.length}\r\n${keys.map(() => `:${round + 1}\r\n`).join('')}`);
    counts.push(chunks);
  }
  t.same(counts, counts.map(() => 1), 'one TCP chunk per transaction');
});

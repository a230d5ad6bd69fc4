/**
 * Scripts are atomic across shards: 20 clients move amounts between 50 accounts spread over every
 * shard with scripts (declared keys on two shards, and keys the script never declared), while readers
 * sum every account with a script, with MGET and inside MULTI. No observation may see a partial move.
 */
import t from 'tap';
import { withServer, RawConn, keysByShard } from '../helpers/server.js';

const SHARDS = 3;
const ACCOUNTS = 50;
const START = 1000;

const MOVE_DECLARED = `
local from = tonumber(redis.call('get', KEYS[1]))
local amount = tonumber(ARGV[1])
if from < amount then return 0 end
redis.call('decrby', KEYS[1], amount)
redis.call('incrby', KEYS[2], amount)
return 1`;

// Names the accounts itself: none of them is declared (BullMQ-style scripts do this).
const MOVE_UNDECLARED = `
local a = 'acct:' .. ARGV[1]
local b = 'acct:' .. ARGV[2]
local amount = tonumber(ARGV[3])
if tonumber(redis.call('get', a)) < amount then return 0 end
redis.call('incrby', b, amount)
redis.call('decrby', a, amount)
return 1`;

const SUM = `
local total = 0
for i = 1, tonumber(ARGV[1]) do total = total + tonumber(redis.call('get', 'acct:' .. i)) end
return total`;

t.test('20 clients moving money with scripts never change the total', async (t) => {
  const srv = await withServer({ shards: SHARDS });
  t.teardown(() => srv.close());
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => `acct:${i + 1}`);
  // The accounts really are spread over every shard.
  const spread = keysByShard(SHARDS, 1, 'acct:');
  t.equal(spread.length, SHARDS);
  const setup = await RawConn.connect(srv.port);
  const mset: string[] = ['MSET'];
  for (const k of keys) mset.push(k, String(START));
  t.equal(await setup.call(...mset), '+OK\r\n');
  const expected = ACCOUNTS * START;
  const movers = await Promise.all(Array.from({ length: 20 }, () => RawConn.connect(srv.port)));
  const readers = await Promise.all(Array.from({ length: 6 }, () => RawConn.connect(srv.port)));
  t.teardown(() => [setup, ...movers, ...readers].forEach((c) => c.close()));
  let stop = false;
  let moves = 0;
  let observations = 0;
  const bad: string[] = [];
  const work = movers.map(async (c, idx) => {
    for (let r = 0; r < 60; r++) {
      const a = 1 + ((idx * 7 + r * 13) % ACCOUNTS);
      const b = 1 + ((idx * 11 + r * 5 + 1) % ACCOUNTS);
      if (a === b) continue;
      const amount = String(1 + ((idx + r) % 40));
      const reply =
        r % 2 === 0
          ? await c.call('EVAL', MOVE_DECLARED, '2', `acct:${a}`, `acct:${b}`, amount)
          : await c.call('EVAL', MOVE_UNDECLARED, '0', String(a), String(b), amount);
      if (!/^:[01]\r\n$/.test(reply)) bad.push(`move: ${reply}`);
      else moves++;
    }
  });
  const sums = readers.map(async (c, idx) => {
    while (!stop) {
      let total: number;
      if (idx % 3 === 0) {
        total = Number((await c.call('EVAL', SUM, '0', String(ACCOUNTS))).slice(1, -2));
      } else if (idx % 3 === 1) {
        const lines = (await c.call('MGET', ...keys)).split('\r\n');
        total = 0;
        for (let i = 2; i < lines.length; i += 2) if (lines[i] !== '') total += Number(lines[i]);
      } else {
        c.send('MULTI');
        c.send('MGET', ...keys);
        c.send('EXEC');
        const raw = await c.read(3);
        total = 0;
        const lines = raw.split('\r\n');
        for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('$') && lines[i] !== '$-1') total += Number(lines[i + 1]);
      }
      observations++;
      if (total !== expected) bad.push(`reader ${idx} saw ${total}`);
    }
  });
  await Promise.all(work);
  stop = true;
  await Promise.all(sums);
  t.same(bad, [], 'every observation saw the full total');
  t.ok(moves > 1000, `moves made: ${moves}`);
  t.ok(observations > 20, `observations: ${observations}`);
  t.equal(await setup.call('EVAL', SUM, '0', String(ACCOUNTS)), `:${expected}\r\n`, 'the final sum is exact');
});

t.test('a script inside MULTI runs in its place among the queued commands, even when it must restart holding every shard', async (t) => {
  const srv = await withServer({ shards: SHARDS });
  t.teardown(() => srv.close());
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  const [[a], [b]] = keysByShard(SHARDS, 1, 'm:');
  // The script declares no key and writes keys of two shards: a fast start on one shard cannot finish.
  const script = `redis.call('incr', '${a}') redis.call('incr', '${b}') return redis.call('get', '${a}')`;
  for (let round = 0; round < 5; round++) {
    c.send('MULTI');
    c.send('SET', a, '10');
    c.send('EVAL', script, '0');
    c.send('GET', a);
    c.send('GET', b);
    c.send('EXEC');
    const raw = await c.read(6);
    t.match(raw, new RegExp(`\\*4\\r\\n\\+OK\\r\\n\\$2\\r\\n11\\r\\n\\$2\\r\\n11\\r\\n\\$\\d+\\r\\n${round + 1}\\r\\n$`), `round ${round}: ${JSON.stringify(raw.slice(-60))}`);
  }
});

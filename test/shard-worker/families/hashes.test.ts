/**
 * Hash commands against a Shard: byte-exact replies for deterministic cases (checked against
 * redis-server 7.0.15), shapes and invariants for the random ones, HSCAN under concurrent change.
 */
import t from 'tap';
import { fakeList, makeShard, run, run3 } from '../../helpers/shard-harness.js';

/** Parse a flat RESP array of bulk strings (enough for these replies). */
function bulks(reply: string): string[] {
  const out: string[] = [];
  const lines = reply.split('\r\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('$') && lines[i] !== '$-1') out.push(lines[++i]);
  return out;
}

t.test('basic reads and writes', async (t) => {
  const shard = makeShard();
  t.equal(run(shard, 'HSET', 'h', 'a', '1', 'b', '2'), ':2\r\n');
  t.equal(run(shard, 'HSET', 'h', 'a', '10', 'c', '3'), ':1\r\n');
  t.equal(run(shard, 'HGETALL', 'h'), '*6\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  t.equal(run3(shard, 'HGETALL', 'h'), '%3\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n');
  t.equal(run(shard, 'HMGET', 'h', 'a', 'zz'), '*2\r\n$2\r\n10\r\n$-1\r\n');
  t.equal(run(shard, 'HSET', 'h', 'a', '1', 'b'), "-ERR wrong number of arguments for 'hset' command\r\n");
  t.equal(run(shard, 'OBJECT', 'ENCODING', 'h'), '$8\r\nlistpack\r\n');
  t.equal(run(shard, 'HDEL', 'h', 'a', 'b', 'c', 'zz'), ':3\r\n');
  t.equal(run(shard, 'EXISTS', 'h'), ':0\r\n', 'empty hash removed');
  fakeList(shard, 'l');
  t.equal(run(shard, 'HGET', 'l', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'HINCRBY', 'nokey', 'a', 'x'), '-ERR value is not an integer or out of range\r\n');
  t.equal(run(shard, 'HSET', 'n', 'f', 'abc'), ':1\r\n');
  t.equal(run(shard, 'HINCRBY', 'n', 'f', '1'), '-ERR hash value is not an integer\r\n');
  t.equal(run(shard, 'HINCRBYFLOAT', 'n', 'f', '1'), '-ERR hash value is not a float\r\n');
  t.equal(run(shard, 'HINCRBYFLOAT', 'n', 'g', '1.5'), '$3\r\n1.5\r\n');
  t.equal(run(shard, 'HINCRBY', 'n', 'i', '9223372036854775807'), ':9223372036854775807\r\n');
  t.equal(run(shard, 'HINCRBY', 'n', 'i', '1'), '-ERR increment or decrement would overflow\r\n');
});

t.test('writes report modified keys; failed ones do not', async (t) => {
  const shard = makeShard();
  let d = shard.dirty;
  run(shard, 'HSET', 'h', 'a', '1');
  t.equal(shard.dirty, d + 1);
  d = shard.dirty;
  run(shard, 'HSETNX', 'h', 'a', '2');
  run(shard, 'HDEL', 'h', 'zz');
  run(shard, 'HINCRBY', 'h', 'a', 'x');
  t.equal(shard.dirty, d);
  run(shard, 'HINCRBY', 'h', 'a', '1');
  run(shard, 'HDEL', 'h', 'a');
  t.equal(shard.dirty, d + 2);
  run(shard, 'HINCRBY', 'e', 'a', '1');
  run(shard, 'HDEL', 'e', 'a');
  run(shard, 'HINCRBYFLOAT', 'e2', 'a', 'x');
  t.equal(run(shard, 'EXISTS', 'e', 'e2'), ':0\r\n');
});

t.test('HRANDFIELD shapes and invariants', async (t) => {
  const shard = makeShard();
  const fields: string[] = [];
  for (let i = 0; i < 200; i++) fields.push(`f${i}`, `v${i}`);
  run(shard, 'HSET', 'big', ...fields);
  run(shard, 'HSET', 'small', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
  for (const key of ['big', 'small']) {
    const size = key === 'big' ? 200 : 5;
    for (let k = 0; k < 20; k++) {
      const one = bulks(run(shard, 'HRANDFIELD', key))[0];
      t.match(one, /^[a-z]\d*$/);
      const n = 1 + Math.floor(Math.random() * (size - 1));
      const uniq = bulks(run(shard, 'HRANDFIELD', key, String(n)));
      t.equal(uniq.length, n);
      t.equal(new Set(uniq).size, n, 'positive count: distinct');
      const rep = bulks(run(shard, 'HRANDFIELD', key, String(-n * 3), 'WITHVALUES'));
      t.equal(rep.length, n * 6, 'negative count: exactly |count| pairs');
      for (let i = 0; i < rep.length; i += 2) t.equal(run(shard, 'HGET', key, rep[i]), `$${rep[i + 1].length}\r\n${rep[i + 1]}\r\n`);
    }
    const r3 = run3(shard, 'HRANDFIELD', key, '-2', 'WITHVALUES');
    t.match(r3, /^\*2\r\n\*2\r\n/, 'RESP3: array of pairs');
  }
  // Every field shows up eventually with single picks.
  const seen = new Set<string>();
  for (let k = 0; k < 300; k++) seen.add(bulks(run(shard, 'HRANDFIELD', 'small'))[0]);
  t.equal(seen.size, 5);
});

t.test('HSCAN of a hashtable returns every field present throughout, despite changes', async (t) => {
  const shard = makeShard();
  const args: string[] = [];
  for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
  run(shard, 'HSET', 'h', ...args);
  t.equal(run(shard, 'OBJECT', 'ENCODING', 'h'), '$9\r\nhashtable\r\n');
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  let added = 1000;
  do {
    const reply = run(shard, 'HSCAN', 'h', cursor, 'COUNT', '25');
    const items = bulks(reply);
    cursor = items[0];
    for (let i = 1; i < items.length; i += 2) {
      seen.add(items[i]);
      t.equal(items[i + 1], 'v' + items[i].slice(1));
    }
    // Churn: delete fields >= 900 (never "present throughout") and add new ones.
    run(shard, 'HDEL', 'h', `f${900 + (calls % 100)}`);
    run(shard, 'HSET', 'h', `f${added}`, `v${added}`);
    added++;
    calls++;
  } while (cursor !== '0' && calls < 1000);
  t.equal(cursor, '0');
  for (let i = 0; i < 900; i++) if (!seen.has(`f${i}`)) t.fail(`f${i} missed`);
  t.ok(calls > 30, 'took several calls');
  const m = bulks(run(shard, 'HSCAN', 'h', '0', 'MATCH', 'f99', 'COUNT', '100000'));
  t.same(m, ['0', 'f99', 'v99']);
});

t.test('COPY clones hashes', async (t) => {
  const shard = makeShard();
  run(shard, 'HSET', 'h', 'a', '1');
  t.equal(run(shard, 'COPY', 'h', 'h2'), ':1\r\n');
  run(shard, 'HSET', 'h2', 'b', '2');
  t.equal(run(shard, 'HLEN', 'h'), ':1\r\n');
  t.equal(run(shard, 'HLEN', 'h2'), ':2\r\n');
  t.equal(run(shard, 'TYPE', 'h'), '+hash\r\n');
});

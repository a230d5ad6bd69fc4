/**
 * Set commands against a Shard: byte-exact replies for deterministic cases (checked against
 * redis-server 7.0.15), shapes and invariants for SPOP/SRANDMEMBER, SSCAN under concurrent change.
 */
import t from 'tap';
import { fakeList, makeShard, run, run3 } from '../../helpers/shard-harness.js';

function bulks(reply: string): string[] {
  const out: string[] = [];
  const lines = reply.split('\r\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('$') && lines[i] !== '$-1') out.push(lines[++i]);
  return out;
}

t.test('basic set commands', async (t) => {
  const shard = makeShard();
  t.equal(run(shard, 'SADD', 's', '3', '1', '2', '1'), ':3\r\n');
  t.equal(run(shard, 'SMEMBERS', 's'), '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  t.equal(run3(shard, 'SMEMBERS', 's'), '~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
  t.equal(run(shard, 'OBJECT', 'ENCODING', 's'), '$6\r\nintset\r\n');
  t.equal(run(shard, 'SMISMEMBER', 's', '1', '9'), '*2\r\n:1\r\n:0\r\n');
  t.equal(run(shard, 'SADD', 's', 'x'), ':1\r\n');
  t.equal(run(shard, 'OBJECT', 'ENCODING', 's'), '$9\r\nhashtable\r\n');
  t.equal(run(shard, 'SREM', 's', '1', '2', '3', 'x'), ':4\r\n');
  t.equal(run(shard, 'EXISTS', 's'), ':0\r\n');
  fakeList(shard, 'l');
  t.equal(run(shard, 'SADD', 'l', 'a'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  t.equal(run(shard, 'SINTERCARD', '2', 'nokey', 'l'), '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
  run(shard, 'SADD', 'a', '1', '2', '3');
  run(shard, 'SADD', 'b', '2', '3', '4');
  t.equal(run(shard, 'SINTERSTORE', 'd', 'a', 'b'), ':2\r\n');
  t.equal(run(shard, 'SMEMBERS', 'd'), '*2\r\n$1\r\n2\r\n$1\r\n3\r\n');
  t.equal(run(shard, 'SUNION', 'a', 'b'), '*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n');
  t.equal(run(shard, 'SDIFF', 'a', 'b'), '*1\r\n$1\r\n1\r\n');
  t.equal(run(shard, 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'), ':1\r\n');
  t.equal(run(shard, 'SMOVE', 'a', 'b', '1'), ':1\r\n');
  t.equal(run(shard, 'SCARD', 'b'), ':4\r\n');
});

t.test('writes report modified keys; no-ops do not', async (t) => {
  const shard = makeShard();
  let d = shard.dirty;
  run(shard, 'SADD', 's', 'a');
  t.equal(shard.dirty, d + 1);
  d = shard.dirty;
  run(shard, 'SADD', 's', 'a');
  run(shard, 'SREM', 's', 'zz');
  run(shard, 'SMOVE', 's', 't', 'zz');
  t.equal(shard.dirty, d);
  run(shard, 'SMOVE', 's', 't', 'a');
  t.equal(shard.dirty, d + 2, 'source and destination');
  t.equal(run(shard, 'EXISTS', 's'), ':0\r\n');
  d = shard.dirty;
  run(shard, 'SINTERSTORE', 'never', 'nokey');
  t.equal(shard.dirty, d, 'deleting a missing destination changes nothing');
  run(shard, 'SUNIONSTORE', 'u', 't');
  t.equal(shard.dirty, d + 1);
});

t.test('SPOP and SRANDMEMBER invariants', async (t) => {
  const shard = makeShard();
  for (const [key, prefix] of [['ints', ''], ['strs', 'm']] as const) {
    const members: string[] = [];
    for (let i = 0; i < 300; i++) members.push(prefix + i);
    run(shard, 'SADD', key, ...members);
    for (let k = 0; k < 10; k++) {
      const n = 1 + Math.floor(Math.random() * 299);
      const uniq = bulks(run(shard, 'SRANDMEMBER', key, String(n)));
      t.equal(uniq.length, n);
      t.equal(new Set(uniq).size, n);
      const rep = bulks(run(shard, 'SRANDMEMBER', key, String(-n)));
      t.equal(rep.length, n);
      for (const m of rep) t.equal(run(shard, 'SISMEMBER', key, m), ':1\r\n');
    }
    const popped = new Set<string>();
    for (let k = 0; k < 5; k++) popped.add(bulks(run(shard, 'SPOP', key))[0]);
    const many = bulks(run(shard, 'SPOP', key, '100'));
    t.equal(many.length, 100);
    for (const m of many) popped.add(m);
    t.equal(popped.size, 105, 'all popped members distinct');
    for (const m of popped) t.equal(run(shard, 'SISMEMBER', key, m), ':0\r\n');
    t.equal(run(shard, 'SCARD', key), ':195\r\n');
    t.match(run3(shard, 'SPOP', key, '2'), /^~2\r\n/);
    const rest = bulks(run(shard, 'SPOP', key, '1000'));
    t.equal(rest.length, 193);
    t.equal(run(shard, 'EXISTS', key), ':0\r\n');
  }
});

t.test('SSCAN of a hashtable returns every member present throughout, despite changes', async (t) => {
  const shard = makeShard();
  const members: string[] = [];
  for (let i = 0; i < 1000; i++) members.push(`m${i}`);
  run(shard, 'SADD', 's', ...members);
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const items = bulks(run(shard, 'SSCAN', 's', cursor, 'COUNT', '20'));
    cursor = items[0];
    for (const m of items.slice(1)) seen.add(m);
    run(shard, 'SREM', 's', `m${900 + (calls % 100)}`);
    run(shard, 'SADD', 's', `n${calls}`);
    run(shard, 'SPOP', 's'); // may remove anything, including members >= 900 only by chance: checked below
    calls++;
  } while (cursor !== '0' && calls < 1000);
  t.equal(cursor, '0');
  for (let i = 0; i < 900; i++) {
    const m = `m${i}`;
    if (run(shard, 'SISMEMBER', 's', m) === ':1\r\n' && !seen.has(m)) t.fail(`${m} missed`);
  }
  t.ok(calls > 30);
  t.equal(bulks(run(shard, 'SSCAN', 's', '12345', 'COUNT', '5')).length > 1, true, 'unknown cursor restarts');
});

t.test('COPY clones sets', async (t) => {
  const shard = makeShard();
  run(shard, 'SADD', 's', 'a');
  t.equal(run(shard, 'COPY', 's', 's2'), ':1\r\n');
  run(shard, 'SADD', 's2', 'b');
  t.equal(run(shard, 'SCARD', 's'), ':1\r\n');
  t.equal(run(shard, 'TYPE', 's2'), '+set\r\n');
});

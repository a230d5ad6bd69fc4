/**
 * Concurrency: no client may ever observe half of a multi-shard write.
 */
import t from 'tap';
import { withServer, RawConn, keysByShard } from '../helpers/server.js';

const SHARDS = 3;
const srv = await withServer({ shards: SHARDS });
t.teardown(() => srv.close());

function bulkArray(raw: string): Array<string | null> {
  const lines = raw.split('\r\n');
  const n = Number(lines[0].slice(1));
  const out: Array<string | null> = [];
  let i = 1;
  for (let k = 0; k < n; k++) {
    if (lines[i] === '$-1') {
      out.push(null);
      i++;
    } else {
      out.push(lines[i + 1]);
      i += 2;
    }
  }
  return out;
}

t.test('50 clients hammering MSET/MGET over all shards never see a torn MSET', async (t) => {
  const keys = keysByShard(SHARDS, 3, 'torn:').flat();
  const writers = 25;
  const readers = 25;
  const rounds = 200;
  let torn = 0;
  let reads = 0;
  const conns = await Promise.all(Array.from({ length: writers + readers }, () => RawConn.connect(srv.port)));
  t.teardown(() => conns.forEach((c) => c.close()));
  const work = conns.map(async (c, idx) => {
    for (let r = 0; r < rounds; r++) {
      if (idx < writers) {
        const v = `w${idx}-${r}`;
        const args: string[] = ['MSET'];
        for (const k of keys) args.push(k, v);
        const rep = await c.call(...args);
        if (rep !== '+OK\r\n') throw new Error(`MSET: ${rep}`);
      } else {
        const vals = bulkArray(await c.call('MGET', ...keys));
        reads++;
        if (new Set(vals).size !== 1) torn++;
      }
    }
  });
  await Promise.all(work);
  t.equal(reads, readers * rounds);
  t.equal(torn, 0, 'every MGET saw one MSET entirely');
});

t.test('cross-shard RENAME back and forth: exactly one of the two keys exists at every moment', async (t) => {
  const [[a], [, b]] = [keysByShard(SHARDS, 1, 'ren:')[0], keysByShard(SHARDS, 2, 'ren:')[1]];
  const setup = await RawConn.connect(srv.port);
  await setup.call('DEL', a, b);
  await setup.call('SET', a, 'payload');
  setup.close();
  const movers = await Promise.all(Array.from({ length: 4 }, () => RawConn.connect(srv.port)));
  const watchers = await Promise.all(Array.from({ length: 8 }, () => RawConn.connect(srv.port)));
  t.teardown(() => [...movers, ...watchers].forEach((c) => c.close()));
  let stop = false;
  let bad = 0;
  let checks = 0;
  const moving = movers.map(async (c) => {
    for (let i = 0; i < 150; i++) {
      // Whichever exists is moved to the other; "no such key" when another mover got there first.
      const r = await c.call('RENAME', i % 2 === 0 ? a : b, i % 2 === 0 ? b : a);
      if (r !== '+OK\r\n' && r !== '-ERR no such key\r\n') throw new Error(r);
    }
  });
  const watching = watchers.map(async (c) => {
    while (!stop) {
      const r = await c.call('EXISTS', a, b);
      checks++;
      if (r !== ':1\r\n') bad++;
      const m = bulkArray(await c.call('MGET', a, b));
      if (m.filter((x) => x === 'payload').length !== 1) bad++;
    }
  });
  await Promise.all(moving);
  stop = true;
  await Promise.all(watching);
  t.ok(checks > 0);
  t.equal(bad, 0, `the value was always in exactly one place (${checks} checks)`);
});

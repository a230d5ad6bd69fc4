/**
 * The shard's incremental snapshot (src/rdb/snapshot.ts) driven directly: whatever commands run
 * between its slices, what it writes out equals the keyspace as of the snapshot point.
 */
import t, { type Test } from 'tap';
import { makeShard, run, runWith } from '../helpers/shard-harness.js';
import type { Shard } from '../../src/shard-worker/shard.js';
import type { SnapshotChunk } from '../../src/rdb/snapshot.js';
import { ByteReader, readString } from '../../src/rdb/rdb-io.js';
import { readObject } from '../../src/rdb/value-codec.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';
import { canonicalOf, type Canonical } from './helpers.js';

type State = Map<string, [Canonical, number]>;

/** The shard's keyspace as comparable data: "db/key" → [content, expireAt]. */
function stateOf(shard: Shard): State {
  const out: State = new Map();
  shard.dbs.forEach((db, i) => {
    for (const [k, v] of db.main) out.set(`${i}/${k}`, [canonicalOf(v), db.getExpire(k) ?? -1]);
  });
  return out;
}

/** Start a snapshot whose chunks are collected; returns them and the begin reply. */
function begin(shard: Shard, id = 1): { chunks: SnapshotChunk[]; reply: string } {
  const chunks: SnapshotChunk[] = [];
  shard.openSnapshotOutput = () => ({ send: (c) => chunks.push({ ...c, bytes: Uint8Array.from(c.bytes) }), mayProduce: () => true });
  const reply = run(shard, '__snapshot', 'begin', String(id));
  return { chunks, reply };
}

/** Decode the collected chunks; fails on a key written twice. */
function decode(t: Test, chunks: SnapshotChunk[]): State {
  const out: State = new Map();
  const cfg = defaultShardConfig();
  for (const c of chunks) {
    const r = new ByteReader(Buffer.from(c.bytes));
    while (r.remaining > 0) {
      let type = r.byte();
      let expireAt = -1;
      if (type === 252) {
        expireAt = r.i64le();
        type = r.byte();
      }
      const key = readString(r);
      const value = readObject(r, type, { config: cfg, rdbVersion: 10 });
      const id = `${c.db}/${key}`;
      if (out.has(id)) t.fail(`${id} written twice`);
      out.set(id, [canonicalOf(value), expireAt]);
    }
  }
  return out;
}

function finish(shard: Shard): void {
  for (let i = 0; i < 1_000_000 && shard.snapshot !== null; i++) shard.snapshotStep(0);
}

function sorted(s: State): Array<[string, [Canonical, number]]> {
  return [...s].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

t.test('an idle shard writes every key of every database once, with expiries', async (t) => {
  const shard = makeShard();
  for (let i = 0; i < 300; i++) run(shard, 'SET', `k${i}`, `v${i}`);
  run(shard, 'RPUSH', 'list', 'a', 'b', 'c');
  run(shard, 'HSET', 'hash', 'f', 'v');
  run(shard, 'SADD', 'set', '1', '2', 'x');
  run(shard, 'ZADD', 'zset', '1', 'a', '2.5', 'b');
  run(shard, 'SET', 'ttl', 'v', 'PX', '100000');
  runWith(shard, { db: 5 }, 'SET', 'five', '5');
  const before = stateOf(shard);
  const { chunks, reply } = begin(shard);
  t.match(reply, /^\$\d+\r\n306 305 1 (0 0 ){4}1 0 /, 'dirty, then keys and expires per database');
  finish(shard);
  t.same(sorted(decode(t, chunks)), sorted(before));
  t.ok(chunks[chunks.length - 1].end, 'the last chunk says so');
  t.same([...new Set(chunks.filter((c) => c.dbEnd).map((c) => c.db))], [0, 5], 'one end per non-empty database');
  t.equal(shard.dbs[0].beforeExpire, null, 'hooks removed');
});

t.test('writes during the snapshot do not leak into it (copy-on-write per key)', async (t) => {
  const shard = makeShard();
  for (let i = 0; i < 500; i++) run(shard, 'SET', `k${i}`, `v${i}`);
  for (let i = 0; i < 50; i++) run(shard, 'RPUSH', `l${i}`, 'a', 'b');
  runWith(shard, { db: 1 }, 'SET', 'one', '1');
  runWith(shard, { db: 2 }, 'SET', 'two', '2');
  runWith(shard, { db: 3 }, 'SET', 'moved', 'm');
  const before = stateOf(shard);
  const { chunks } = begin(shard);
  shard.snapshotStep(0); // part of db 0 is out already
  run(shard, 'SET', 'k0', 'changed'); // maybe already written
  run(shard, 'SET', 'k499', 'changed'); // not reached yet
  run(shard, 'DEL', 'k498');
  run(shard, 'RPUSH', 'l49', 'c');
  run(shard, 'LPOP', 'l0');
  run(shard, 'SET', 'brand-new', 'x');
  run(shard, 'DEL', 'brand-new');
  run(shard, 'SET', 'brand-new', 'y');
  run(shard, 'EXPIRE', 'k300', '1000');
  runWith(shard, { db: 1 }, 'SET', 'one', 'changed'); // a later database, before its turn
  runWith(shard, { db: 1 }, 'SET', 'new-in-1', 'x');
  run(shard, 'SWAPDB', '1', '2');
  runWith(shard, { db: 1 }, 'SET', 'two', 'changed'); // the old db 2, now at index 1
  runWith(shard, { db: 3 }, 'MOVE', 'moved', '4');
  run(shard, 'PFADD', 'hll', 'a');
  shard.snapshotStep(0);
  run(shard, 'FLUSHDB'); // db 0 emptied half-way through its walk
  run(shard, 'SET', 'k1', 'after-flush');
  finish(shard);
  t.same(sorted(decode(t, chunks)), sorted(before));
});

t.test('FLUSHALL before the walk reaches a database, and keys expiring meanwhile', async (t) => {
  const shard = makeShard();
  for (let i = 0; i < 100; i++) runWith(shard, { db: 7 }, 'SET', `k${i}`, `v${i}`);
  run(shard, 'SET', 'soon', 'v', 'PX', '30');
  run(shard, 'SET', 'z', 'v');
  const before = stateOf(shard);
  const { chunks } = begin(shard);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(run(shard, 'GET', 'soon'), '$-1\r\n', 'expired on access');
  run(shard, 'FLUSHALL');
  runWith(shard, { db: 7 }, 'SET', 'k1', 'new');
  finish(shard);
  t.same(sorted(decode(t, chunks)), sorted(before));
});

t.test('randomised: many writers interleaved with slices', async (t) => {
  for (let round = 0; round < 20; round++) {
    const shard = makeShard(4);
    let seed = round + 1;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const key = () => `k${rnd(80)}`;
    for (let i = 0; i < 200; i++) runWith(shard, { db: rnd(4) }, 'SET', key(), `v${i}`);
    for (let i = 0; i < 20; i++) runWith(shard, { db: rnd(4) }, 'SADD', `s${rnd(10)}`, String(rnd(1000)));
    const before = stateOf(shard);
    const { chunks } = begin(shard, round + 1);
    while (shard.snapshot !== null) {
      for (let i = rnd(6); i > 0; i--) {
        const db = rnd(4);
        switch (rnd(9)) {
          case 0:
            runWith(shard, { db }, 'DEL', key());
            break;
          case 1:
            runWith(shard, { db }, 'APPEND', key(), 'x');
            break;
          case 2:
            runWith(shard, { db }, 'SADD', `s${rnd(10)}`, String(rnd(1000)));
            break;
          case 3:
            runWith(shard, { db }, 'SWAPDB', String(rnd(4)), String(rnd(4)));
            break;
          case 4:
            runWith(shard, { db }, 'MOVE', key(), String(rnd(4)));
            break;
          case 5:
            if (rnd(20) === 0) runWith(shard, { db }, 'FLUSHDB');
            break;
          case 6:
            runWith(shard, { db }, 'COPY', key(), key(), 'DB', String(rnd(4)), 'REPLACE');
            break;
          case 7:
            runWith(shard, { db }, 'RENAME', key(), key());
            break;
          default:
            runWith(shard, { db }, 'SET', key(), `w${rnd(100)}`);
        }
      }
      shard.snapshotStep(0);
    }
    t.same(sorted(decode(t, chunks)), sorted(before), `round ${round}`);
  }
});

t.test('ABORT stops the snapshot and removes its hooks', async (t) => {
  const shard = makeShard();
  for (let i = 0; i < 100; i++) run(shard, 'SET', `k${i}`, 'v');
  const { chunks } = begin(shard, 9);
  shard.snapshotStep(0);
  t.equal(run(shard, '__snapshot', 'abort', '9'), '+OK\r\n');
  t.equal(shard.snapshot, null);
  t.equal(shard.dbs[0].beforeClear, null);
  const n = chunks.length;
  run(shard, 'FLUSHALL');
  t.equal(chunks.length, n, 'nothing more is sent');
});

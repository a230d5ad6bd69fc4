/**
 * BGSAVE is a point-in-time snapshot across all shards while writers hammer the server: the file
 * holds exactly what was acknowledged before the BGSAVE reply and nothing written after it.
 *
 *  - counters INCRed one at a time: the saved value v satisfies lo <= v < hi, where lo is the last
 *    value acknowledged before BGSAVE was sent and hi the first one of an INCR sent after its reply;
 *  - pairs of keys on different shards, always written together by one MSET: never torn in the file;
 *  - keys created before BGSAVE are in the file, keys created after its reply are not;
 *  - keys deleted or overwritten after the reply are in the file with their old values.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawConn, keysByShard, withServer } from '../helpers/server.js';
import { readRdb } from '../../src/rdb/rdb-file.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';
import { checkRdb, redisInstalled } from './helpers.js';

const SHARDS = 3;
const BULK = 200_000;
const COUNTERS = 4;
const PAIRS = 200;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-bgsave-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Pipelined commands on one connection: resolves with every reply, in order. */
async function pipeline(c: RawConn, cmds: string[][]): Promise<string> {
  for (const cmd of cmds) c.send(...cmd);
  return c.read(cmds.length, 60_000);
}

t.test('BGSAVE under concurrent writers saves one consistent instant of every shard', async (t) => {
  const srv = await withServer({ shards: SHARDS, dir: tmp });
  t.teardown(() => srv.close());
  const ctl = await RawConn.connect(srv.port);
  const filler = 'x'.repeat(64);
  for (let i = 0; i < BULK; i += 2000) {
    const cmds: string[][] = [];
    for (let k = i; k < i + 2000; k += 100) {
      const args = ['MSET'];
      for (let j = k; j < k + 100; j++) args.push(`key:${j}`, `v0${filler}`);
      cmds.push(args);
    }
    await pipeline(ctl, cmds);
  }
  // Pair halves on different shards, so an MSET of a pair is a cross-shard write.
  const [onA, onB] = keysByShard(SHARDS, PAIRS, 'pair');
  for (let j = 0; j < PAIRS; j++) await ctl.call('MSET', onA[j], '0', onB[j], '0');

  let bgsaveSent = false;
  let bgsaveReplied = false;
  let stop = false;
  const lo = new Array<number>(COUNTERS).fill(0);
  const hi = new Array<number>(COUNTERS).fill(Infinity);
  const created: string[] = [];
  const createdAfter: string[] = [];
  let writesWhileSaving = 0;
  let saving = false;

  const counter = async (w: number) => {
    const c = await RawConn.connect(srv.port);
    while (!stop) {
      const after = bgsaveReplied;
      const v = Number((await c.call('INCR', `ctr:${w}`)).slice(1, -2));
      if (!bgsaveSent) lo[w] = v;
      if (after && hi[w] === Infinity) hi[w] = v;
      if (saving) writesWhileSaving++;
    }
    c.close();
  };
  const pairs = async (w: number) => {
    const c = await RawConn.connect(srv.port);
    for (let n = 1; !stop; n++) {
      const j = (n * 7 + w) % PAIRS;
      await c.call('MSET', onA[j], `${w}:${n}`, onB[j], `${w}:${n}`);
    }
    c.close();
  };
  const churn = async (w: number) => {
    const c = await RawConn.connect(srv.port);
    for (let n = 0; !stop; n++) {
      const after = bgsaveReplied;
      const k = 1000 + ((n * 7919 + w * 104729) % (BULK - 1000));
      const name = `${after ? 'new' : 'pre'}:${w}:${n}`;
      await pipeline(c, [
        ['SET', `key:${k}`, `w${w}:${n}`],
        ['RPUSH', `list:${k % 500}`, String(n)],
        ['SET', name, 'x'],
      ]);
      (after ? createdAfter : bgsaveSent ? [] : created).push(name);
    }
    c.close();
  };
  const writers = [
    ...Array.from({ length: COUNTERS }, (_, w) => counter(w)),
    ...Array.from({ length: 3 }, (_, w) => pairs(w)),
    ...Array.from({ length: 3 }, (_, w) => churn(w)),
  ];
  await new Promise((r) => setTimeout(r, 300));

  bgsaveSent = true;
  ctl.send('BGSAVE');
  t.equal(await ctl.read(1, 10_000), '+Background saving started\r\n');
  bgsaveReplied = true;
  saving = true;
  // Keys present at the snapshot point, deleted or overwritten right after it.
  const cmds: string[][] = [];
  for (let i = 0; i < 1000; i++) cmds.push(i % 2 ? ['DEL', `key:${i}`] : ['SET', `key:${i}`, 'changed']);
  const other = await RawConn.connect(srv.port);
  await pipeline(other, [['SELECT', '5'], ['SET', 'gone', 'x']]);
  other.close();
  await pipeline(ctl, cmds);
  for (let i = 0; i < 3000; i++) {
    const info = await ctl.call('INFO', 'persistence');
    if (/rdb_bgsave_in_progress:0/.test(info)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  saving = false;
  stop = true;
  await Promise.all(writers);
  t.match(await ctl.call('INFO', 'persistence'), /rdb_last_bgsave_status:ok/);
  t.ok(writesWhileSaving > 0, `writers kept going while the save ran (${writesWhileSaving} INCRs)`);
  ctl.close();

  const file = path.join(tmp, 'dump.rdb');
  const saved = new Map<string, string>();
  const lists = new Map<string, number>();
  let twice = 0;
  for (const item of readRdb(fs.readFileSync(file), { config: defaultShardConfig() })) {
    if (item.type !== 'entry') continue;
    const id = `${item.db}/${item.key}`;
    if (saved.has(id) || lists.has(id)) twice++;
    if (typeof item.value === 'string') saved.set(id, item.value);
    else lists.set(id, item.value.size());
  }
  t.equal(twice, 0, 'no key is saved twice');
  for (let w = 0; w < COUNTERS; w++) {
    const v = Number(saved.get(`0/ctr:${w}`) ?? '0');
    t.ok(v >= lo[w] && v < hi[w], `counter ${w}: ${lo[w]} <= ${v} < ${hi[w]}`);
  }
  let torn = 0;
  for (let j = 0; j < PAIRS; j++) if (saved.get(`0/${onA[j]}`) !== saved.get(`0/${onB[j]}`)) torn++;
  t.equal(torn, 0, 'no pair is torn');
  t.equal(created.filter((k) => !saved.has(`0/${k}`)).length, 0, `the ${created.length} keys created before BGSAVE are saved`);
  t.equal(createdAfter.filter((k) => saved.has(`0/${k}`)).length, 0, `none of the ${createdAfter.length} keys created after its reply are`);
  let old = 0;
  for (let i = 0; i < 1000; i++) if (saved.get(`0/key:${i}`) === `v0${filler}`) old++;
  t.equal(old, 1000, 'keys deleted or overwritten after the reply keep their old value');
  t.notOk(saved.has('5/gone'), 'a key of another database written after the reply is not saved');
  t.ok(saved.size + lists.size >= BULK, `${saved.size + lists.size} keys saved`);
  if (redisInstalled()) {
    const [ok, out] = checkRdb(file);
    t.ok(ok, out);
  }
});

/**
 * Per-key access tracking (src/shard-worker/access.ts): Redis's LRU clock and LFU counter arithmetic,
 * and which operations of a shard touch, store or carry a key's field.
 */
import t from 'tap';
import { AccessClock, LFU_INIT_VAL, LRU_CLOCK_MAX, MAXMEMORY_FLAG_LFU, MAXMEMORY_FLAG_LRU, maxmemoryPolicyFlags } from '../../src/shard-worker/access.js';
import { makeShard, run } from '../helpers/shard-harness.js';
import type { Shard } from '../../src/shard-worker/shard.js';

const lfuConfig = (logFactor = 10, decay = 1) => ({ maxmemoryPolicyFlags: MAXMEMORY_FLAG_LFU, lfuLogFactor: logFactor, lfuDecayTime: decay });

t.test('policy flags', async (t) => {
  t.equal(maxmemoryPolicyFlags('allkeys-lru'), MAXMEMORY_FLAG_LRU);
  t.equal(maxmemoryPolicyFlags('volatile-lru'), MAXMEMORY_FLAG_LRU);
  t.equal(maxmemoryPolicyFlags('allkeys-lfu'), MAXMEMORY_FLAG_LFU);
  t.equal(maxmemoryPolicyFlags('volatile-lfu'), MAXMEMORY_FLAG_LFU);
  for (const p of ['noeviction', 'allkeys-random', 'volatile-random', 'volatile-ttl']) t.equal(maxmemoryPolicyFlags(p), 0, p);
});

t.test('clocks: LRU in seconds mod 2^24, LFU in minutes mod 2^16', async (t) => {
  const a = new AccessClock(undefined, 0);
  a.tick(1_700_000_123_456);
  t.equal(a.lruClock, Math.floor(1_700_000_123_456 / 1000) % 2 ** 24);
  t.equal(a.minutes, Math.floor(1_700_000_123_456 / 60000) % 65536);
  t.equal(a.initial(), a.lruClock, 'a new value under LRU: the clock');
  a.configure(lfuConfig());
  t.equal(a.initial(), (a.minutes << 8) | LFU_INIT_VAL, 'under LFU: minutes and LFU_INIT_VAL');
});

t.test('estimateObjectIdleTime, across the wrap of the clock', async (t) => {
  const a = new AccessClock();
  t.equal(a.idleSeconds(100, 150), 50);
  t.equal(a.idleSeconds(150, 150), 0);
  t.equal(a.idleSeconds(LRU_CLOCK_MAX - 5, 10), 15, 'the field is from before the wrap');
});

t.test('objectSetLRUOrLFU for RESTORE IDLETIME: values observed on redis-server 7.0.15 (clock 190744)', async (t) => {
  const a = new AccessClock();
  const clock = 190744;
  const cases: Array<[number | bigint, number]> = [
    [1000, 1000],
    [200000, 200000],
    [16777215, 0],
    [16777216, 1],
    [30000000, 13222784],
    [9223372036854775807n, 16777214],
    [9223372036854, 13654774],
    [9223372036854775n, 14898167],
  ];
  for (const [idle, seen] of cases) t.equal(a.idleSeconds(a.lruFromIdle(idle, clock), clock), seen, `IDLETIME ${idle}`);
  t.equal(a.idleSeconds(a.lruFromIdle(9223372036854, clock), clock), a.idleSeconds(a.lruFromIdle(9223372036854n, clock), clock), 'number and bigint agree');
});

t.test('LFULogIncr: the first access always counts, then less and less; 255 saturates', async (t) => {
  const a = new AccessClock(lfuConfig());
  for (let c = 0; c <= LFU_INIT_VAL; c++) t.equal(a.logIncr(c), c + 1, `counter ${c} always grows`);
  t.equal(a.logIncr(255), 255);
  let grew = 0;
  for (let i = 0; i < 20000; i++) if (a.logIncr(15) === 16) grew++;
  // p = 1 / ((15 - 5) * 10 + 1) = 1/101
  t.ok(grew > 100 && grew < 320, `about 1/101 of the time (${grew} of 20000)`);
  a.configure(lfuConfig(0));
  t.equal(a.logIncr(100), 101, 'lfu-log-factor 0: every access counts');
});

t.test('LFUDecrAndReturn: one less per lfu-decay-time minutes, across the 16-bit wrap', async (t) => {
  const a = new AccessClock(lfuConfig());
  a.tick(1000 * 60_000);
  const now = a.minutes;
  t.equal(a.decrAndReturn((now << 8) | 10), 10);
  t.equal(a.decrAndReturn(((now - 3) << 8) | 10), 7);
  t.equal(a.decrAndReturn(((now - 30) << 8) | 10), 0, 'never below 0');
  a.configure(lfuConfig(10, 2));
  t.equal(a.decrAndReturn(((now - 5) << 8) | 10), 8, 'decay time 2: floor(5 / 2)');
  a.configure(lfuConfig(10, 0));
  t.equal(a.decrAndReturn(((now - 50) << 8) | 10), 10, 'decay time 0: no decay');
  a.configure(lfuConfig());
  a.tick(2 * 60_000); // minutes = 2
  t.equal(a.decrAndReturn((65534 << 8) | 10), 7, 'elapsed = 65535 - ldt + now');
});

function db0(shard: Shard) {
  return shard.dbs[0];
}

t.test('LRU: new and overwritten values, lookups that touch and those that do not', async (t) => {
  const shard = makeShard();
  const db = db0(shard);
  const clock = () => shard.access.lruClock;
  run(shard, 'SET', 'k', 'v');
  t.equal(db.metaOf('k'), clock(), 'a new key gets the clock');
  const old = (clock() - 100) & LRU_CLOCK_MAX;
  db.setMetaOf('k', old);
  t.equal(run(shard, 'OBJECT', 'IDLETIME', 'k'), ':100\r\n');
  for (const cmd of [['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['PTTL', 'k'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'REFCOUNT', 'k'], ['OBJECT', 'FREQ', 'k'], ['KEYS', '*'], ['RANDOMKEY'], ['DBSIZE'], ['MEMORY', 'USAGE', 'k'], ['SCAN', '0']]) {
    if (cmd[0] === 'SCAN') run(shard, '__scan', '0', '0', '10', '');
    else run(shard, ...cmd);
    t.equal(db.metaOf('k'), old, `${cmd.join(' ')} does not touch`);
  }
  for (const cmd of [['GET', 'k'], ['TOUCH', 'k'], ['STRLEN', 'k'], ['DUMP', 'k'], ['EXPIRE', 'k', '1000'], ['PERSIST', 'k'], ['SET', 'k', 'w'], ['APPEND', 'k', 'x']]) {
    db.setMetaOf('k', old);
    run(shard, ...cmd);
    t.equal(db.metaOf('k'), clock(), `${cmd.join(' ')} touches`);
  }
  // A snapshot being written stops touching (Redis: a fork child is saving); a new value still gets the clock.
  shard.access.setSaving(true);
  db.setMetaOf('k', old);
  run(shard, 'GET', 'k');
  t.equal(db.metaOf('k'), old, 'no touch while saving');
  run(shard, 'SET', 'k', 'new');
  t.equal(db.metaOf('k'), clock(), 'an overwrite is a new object with the clock');
  shard.access.setSaving(false);
});

t.test('RENAME and MOVE carry the field, COPY and RESTORE start fresh', async (t) => {
  const shard = makeShard();
  shard.config.maxmemoryPolicyFlags = MAXMEMORY_FLAG_LFU;
  shard.config.lfuDecayTime = 0;
  shard.config.lfuLogFactor = 1_000_000_000; // past LFU_INIT_VAL a touch practically never counts
  shard.access.configure(shard.config);
  const db = db0(shard);
  run(shard, 'SET', 'a', 'v');
  db.setMetaOf('a', (shard.access.minutes << 8) | 40);
  run(shard, 'RENAME', 'a', 'b');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'b'), ':40\r\n', 'RENAME: the counter moves with the value');
  db.setMetaOf('b', (shard.access.minutes << 8) | 40);
  run(shard, 'COPY', 'b', 'c');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'c'), `:${LFU_INIT_VAL}\r\n`, 'COPY: a new object');
  db.setMetaOf('b', (shard.access.minutes << 8) | 40);
  run(shard, 'MOVE', 'b', '1');
  t.equal(shard.dbs[1].metaOf('b') & 255, 40, 'MOVE: the counter moves to the other database');
  t.equal(db.metaOf('b'), -1);
});

t.test('LFU: one command counts one access per key', async (t) => {
  const shard = makeShard();
  shard.config.maxmemoryPolicyFlags = MAXMEMORY_FLAG_LFU;
  shard.config.lfuLogFactor = 0; // every counted access increments
  shard.config.lfuDecayTime = 0;
  shard.access.configure(shard.config);
  run(shard, 'SET', 'k', 'v');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':5\r\n');
  run(shard, 'SET', 'k', 'w');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':6\r\n', 'SET over a key: setKey looked it up once');
  run(shard, 'SET', 'k', 'x', 'XX');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':7\r\n', 'SET XX: the lookup and the store are one access');
  run(shard, 'MGET', 'k', 'nokey', 'k');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':8\r\n', 'MGET k k: the same key twice in a row counts once');
  run(shard, 'GET', 'k');
  run(shard, 'GET', 'k');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':10\r\n', 'two commands, two accesses');
  run(shard, 'RPUSH', 'l', 'a');
  run(shard, 'RPUSH', 'l', 'b');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'l'), ':6\r\n', 'a collection changed in place');
  t.equal(run(shard, 'OBJECT', 'IDLETIME', 'l').slice(0, 40), '-ERR An LFU maxmemory policy is selected');
  // NO-TOUCH leaves the counter alone, also for writes (dbOverwrite copies the old field).
  shard.access.setClientNoTouch(true);
  run(shard, 'GET', 'k');
  run(shard, 'SET', 'k', 'y');
  t.equal(run(shard, 'OBJECT', 'FREQ', 'k'), ':10\r\n', 'NO-TOUCH: neither GET nor SET counts');
  shard.access.setClientNoTouch(false);
});

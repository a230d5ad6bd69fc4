/**
 * stop-writes-on-bgsave-error against a real redis-server: after a BGSAVE that could not write its
 * file, the same commands get the same replies byte for byte (MISCONF for writes and PING, EXECABORT
 * for transactions, reads still served, a bare -ERR from SAVE) until save points are removed.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawConn, withServer } from '../helpers/server.js';
import { redisInstalled, startRedis } from './helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-misconf-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function waitBgsaveOver(c: RawConn): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const info = await c.call('INFO', 'persistence');
    if (/rdb_bgsave_in_progress:0/.test(info)) return /rdb_last_bgsave_status:(\w+)/.exec(info)![1];
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('BGSAVE never ended');
}

t.test('after a failed BGSAVE: MISCONF like redis-server', { skip: !redisInstalled() && 'redis-server is not installed' }, async (t) => {
  const redisDir = path.join(tmp, 'redis');
  const ferrousDir = path.join(tmp, 'ferrous');
  fs.mkdirSync(redisDir);
  fs.mkdirSync(ferrousDir);
  const real = (await startRedis(['--dir', redisDir, '--save', '3600 1']))!;
  const fer = await withServer({ shards: 2, dir: ferrousDir, save: '3600 1' });
  t.teardown(async () => {
    await fer.close();
    await real.stop();
  });
  const sides = await Promise.all(
    [real.port, fer.port].map(async (port) => ({ c: await RawConn.connect(port), tx: await RawConn.connect(port) })),
  );
  const both = async (cmd: string[], which: 'c' | 'tx' = 'c'): Promise<void> => {
    const [a, b] = await Promise.all(sides.map((s) => s[which].call(...cmd)));
    t.equal(b, a, cmd.join(' '));
  };
  // INFO persistence: Redis's fields, in Redis's order.
  const names = (info: string) => info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
  const [ri, fi] = await Promise.all(sides.map((s) => s.c.call('INFO', 'persistence')));
  t.same(names(fi), names(ri), 'INFO persistence field names');
  await both(['SET', 'a', '1']);
  // A transaction queued before the failure and executed after it.
  await both(['MULTI'], 'tx');
  await both(['SET', 'queued', '1'], 'tx');
  // The file's place is taken by a directory: writing it fails at the rename.
  for (const d of [redisDir, ferrousDir]) fs.mkdirSync(path.join(d, 'dump.rdb', 'x'), { recursive: true });
  await both(['BGSAVE']);
  const status = await Promise.all(sides.map((s) => waitBgsaveOver(s.c)));
  t.same(status, ['err', 'err'], 'rdb_last_bgsave_status');
  await both(['SET', 'x', '1']);
  await both(['PING']);
  await both(['GET', 'a']);
  // Scripts: an old-style script runs and its writes fail; a script declared as writing is refused.
  await both(['EVAL', "return redis.call('get', 'a')", '0']);
  await both(['EVAL', "return redis.pcall('set', 'a', 'x')", '0']);
  await both(['EVAL', "redis.call('set', 'a', 'x') return 1", '0']);
  await both(['EVAL', "#!lua\nredis.call('set', 'a', 'x') return 1", '0']);
  await both(['EVAL', "#!lua flags=no-writes\nreturn redis.call('get', 'a')", '0']);
  await both(['INCR', 'a']);
  await both(['EXEC'], 'tx');
  await both(['MULTI']);
  await both(['SET', 'a', '2']);
  await both(['GET', 'a']);
  await both(['EXEC']);
  await both(['SAVE']);
  await both(['DEL', 'a']);
  await both(['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no']);
  await both(['SET', 'x', '1']);
  await both(['CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes']);
  await both(['SET', 'x', '2']);
  await both(['CONFIG', 'SET', 'save', '']);
  await both(['SET', 'x', '3']);
  await both(['PING']);
  // Once a save succeeds the error state is over, save points or not.
  await both(['CONFIG', 'SET', 'save', '3600 1']);
  await both(['SET', 'x', '4']);
  for (const d of [redisDir, ferrousDir]) fs.rmSync(path.join(d, 'dump.rdb'), { recursive: true });
  await both(['BGSAVE']);
  t.same(await Promise.all(sides.map((s) => waitBgsaveOver(s.c))), ['ok', 'ok']);
  await both(['SET', 'x', '5']);
  for (const s of sides) {
    s.c.close();
    s.tx.close();
  }
});

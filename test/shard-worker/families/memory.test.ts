/** MEMORY USAGE: a real estimate that grows with the value; null for missing keys; Redis's errors. */
import t from 'tap';
import { makeShard, run } from '../../helpers/shard-harness.js';

function usage(reply: string): number {
  t.match(reply, /^:\d+\r\n$/);
  return Number(reply.slice(1, -2));
}

t.test('grows with the value', async (t) => {
  const s = makeShard();
  run(s, 'SET', 'a', 'x');
  run(s, 'SET', 'b', 'x'.repeat(1000));
  const a = usage(run(s, 'MEMORY', 'USAGE', 'a'));
  t.ok(a > 16);
  t.ok(usage(run(s, 'MEMORY', 'USAGE', 'b')) >= a + 990);
  for (const [type, add] of [
    ['list', (k: string, i: number) => run(s, 'RPUSH', k, 'element-' + i)],
    ['set', (k: string, i: number) => run(s, 'SADD', k, 'member-' + i)],
    ['intset', (k: string, i: number) => run(s, 'SADD', k, String(i))],
    ['hash', (k: string, i: number) => run(s, 'HSET', k, 'field-' + i, 'value-' + i)],
    ['zset', (k: string, i: number) => run(s, 'ZADD', k, String(i), 'member-' + i)],
  ] as const) {
    const key = type + ':k';
    add(key, 0);
    const small = usage(run(s, 'MEMORY', 'USAGE', key));
    for (let i = 1; i < 10; i++) add(key, i);
    const mid = usage(run(s, 'MEMORY', 'USAGE', key));
    for (let i = 10; i < 500; i++) add(key, i);
    const big = usage(run(s, 'MEMORY', 'USAGE', key));
    const all = usage(run(s, 'MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    t.ok(small < mid && mid < big, `${type} grows: ${small} < ${mid} < ${big}`);
    t.ok(Math.abs(all - big) < big * 0.2, `${type} sampled estimate close to the full one (${big} vs ${all})`);
  }
});

t.test('missing keys and argument errors', async (t) => {
  const s = makeShard();
  t.equal(run(s, 'MEMORY', 'USAGE', 'nokey'), '$-1\r\n');
  t.equal(run(s, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES'), '-ERR syntax error\r\n');
  t.equal(run(s, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'), '-ERR syntax error\r\n');
  t.equal(run(s, 'MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'), '-ERR value is not an integer or out of range\r\n');
  t.equal(run(s, 'MEMORY', 'USAGE', 'nokey', 'FOO'), '-ERR syntax error\r\n');
  t.match(run(s, 'MEMORY', 'HELP'), /^\*14\r\n\+MEMORY <subcommand>/);
});

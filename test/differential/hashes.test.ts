import t from 'tap';
import { runDifferential, c, type Cmd, type DiffCase } from './harness.js';

const long = 'x'.repeat(65);
const many: Cmd = ['HSET', 'big'];
for (let i = 0; i < 130; i++) many.push(`f${i}`, `v${i}`);

/** Hashtable-encoded replies have no defined order: compare flat arrays (or pairs) sorted. */
function sortArray(reply: string): string {
  if (!reply.startsWith('*') && !reply.startsWith('%')) return reply;
  const lines = reply.split('\r\n');
  const items: string[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) items.push(`${lines[i]}\r\n${lines[i + 1]}`);
  return `${lines[0]}\r\n${items.sort().join('\r\n')}\r\n`;
}

/** HSCAN on a big hash: only the final cursor is comparable (both finish in one call with a big COUNT). */
function sortScan(reply: string): string {
  const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n(\*[\s\S]*)$/.exec(reply);
  if (!m) return reply;
  return `*2\r\n${m[1]}\r\n${sortArray(m[2])}`;
}

const cases: DiffCase[] = [
  {
    name: 'HSET HGET HMGET HLEN HEXISTS HSTRLEN (listpack order)',
    cmds: [
      c('HSET h a 1 b 2 c 3'), c('HSET h b 20 d 4'), c('HGET h b'), c('HGET h zz'), c('HGET nokey a'), c('HMGET h a zz d'), c('HMGET nokey a b'),
      c('HLEN h'), c('HLEN nokey'), c('HEXISTS h a'), c('HEXISTS h zz'), c('HEXISTS nokey a'), c('HSTRLEN h b'), c('HSTRLEN h zz'), c('HSTRLEN nokey a'),
      c('HGETALL h'), c('HKEYS h'), c('HVALS h'), c('HGETALL nokey'), c('HKEYS nokey'), c('HVALS nokey'), c('OBJECT ENCODING h'),
    ],
  },
  {
    name: 'HSET arity and HMSET HSETNX',
    cmds: [c('HSET h a'), c('HSET h a 1 b'), c('HMSET h a'), c('HMSET h a 1 b 2'), c('HSETNX h a 9'), c('HSETNX h z 9'), c('HGETALL h'), c('HSETNX new f v'), c('HGETALL new')],
  },
  {
    name: 'HDEL removes empty keys',
    cmds: [c('HSET h a 1 b 2 c 3'), c('HDEL h a zz a'), c('HGETALL h'), c('HDEL h b c'), c('EXISTS h'), c('HDEL nokey a'), c('HSET h x 1'), c('HDEL h x x')],
  },
  {
    name: 'WRONGTYPE',
    cmds: [
      c('SET s v'), c('HSET s a 1'), c('HMSET s a 1'), c('HSETNX s a 1'), c('HGET s a'), c('HMGET s a'), c('HDEL s a'), c('HLEN s'), c('HEXISTS s a'), c('HSTRLEN s a'),
      c('HGETALL s'), c('HKEYS s'), c('HVALS s'), c('HINCRBY s a 1'), c('HINCRBYFLOAT s a 1'), c('HRANDFIELD s'), c('HRANDFIELD s 1'), c('HSCAN s 0'), c('HSET h a 1'), c('GET h'),
    ],
  },
  {
    name: 'HINCRBY',
    cmds: [
      c('HINCRBY h a 5'), c('HINCRBY h a -7'), c('HINCRBY h a x'), c('HSET h s x f 1.5 big 9223372036854775807 neg -9223372036854775808'), c('HINCRBY h s 1'), c('HINCRBY h f 1'),
      c('HINCRBY h big 1'), c('HINCRBY h big 0'), c('HINCRBY h neg -1'), c('HINCRBY h neg 9223372036854775807'), c('HINCRBY nokey a x'), c('EXISTS nokey'), c('HINCRBY h a 99999999999999999999'),
      c('HGETALL h'),
    ],
  },
  {
    name: 'HINCRBYFLOAT',
    cmds: [
      c('HINCRBYFLOAT h a 1.5'), c('HINCRBYFLOAT h a 10'), c('HINCRBYFLOAT h a -0.5e1'), c('HINCRBYFLOAT h a x'), c('HINCRBYFLOAT h a inf'), c('HINCRBYFLOAT nokey a inf'),
      c('HSET h s abc i 3'), c('HINCRBYFLOAT h s 1'), c('HINCRBYFLOAT h i 0.1'), c('HINCRBYFLOAT h i 1e308'), c('HINCRBYFLOAT h i 1e308'), c('HGET h i'), c('OBJECT ENCODING h'), c('HLEN h'), c('HINCRBYFLOAT nokey a x'), c('EXISTS nokey'),
    ],
  },
  {
    name: 'listpack to hashtable conversion',
    cmds: [
      c('HSET h a 1'), ['HSET', 'h', 'b', long], c('OBJECT ENCODING h'), c('HSET k a 1'), ['HSETNX', 'k', long, '1'], c('OBJECT ENCODING k'),
      c('HSET m a 1'), ['HINCRBYFLOAT', 'm', 'a', '0.' + '1'.repeat(70)], c('OBJECT ENCODING m'),
      many, c('OBJECT ENCODING big'), c('HLEN big'), c('HDEL big f0'), c('OBJECT ENCODING big'), c('HGET big f129'),
      c('CONFIG SET hash-max-listpack-entries 2'), c('HSET n a 1 b 2'), c('OBJECT ENCODING n'), c('HSET n c 3'), c('OBJECT ENCODING n'), c('CONFIG SET hash-max-listpack-entries 128'),
    ],
  },
  { name: 'hashtable replies (sorted)', cmds: [many, c('HGETALL big'), c('HKEYS big'), c('HVALS big'), c('HMGET big f1 f2 nope')], normalize: sortArray },
  { name: 'RESP3 HGETALL', resp: 3, cmds: [c('HSET h a 1 b 2'), c('HGETALL h'), c('HGETALL nokey'), c('HKEYS h'), c('HRANDFIELD h 5 WITHVALUES'), c('HRANDFIELD h -0 WITHVALUES'), c('HRANDFIELD nokey 3 WITHVALUES'), c('HRANDFIELD nokey')] },
  {
    name: 'HRANDFIELD deterministic forms',
    cmds: [
      c('HSET h a 1 b 2 c 3'), c('HRANDFIELD nokey'), c('HRANDFIELD nokey 5'), c('HRANDFIELD h 3'), c('HRANDFIELD h 10 WITHVALUES'), c('HRANDFIELD h 0'), c('HRANDFIELD h 0 WITHVALUES'),
      c('HRANDFIELD h x'), c('HRANDFIELD nokey x'), c('HRANDFIELD h 1 foo'), c('HRANDFIELD h x foo'), c('HRANDFIELD h 1 WITHVALUES x'), c('HRANDFIELD h -9223372036854775808'),
      c('HRANDFIELD h -4611686018427387905 WITHVALUES'), c('HRANDFIELD h 9223372036854775807'), c('HSET one a 1'), c('HRANDFIELD one'), c('HRANDFIELD one -3'), c('HRANDFIELD one -2 WITHVALUES'),
    ],
  },
  {
    name: 'HSCAN small and errors',
    cmds: [
      c('HSET h a 1 b 2 ab 3'), c('HSCAN h 0'), c('HSCAN h 0 MATCH a*'), c('HSCAN h 0 COUNT 1'), c('HSCAN h 7 MATCH b* COUNT 100'), c('HSCAN h x'), c('HSCAN h 0 COUNT 0'),
      c('HSCAN h 0 COUNT x'), c('HSCAN h 0 TYPE string'), c('HSCAN h 0 MATCH'), c('HSCAN nokey 0 COUNT 0'), c('HSCAN h -1'), c('HSCAN h 18446744073709551615'),
      c('HSCAN h 18446744073709551616'), c('HSCAN h 0 FOO'), c('HSCAN h +0'), ['HSCAN', 'h', ''], c('HSCAN h 0 NOVALUES'),
    ],
  },
  { name: 'HSCAN big in one call', cmds: [many, c('HSCAN big 0 COUNT 1000'), c('HSCAN big 0 COUNT 1000 MATCH f1?')], normalize: sortScan },
];

await runDifferential(t, cases);

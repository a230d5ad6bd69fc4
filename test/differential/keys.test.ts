import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  { name: 'DEL UNLINK EXISTS TOUCH', cmds: [c('MSET a 1 b 2 c 3'), c('EXISTS a a b x'), c('DEL a x'), c('UNLINK b c'), c('EXISTS a b c'), c('TOUCH a b'), c('SET a 1'), c('TOUCH a a')] },
  // The largest expiry Redis accepts reads back exactly (Ferrous keeps expiry times as doubles).
  { name: 'PXAT LLONG_MAX', cmds: [c('SET k v PXAT 9223372036854775807'), c('PEXPIRETIME k'), c('EXPIRETIME k')] },
  {
    name: 'EXPIRE family with options',
    cmds: [
      c('SET k v'), c('EXPIRE k 100'), c('TTL k'), c('EXPIRE k 50 GT'), c('EXPIRE k 200 GT'), c('TTL k'), c('EXPIRE k 300 LT'), c('EXPIRE k 10 LT'), c('TTL k'), c('EXPIRE k 10 NX'),
      c('PERSIST k'), c('EXPIRE k 10 XX'), c('EXPIRE k 10 NX'), c('TTL k'), c('EXPIRE k 10 NX XX'), c('EXPIRE k 10 GT LT'), c('EXPIRE k 10 FOO'), c('EXPIRE k abc'),
      c('EXPIRE nokey 10'), c('PEXPIRE k 100000'), c('TTL k'), c('EXPIRE k 9223372036854775807'), c('PEXPIRE k 9223372036854775807'), c('EXPIRE k -1'), c('EXISTS k'),
      c('SET k v'), c('EXPIREAT k 1'), c('EXISTS k'), c('SET k v'), c('PEXPIREAT k 99999999999999'), c('TTL k'), c('EXPIRE k 100 GT'), c('SET k v'), c('EXPIRE k 100 LT'), c('TTL k'),
    ],
  },
  { name: 'TTL PTTL on missing and persistent keys', cmds: [c('TTL nokey'), c('PTTL nokey'), c('SET k v'), c('TTL k'), c('PTTL k'), c('EXPIRETIME k'), c('PEXPIRETIME k'), c('EXPIRETIME nokey'), c('PERSIST k'), c('PERSIST nokey'), c('EXPIREAT k 99999999999'), c('EXPIRETIME k'), c('PEXPIRETIME k')] },
  { name: 'TYPE', cmds: [c('SET s v'), c('TYPE s'), c('TYPE nokey')] },
  {
    name: 'RENAME RENAMENX',
    cmds: [c('SET a 1'), c('RENAME a b'), c('GET b'), c('RENAME a b'), c('RENAME b b'), c('GET b'), c('SET c 3'), c('RENAMENX b c'), c('RENAMENX b d'), c('GET d'), c('RENAMENX d d'), c('SET e 1'), c('EXPIRE e 100'), c('RENAME e f'), c('TTL f'), c('RENAMENX nokey z')],
  },
  {
    name: 'COPY',
    cmds: [c('SET a 1'), c('COPY a b'), c('COPY a b'), c('COPY a b REPLACE'), c('COPY a a'), c('COPY a b DB 1'), c('COPY a b DB 1'), c('COPY a b DB 99'), c('COPY a b DB x'), c('COPY a b FOO'), c('COPY nokey b'), c('SELECT 1'), c('GET b'), c('SELECT 0'), c('EXPIRE a 100'), c('COPY a t'), c('TTL t')],
  },
  { name: 'MOVE', cmds: [c('SET a 1'), c('MOVE a 1'), c('EXISTS a'), c('MOVE a 1'), c('SET a 2'), c('MOVE a 1'), c('MOVE a 0'), c('MOVE a 16'), c('MOVE a x'), c('MOVE nokey 1'), c('SELECT 1'), c('GET a')] },
  { name: 'SWAPDB', cmds: [c('SET a 0'), c('SELECT 1'), c('SET a 1'), c('SWAPDB 0 1'), c('GET a'), c('SELECT 0'), c('GET a'), c('SWAPDB 0 16'), c('SWAPDB x 1'), c('SWAPDB 0 y'), c('SWAPDB -1 0'), c('SWAPDB 0 0')] },
  { name: 'KEYS patterns', cmds: [c('MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 world 6'), c('KEYS h?llo'), c('KEYS h*llo'), c('KEYS h[ae]llo'), c('KEYS h[^e]llo'), c('KEYS h[a-b]llo'), c('KEYS nomatch*'), c('KEYS w*')], normalize: sortArray },
  { name: 'DBSIZE FLUSHDB FLUSHALL', cmds: [c('MSET a 1 b 2'), c('DBSIZE'), c('FLUSHDB'), c('DBSIZE'), c('SET a 1'), c('FLUSHALL ASYNC'), c('DBSIZE'), c('FLUSHDB SYNC'), c('FLUSHDB FOO'), c('FLUSHALL FOO BAR')] },
  { name: 'RANDOMKEY', cmds: [c('RANDOMKEY'), c('SET only 1'), c('RANDOMKEY')] },
  {
    name: 'OBJECT ENCODING and REFCOUNT',
    cmds: [
      c('SET i 123'), c('SET s hello'), c('SET big 12345678901234567890'), c('SET neg -5'), c('OBJECT ENCODING i'), c('OBJECT ENCODING s'), c('OBJECT ENCODING big'), c('OBJECT ENCODING neg'),
      ['SET', 'long', 'x'.repeat(45)], c('OBJECT ENCODING long'), c('OBJECT ENCODING nokey'), c('OBJECT REFCOUNT s'), c('OBJECT REFCOUNT nokey'), c('OBJECT FOO s'), c('OBJECT ENCODING'),
    ],
  },
  { name: 'SCAN argument errors', cmds: [c('SCAN x'), c('SCAN 0 COUNT 0'), c('SCAN 0 COUNT x'), c('SCAN 0 FOO'), c('SCAN 0 MATCH'), c('SCAN -1')] },
  { name: 'SCAN cursor text as Redis reads it', cmds: [c('SET a 1'), ['SCAN', ''], ['SCAN', ' 0'], ['SCAN', '+0'], ['SCAN', '0 ']] },
  { name: 'SCAN of an empty db', cmds: [c('SCAN 0'), c('SCAN 0 MATCH * COUNT 100 TYPE string')] },
];

/** KEYS order differs between implementations: compare as sorted arrays. */
function sortArray(reply: string): string {
  if (!reply.startsWith('*')) return reply;
  const lines = reply.split('\r\n');
  const items: string[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) items.push(`${lines[i]}\r\n${lines[i + 1]}`);
  return `${lines[0]}\r\n${items.sort().join('\r\n')}\r\n`;
}

await runDifferential(t, cases);

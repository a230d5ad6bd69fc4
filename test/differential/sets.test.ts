import t from 'tap';
import { runDifferential, c, type Cmd, type DiffCase } from './harness.js';

const manyInts: Cmd = ['SADD', 'bigi'];
for (let i = 0; i < 600; i++) manyInts.push(String(i * 7));

/** Hashtable-encoded sets have no defined order: compare arrays / sets sorted. */
function sortArray(reply: string): string {
  if (!reply.startsWith('*') && !reply.startsWith('~')) return reply;
  const lines = reply.split('\r\n');
  const items: string[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) items.push(`${lines[i]}\r\n${lines[i + 1]}`);
  return `${lines[0]}\r\n${items.sort().join('\r\n')}\r\n`;
}

function sortScan(reply: string): string {
  const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n(\*[\s\S]*)$/.exec(reply);
  if (!m) return reply;
  return `*2\r\n${m[1]}\r\n${sortArray(m[2])}`;
}

const cases: DiffCase[] = [
  {
    name: 'SADD SREM SCARD SISMEMBER SMISMEMBER (intset order)',
    cmds: [
      c('SADD s 5 3 -1 10 3'), c('SMEMBERS s'), c('OBJECT ENCODING s'), c('SCARD s'), c('SCARD nokey'), c('SISMEMBER s 3'), c('SISMEMBER s 03'), c('SISMEMBER s x'), c('SISMEMBER nokey 1'),
      c('SMISMEMBER s 3 4 -1 x'), c('SMISMEMBER nokey a b'), c('SREM s 3 3 99 x'), c('SMEMBERS s'), c('SREM s 5 -1 10'), c('EXISTS s'), c('SREM nokey a'), c('SMEMBERS nokey'),
      c('SADD s 9223372036854775807 -9223372036854775808 0'), c('SMEMBERS s'), c('OBJECT ENCODING s'), c('SADD s 9223372036854775808'), c('OBJECT ENCODING s'), c('SCARD s'),
    ],
  },
  {
    name: 'encodings',
    cmds: [
      c('SADD a 1 2 x'), c('OBJECT ENCODING a'), c('SREM a x'), c('OBJECT ENCODING a'), c('SADD b 01'), c('OBJECT ENCODING b'), c('SADD c -0'), c('OBJECT ENCODING c'),
      c('SADD d 1'), c('OBJECT ENCODING d'), manyInts, c('OBJECT ENCODING bigi'), c('SCARD bigi'),
      c('CONFIG SET set-max-intset-entries 3'), c('SADD e 1 2 3'), c('OBJECT ENCODING e'), c('SADD e 4'), c('OBJECT ENCODING e'), c('CONFIG SET set-max-intset-entries 512'),
    ],
  },
  { name: 'hashtable replies (sorted)', cmds: [c('SADD s a b c d e f'), c('SMEMBERS s'), c('SRANDMEMBER s 100'), c('SSCAN s 0 COUNT 100')], normalize: (r, cmd) => (cmd[0] === 'SSCAN' ? sortScan(r) : sortArray(r)) },
  {
    name: 'WRONGTYPE',
    cmds: [
      c('SET str v'), c('SADD str a'), c('SREM str a'), c('SMEMBERS str'), c('SISMEMBER str a'), c('SMISMEMBER str a'), c('SCARD str'), c('SPOP str'), c('SPOP str 1'), c('SRANDMEMBER str'),
      c('SRANDMEMBER str 1'), c('SINTER str'), c('SUNION str'), c('SDIFF str'), c('SINTERSTORE d str'), c('SUNIONSTORE d str'), c('SDIFFSTORE d str'), c('SINTERCARD 1 str'), c('SSCAN str 0'),
      c('SADD s 1'), c('SINTER s nokey str'), c('SINTER nokey str'), c('SDIFF nokey str'), c('SMOVE str s 1'), c('SMOVE s str 1'), c('SMOVE nokey str 1'), c('SISMEMBER s 1'),
    ],
  },
  {
    name: 'SPOP SRANDMEMBER deterministic forms',
    cmds: [
      c('SADD s 3 1 2'), c('SRANDMEMBER s 3'), c('SRANDMEMBER s 10'), c('SRANDMEMBER s 0'), c('SRANDMEMBER nokey'), c('SRANDMEMBER nokey 5'), c('SRANDMEMBER nokey -5'), c('SRANDMEMBER s x'),
      c('SRANDMEMBER s 1 2'), c('SRANDMEMBER s -9223372036854775808'), c('SRANDMEMBER nokey x'), c('SADD one 7'), c('SRANDMEMBER one'), c('SRANDMEMBER one -3'),
      c('SPOP s -1'), c('SPOP s x'), c('SPOP s 1 2'), c('SPOP nokey'), c('SPOP nokey 3'), c('SPOP nokey x'), c('SPOP s 0'), c('SPOP s 3'), c('EXISTS s'), c('SPOP one'), c('EXISTS one'),
      c('SADD s 1 2'), c('SPOP s 100'), c('EXISTS s'),
    ],
  },
  { name: 'RESP3 set replies', resp: 3, cmds: [c('SADD s 2 1'), c('SMEMBERS s'), c('SMEMBERS nokey'), c('SPOP nokey 2'), c('SPOP s 0'), c('SRANDMEMBER s 5'), c('SRANDMEMBER nokey 2'), c('SINTER s'), c('SUNION s nokey'), c('SDIFF nokey'), c('SINTER nokey'), c('SPOP s 5'), c('SPOP nokey'), c('SMISMEMBER s 1')] },
  {
    name: 'SMOVE',
    cmds: [
      c('SADD a 1 2 x'), c('SMOVE a b 1'), c('SMEMBERS b'), c('OBJECT ENCODING b'), c('SMOVE a b 1'), c('SMOVE a b x'), c('OBJECT ENCODING b'), c('SMOVE a a 2'), c('SMOVE a a 9'), c('SMOVE a b 2'),
      c('EXISTS a'), c('SCARD b'), c('SMOVE nokey b 1'), c('SADD c 5'), c('SMOVE c c 5'),
    ],
  },
  {
    name: 'SINTER SUNION SDIFF and STORE (intset results)',
    cmds: [
      c('SADD a 1 2 3 4'), c('SADD b 3 4 5'), c('SADD c 4 5 6'), c('SINTER a b'), c('SINTER a b c'), c('SINTER a nokey'), c('SUNION a b c'), c('SUNION nokey a'), c('SDIFF a b'), c('SDIFF a b c'),
      c('SDIFF nokey a'), c('SDIFF a nokey'), c('SDIFF a a'), c('SINTER a a'), c('SINTERSTORE d a b'), c('SMEMBERS d'), c('OBJECT ENCODING d'), c('SUNIONSTORE d a c'), c('SMEMBERS d'),
      c('SDIFFSTORE d a b'), c('SMEMBERS d'), c('SINTERSTORE d a c nokey'), c('EXISTS d'), c('SET d x'), c('SDIFFSTORE d a a'), c('EXISTS d'), c('SET d x'), c('EXPIRE d 100'), c('SUNIONSTORE d a'), c('TTL d'),
      c('SINTERSTORE a a b'), c('SMEMBERS a'), c('SUNIONSTORE nothing nokey'), c('EXISTS nothing'),
      c('SADD m 1 x'), c('SINTERSTORE e m a'), c('OBJECT ENCODING e'), c('SDIFFSTORE f m a'), c('OBJECT ENCODING f'), c('SCARD f'), c('SISMEMBER f x'),
    ],
  },
  { name: 'hashtable algebra (sorted)', cmds: [c('SADD a x y z 1'), c('SADD b y z w'), c('SINTER a b'), c('SUNION a b'), c('SDIFF a b'), c('SUNIONSTORE d a b'), c('SMEMBERS d'), c('OBJECT ENCODING d')], normalize: sortArray },
  {
    name: 'SINTERCARD',
    cmds: [
      c('SADD s 1 2 3'), c('SADD t 2 3 4'), c('SET str x'), c('SINTERCARD 2 s t'), c('SINTERCARD 0 s'), c('SINTERCARD x s'), c('SINTERCARD 3 s t'), c('SINTERCARD -1 s'), c('SINTERCARD 2 s t LIMIT 1'),
      c('SINTERCARD 2 s t LIMIT -1'), c('SINTERCARD 2 s t LIMIT x'), c('SINTERCARD 2 s t FOO 1'), c('SINTERCARD 2 s t LIMIT'), c('SINTERCARD 2 s str'), c('SINTERCARD 2 nokey str'),
      c('SINTERCARD 2 s t LIMIT 0'), c('SINTERCARD 1 s LIMIT 1 LIMIT 2'), c('SINTERCARD 9999999999999999999 s'), c('SINTERCARD 2147483648 s'), c('SINTERCARD 1 nokey'), c('SINTERCARD 2 s nokey'),
    ],
  },
  {
    name: 'SSCAN small and errors',
    cmds: [c('SADD s 10 2 33'), c('SSCAN s 0'), c('SSCAN s 0 MATCH 3*'), c('SSCAN s 5 COUNT 1'), c('SSCAN s x'), c('SSCAN s 0 COUNT 0'), c('SSCAN s 0 TYPE set'), c('SSCAN nokey 0'), c('SSCAN s 0 MATCH')],
  },
  { name: 'SSCAN big in one call', cmds: [manyInts, c('SSCAN bigi 0 COUNT 10000'), c('SSCAN bigi 0 COUNT 10000 MATCH 7?')], normalize: sortScan },
];

await runDifferential(t, cases);

import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  { name: 'MULTI/EXEC basics', cmds: [c('MULTI'), c('SET a 1'), c('INCR a'), c('GET a'), c('MGET a b c'), c('EXEC'), c('GET a')] },
  { name: 'empty transaction', cmds: [c('MULTI'), c('EXEC')] },
  { name: 'DISCARD', cmds: [c('MULTI'), c('SET a 1'), c('DISCARD'), c('GET a'), c('DISCARD'), c('EXEC')] },
  { name: 'nesting and misplaced commands', cmds: [c('MULTI'), c('MULTI'), c('SET a 1'), c('EXEC'), c('EXEC')] },
  { name: 'queue-time errors abort EXEC', cmds: [c('MULTI'), c('SET a 1'), c('NOSUCH x'), c('GET'), c('EXEC'), c('GET a')] },
  { name: 'commands refused inside MULTI', cmds: [c('MULTI'), c('SHUTDOWN'), c('EXEC')] },
  { name: 'runtime errors stay in place', cmds: [c('SET s notanumber'), c('MULTI'), c('INCR s'), c('SET t 1'), c('INCR t'), c('EXEC')] },
  { name: 'SELECT inside MULTI', cmds: [c('MULTI'), c('SELECT 3'), c('SET a 3'), c('SELECT 4'), c('SET a 4'), c('EXEC'), c('GET a'), c('SELECT 3'), c('GET a')] },
  { name: 'keys on many shards, fan-out and cross-shard commands', cmds: [c('MULTI'), c('MSET k1 1 k2 2 foo 3 bar 4'), c('RENAME k1 k9'), c('EXISTS k1 k9 k2 foo bar'), c('DEL k2 foo'), c('DBSIZE'), c('KEYS *'), c('EXEC')], normalize: sortKeysInExec },
  // SCAN visits the shards one by one: commands queued after it must not overtake the walk.
  { name: 'SCAN inside MULTI sees the state before the commands after it', cmds: [c('MULTI'), c('SCAN 0 COUNT 1000'), c('SADD k4 a'), c('SET foo 1'), c('SET bar 2'), c('SCAN 0 COUNT 1000'), c('EXEC')], normalize: sortKeysInExec },
  { name: 'RESP3 transaction', resp: 3, cmds: [c('MULTI'), c('GET nokey'), c('SET a 1'), c('EXEC')] },
  { name: 'WATCH: untouched key lets EXEC run', cmds: [c('SET w 1'), c('WATCH w'), c('MULTI'), c('INCR w'), c('EXEC'), c('GET w')] },
  { name: 'WATCH: a write after WATCH aborts EXEC', cmds: [c('SET w 1'), c('WATCH w'), c('SET w 2'), c('MULTI'), c('INCR w'), c('EXEC'), c('GET w')] },
  { name: 'WATCH: a missing key created after WATCH aborts', cmds: [c('WATCH nokey'), c('SET nokey 1'), c('MULTI'), c('PING'), c('EXEC')] },
  { name: 'WATCH: UNWATCH, DISCARD and errors', cmds: [c('WATCH w'), c('SET w 2'), c('UNWATCH'), c('MULTI'), c('PING'), c('EXEC'), c('MULTI'), c('WATCH w'), c('DISCARD'), c('WATCH')] },
  {
    name: 'WATCH: SWAPDB and FLUSHDB leave keys that exist on neither side alone',
    cmds: [
      c('WATCH nokey'), c('SWAPDB 1 0'), c('MULTI'), c('PING'), c('EXEC'), c('SELECT 1'), c('SET only1 x'), c('SELECT 0'), c('WATCH only1'), c('SWAPDB 0 1'),
      c('MULTI'), c('PING'), c('EXEC'), c('WATCH nokey2'), c('FLUSHDB'), c('MULTI'), c('PING'), c('EXEC'), c('FLUSHALL'),
    ],
  },
  { name: 'WATCH: FLUSHDB and SWAPDB touch watched keys', cmds: [c('SET w 1'), c('WATCH w'), c('FLUSHDB'), c('MULTI'), c('PING'), c('EXEC'), c('SET w 1'), c('WATCH w'), c('SWAPDB 0 1'), c('MULTI'), c('PING'), c('EXEC')] },
  { name: 'WATCH: keys on several shards', cmds: [c('MSET k1 1 k2 2 foo 3'), c('WATCH k1 k2 foo'), c('MULTI'), c('INCR k1'), c('INCR foo'), c('EXEC'), c('WATCH k1 foo'), c('SET foo x'), c('MULTI'), c('INCR k1'), c('EXEC'), c('GET k1')] },
  { name: 'WATCH in RESP3: aborted EXEC is null', resp: 3, cmds: [c('SET w 1'), c('WATCH w'), c('DEL w'), c('MULTI'), c('PING'), c('EXEC')] },
  { name: 'local commands inside MULTI', cmds: [c('MULTI'), c('PING'), c('ECHO hi'), c('SET a 1'), c('PING x'), c('EXEC')] },
];

/** KEYS inside EXEC: element order is hash order in Redis; sort the KEYS element of the array. */
function sortKeysInExec(reply: string, cmd: Array<string | Buffer>): string {
  if (String(cmd[0]) !== 'EXEC') return reply;
  return reply.replace(/\*(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)+)$/, (_m, n: string, body: string) => {
    const items = body.split('\r\n').filter(Boolean);
    const pairs: string[] = [];
    for (let i = 0; i < items.length; i += 2) pairs.push(`${items[i]}\r\n${items[i + 1]}\r\n`);
    return `*${n}\r\n${pairs.sort().join('')}`;
  });
}

await runDifferential(t, cases);

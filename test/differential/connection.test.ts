import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  { name: 'PING ECHO', cmds: [c('PING'), c('PING hello'), c('PING a b'), c('ECHO x'), c('ECHO')] },
  { name: 'unknown commands and arity', cmds: [c('FOO'), c('FOO a b c'), ['FOO', 'x'.repeat(200)], c('GET'), c('SET k'), c('GET a b'), c('CLIENT'), c('CLIENT FOO'), c('CONFIG GET'), c('OBJECT')] },
  { name: 'SELECT', cmds: [c('SELECT 1'), c('SELECT 15'), c('SELECT 16'), c('SELECT -1'), c('SELECT x'), c('SELECT 01')] },
  { name: 'AUTH without a password', cmds: [c('AUTH x'), c('AUTH default x'), c('AUTH a b c')] },
  { name: 'HELLO', cmds: [c('HELLO 4'), c('HELLO x'), c('HELLO 2 FOO'), c('HELLO 2 SETNAME a b')], normalize: (r) => r },
  { name: 'CLIENT misc', cmds: [c('CLIENT SETNAME abc'), c('CLIENT GETNAME'), c('CLIENT SETNAME'), c('CLIENT SETNAME "a b"'), c('CLIENT SETNAME a\nb'), c('CLIENT NO-EVICT on'), c('CLIENT NO-EVICT maybe'), c('CLIENT REPLY maybe'), c('CLIENT KILL 1.2.3.4:5'), c('CLIENT KILL ID 0'), c('CLIENT KILL ID 999999'), c('CLIENT KILL FOO bar'), c('CLIENT LIST TYPE foo'), c('CLIENT HELP')] },
  { name: 'CONFIG', cmds: [c('CONFIG GET maxmemory'), c('CONFIG GET hash-max-*'), c('CONFIG SET maxmemory 10mb'), c('CONFIG GET maxmemory'), c('CONFIG SET maxmemory 0'), c('CONFIG SET nosuch 1'), c('CONFIG SET maxmemory abc'), c('CONFIG SET hz'), c('CONFIG HELP'), c('CONFIG RESETSTAT')], normalize: sortPairs },
  { name: 'COMMAND INFO / COUNT / GETKEYS / DOCS', cmds: [c('COMMAND INFO get set mset nosuch'), c('COMMAND INFO config|get'), c('COMMAND DOCS get'), c('COMMAND GETKEYS mset a 1 b 2'), c('COMMAND GETKEYS get'), c('COMMAND GETKEYS ping'), c('COMMAND GETKEYS nosuch a'), c('COMMAND HELP')] },
  { name: 'DEBUG is refused by default', cmds: [c('DEBUG SLEEP 0'), c('DEBUG')] },
  { name: 'RESET', cmds: [c('SELECT 3'), c('CLIENT SETNAME x'), c('RESET'), c('CLIENT GETNAME')] },
  { name: 'TIME shape', cmds: [c('TIME')], normalize: (r) => r.replace(/\$\d+\r\n\d+\r\n/g, '$N\r\nN\r\n') },
  { name: 'ROLE', cmds: [c('ROLE'), c('ROLE x'), c('COMMAND INFO role'), ['EVAL', "return redis.call('role')", '0']] },
  { name: 'ROLE in RESP3', resp: 3, cmds: [c('ROLE')] },
];

/** CONFIG GET with a pattern: Redis answers in hash order; compare as sorted pairs. */
function sortPairs(reply: string, cmd: Array<string | Buffer>): string {
  if (!reply.startsWith('*') || String(cmd[1]).toUpperCase() !== 'GET') return reply;
  const lines = reply.split('\r\n');
  const pairs: string[] = [];
  for (let i = 1; i + 3 < lines.length; i += 4) pairs.push(lines.slice(i, i + 4).join('\r\n'));
  return `${lines[0]}\r\n${pairs.sort().join('\r\n')}\r\n`;
}

await runDifferential(t, cases);

import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  { name: 'SET/GET basics', cmds: [c('SET k v'), c('GET k'), c('GET missing'), c('SET k v2 NX'), c('SET k v3 XX'), c('GET k'), c('SET n1 v XX'), c('GET n1')] },
  { name: 'SET GET option', cmds: [c('SET k a GET'), c('SET k b GET'), c('GET k'), c('SET k c NX GET'), c('SET k2 c NX GET')] },
  {
    name: 'SET expiry options and errors',
    cmds: [
      c('SET k v EX 100'), c('TTL k'), c('SET k v PX 100000'), c('TTL k'), c('SET k v EX 0'), c('SET k v EX -1'), c('SET k v PX 0'),
      c('SET k v EX abc'), c('SET k v EX 10 PX 10'), c('SET k v NX XX'), c('SET k v KEEPTTL EX 10'), c('SET k v EX'), c('SET k v FOO'),
      c('SET k v EX 9223372036854775807'), c('SET k v PX 9223372036854775807'), c('SET k v EXAT 1'), c('GET k'), c('SET k v PXAT 99999999999999'), c('TTL k'),
      c('SET k v EX 100'), c('SET k w KEEPTTL'), c('TTL k'), c('SET k w'), c('TTL k'),
    ],
  },
  { name: 'SETNX SETEX PSETEX GETSET', cmds: [c('SETNX k 1'), c('SETNX k 2'), c('GET k'), c('SETEX k 100 v'), c('TTL k'), c('SETEX k 0 v'), c('SETEX k -5 v'), c('SETEX k x v'), c('PSETEX k 100000 v'), c('TTL k'), c('GETSET k new'), c('TTL k'), c('GETSET nokey v')] },
  { name: 'GETEX GETDEL', cmds: [c('SET k v'), c('GETEX k EX 100'), c('TTL k'), c('GETEX k PERSIST'), c('TTL k'), c('GETEX k PX 100000'), c('GETEX k EX 0'), c('GETEX k EX 1 PX 1'), c('GETEX k FOO'), c('GETEX nokey EX 10'), c('GETDEL k'), c('GETDEL k')] },
  {
    name: 'INCR family and overflow',
    cmds: [
      c('INCR i'), c('INCRBY i 10'), c('DECR i'), c('DECRBY i 5'), c('GET i'), c('SET i 9223372036854775806'), c('INCR i'), c('INCR i'), c('GET i'),
      c('SET i -9223372036854775808'), c('DECR i'), c('DECRBY i -1'), c('SET i abc'), c('INCR i'), c('SET i 1.5'), c('INCR i'), c('SET i " 1"'), c('INCR i'),
      c('SET i 01'), c('INCR i'), c('INCRBY i x'), c('INCRBY k 9223372036854775808'), c('DECRBY k -9223372036854775808'), c('SET big 12345678901234567'), c('INCR big'), c('INCRBY big 100000000000'),
    ],
  },
  {
    // INCR keeps counters as numbers (int encoding): every other reader must see the same string.
    name: 'a counter read by every kind of command',
    cmds: [
      c('INCRBY n 41'), c('INCR n'), c('GET n'), c('STRLEN n'), c('GETRANGE n 0 0'), c('TYPE n'), c('OBJECT ENCODING n'), c('MGET n nokey'),
      c('GETBIT n 2'), c('BITCOUNT n'), c('LCS n n'), c('SET n2 x GET'), c('INCR n'), c('GETSET n 7'), c('INCR n'), c('GETEX n EX 100'), c('TTL n'),
      c('INCR n'), c('TTL n'), c('COPY n n3'), c('GET n3'), c('DUMP n'), c('INCRBYFLOAT n 0.5'), c('INCR n'), c('SET n 10'), c('INCR n'), c('APPEND n 0'),
      c('INCR n'), c('SETRANGE n 0 9'), c('DECRBY n 1000'), c('GET n'), c('SETBIT n 0 1'), c('INCR n'), c('DECR m'), c('RENAME m m2'), c('GET m2'),
      c('INCRBY m2 -1'), c('DEBUG DIGEST-VALUE m2'), c('EVAL "return redis.call(\'get\', KEYS[1])" 1 m2'), c('SORT m2'), c('GETDEL m2'), c('EXISTS m2'),
    ],
  },
  {
    name: 'INCRBYFLOAT formatting',
    cmds: [
      c('INCRBYFLOAT f 0.1'), c('INCRBYFLOAT f 0.2'), c('INCRBYFLOAT f 1e3'), c('INCRBYFLOAT f -1000.3'), c('INCRBYFLOAT f 3.0e3'), c('SET f 10.5'), c('INCRBYFLOAT f 1.1'),
      c('INCRBYFLOAT f abc'), c('INCRBYFLOAT f inf'), c('SET f 5.0e30'), c('INCRBYFLOAT f 1'), c('SET f abc'), c('INCRBYFLOAT f 1'), c('SET g 1'), c('INCRBYFLOAT g 1.5e308'), c('INCRBYFLOAT g 1.5e308'),
    ],
  },
  { name: 'APPEND STRLEN', cmds: [c('APPEND a hello'), c('APPEND a " world"'), c('GET a'), c('STRLEN a'), c('STRLEN nokey')] },
  {
    name: 'GETRANGE SETRANGE SUBSTR',
    cmds: [
      c('SET s HelloWorld'), c('GETRANGE s 0 4'), c('GETRANGE s -5 -1'), c('GETRANGE s 5 2'), c('GETRANGE s -100 100'), c('GETRANGE s 0 -100'), c('GETRANGE nokey 0 5'), c('GETRANGE s a b'),
      c('SUBSTR s 1 3'), c('SETRANGE s 5 Redis'), c('GET s'), c('SETRANGE s 20 x'), c('GET s'), c('STRLEN s'), c('SETRANGE n 0 abc'), c('SETRANGE n2 3 ""'), c('EXISTS n2'), c('SETRANGE s -1 x'),
      c('SETRANGE s 536870912 x'), c('SET e ""'), c('GETRANGE e 0 -1'), c('SET i 12345'), c('SETRANGE i 1 9'), c('GET i'),
    ],
  },
  { name: 'MSET MGET MSETNX', cmds: [c('MSET a 1 b 2 c 3'), c('MGET a b c d'), c('MSET a'), c('MSET a 1 b'), c('MSET a 1 b 2 c'), c('MGET a b c'), c('MSETNX a 1 b'), c('MSETNX a 1 z 2'), c('MSETNX y 1 z 2'), c('MGET y z'), ] },
  {
    name: 'LCS',
    cmds: [
      c('MSET k1 ohmytext k2 mynewtext'), c('LCS k1 k2'), c('LCS k1 k2 LEN'), c('LCS k1 k2 IDX'), c('LCS k1 k2 IDX MINMATCHLEN 4'), c('LCS k1 k2 IDX MINMATCHLEN 4 WITHMATCHLEN'),
      c('LCS k1 k2 LEN IDX'), c('LCS k1 nokey'), c('LCS k1 k2 FOO'), 
    ],
  },
  { name: 'LCS in RESP3', resp: 3, cmds: [c('MSET k1 ohmytext k2 mynewtext'), c('LCS k1 k2 IDX WITHMATCHLEN')] },
  { name: 'binary values', cmds: [['SET', 'bin', Buffer.from([0, 1, 255, 13, 10, 0])], c('GET bin'), c('STRLEN bin'), ['APPEND', 'bin', Buffer.from([0xfe, 0])], c('GETRANGE bin 2 -1')] },
  { name: 'RESP3 null', resp: 3, cmds: [c('GET nokey'), c('MGET a nokey'), c('SET k v GET')] },
];

await runDifferential(t, cases);

import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const cases: DiffCase[] = [
  {
    name: 'push and pop',
    cmds: [
      c('LPUSH l a b c'), c('RPUSH l x y'), c('LRANGE l 0 -1'), c('LPUSHX nokey a'), c('RPUSHX nokey a'), c('EXISTS nokey'), c('LPUSHX l h1 h2'), c('RPUSHX l t1'),
      c('LRANGE l 0 -1'), c('LLEN l'), c('LLEN nokey'), c('LPOP l'), c('RPOP l'), c('LPOP l 2'), c('RPOP l 2'), c('LPOP l 0'), c('RPOP l 0'), c('LPOP l -1'), c('RPOP l abc'),
      c('LPOP l 1 2'), c('LPOP l 100'), c('EXISTS l'), c('LPOP l'), c('LPOP l 0'), c('RPOP l 5'), c('RPOP nokey'), c('LPOP nokey 1'), c('TYPE l'),
      c('RPUSH one a'), c('RPOP one'), c('EXISTS one'), c('RPUSH n -0 007 12 18446744073709551616 -9223372036854775808'), c('LRANGE n 0 -1'), c('OBJECT ENCODING n'),
      c('LPOP n 9223372036854775807'), c('RPUSH n a'), c('LPOP n 9223372036854775808'),
    ],
  },
  { name: 'RESP3 null shapes', resp: 3, cmds: [c('LPOP nokey'), c('LPOP nokey 2'), c('RPOP nokey 0'), c('LINDEX nokey 0'), c('LMPOP 1 nokey LEFT'), c('RPOPLPUSH nokey x'), c('LPOS nokey a'), c('LPOS nokey a COUNT 1'), c('RPUSH l a'), c('LPOP l 0'), c('LPOS l z'), c('LMOVE nokey l LEFT LEFT'), c('LRANGE nokey 0 -1')] },
  {
    name: 'wrong type',
    cmds: [
      c('SET s v'), c('LPUSH s a'), c('RPUSH s a'), c('LPUSHX s a'), c('RPUSHX s a'), c('LPOP s'), c('RPOP s 2'), c('LLEN s'), c('LRANGE s 0 -1'), c('LINDEX s 0'), c('LSET s 0 x'),
      c('LINSERT s BEFORE a b'), c('LREM s 0 a'), c('LTRIM s 0 1'), c('LPOS s a'), c('LMOVE s d LEFT LEFT'), c('RPOPLPUSH s d'), c('RPUSH l a'), c('LMOVE l s LEFT LEFT'), c('RPOPLPUSH l s'),
      c('LRANGE l 0 -1'), c('LMPOP 2 nokey s LEFT'), c('LMPOP 2 l s LEFT'), c('LRANGE s a b'), c('LINDEX s a'), c('LREM s a b'), c('LPOP s -1'),
    ],
  },
  {
    name: 'LRANGE LINDEX LSET',
    cmds: [
      c('RPUSH l a b c d e'), c('LRANGE l 1 3'), c('LRANGE l -2 -1'), c('LRANGE l -100 100'), c('LRANGE l 3 1'), c('LRANGE l 5 10'), c('LRANGE l 0 -6'), c('LRANGE l -9223372036854775808 9223372036854775807'),
      c('LRANGE l a 1'), c('LRANGE l 0 1.5'), c('LRANGE nokey 0 -1'), c('LRANGE nokey a 0'),
      c('LINDEX l 0'), c('LINDEX l -1'), c('LINDEX l 5'), c('LINDEX l -6'), c('LINDEX l x'), c('LINDEX nokey x'), c('LINDEX l 9223372036854775807'),
      c('LSET l 0 A'), c('LSET l -1 E'), c('LSET l 5 x'), c('LSET l -6 x'), c('LSET l x y'), c('LSET nokey 0 x'), c('LSET nokey x x'), c('LRANGE l 0 -1'),
    ],
  },
  {
    name: 'LINSERT LREM LTRIM',
    cmds: [
      c('RPUSH l a b c b a'), c('LINSERT l BEFORE b X'), c('LINSERT l after b Y'), c('LINSERT l AFTER a Z'), c('LINSERT l BEFORE nope Q'), c('LINSERT l MIDDLE a Q'), c('LINSERT nokey BEFORE a b'),
      c('LINSERT nokey MIDDLE a b'), c('LRANGE l 0 -1'),
      c('RPUSH r a b a c a d a'), c('LREM r 2 a'), c('LRANGE r 0 -1'), c('LREM r -1 a'), c('LRANGE r 0 -1'), c('LREM r 0 a'), c('LRANGE r 0 -1'), c('LREM r 0 zz'), c('LREM nokey 1 a'), c('LREM r x a'),
      c('LREM r 0 b'), c('LREM r 0 c'), c('LREM r 0 d'), c('EXISTS r'),
      c('RPUSH t 1 2 3 4 5 6'), c('LTRIM t 1 -2'), c('LRANGE t 0 -1'), c('LTRIM t 0 100'), c('LRANGE t 0 -1'), c('LTRIM t -2 -1'), c('LRANGE t 0 -1'), c('LTRIM t a 1'), c('LTRIM nokey 0 1'),
      c('LTRIM nokey a 1'), c('LTRIM t 5 1'), c('EXISTS t'),
    ],
  },
  {
    name: 'LPOS',
    cmds: [
      c('RPUSH p a b c 1 2 3 c c'), c('LPOS p c'), c('LPOS p c RANK 2'), c('LPOS p c RANK -1'), c('LPOS p c RANK -2'), c('LPOS p c COUNT 0'), c('LPOS p c COUNT 2'), c('LPOS p c RANK -1 COUNT 2'),
      c('LPOS p c MAXLEN 2'), c('LPOS p c MAXLEN 3'), c('LPOS p c COUNT 0 MAXLEN 7'), c('LPOS p c RANK 0'), c('LPOS p c COUNT -1'), c('LPOS p c MAXLEN -1'), c('LPOS p c RANK x'), c('LPOS p c RANK'),
      c('LPOS p c FOO 1'), c('LPOS p c FIRST 1'), c('LPOS p zz'), c('LPOS p zz COUNT 0'), c('LPOS p c RANK 5 COUNT 0'), c('LPOS p c RANK 4 COUNT 0'), c('LPOS p c RANK 4'), c('LPOS p c RANK -9223372036854775808'),
      c('LPOS p c RANK 9223372036854775807'), c('LPOS nokey a RANK 0'), c('LPOS nokey a COUNT 1'), c('LPOS p 1'), c('LPOS p c COUNT 1 COUNT 2'), c('LPOS p c RANK -3 MAXLEN 2'), c('LPOS p c COUNT abc'), c('LPOS p c MAXLEN abc'), c('LPOS p c COUNT 99999999999999999999'),
    ],
  },
  {
    name: 'LMOVE RPOPLPUSH',
    cmds: [
      c('RPUSH src a b c'), c('LMOVE src dst LEFT RIGHT'), c('LMOVE src dst RIGHT LEFT'), c('LRANGE src 0 -1'), c('LRANGE dst 0 -1'), c('LMOVE src dst UP LEFT'), c('LMOVE src dst LEFT DOWN'),
      c('LMOVE nokey dst LEFT LEFT'), c('LMOVE nokey dst UP LEFT'), c('RPOPLPUSH src dst'), c('EXISTS src'), c('LRANGE dst 0 -1'), c('RPOPLPUSH dst dst'), c('LRANGE dst 0 -1'), c('LMOVE dst dst LEFT RIGHT'),
      c('LRANGE dst 0 -1'), c('RPUSH solo x'), c('LMOVE solo solo LEFT LEFT'), c('LRANGE solo 0 -1'), c('RPOPLPUSH solo solo'), c('RPOPLPUSH nokey dst'),
    ],
  },
  {
    name: 'LMPOP',
    cmds: [
      c('RPUSH a 1 2 3'), c('RPUSH b x y'), c('LMPOP 2 nokey a LEFT'), c('LMPOP 2 nokey a RIGHT COUNT 5'), c('EXISTS a'), c('LMPOP 2 a b RIGHT COUNT 1'), c('LMPOP 1 b LEFT COUNT 10'), c('LMPOP 2 a b LEFT'),
      c('LMPOP 0 a LEFT'), c('LMPOP -1 a LEFT'), c('LMPOP x a LEFT'), c('LMPOP 3 a b LEFT'), c('LMPOP 1 a MIDDLE'), c('LMPOP 1 a LEFT COUNT 0'), c('LMPOP 1 a LEFT COUNT -1'), c('LMPOP 1 a LEFT COUNT x'),
      c('LMPOP 1 a LEFT COUNT 1 COUNT 1'), c('LMPOP 1 a LEFT FOO'), c('LMPOP 1 a LEFT COUNT'), c('LMPOP 9223372036854775807 a LEFT'),
      c('COMMAND GETKEYS LMPOP 2 a b LEFT'), c('COMMAND GETKEYS LMPOP 3 a b LEFT'),
    ],
  },
  {
    // Timed-out waits and their non-blocking form inside MULTI have different null shapes in Redis 7.0.
    name: 'blocking timeouts and MULTI null shapes',
    cmds: [
      c('BLPOP nokey 0.01'), c('BRPOP nokey 0.01'), c('BRPOPLPUSH nokey dst 0.01'), c('BLMOVE nokey dst LEFT RIGHT 0.01'), c('BLMPOP 0.01 1 nokey LEFT'),
      c('BZPOPMIN nokey 0.01'), c('BZMPOP 0.01 1 nokey MIN'), c('MULTI'), c('BLPOP nokey 0'), c('BRPOPLPUSH nokey dst 0'), c('BLMOVE nokey dst LEFT RIGHT 0'),
      c('BLMPOP 0 1 nokey LEFT'), c('BZPOPMAX nokey 0'), c('EXEC'),
      // Positive timeouts under a millisecond round up (ceill) and time out; they do not wait forever.
      c('BLPOP nokey 0.0004'), c('BRPOP nokey 1e-30'), c('BLMOVE nokey dst LEFT RIGHT 0.001'), c('BRPOPLPUSH nokey dst 0.0009999'),
      c('BLMPOP 0.0004 1 nokey LEFT'), c('BZPOPMAX nokey 0.001'), c('BZMPOP 0.002 1 nokey MIN'),
      // Timeouts the C cast turns negative, and what string2ld refuses.
      c('BLPOP nokey inf'), c('BLPOP nokey -inf'), c('BLPOP nokey 1e400'), c('BRPOP nokey 9.3e15'), c('BLPOP nokey nan'), c('BLPOP nokey -0.5'),
      c('BLMOVE nokey dst LEFT RIGHT inf'), c('BZPOPMIN nokey 1e400'), c('BLMPOP inf 1 nokey LEFT'), c('BZMPOP -1 1 nokey MIN'),
      // The other arguments are checked before the timeout.
      c('BLMOVE k0 k1 MIDDLE RIGHT -1'), c('BLMOVE k0 k1 LEFT UP abc'), c('BLMPOP -1 1 k5 LEFT COUNT 0'), c('BLMPOP -1 0 k5 LEFT'), c('BLMPOP x 1 k5 UP'),
      c('BZMPOP abc -1 k5 MIN'), c('BZMPOP abc 1 k5 MIN COUNT -2'), c('BZMPOP abc 1 k5 MIN FOO'), c('BLMPOP -1 2 k5'),
      c('MULTI'), c('BLMOVE k0 k1 MIDDLE RIGHT -1'), c('BZMPOP abc -1 k5 MIN'), c('BLMPOP 0 1 k5 LEFT COUNT 0'), c('EXEC'),
    ],
  },
  {
    name: 'blocking timeouts in RESP3',
    resp: 3,
    cmds: [c('BLPOP nokey 0.01'), c('BRPOPLPUSH nokey dst 0.01'), c('BLMOVE nokey dst LEFT RIGHT 0.01'), c('BLMPOP 0.01 1 nokey LEFT'), c('BZPOPMIN nokey 0.01'), c('BZMPOP 0.01 1 nokey MIN')],
  },
  { name: 'LMPOP in RESP3', resp: 3, cmds: [c('RPUSH a 1 2 3'), c('LMPOP 1 a RIGHT COUNT 2'), c('LMPOP 1 nokey LEFT')] },
  {
    name: 'binary elements and COPY',
    cmds: [
      ['RPUSH', 'bin', Buffer.from([0, 1, 255, 13, 10]), Buffer.from('')], c('LRANGE bin 0 -1'), ['LPOS', 'bin', Buffer.from([0, 1, 255, 13, 10])], c('LINDEX bin 1'),
      c('COPY bin bin2'), c('RPUSH bin2 z'), c('LLEN bin'), c('LLEN bin2'), c('TYPE bin'), c('OBJECT ENCODING bin'),
    ],
  },
  {
    name: 'keys on different shards (lock manager)',
    cmds: [
      c('RPUSH k0 a b c'), c('RPUSH k1 x'), c('RPUSH k2 y'), c('RPUSH k3 z'), c('LMOVE k0 k1 LEFT RIGHT'), c('LMOVE k0 k2 RIGHT LEFT'), c('RPOPLPUSH k0 k3'), c('EXISTS k0'),
      c('LRANGE k1 0 -1'), c('LRANGE k2 0 -1'), c('LRANGE k3 0 -1'), c('RPOPLPUSH k1 k9'), c('LRANGE k9 0 -1'), c('LMPOP 4 k5 k6 k1 k2 LEFT COUNT 5'), c('LMPOP 3 k4 k5 k6 RIGHT'),
      c('SET k7 v'), c('LMOVE k1 k7 LEFT LEFT'), c('LMPOP 3 k8 k7 k1 LEFT'), c('LRANGE k1 0 -1'),
    ],
  },
];

await runDifferential(t, cases);

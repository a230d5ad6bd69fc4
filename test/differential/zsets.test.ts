import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const Z = c('ZADD z 1 a 2 b 3 c 4 d 5 e');
const L = c('ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g');

const cases: DiffCase[] = [
  {
    name: 'ZADD flags and errors',
    cmds: [
      c('ZADD z 1 a'), c('ZADD z 2 a 3 b'), c('ZADD z CH 5 a 3 b 4 c'), c('ZADD z NX 10 a 10 x'), c('ZADD z XX 11 a 11 y'), c('ZRANGE z 0 -1 WITHSCORES'),
      c('ZADD z GT 1 a'), c('ZADD z GT CH 20 a'), c('ZADD z LT CH 30 a 1 b'), c('ZADD z LT GT 1 a'), c('ZADD z NX XX 1 a'), c('ZADD z NX GT 1 a'), c('ZADD z NX LT 1 a'),
      c('ZADD z INCR 1 a 2 b'), c('ZADD z INCR 5 a'), c('ZADD z INCR NX 5 a'), c('ZADD z INCR XX 5 nope'), c('ZADD z INCR GT -100 a'), c('ZADD z 1'), c('ZADD z 1 a 2'),
      c('ZADD z abc a'), c('ZADD z nan a'), c('ZADD z inf a'), c('ZINCRBY z -inf a'), c('ZADD z -inf b'), c('ZINCRBY z inf b'), c('ZSCORE z a'), c('ZSCORE z b'),
      c('ZADD z 1.5 f 0.1 g 1e20 h -0 i 3.0e-5 j'), c('ZRANGE z 0 -1 WITHSCORES'), c('ZADD new XX 1 a'), c('EXISTS new'), c('ZADD new XX INCR 1 a'), c('ZADD z xx nx 1 a'),
      c('SET s x'), c('ZADD s 1 a'), c('ZADD s x a'), c('ZADD z INCR 1 a ch'), c('ZADD z 1 a INCR'), c('ZINCRBY z x a'), c('ZINCRBY nz 3 m'), c('ZADD z 00001 zz'), c('ZSCORE z zz'),
    ],
  },
  {
    name: 'ZSCORE ZMSCORE ZCARD ZREM ZRANK',
    cmds: [
      Z, c('ZSCORE z a'), c('ZSCORE z q'), c('ZSCORE nokey a'), c('ZMSCORE z a q e'), c('ZMSCORE nokey a b'), c('ZCARD z'), c('ZCARD nokey'),
      c('ZRANK z a'), c('ZRANK z e'), c('ZRANK z q'), c('ZREVRANK z a'), c('ZREVRANK nokey a'), c('ZREM z a q'), c('ZREM z b c d e x'), c('EXISTS z'), c('ZREM z a'),
      c('SET s x'), c('ZSCORE s a'), c('ZMSCORE s a'), c('ZCARD s'), c('ZREM s a'), c('ZRANK s a'),
    ],
  },
  {
    name: 'ZRANGE by rank',
    cmds: [
      Z, c('ZRANGE z 0 -1'), c('ZRANGE z 1 2 WITHSCORES'), c('ZRANGE z -2 -1'), c('ZRANGE z -100 100'), c('ZRANGE z 3 1'), c('ZRANGE z 5 10'), c('ZRANGE z 0 -1 REV'),
      c('ZRANGE z 0 1 REV WITHSCORES'), c('ZREVRANGE z 0 -1 WITHSCORES'), c('ZREVRANGE z 1 1'), c('ZRANGE z a b'), c('ZRANGE z 0 1 LIMIT 0 1'), c('ZRANGE z 0 -1 LIMIT 0 -1'),
      c('ZRANGE z 0 -1 FOO'), c('ZRANGE nokey 0 -1'), c('ZREVRANGE z 0 -1 REV'), c('ZRANGE z 0 -1 withscores withscores'),
    ],
  },
  {
    name: 'ZRANGE by score',
    cmds: [
      Z, c('ZRANGEBYSCORE z 2 4'), c('ZRANGEBYSCORE z (2 4 WITHSCORES'), c('ZRANGEBYSCORE z 2 (4'), c('ZRANGEBYSCORE z -inf +inf'), c('ZRANGEBYSCORE z (1 (1'), c('ZRANGEBYSCORE z 4 2'),
      c('ZRANGEBYSCORE z -inf inf LIMIT 1 2'), c('ZRANGEBYSCORE z -inf inf LIMIT 1 -1'), c('ZRANGEBYSCORE z -inf inf LIMIT -1 2'), c('ZRANGEBYSCORE z -inf inf LIMIT 10 2'), c('ZRANGEBYSCORE z -inf inf LIMIT 0 0'),
      c('ZREVRANGEBYSCORE z 4 2'), c('ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2'), c('ZREVRANGEBYSCORE z (4 (2'), c('ZRANGE z 2 4 BYSCORE'), c('ZRANGE z 4 2 BYSCORE REV LIMIT 0 2 WITHSCORES'),
      c('ZRANGEBYSCORE z a 2'), c('ZRANGEBYSCORE z 1 (x'), c('ZRANGEBYSCORE z 1 2 LIMIT a 1'), c('ZRANGEBYSCORE z 1 2 LIMIT 1'), c('ZRANGEBYSCORE z 1 2 REV'), c('ZRANGEBYSCORE z nan 2'),
      c('ZRANGEBYSCORE z ( 3'), c('ZRANGEBYSCORE z 1e999 1e999'), c('ZRANGEBYSCORE z -1e999 2'), c('ZCOUNT z 2 4'), c('ZCOUNT z (2 +inf'), c('ZCOUNT z 5 1'), c('ZCOUNT z x 1'), c('ZCOUNT nokey 1 2'),
      c('ZRANGE z 1 2 BYSCORE BYLEX'),
    ],
  },
  {
    name: 'ZRANGE by lex',
    cmds: [
      L, c('ZRANGEBYLEX l - +'), c('ZRANGEBYLEX l [b (e'), c('ZRANGEBYLEX l (b [e'), c('ZRANGEBYLEX l + -'), c('ZRANGEBYLEX l - + LIMIT 2 3'), c('ZREVRANGEBYLEX l + -'), c('ZREVRANGEBYLEX l [e (b LIMIT 1 2'),
      c('ZRANGE l [c + BYLEX'), c('ZRANGE l + [c BYLEX REV'), c('ZRANGE l - + BYLEX WITHSCORES'), c('ZRANGEBYLEX l a b'), c('ZRANGEBYLEX l [a +x'), c('ZLEXCOUNT l - +'), c('ZLEXCOUNT l [b (f'),
      c('ZLEXCOUNT l x y'), c('ZLEXCOUNT nokey - +'), c('ZRANGEBYLEX l [aa [cc'), c('ZRANGEBYLEX l - + WITHSCORES'),
    ],
  },
  {
    name: 'ZRANGESTORE',
    cmds: [
      Z, c('ZRANGESTORE d z 0 2'), c('ZRANGE d 0 -1 WITHSCORES'), c('ZRANGESTORE d z 2 4 BYSCORE REV'), c('ZRANGESTORE d z 4 2 BYSCORE REV LIMIT 1 1'), c('ZRANGE d 0 -1 WITHSCORES'),
      c('ZRANGESTORE d z 10 20'), c('EXISTS d'), c('SET d x'), c('EXPIRE d 100'), c('ZRANGESTORE d z 0 0'), c('TTL d'), c('TYPE d'), c('ZRANGESTORE d nokey 0 -1'), c('EXISTS d'),
      c('ZRANGESTORE d z 0 -1 WITHSCORES'), c('OBJECT ENCODING z'),
    ],
  },
  {
    name: 'ZPOPMIN ZPOPMAX ZMPOP',
    cmds: [
      Z, c('ZPOPMIN z'), c('ZPOPMAX z'), c('ZPOPMIN z 2'), c('ZPOPMIN z 0'), c('ZPOPMIN z -1'), c('ZPOPMIN z x'), c('ZPOPMIN z 1 2'), c('ZPOPMAX z 10'), c('EXISTS z'), c('ZPOPMIN z'), c('ZPOPMIN z 0'),
      Z, c('ZMPOP 2 nokey z MIN'), c('ZMPOP 2 nokey z MAX COUNT 2'), c('ZMPOP 1 nokey MIN'), c('ZMPOP 0 z MIN'), c('ZMPOP x z MIN'), c('ZMPOP 1 z FOO'), c('ZMPOP 3 z MIN'), c('ZMPOP 1 z MIN COUNT 0'),
      c('ZMPOP 1 z MIN COUNT 1 COUNT 2'), c('ZMPOP 1 z MIN COUNT'), c('ZMPOP 1 z max count 100'), c('SET s x'), c('ZMPOP 2 s z MIN'), c('ZPOPMIN s'),
    ],
  },
  {
    name: 'ZREMRANGEBY*',
    cmds: [
      Z, c('ZREMRANGEBYRANK z 0 0'), c('ZREMRANGEBYRANK z -1 -1'), c('ZREMRANGEBYRANK z 5 10'), c('ZREMRANGEBYRANK z x 1'), c('ZRANGE z 0 -1'), c('ZREMRANGEBYSCORE z (2 3'), c('ZREMRANGEBYSCORE z x 1'),
      c('ZRANGE z 0 -1'), c('ZREMRANGEBYSCORE z -inf +inf'), c('EXISTS z'), L, c('ZREMRANGEBYLEX l [b (d'), c('ZREMRANGEBYLEX l x y'), c('ZRANGE l 0 -1'), c('ZREMRANGEBYLEX l - +'), c('EXISTS l'), c('ZREMRANGEBYRANK nokey 0 1'),
    ],
  },
  {
    name: 'ZUNION ZINTER ZDIFF and STORE',
    cmds: [
      c('ZADD {a}1 1 a 2 b 3 c'), c('ZADD {a}2 10 b 20 c 30 d'), c('ZADD {a}3 5 c'),
      c('ZUNION 2 {a}1 {a}2'), c('ZUNION 2 {a}1 {a}2 WITHSCORES'), c('ZUNION 2 {a}1 {a}2 WEIGHTS 2 0.5 WITHSCORES'), c('ZUNION 2 {a}1 {a}2 AGGREGATE MIN WITHSCORES'), c('ZUNION 2 {a}1 {a}2 AGGREGATE max WITHSCORES'),
      c('ZINTER 2 {a}1 {a}2 WITHSCORES'), c('ZINTER 3 {a}1 {a}2 {a}3 WITHSCORES'), c('ZINTER 2 {a}1 {a}nokey'), c('ZDIFF 2 {a}1 {a}2 WITHSCORES'), c('ZDIFF 2 {a}2 {a}3'), c('ZDIFF 1 {a}nokey'),
      c('ZUNIONSTORE {a}d 2 {a}1 {a}2'), c('ZRANGE {a}d 0 -1 WITHSCORES'), c('ZINTERSTORE {a}d 2 {a}1 {a}2 WEIGHTS 1 -1'), c('ZRANGE {a}d 0 -1 WITHSCORES'), c('ZDIFFSTORE {a}d 2 {a}1 {a}2'), c('ZRANGE {a}d 0 -1 WITHSCORES'),
      c('ZINTERSTORE {a}d 2 {a}1 {a}nokey'), c('EXISTS {a}d'), c('ZUNION 0 {a}1'), c('ZUNION x {a}1'), c('ZUNION 3 {a}1'), c('ZUNION 2 {a}1 {a}2 WEIGHTS 1'), c('ZUNION 2 {a}1 {a}2 WEIGHTS 1 x'),
      c('ZUNION 2 {a}1 {a}2 AGGREGATE foo'), c('ZUNIONSTORE {a}d 2 {a}1 {a}2 WITHSCORES'), c('ZDIFF 2 {a}1 {a}2 WEIGHTS 1 2'), c('ZINTERSTORE {a}d 0 {a}1'),
      c('ZINTERCARD 2 {a}1 {a}2'), c('ZINTERCARD 2 {a}1 {a}2 LIMIT 1'), c('ZINTERCARD 2 {a}1 {a}2 LIMIT -1'), c('ZINTERCARD 2 {a}1 {a}2 LIMIT 0'), c('ZINTERCARD 0 {a}1'), c('ZINTERCARD 2 {a}1 {a}2 WITHSCORES'),
      c('SET {a}s x'), c('ZUNION 2 {a}1 {a}s'), c('ZADD {a}i 1 x'), c('ZINCRBY {a}i inf x'), c('ZADD {a}j 1 x'), c('ZINCRBY {a}j -inf x'), c('ZUNION 2 {a}i {a}j WITHSCORES'), c('ZUNION 2 {a}i {a}j WEIGHTS 0 1 WITHSCORES'), c('SADD {a}set b x y'), c('ZUNION 2 {a}1 {a}set WITHSCORES'), c('ZINTER 2 {a}set {a}1 WITHSCORES'), c('ZDIFF 2 {a}1 {a}set'),
    ],
  },
  {
    name: 'ZRANDMEMBER deterministic forms and ZSCAN',
    cmds: [
      Z, c('ZRANDMEMBER z 10'), c('ZRANDMEMBER z 5 WITHSCORES'), c('ZRANDMEMBER z 0'), c('ZRANDMEMBER nokey'), c('ZRANDMEMBER nokey 5'), c('ZRANDMEMBER z x'), c('ZRANDMEMBER z 1 foo'),
      c('ZRANDMEMBER z -9223372036854775807 WITHSCORES'), c('ZRANDMEMBER z 9223372036854775808'), c('ZRANDMEMBER z -9223372036854775808'),
      c('ZSCAN z 0'), c('ZSCAN z 0 MATCH *[ab]*'), c('ZSCAN z 0 COUNT 0'), c('ZSCAN z x'), c('ZSCAN nokey 0'), c('ZSCAN z 0 TYPE zset'), c('ZSCAN z 0 COUNT 1'),
    ],
  },
  {
    name: 'encodings and conversions',
    cmds: [
      Z, c('OBJECT ENCODING z'), c(`ZADD z 1 ${'x'.repeat(65)}`), c('OBJECT ENCODING z'), c(`ZREM z ${'x'.repeat(65)}`), c('OBJECT ENCODING z'), c(`ZADD big 1 ${'x'.repeat(65)}`), c('OBJECT ENCODING big'),
      c('ZUNIONSTORE d 1 z'), c('OBJECT ENCODING d'), c('COPY z z2'), c('OBJECT ENCODING z2'), c('ZRANGE z2 0 -1 WITHSCORES'), c('TYPE z'),
    ],
  },
  {
    name: 'RESP3 replies',
    resp: 3,
    cmds: [
      Z, c('ZSCORE z a'), c('ZMSCORE z a x'), c('ZRANGE z 0 1 WITHSCORES'), c('ZRANGEBYSCORE z 1 2 WITHSCORES'), c('ZPOPMIN z'), c('ZPOPMIN z 1'), c('ZPOPMAX z 2'), c('ZINCRBY z 1.5 e'),
      c('ZUNION 1 z WITHSCORES'), c('ZMPOP 1 z MIN'), c('ZMPOP 1 nokey MIN'), c('ZRANDMEMBER z 5 WITHSCORES'), c('ZSCAN z 0'), c('ZADD z INCR XX 1 nope'), c('ZRANK z nope'), c('ZRANDMEMBER nokey'),
    ],
  },
];

// Larger sets exercise the skip list (more than 128 members).
const bigAdd = ['ZADD', 'big'];
for (let i = 0; i < 300; i++) bigAdd.push(String((i * 37) % 101), `m${i}`);
cases.push({
  name: 'skiplist-encoded sets',
  cmds: [
    bigAdd, c('OBJECT ENCODING big'), c('ZCARD big'), c('ZRANGE big 0 9 WITHSCORES'), c('ZRANGE big -10 -1'), c('ZREVRANGE big 5 20 WITHSCORES'), c('ZRANGEBYSCORE big 10 (12 WITHSCORES'),
    c('ZREVRANGEBYSCORE big 50 40 LIMIT 3 5'), c('ZCOUNT big 10 20'), c('ZRANK big m150'), c('ZREVRANK big m150'), c('ZSCORE big m299'), c('ZINCRBY big 1000 m0'), c('ZRANGE big -1 -1 WITHSCORES'),
    c('ZREMRANGEBYSCORE big 5 10'), c('ZREMRANGEBYRANK big 0 9'), c('ZCARD big'), c('ZPOPMIN big 3'), c('ZPOPMAX big 3'), c('ZRANGESTORE d big 0 4'), c('OBJECT ENCODING d'), c('ZRANGE d 0 -1 WITHSCORES'),
    c('ZRANGESTORE d big 0 200'), c('OBJECT ENCODING d'), c('ZUNIONSTORE u 2 big d WEIGHTS 1 2'), c('ZRANGE u 100 110 WITHSCORES'), c('ZLEXCOUNT big - +'), c('ZREM big m1 m2 m3'), c('ZCARD big'),
    c('ZRANDMEMBER big 1000 WITHSCORES'),
  ],
});

await runDifferential(t, cases);

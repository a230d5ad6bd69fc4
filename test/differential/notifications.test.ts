/**
 * Keyspace notifications, differentially: the same script runs on a real redis-server and on Ferrous
 * with notify-keyspace-events on, and the pmessages a PSUBSCRIBE __key*__:* connection receives must
 * be the same events (channel + payload) in the same order (one shard: total order) or as the same
 * multiset (two shards: each shard publishes its own events).
 */
import t from 'tap';
import type { Test } from 'tap';
import { RawConn, startRealRedis, withServer } from '../helpers/server.js';
import { c, type Cmd } from './harness.js';

interface NotifyCase {
  name: string;
  cmds: Cmd[];
  /** notify-keyspace-events for this case (KEA unless told). */
  flags?: string;
}

const END_KEY = '__end';

/** Parse one RESP array of bulk strings (a pmessage / psubscribe reply) into its elements. */
function parseArray(raw: string): string[] {
  const out: string[] = [];
  let p = raw.indexOf('\r\n') + 2;
  while (p < raw.length) {
    const nl = raw.indexOf('\r\n', p);
    const type = raw[p];
    const line = raw.slice(p + 1, nl);
    if (type === '$') {
      const n = Number(line);
      out.push(raw.slice(nl + 2, nl + 2 + n));
      p = nl + 2 + n + 2;
    } else {
      out.push(line);
      p = nl + 2;
    }
  }
  return out;
}

/** One server's side: a command connection and a subscriber. */
class Side {
  private constructor(
    readonly cmd: RawConn,
    readonly sub: RawConn,
  ) {}

  static async open(port: number): Promise<Side> {
    const cmd = await RawConn.connect(port);
    const sub = await RawConn.connect(port);
    sub.send('PSUBSCRIBE', '__key*__:*');
    await sub.read();
    return new Side(cmd, sub);
  }

  close(): void {
    this.cmd.close();
    this.sub.close();
  }

  /** Run `cmds` and return the events they caused ("channel payload"), ending at the marker's event. */
  async run(cmds: Cmd[], flags: string, settleMs: number): Promise<{ events: string[]; replies: string[] }> {
    await this.cmd.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    await this.cmd.call('FLUSHALL');
    await this.cmd.call('SELECT', '0');
    await this.cmd.call('CONFIG', 'SET', 'notify-keyspace-events', flags);
    // Ferrous broadcasts the setting to its shards; give them a moment.
    await new Promise((r) => setTimeout(r, 50));
    const replies: string[] = [];
    for (const cmd of cmds) replies.push(await this.cmd.call(...cmd));
    await this.cmd.call('SELECT', '0');
    await this.cmd.call('SET', END_KEY, '1');
    const events: string[] = [];
    for (;;) {
      const msg = parseArray(await this.sub.read(1, 5000));
      if (msg[0] !== 'pmessage') continue;
      if (msg[2] === '__keyevent@0__:set' && msg[3] === END_KEY) break;
      if (msg[2] === `__keyspace@0__:${END_KEY}` || msg[2] === '__keyevent@0__:new' && msg[3] === END_KEY) continue;
      events.push(`${msg[2]} ${msg[3]}`);
    }
    if (settleMs > 0) {
      // Events of other shards may still be on their way: drain for a while.
      for (;;) {
        let raw: string;
        try {
          raw = await this.sub.read(1, settleMs);
        } catch {
          break;
        }
        const msg = parseArray(raw);
        if (msg[0] === 'pmessage' && !msg[2].endsWith(END_KEY) && msg[3] !== END_KEY) events.push(`${msg[2]} ${msg[3]}`);
      }
    }
    return { events, replies };
  }
}

async function runCases(t: Test, cases: NotifyCase[], shards: number): Promise<void> {
  const real = await startRealRedis();
  if (real === null) {
    await t.test('notification differential tests', { skip: 'redis-server is not installed' }, () => {});
    return;
  }
  const fer = await withServer({ shards });
  const a = await Side.open(real.port);
  const b = await Side.open(fer.port);
  t.teardown(async () => {
    a.close();
    b.close();
    await fer.close();
    await real.stop();
  });
  for (const kase of cases) {
    await t.test(kase.name, async (t) => {
      const flags = kase.flags ?? 'KEA';
      const settle = shards > 1 ? 100 : 0;
      const ra = await a.run(kase.cmds, flags, settle);
      const rb = await b.run(kase.cmds, flags, settle);
      // SPOP's members are random: only its events are compared.
      const keep = (r: string[]): string[] => r.filter((_, i) => !/^spop$/i.test(String(kase.cmds[i][0])));
      t.same(keep(rb.replies), keep(ra.replies), 'replies');
      if (shards === 1) t.same(rb.events, ra.events, 'events in order');
      else t.same(rb.events.slice().sort(), ra.events.slice().sort(), 'events as a multiset');
      t.ok(ra.events.length > 0, 'the script produced events');
    });
  }
}

const single: NotifyCase[] = [
  {
    name: 'strings',
    cmds: [
      c('SET a 1'), c('SET a 2 EX 100'), c('SET a 3 PX 100000 GET'), c('SET a 4 NX'), c('SET a 5 XX KEEPTTL'), c('SET a 6 EXAT 99999999999'),
      c('SETNX a x'), c('SETNX b 1'), c('SETEX c 100 v'), c('PSETEX d 100000 v'), c('GETEX c PERSIST'), c('GETEX c PERSIST'),
      c('GETEX c EX 100'), c('GETEX c'), c('GETEX c EXAT 1'), c('GETEX nokey EX 10'), c('GETDEL a'), c('GETDEL a'), c('GETSET b 2'),
      c('MSET m1 1 m2 2'), c('MSETNX m3 1 m4 2'), c('MSETNX m3 1 m5 2'), c('INCR n'), c('DECR n'), c('INCRBY n 10'), c('DECRBY n 5'),
      c('INCRBYFLOAT n 1.5'), c('INCR m1x'), c('APPEND s foo'), c('APPEND s bar'), c('SETRANGE s 1 XX'), c('SETRANGE s2 3 y'),
      ['SETRANGE', 's', '0', ''], c('RPUSH l x'), c('INCR l'), c('APPEND l x'), c('SET l v'),
    ],
  },
  {
    name: 'keys',
    cmds: [
      c('SET k1 v'), c('EXPIRE k1 100'), c('PEXPIRE k1 100000'), c('EXPIRE k1 100 NX'), c('EXPIRE k1 200 GT'), c('PERSIST k1'),
      c('PERSIST k1'), c('PEXPIREAT k1 99999999999999'), c('EXPIREAT k1 99999999999'), c('EXPIRE k1 -1'), c('EXPIRE nokey 10'),
      c('SET k2 v'), c('RENAME k2 k3'), c('SET k4 v'), c('RENAMENX k3 k4'), c('RENAMENX k3 k5'), c('RENAME k5 k4'), c('RENAME k4 k4'),
      c('COPY k4 k5'), c('COPY k4 k5'), c('COPY k4 k5 REPLACE'), c('COPY k4 k6 DB 1'), c('MOVE k4 2'), c('MOVE k5 1'), c('SET k7 v'),
      c('DEL k5 k6 nokey'), c('UNLINK k7'), c('SELECT 2'), c('DEL k4'), c('SELECT 1'), c('DEL k6'), c('SET x 1'), c('SWAPDB 0 1'),
      c('FLUSHDB'), c('SELECT 0'), c('TOUCH x'),
    ],
  },
  {
    name: 'lists',
    cmds: [
      c('RPUSH l a b c'), c('LPUSH l x'), c('LPUSHX l y'), c('RPUSHX l z'), c('RPUSHX nol z'), c('LINSERT l BEFORE a q'),
      c('LINSERT l AFTER nosuch q'), c('LSET l 0 w'), c('LREM l 1 q'), c('LREM l 1 nosuch'), c('LTRIM l 0 4'), c('LPOP l'), c('RPOP l 1'),
      c('LMOVE l l2 LEFT RIGHT'), c('LMOVE l l2 RIGHT LEFT'), c('RPOPLPUSH l2 l3'), c('RPOPLPUSH l l'), c('LMPOP 2 nol l3 LEFT COUNT 5'),
      c('RPUSH bl a b'), c('BLPOP nol bl 0'), c('BRPOP bl 0'), c('RPUSH bm a b'), c('BLMOVE bm bn LEFT LEFT 0'), c('BRPOPLPUSH bm bn 0'),
      c('BLMPOP 0 1 bn RIGHT COUNT 10'), c('RPUSH t a b c'), c('LTRIM t 5 10'), c('RPUSH r a a b'), c('LREM r 0 a'), c('LREM r 0 b'),
      c('LPOP l'), c('RPOP nol'), c('LPOP l 0'),
    ],
  },
  {
    name: 'hashes',
    cmds: [
      c('HSET h a 1 b 2'), c('HSET h a 1'), c('HMSET h c 3'), c('HSETNX h a x'), c('HSETNX h d 4'), c('HINCRBY h n 5'),
      c('HINCRBYFLOAT h f 1.5'), c('HDEL h nosuch'), c('HDEL h a nosuch'), c('HDEL h b c d n f'), c('HINCRBY h2 x 1'), c('HDEL h2 x'),
      c('HSET h3 s str'), c('HINCRBY h3 s 1'),
    ],
  },
  {
    name: 'sets',
    cmds: [
      c('SADD s a b c'), c('SADD s a'), c('SREM s a'), c('SREM s nosuch'), c('SPOP s'), c('SADD s2 x y'), c('SMOVE s2 s3 x'),
      c('SMOVE s2 s3 nosuch'), c('SADD s3 y'), c('SMOVE s2 s3 y'), c('SADD s4 1 2 3 4'), c('SINTERSTORE d s4 s3'), c('SUNIONSTORE d s4 s3'),
      c('SDIFFSTORE d s4 s3'), c('SDIFFSTORE d s4 s4'), c('SDIFFSTORE d s4 s4'), c('SUNIONSTORE d s4'), c('SINTERSTORE d nokey s4'),
      c('SPOP s4 2'), c('SPOP s4 0'), c('SPOP s4 10'), c('SADD s5 a'), c('SREM s5 a b'), c('SADD s6 a'), c('SPOP s6'), c('SMOVE s s s'),
    ],
  },
  {
    name: 'zsets',
    cmds: [
      c('ZADD z 1 a 2 b 3 c'), c('ZADD z XX 1 a'), c('ZADD z NX 5 a'), c('ZADD z CH 9 a'), c('ZINCRBY z 1 a'), c('ZADD z INCR 1 b'),
      c('ZADD z XX INCR 1 nosuch'), c('ZREM z c'), c('ZREM z nosuch'), c('ZADD z 4 d 5 e 6 f'), c('ZREMRANGEBYRANK z 0 0'),
      c('ZREMRANGEBYRANK z 100 200'), c('ZREMRANGEBYSCORE z 5 5'), c('ZADD zl 0 a 0 b 0 c'), c('ZREMRANGEBYLEX zl [a [b'),
      c('ZREMRANGEBYLEX zl - +'), c('ZPOPMIN z'), c('ZPOPMAX z 10'), c('ZPOPMIN z'), c('ZADD z1 1 a 2 b'), c('ZADD z2 1 b'),
      c('ZUNIONSTORE d 2 z1 z2'), c('ZINTERSTORE d 2 z1 z2'), c('ZDIFFSTORE d 2 z1 z1'), c('ZDIFFSTORE d 2 z1 z1'), c('ZRANGESTORE d z1 0 -1'),
      c('ZRANGESTORE d z1 5 10'), c('ZRANGESTORE d nokey 0 -1'), c('ZMPOP 1 z1 MIN'), c('BZPOPMAX z1 0'), c('ZADD z3 1 a 2 b'),
      c('BZPOPMIN z3 0'), c('BZMPOP 0 1 z3 MAX COUNT 3'), c('ZADD zr 1 a 2 b'), c('ZREM zr a b'),
    ],
  },
  {
    name: 'bitmaps, hyperloglog, geo, sort',
    cmds: [
      c('SETBIT b 7 1'), c('SETBIT b 7 1'), c('SETBIT b 100 0'), c('BITFIELD b SET u8 0 255 GET u8 0'), c('BITFIELD b GET u8 0'),
      c('BITFIELD b OVERFLOW FAIL INCRBY u2 0 100'), c('BITFIELD bf INCRBY u8 0 1'), c('BITOP AND d b b'), c('BITOP NOT d b'),
      c('BITOP AND d nokey'), c('BITOP AND d nokey'), c('PFADD h a b'), c('PFADD h a'), c('PFADD h2'), c('PFCOUNT h'), c('PFMERGE h3 h'),
      c('PFMERGE h3'), c('GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania'), c('GEOADD g 13.361389 38.115556 Palermo'),
      c('GEOADD g XX CH 13.5 38.1 Palermo'), c('GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km'),
      c('GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 1 km'), c('GEORADIUS g 15 37 200 km STORE gr'),
      c('GEORADIUSBYMEMBER g Palermo 500 km STOREDIST gr'), c('GEORADIUS g 15 37 1 km STORE gr'), c('GEORADIUS nokey 15 37 1 km STORE g'),
      c('RPUSH sl 3 1 2'), c('SORT sl STORE so'), c('SORT sl ALPHA DESC STORE so'), c('SORT nokey STORE so'), c('SORT nokey STORE so'),
      c('SORT sl'),
    ],
  },
  {
    name: 'key-miss events (m)',
    flags: 'KE$m',
    cmds: [c('SET here 1'), c('GET nokey'), c('GET here'), c('MGET here gone1 gone2'), c('STRLEN nokey'), c('LRANGE nolist 0 -1'), c('HGET noh f')],
  },
  {
    name: 'new-key events (n)',
    flags: 'KEAn',
    cmds: [
      c('SET a 1'), c('SET a 2'), c('INCR n'), c('INCR n'), c('RPUSH l a'), c('RPUSH l b'), c('HSET h f v'), c('SADD s a'), c('ZADD z 1 a'),
      c('APPEND ap x'), c('SETRANGE sr 1 x'), c('SETBIT sb 1 1'), c('PFADD p a'), c('RENAME a b'), c('SET c 1'), c('RENAME b c'),
      c('COPY c d'), c('COPY c d REPLACE'), c('MOVE d 1'), c('LMOVE l l2 LEFT LEFT'), c('SMOVE s s2 a'), c('SUNIONSTORE su s2'),
      c('SUNIONSTORE su s2'), c('INCRBYFLOAT f 1'), c('HINCRBY hi f 1'),
    ],
  },
];

const multi: NotifyCase[] = [
  {
    name: 'two shards: events of every family as a multiset',
    cmds: [
      c('SET a 1'), c('SET b 2 EX 100'), c('INCR c'), c('APPEND d x'), c('RPUSH l1 a b c'), c('LMOVE l1 l2 LEFT RIGHT'),
      c('RPOPLPUSH l1 l3'), c('HSET h f v'), c('HDEL h f'), c('SADD s1 a b'), c('SADD s2 b c'), c('SMOVE s1 s2 a'),
      c('SUNIONSTORE su s1 s2'), c('SINTERSTORE si s1 s2'), c('ZADD z1 1 a 2 b'), c('ZADD z2 3 c'), c('ZUNIONSTORE zu 2 z1 z2'),
      c('ZPOPMIN z2'), c('RENAME a a2'), c('COPY b b2'), c('DEL c d nokey'), c('PERSIST b'), c('EXPIRE b2 100'), c('MSET m1 1 m2 2 m3 3'),
      c('PFADD p1 a'), c('PFMERGE p2 p1'), c('BITOP OR bo a2 b'), c('SORT l2 STORE so'),
    ],
  },
];

t.test('keyspace notifications match redis-server (one shard, in order)', async (t) => {
  await runCases(t, single, 1);
});

t.test('keyspace notifications match redis-server (two shards, as a multiset)', async (t) => {
  await runCases(t, multi, 2);
});

import t from 'tap';
import { runDifferential, c, type DiffCase } from './harness.js';

const SICILY = c('GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2');
const POINTS = c(
  'GEOADD pts -73.9454966 40.747533 lic -73.9733487 40.7648057 central -73.9903085 40.7362513 union -74.0131604 40.7126674 wtc -73.7858139 40.6428986 jfk -73.9375699 40.7498929 q4 -73.9564142 40.7480973 4545',
);
const WORLD = c('GEOADD w 0 0 origin 179.9 85 ne -179.9 -85 sw 100 -30 a -100 30 b 45.5 60.25 c -0.1 51.5 london 2.35 48.85 paris 139.69 35.69 tokyo');

/** Deterministic pseudo-random points around Rome: 300 members, so the skip-list encoding. */
function bigSet(): string[] {
  const out = ['GEOADD', 'big'];
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 300; i++) out.push((12.5 + rnd() * 0.8 - 0.4).toFixed(6), (41.9 + rnd() * 0.6 - 0.3).toFixed(6), `p${i}`);
  out.push('12.5', '41.9', 'dup1', '12.5', '41.9', 'dup2');
  return out;
}

const cases: DiffCase[] = [
  {
    name: 'large (skiplist) geo sets',
    cmds: [
      bigSet(), c('OBJECT ENCODING big'), c('GEOSEARCH big FROMLONLAT 12.5 41.9 BYRADIUS 5 km WITHDIST ASC'), c('GEOSEARCH big FROMLONLAT 12.5 41.9 BYRADIUS 10 km COUNT 7 WITHDIST'),
      c('GEOSEARCH big FROMLONLAT 12.5 41.9 BYRADIUS 10 km COUNT 7 DESC WITHDIST'), c('GEOSEARCH big FROMLONLAT 12.5 41.9 BYRADIUS 10 km COUNT 5 ANY'),
      c('GEOSEARCH big FROMMEMBER p7 BYBOX 8 3 km WITHDIST WITHCOORD ASC'), c('GEORADIUS big 12.4 42 7 km WITHHASH'), c('GEOSEARCHSTORE out big FROMLONLAT 12.5 41.9 BYRADIUS 12 km STOREDIST'),
      c('ZRANGE out 0 20 WITHSCORES'), c('OBJECT ENCODING out'), c('GEOSEARCH big FROMLONLAT 12.5 41.9 BYRADIUS 100 km COUNT 300 ASC'), c('GEOHASH big p1 p2 p3 dup1'), c('GEODIST big p1 p2 km'),
      c('ZADD weird inf a -inf b 1e19 c 18446744073709551616 d -5e18 e'), c('GEOPOS weird a b c d e'), c('GEOHASH weird a b c d e'),
    ],
  },
  {
    name: 'GEOADD options and errors',
    cmds: [
      SICILY, SICILY, c('GEOADD Sicily CH 13.361389 38.115556 Palermo 15 37 Catania 1 1 new'), c('GEOADD Sicily NX 0 0 Palermo 2 2 n2'),
      c('GEOADD Sicily XX 3 3 Palermo 4 4 n3'), c('GEOADD Sicily XX NX 1 1 a'), c('GEOADD Sicily 1 2'), c('GEOADD Sicily 1 2 a 3'), c('GEOADD Sicily ch ch ch'),
      c('GEOADD Sicily 181 0 a'), c('GEOADD Sicily 0 86 a'), c('GEOADD Sicily -180.5 -85.1 a'), c('GEOADD Sicily abc 0 a'), c('GEOADD Sicily 0 abc a'), c('GEOADD Sicily inf 0 a'),
      c('GEOADD Sicily 1 1 ok 200 0 bad'), c('EXISTS ok'), c('ZRANGE Sicily 0 -1 WITHSCORES'), c('TYPE Sicily'), c('OBJECT ENCODING Sicily'),
      c('SET s x'), c('GEOADD s 1 1 a'), c('GEOADD s 1 100 a'), c('GEOADD g 180 85.05112878 max -180 -85.05112878 min 0 0 zero'), c('ZRANGE g 0 -1 WITHSCORES'),
      c('GEOPOS g max min zero'), c('GEOHASH g max min zero'),
    ],
  },
  {
    name: 'GEOPOS GEOHASH GEODIST',
    cmds: [
      SICILY, POINTS, c('GEOPOS Sicily Palermo Catania nope'), c('GEOPOS nokey a b'), c('GEOHASH Sicily Palermo Catania nope'), c('GEOHASH nokey a'),
      c('GEODIST Sicily Palermo Catania'), c('GEODIST Sicily Palermo Catania km'), c('GEODIST Sicily Palermo Catania MI'), c('GEODIST Sicily Palermo Catania ft'),
      c('GEODIST Sicily Palermo Catania m'), c('GEODIST Sicily Palermo Catania yd'), c('GEODIST Sicily Palermo Catania km x'), c('GEODIST Sicily Palermo nope'),
      c('GEODIST nokey a b'), c('GEODIST Sicily Palermo Palermo'), c('GEODIST pts lic jfk'), c('GEODIST pts central wtc km'), c('GEOPOS pts lic central union wtc jfk q4 4545'),
      c('GEOHASH pts lic central union wtc jfk q4 4545'), c('SET s x'), c('GEOPOS s a'), c('GEOHASH s a'), c('GEODIST s a b'), c('GEODIST s a b km'),
      c('ZADD z 0 a 1 b -1 c 4503599627370496 d 9007199254740992 e 1e300 f'), c('GEOPOS z a b c d e f'), c('GEOHASH z a b c d e f'), c('GEODIST z a d'),
    ],
  },
  {
    name: 'GEOPOS RESP3',
    resp: 3,
    cmds: [SICILY, c('GEOPOS Sicily Palermo nope'), c('GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHCOORD WITHDIST WITHHASH ASC'), c('GEODIST Sicily a b')],
  },
  {
    name: 'GEOSEARCH BYRADIUS',
    cmds: [
      SICILY, POINTS, WORLD,
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHCOORD WITHDIST WITHHASH ASC'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km WITHDIST DESC'),
      c('GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 100 mi WITHDIST ASC'), c('GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 500000 ft WITHDIST ASC'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 DESC WITHDIST'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 2 ASC'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 10 ASC'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 1 ANY'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 3 ANY ASC WITHDIST'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 m'), c('GEOSEARCH Sicily FROMLONLAT 0 0 BYRADIUS 0 km'), c('GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 200 km'),
      c('GEOSEARCH nokey FROMMEMBER x BYRADIUS 200 km'),
      c('GEOSEARCH pts FROMLONLAT -73.9798091 40.7598464 BYRADIUS 3 km WITHDIST ASC'), c('GEOSEARCH pts FROMLONLAT -73.9798091 40.7598464 BYRADIUS 10 km WITHDIST WITHCOORD DESC'),
      c('GEOSEARCH pts FROMMEMBER jfk BYRADIUS 100 km WITHDIST WITHHASH ASC'), c('GEOSEARCH pts FROMMEMBER q4 BYRADIUS 1 km WITHDIST ASC'),
      c('GEOSEARCH w FROMLONLAT 0 0 BYRADIUS 5000 km WITHDIST ASC'), c('GEOSEARCH w FROMLONLAT 0 0 BYRADIUS 20000 km WITHDIST ASC'),
      c('GEOSEARCH w FROMLONLAT 179 84 BYRADIUS 500 km WITHDIST ASC'), c('GEOSEARCH w FROMLONLAT -179 -84 BYRADIUS 800 km WITHDIST ASC'),
      c('GEOSEARCH w FROMLONLAT 1 50 BYRADIUS 1000 km WITHDIST ASC'), c('GEOSEARCH w FROMMEMBER tokyo BYRADIUS 1 km WITHCOORD'),
    ],
  },
  {
    name: 'GEOSEARCH BYBOX',
    cmds: [
      SICILY, POINTS, WORLD,
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 200 200 km ASC'),
      c('GEOSEARCH Sicily FROMMEMBER Catania BYBOX 1000 10 km ASC WITHDIST'), c('GEOSEARCH Sicily FROMMEMBER Catania BYBOX 10 1000 km DESC WITHDIST'),
      c('GEOSEARCH pts FROMLONLAT -73.9798091 40.7598464 BYBOX 6 6 km WITHDIST ASC'), c('GEOSEARCH pts FROMLONLAT -73.9798091 40.7598464 BYBOX 20000 20000 ft WITHHASH DESC'),
      c('GEOSEARCH w FROMLONLAT 0 0 BYBOX 10000 10000 km WITHDIST ASC'), c('GEOSEARCH w FROMLONLAT 100 -30 BYBOX 1 1 m WITHCOORD'),
      c('GEOSEARCH w FROMLONLAT 0 0 BYBOX 40000 40000 km COUNT 3'), c('GEOSEARCH w FROMLONLAT 0 0 BYBOX 0 0 km'),
    ],
  },
  {
    name: 'GEOSEARCH errors',
    cmds: [
      SICILY, c('SET s x'),
      c('GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 200 km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST'),
      c('GEOSEARCH Sicily BYRADIUS 200 km'), c('geosearch Sicily BYRADIUS 200 km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 WITHDIST'), c('GeoSearch Sicily FROMMEMBER Palermo ASC'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km'), c('GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 km BYRADIUS 1 km'),
      c('GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km'), c('GEOSEARCH Sicily FROMLONLAT 200 37 BYRADIUS 1 km'), c('GEOSEARCH Sicily FROMLONLAT x 37 BYRADIUS 1 km'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS x km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 yd'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 x km'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 yd'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT -3'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT x'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY'),
      c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km FOO'), c('GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1'), c('GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 1 km ANY'),
      c('GEOSEARCH nokey FROMMEMBER a BYBOX 1 1 km WITHDIST'), c('GEOSEARCH nokey BYBOX 1 1 km'),
    ],
  },
  {
    name: 'GEOSEARCHSTORE',
    cmds: [
      SICILY, POINTS,
      c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC'), c('ZRANGE dst 0 -1 WITHSCORES'), c('TYPE dst'), c('OBJECT ENCODING dst'),
      c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 400 km STOREDIST DESC'), c('ZRANGE dst 0 -1 WITHSCORES'),
      c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 2 STOREDIST'), c('ZRANGE dst 0 -1 WITHSCORES'),
      c('GEOSEARCHSTORE dst pts FROMMEMBER central BYBOX 5 5 km STOREDIST'), c('ZRANGE dst 0 -1 WITHSCORES'),
      c('SET dst x'), c('EXPIRE dst 100'), c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km'), c('TTL dst'), c('GEOPOS dst Palermo Catania'),
      c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m'), c('EXISTS dst'), c('SET dst x'), c('GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 1 km'), c('EXISTS dst'),
      c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST'), c('GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x'),
      c('GEOSEARCHSTORE Sicily Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST'), c('ZRANGE Sicily 0 -1 WITHSCORES'),
      c('SET s x'), c('GEOSEARCHSTORE dst s FROMLONLAT 15 37 BYRADIUS 200 km'), c('GEOSEARCHSTORE s pts FROMLONLAT -73.9 40.7 BYRADIUS 20 km COUNT 2'), c('TYPE s'),
      c('CONFIG SET zset-max-listpack-entries 2'), c('GEOSEARCHSTORE big pts FROMLONLAT -73.9 40.7 BYRADIUS 50 km'), c('OBJECT ENCODING big'), c('CONFIG SET zset-max-listpack-entries 128'),
    ],
  },
  {
    name: 'GEORADIUS and GEORADIUSBYMEMBER',
    cmds: [
      SICILY, POINTS, c('SET s x'),
      c('GEORADIUS Sicily 15 37 200 km'), c('GEORADIUS Sicily 15 37 200 km ASC'), c('GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD DESC'),
      c('GEORADIUS Sicily 15 37 200 km WITHHASH COUNT 1'), c('GEORADIUS Sicily 15 37 400 km COUNT 2 ANY'), c('GEORADIUS_RO Sicily 15 37 200 km WITHDIST ASC'),
      c('GEORADIUS Sicily 15 37 200 km STORE dst'), c('ZRANGE dst 0 -1 WITHSCORES'), c('GEORADIUS Sicily 15 37 200 km STOREDIST dst2 DESC'), c('ZRANGE dst2 0 -1 WITHSCORES'),
      c('GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST'), c('GEORADIUS_RO Sicily 15 37 200 km STORE dst'), c('GEORADIUS Sicily 15 37 200 km STORE'),
      c('GEORADIUS nokey 15 37 200 km STORE dst'), c('EXISTS dst'), c('GEORADIUS nokey 15 37 200 km'), c('GEORADIUS s 15 37 200 km'), c('GEORADIUS Sicily 200 37 200 km'),
      c('GEORADIUS Sicily 15 37 x km'), c('GEORADIUS Sicily 15 37 -2 km'), c('GEORADIUS Sicily 15 37 2 parsec'), c('GEORADIUS Sicily 15 37 2 km FROMLONLAT 1 1'),
      c('GEORADIUS Sicily 15 37 2 km BYBOX 1 1 km'), c('GEORADIUS Sicily 15 37 200 km ANY'),
      c('GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST ASC'), c('GEORADIUSBYMEMBER Sicily Palermo 300 km WITHDIST WITHHASH WITHCOORD DESC COUNT 2'),
      c('GEORADIUSBYMEMBER Sicily nope 200 km'), c('GEORADIUSBYMEMBER nokey nope 200 km'), c('GEORADIUSBYMEMBER nokey nope 200 km STORE d WITHDIST'),
      c('GEORADIUSBYMEMBER nokey nope x km'), c('GEORADIUSBYMEMBER Sicily Palermo 200 km STORE d3'), c('ZRANGE d3 0 -1'), c('GEORADIUSBYMEMBER_RO Sicily Palermo 200 km STORE d3'),
      c('GEORADIUSBYMEMBER_RO Sicily Catania 200 km WITHDIST ASC'), c('GEORADIUSBYMEMBER pts central 5 km WITHDIST ASC COUNT 3'), c('GEORADIUSBYMEMBER s a 1 km'),
    ],
  },
];

t.test('geo commands match redis-server byte for byte', async (t) => {
  await runDifferential(t, cases);
});

/** Geo commands against a Shard; expected bytes are Redis 7.0.15's replies to the same commands. */
import t from 'tap';
import { makeShard, run, run3 } from '../../helpers/shard-harness.js';

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

function sicily(): ReturnType<typeof makeShard> {
  const s = makeShard();
  run(s, 'GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
  return s;
}

t.test('GEOADD stores zset scores', (t) => {
  const s = makeShard();
  t.equal(run(s, 'GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'), ':2\r\n');
  t.equal(run(s, 'ZSCORE', 'Sicily', 'Palermo'), '$16\r\n3479099956230698\r\n');
  t.equal(run(s, 'TYPE', 'Sicily'), '+zset\r\n');
  t.equal(run(s, 'GEOADD', 'Sicily', 'CH', '13.361389', '38.115556', 'Palermo', '1', '1', 'x'), ':1\r\n');
  t.equal(run(s, 'GEOADD', 'Sicily', 'XX', 'NX', '1', '1', 'x'), '-ERR syntax error\r\n');
  t.equal(run(s, 'GEOADD', 'Sicily', '1', '1', 'x', '2'), '-ERR syntax error\r\n');
  t.equal(run(s, 'GEOADD', 'Sicily', '200', '100', 'x'), '-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n');
  t.equal(run(s, 'GEOADD', 'Sicily', 'a', '1', 'x'), '-ERR value is not a valid float\r\n');
  run(s, 'SET', 'str', 'v');
  t.equal(run(s, 'GEOADD', 'str', '1', '1', 'x'), WRONGTYPE);
  t.end();
});

t.test('GEOPOS GEOHASH GEODIST', (t) => {
  const s = sicily();
  t.equal(
    run(s, 'GEOPOS', 'Sicily', 'Palermo', 'nope'),
    '*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n',
  );
  t.equal(run3(s, 'GEOPOS', 'Sicily', 'Palermo'), '*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n');
  t.equal(run(s, 'GEOHASH', 'Sicily', 'Palermo', 'nope'), '*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n');
  t.equal(run(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania'), '$11\r\n166274.1516\r\n');
  t.equal(run(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'), '$8\r\n166.2742\r\n');
  t.equal(run(s, 'GEODIST', 'Sicily', 'Palermo', 'Catania', 'yd'), '-ERR unsupported unit provided. please use M, KM, FT, MI\r\n');
  t.equal(run(s, 'GEODIST', 'Sicily', 'Palermo', 'nope'), '$-1\r\n');
  t.equal(run(s, 'GEODIST', 'nokey', 'a', 'b'), '$-1\r\n');
  run(s, 'SET', 'str', 'v');
  t.equal(run(s, 'GEOPOS', 'str', 'a'), WRONGTYPE);
  t.equal(run(s, 'GEODIST', 'str', 'a', 'b'), WRONGTYPE);
  t.end();
});

t.test('GEOSEARCH and GEOSEARCHSTORE', (t) => {
  const s = sicily();
  t.equal(run(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'), '*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n');
  t.equal(
    run(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST', 'WITHHASH', 'COUNT', '1'),
    '*1\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n',
  );
  t.equal(run(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'DESC'), '*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n');
  t.equal(run(s, 'GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'km', 'ASC', 'ASC'), '-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n');
  t.equal(run(s, 'GEOSEARCH', 'Sicily', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km', 'ASC'), '-ERR could not decode requested zset member\r\n');
  t.equal(run(s, 'GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'ANY'), '-ERR the ANY argument requires COUNT argument\r\n');
  t.equal(run(s, 'GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'), ':2\r\n');
  t.equal(run(s, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES'), '*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n');
  t.equal(run(s, 'GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'), ':0\r\n');
  t.equal(run(s, 'EXISTS', 'dst'), ':0\r\n');
  t.end();
});

t.test('GEORADIUS and GEORADIUSBYMEMBER', (t) => {
  const s = sicily();
  t.equal(run(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd'), ':2\r\n');
  t.equal(run(s, 'ZSCORE', 'd', 'Palermo'), '$16\r\n3479099956230698\r\n');
  t.equal(run(s, 'GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd'), '-ERR syntax error\r\n');
  t.equal(
    run(s, 'GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'd', 'WITHDIST'),
    '-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n',
  );
  t.equal(run(s, 'GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '200', 'km', 'ASC'), '*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n');
  t.equal(run(s, 'GEORADIUSBYMEMBER', 'Sicily', 'nope', '200', 'km'), '-ERR could not decode requested zset member\r\n');
  t.equal(run(s, 'GEORADIUSBYMEMBER', 'nokey', 'nope', '200', 'km'), '*0\r\n');
  t.end();
});

t.test('GEORADIUS key finder (georadiusGetKeys)', async (t) => {
  const { keyIndices, lookupCommand } = await import('../../../src/shared/command-table.js');
  const keys = (...argv: string[]): number[] => keyIndices(lookupCommand(argv[0])!, argv.length, (i) => argv[i]);
  t.same(keys('georadius', 'k', '1', '2', '3', 'km'), [1]);
  t.same(keys('georadius', 'k', '1', '2', '3', 'km', 'STORE', 'd'), [1, 7]);
  t.same(keys('georadius', 'k', '1', '2', '3', 'km', 'store', 'd', 'storedist', 'e'), [1, 9]);
  t.same(keys('georadiusbymember', 'k', 'm', '3', 'km', 'STOREDIST', 'd'), [1, 6]);
  t.same(keys('georadius', 'k', '1', '2', '3', 'km', 'STORE'), [1]);
  t.same(keys('geosearchstore', 'd', 'k', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km'), [1, 2]);
});

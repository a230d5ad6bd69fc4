/** Geohash arithmetic; expected values are Redis 7.0.15's. */
import t from 'tap';
import {
  ShapeType,
  boxScores,
  decodeScore,
  estimateStepsByRadius,
  formatFixed,
  formatHuman,
  geoScoreString,
  geohashEncodeWGS84,
  geohashGetDistance,
  interleave64,
  searchBoxes,
  standardGeohash,
} from '../../../src/shard-worker/ds/geohash.js';

t.test('encode to 52-bit scores', (t) => {
  t.equal(geoScoreString(13.361389, 38.115556), '3479099956230698');
  t.equal(geoScoreString(15.087269, 37.502669), '3479447370796909');
  t.equal(geoScoreString(-180, -85.05112878), '0');
  t.equal(geoScoreString(180.1, 0), null);
  t.equal(geoScoreString(0, 85.06), null);
  t.equal(interleave64(1, 0), 1n);
  t.equal(interleave64(0, 1), 2n);
  t.equal(interleave64(0xffffffff, 0xffffffff), 0xffffffffffffffffn);
  t.end();
});

t.test('decode to cell centres and print like Redis', (t) => {
  const [x, y] = decodeScore(3479099956230698);
  t.equal(formatHuman(x), '13.36138933897018433');
  t.equal(formatHuman(y), '38.11555639549629859');
  const [x2, y2] = decodeScore(3479447370796909);
  t.equal(formatHuman(x2), '15.08726745843887329');
  t.equal(formatHuman(y2), '37.50266842333162032');
  t.equal(standardGeohash(3479099956230698), 'sqc8b49rny0');
  t.equal(standardGeohash(3479447370796909), 'sqdtr74hyu0');
  t.equal(formatFixed(geohashGetDistance(x, y, x2, y2), 4), '166274.1516');
  t.end();
});

t.test('fixed-point formatting is exact with ties to even', (t) => {
  t.equal(formatFixed(0.03125, 4), '0.0312');
  t.equal(formatFixed(0.09375, 4), '0.0938');
  t.equal(formatFixed(200, 6), '200.000000');
  t.equal(formatFixed(-0.5, 0), '-0');
  t.equal(formatFixed(1e22, 1), '10000000000000000000000.0');
  t.equal(formatFixed(Infinity, 6), 'inf');
  t.equal(formatHuman(-0), '0');
  t.equal(formatHuman(180), '180');
  t.equal(formatHuman(0.5), '0.5');
  t.end();
});

t.test('search areas', (t) => {
  t.equal(estimateStepsByRadius(0, 0), 26);
  t.equal(estimateStepsByRadius(200000, 37), 6);
  t.equal(estimateStepsByRadius(200000, 70), 5);
  t.equal(estimateStepsByRadius(1e9, 0), 1);
  const boxes = searchBoxes({ type: ShapeType.Circle, lon: 15, lat: 37, conversion: 1000, radius: 200, width: 0, height: 0 });
  t.equal(boxes.length, 9);
  const centre = boxes[0]!;
  t.same(centre, geohashEncodeWGS84(15, 37, centre.step));
  const [min, max] = boxScores(centre);
  const c = Number(geoScoreString(15, 37));
  t.ok(min <= c && c < max, 'the centre lies in the centre box');
  t.end();
});

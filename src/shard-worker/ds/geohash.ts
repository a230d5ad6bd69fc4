/**
 * Geohash arithmetic as Redis 7.0 does it (geohash.c, geohash_helper.c): 52-bit interleaved scores
 * (latitude in the even bits, longitude in the odd bits, latitude range ±85.05112878), the neighbour-box
 * search areas, and the haversine distance with Redis's earth radius. Every computation is done in the
 * same order with IEEE doubles so results are bit-identical to the C code.
 *
 * Also the exact fixed-point formatting Redis uses when printing geo values (%.4f distances, %f in
 * errors, and "%.17Lf with trailing zeros removed" for coordinates).
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** A geohash of `step` bits per coordinate (bits fit in 64 bits, hence bigint). */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoHashArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

export interface GeoRange {
  min: number;
  max: number;
}

const WGS84_LON: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

// ---------------------------------------------------------------------------------------------- bits

/** Spread the low 16 bits of x into the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Gather the even bits of a 32-bit word into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** interleave64(xlo, ylo): x (latitude) in the even bits, y (longitude) in the odd bits. */
export function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** C's (uint32_t) cast of a non-negative double below 2^32 (truncation). */
function toU32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/** geohashEncode; null when the coordinates are out of range. */
export function geohashEncode(lon: GeoRange, lat: GeoRange, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (longitude > 180 || longitude < -180 || latitude > 85.05112878 || latitude < -85.05112878) return null;
  if (latitude < lat.min || latitude > lat.max || longitude < lon.min || longitude > lon.max) return null;
  let latOffset = (latitude - lat.min) / (lat.max - lat.min);
  let lonOffset = (longitude - lon.min) / (lon.max - lon.min);
  const scale = 2 ** step;
  latOffset *= scale;
  lonOffset *= scale;
  return { bits: interleave64(toU32(latOffset), toU32(lonOffset)), step };
}

export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(WGS84_LON, WGS84_LAT, longitude, latitude, step);
}

export function align52(h: GeoHashBits): bigint {
  return BigInt.asUintN(64, h.bits << BigInt(52 - h.step * 2));
}

/** The 52-bit score GEOADD stores for a point (as the decimal string ZADD receives). */
export function geoScoreString(longitude: number, latitude: number): string | null {
  const h = geohashEncodeWGS84(longitude, latitude, GEO_STEP_MAX);
  return h === null ? null : align52(h).toString();
}

/** Decode a geohash into its cell (geohashDecode with the WGS84 ranges). */
function decodeArea(lon: GeoRange, lat: GeoRange, bits: bigint, step: number): GeoHashArea {
  const lo = Number(bits & 0xffffffffn);
  const hi = Number((bits >> 32n) & 0xffffffffn);
  return decodeHalves(lon, lat, lo, hi, step);
}

function decodeHalves(lon: GeoRange, lat: GeoRange, lo: number, hi: number, step: number): GeoHashArea {
  const ilato = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const ilono = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  const latScale = lat.max - lat.min;
  const lonScale = lon.max - lon.min;
  const div = 2 ** step;
  return {
    latMin: lat.min + (ilato * 1.0 / div) * latScale,
    latMax: lat.min + ((ilato + 1) * 1.0 / div) * latScale,
    lonMin: lon.min + (ilono * 1.0 / div) * lonScale,
    lonMax: lon.min + ((ilono + 1) * 1.0 / div) * lonScale,
  };
}

const TWO63 = 2 ** 63;

/**
 * (uint64_t) of a double score as x86-64 gcc compiles it: below 2^63 a signed truncation (the
 * "indefinite" 0x8000000000000000 when out of range), otherwise the truncation of score - 2^63 with the
 * top bit flipped. Returned as 32-bit halves.
 */
function scoreHalves(score: number): [number, number] {
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    return [t >>> 0, Math.floor(t / 4294967296) >>> 0];
  }
  const cvtt = (x: number): bigint => (x === x && x >= -TWO63 && x < TWO63 ? BigInt.asUintN(64, BigInt(Math.trunc(x))) : 0x8000000000000000n);
  const b = score < TWO63 ? cvtt(score) : cvtt(score - TWO63) ^ 0x8000000000000000n;
  return [Number(b & 0xffffffffn), Number((b >> 32n) & 0xffffffffn)];
}

/** decodeGeohash: a zset score back to the [longitude, latitude] of its cell centre. */
export function decodeScore(score: number): [number, number] {
  const [lo, hi] = scoreHalves(score);
  const a = decodeHalves(WGS84_LON, WGS84_LAT, lo, hi, GEO_STEP_MAX);
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash of a stored score. */
export function standardGeohash(score: number): string {
  const [x, y] = decodeScore(score);
  const h = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, x, y, 26);
  const bits = h === null ? 0n : h.bits;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- neighbours

const M55 = 0x5555555555555555n;
const MAA = 0xaaaaaaaaaaaaaaaan;

function moveX(h: GeoHashBits, d: number): void {
  if (d === 0) return;
  let x = h.bits & MAA;
  const y = h.bits & M55;
  const zz = M55 >> BigInt(64 - h.step * 2);
  if (d > 0) x = x + (zz + 1n);
  else {
    x = x | zz;
    x = x - (zz + 1n);
  }
  x = BigInt.asUintN(64, x) & (MAA >> BigInt(64 - h.step * 2));
  h.bits = x | y;
}

function moveY(h: GeoHashBits, d: number): void {
  if (d === 0) return;
  const x = h.bits & MAA;
  let y = h.bits & M55;
  const zz = MAA >> BigInt(64 - h.step * 2);
  if (d > 0) y = y + (zz + 1n);
  else {
    y = y | zz;
    y = y - (zz + 1n);
  }
  y = BigInt.asUintN(64, y) & (M55 >> BigInt(64 - h.step * 2));
  h.bits = x | y;
}

function moved(h: GeoHashBits, dx: number, dy: number): GeoHashBits {
  const n = { bits: h.bits, step: h.step };
  moveX(n, dx);
  moveY(n, dy);
  return n;
}

// ---------------------------------------------------------------------------------------------- shapes

export const enum ShapeType {
  Circle = 1,
  Box = 2,
}

export interface GeoShape {
  type: ShapeType;
  /** Centre: longitude, latitude. */
  lon: number;
  lat: number;
  /** Unit → metres factor. */
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
export function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.type === ShapeType.Circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.type === ShapeType.Circle ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  return [
    south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
    s.lat - latDelta,
    south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
    s.lat + latDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84 + the neighbour order of membersOfAllNeighbors: the centre box then
 * north, south, east, west, NE, NW, SE, SW. A box zeroed by Redis (GZERO) is null.
 */
export function searchBoxes(s: GeoShape): (GeoHashBits | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radiusMeters =
    (s.type === ShapeType.Circle ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))) * s.conversion;
  let steps = estimateStepsByRadius(radiusMeters, s.lat);
  const encode = (st: number): GeoHashBits => geohashEncodeWGS84(s.lon, s.lat, st) ?? { bits: 0n, step: st };
  let hash = encode(steps);
  const area = (h: GeoHashBits): GeoHashArea => decodeArea(WGS84_LON, WGS84_LAT, h.bits, h.step);
  const north = area(moved(hash, 0, 1));
  const south = area(moved(hash, 0, -1));
  const east = area(moved(hash, 1, 0));
  const west = area(moved(hash, -1, 0));
  let decrease = false;
  if (north.latMax < maxLat) decrease = true;
  if (south.latMin > minLat) decrease = true;
  if (east.lonMax < maxLon) decrease = true;
  if (west.lonMin > minLon) decrease = true;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(steps);
  }
  const a = area(hash);
  const n: (GeoHashBits | null)[] = [
    hash,
    moved(hash, 0, 1), // north
    moved(hash, 0, -1), // south
    moved(hash, 1, 0), // east
    moved(hash, -1, 0), // west
    moved(hash, 1, 1), // north east
    moved(hash, -1, 1), // north west
    moved(hash, 1, -1), // south east
    moved(hash, -1, -1), // south west
  ];
  if (steps >= 2) {
    if (a.latMin < minLat) n[2] = n[8] = n[7] = null;
    if (a.latMax > maxLat) n[1] = n[5] = n[6] = null;
    if (a.lonMin < minLon) n[4] = n[8] = n[6] = null;
    if (a.lonMax > maxLon) n[3] = n[7] = n[5] = null;
  }
  return n;
}

/** scoresOfGeoHashBox: [min inclusive, max exclusive] scores of the box. */
export function boxScores(h: GeoHashBits): [number, number] {
  const shift = BigInt(52 - h.step * 2);
  return [Number(BigInt.asUintN(64, h.bits << shift)), Number(BigInt.asUintN(64, (h.bits + 1n) << shift))];
}

// ---------------------------------------------------------------------------------------------- distance

export function geohashGetDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** geoWithinShape for a decoded point: its distance from the centre in metres, or -1 when outside. */
export function distanceIfWithin(s: GeoShape, x: number, y: number): number {
  if (s.type === ShapeType.Circle) {
    const d = geohashGetDistance(s.lon, s.lat, x, y);
    return d > s.radius * s.conversion ? -1 : d;
  }
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  const lonDistance = geohashGetDistance(x, y, s.lon, y);
  const latDistance = geohashGetDistance(x, y, x, s.lat);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return -1;
  return geohashGetDistance(s.lon, s.lat, x, y);
}

// ---------------------------------------------------------------------------------------------- formatting

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * printf("%.<digits>f", d) exactly as glibc prints it: the exact binary value rounded to `digits`
 * decimals, ties to even.
 */
export function formatFixed(d: number, digits: number): string {
  if (d !== d) return d < 0 ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  F64[0] = d;
  const lo = U32[0];
  const hi = U32[1];
  const neg = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (e === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = e - 1075;
  }
  const pow10 = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * pow10;
  else {
    const num = mant * pow10;
    const den = 1n << BigInt(-exp);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    if (s.length <= digits) s = '0'.repeat(digits - s.length + 1) + s;
    s = s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
  }
  return neg ? '-' + s : s;
}

/** ld2string(LD_STR_HUMAN) of a double: "%.17Lf" with trailing zeros (and a bare point) removed. */
export function formatHuman(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  let s = formatFixed(d, 17);
  if (s.indexOf('.') >= 0) {
    let l = s.length;
    while (s.charCodeAt(l - 1) === 48) l--;
    if (s.charCodeAt(l - 1) === 46) l--;
    s = s.slice(0, l);
  }
  if (s === '-0') s = '0';
  return s;
}

/**
 * Geo commands (Redis 7.0 geo.c). A geo index is an ordinary sorted set whose scores are 52-bit
 * interleaved geohashes (src/shard-worker/ds/geohash.ts), so TYPE says zset and every zset command
 * works on it. GEOADD rewrites itself into ZADD exactly as Redis does (replaceClientCommandVector).
 * Replies, error strings and the order of checks follow Redis 7.0.15's georadiusGeneric.
 */
import { handlerAt, register, type ExecContext } from '../context.js';
import { Err } from '../../protocol/reply-writer.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET } from '../../shared/config.js';
import { Args } from '../../shared/frame.js';
import { commandByName } from '../../shared/command-table.js';
import { parseRedisDoubleBytes, parseStrictInt64String } from '../../shared/numbers.js';
import { ZSet } from '../ds/zset.js';
import { lookup } from './zsets.js';
import type { SkipNode } from '../ds/skiplist.js';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  ShapeType,
  boxScores,
  decodeScore,
  distanceIfWithin,
  formatFixed,
  formatHuman,
  geoScoreString,
  geohashGetDistance,
  searchBoxes,
  standardGeohash,
  type GeoShape,
} from '../ds/geohash.js';

const ERR_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
const ERR_MEMBER = 'ERR could not decode requested zset member';

// ---------------------------------------------------------------------------------------------- helpers

/** getDoubleFromObjectOrReply; null after replying (msg defaults to "value is not a valid float"). */
function doubleArg(ctx: ExecContext, i: number, msg: string = Err.notFloat): number | null {
  const a = ctx.args;
  const d = parseRedisDoubleBytes(a.bytes, a.starts[i], a.ends[i]);
  if (d === null) ctx.reply.error(msg);
  return d;
}

/** extractLongLatOrReply: [lon, lat] or null after replying. */
function lonLatArgs(ctx: ExecContext, i: number): [number, number] | null {
  const x = doubleArg(ctx, i);
  if (x === null) return null;
  const y = doubleArg(ctx, i + 1);
  if (y === null) return null;
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    ctx.reply.error(`ERR invalid longitude,latitude pair ${formatFixed(x, 6)},${formatFixed(y, 6)}`);
    return null;
  }
  return [x, y];
}

/** extractUnitOrReply: metres per unit, or -1 after replying. */
function unitArg(ctx: ExecContext, i: number): number {
  const a = ctx.args;
  if (a.is(i, 'm')) return 1;
  if (a.is(i, 'km')) return 1000;
  if (a.is(i, 'ft')) return 0.3048;
  if (a.is(i, 'mi')) return 1609.34;
  ctx.reply.error(ERR_UNIT);
  return -1;
}

/** addReplyHumanLongDouble. */
function replyHuman(ctx: ExecContext, d: number): void {
  const s = formatHuman(d);
  if (ctx.reply.resp3) {
    ctx.reply.raw(Buffer.from(`,${s}\r\n`, 'latin1'));
  } else ctx.reply.bulk(s);
}

// ---------------------------------------------------------------------------------------------- GEOADD

const zaddArgs = new Args();

register('geoadd', (ctx) => {
  const a = ctx.args;
  const argc = a.count;
  let xx = false;
  let nx = false;
  let longidx = 2;
  while (longidx < argc) {
    if (a.is(longidx, 'nx')) nx = true;
    else if (a.is(longidx, 'xx')) xx = true;
    else if (a.is(longidx, 'ch')) {
      /* handled by ZADD */
    } else break;
    longidx++;
  }
  if ((argc - longidx) % 3 !== 0 || (xx && nx)) {
    ctx.reply.error(Err.syntax);
    return;
  }
  const elements = (argc - longidx) / 3;
  const argv: string[] = ['zadd'];
  for (let i = 1; i < longidx; i++) argv.push(a.str(i));
  for (let i = 0; i < elements; i++) {
    const xy = lonLatArgs(ctx, longidx + i * 3);
    if (xy === null) return;
    argv.push(geoScoreString(xy[0], xy[1]) ?? '0', a.str(longidx + i * 3 + 2));
  }
  zaddArgs.setFrom(argv);
  const zadd = handlerAt(commandByName('zadd').index);
  if (zadd === undefined) throw new Error('zadd handler missing');
  const prev = ctx.args;
  ctx.args = zaddArgs;
  try {
    zadd(ctx);
  } finally {
    ctx.args = prev;
  }
});

// ---------------------------------------------------------------------------------------------- GEOPOS GEOHASH GEODIST

register('geopos', (ctx) => {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  const n = ctx.args.count;
  ctx.reply.array(n - 2);
  for (let j = 2; j < n; j++) {
    const s = z === null ? undefined : z.score(ctx.args.str(j));
    if (s === undefined) {
      ctx.reply.nullArray();
      continue;
    }
    const [x, y] = decodeScore(s);
    ctx.reply.array(2);
    replyHuman(ctx, x);
    replyHuman(ctx, y);
  }
});

register('geohash', (ctx) => {
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  const n = ctx.args.count;
  ctx.reply.array(n - 2);
  for (let j = 2; j < n; j++) {
    const s = z === null ? undefined : z.score(ctx.args.str(j));
    if (s === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(standardGeohash(s));
  }
});

register('geodist', (ctx) => {
  const argc = ctx.args.count;
  let toMeter = 1;
  if (argc === 5) {
    toMeter = unitArg(ctx, 4);
    if (toMeter < 0) return;
  } else if (argc > 5) {
    ctx.reply.error(Err.syntax);
    return;
  }
  const z = lookup(ctx, ctx.args.str(1));
  if (z === false) return;
  if (z === null) {
    ctx.reply.nullBulk();
    return;
  }
  const s1 = z.score(ctx.args.str(2));
  const s2 = z.score(ctx.args.str(3));
  if (s1 === undefined || s2 === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  ctx.reply.bulk(formatFixed(geohashGetDistance(x1, y1, x2, y2) / toMeter, 4));
});

// ---------------------------------------------------------------------------------------------- searches

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

interface GeoPoint {
  member: string;
  dist: number;
  score: number;
  lon: number;
  lat: number;
}

/** geoGetPointsInRange: members with min <= score < max inside the shape, appended to `out`. */
function pointsInRange(z: ZSet, min: number, max: number, shape: GeoShape, out: GeoPoint[], limit: number): void {
  const start = z.scoreStart({ min, max, minex: false, maxex: true });
  const size = z.size();
  if (start >= size) return;
  const visit = (member: string, score: number): boolean => {
    if (!(score < max)) return false;
    const [x, y] = decodeScore(score);
    const dist = distanceIfWithin(shape, x, y);
    if (dist >= 0) out.push({ member, dist, score, lon: x, lat: y });
    return !(out.length && limit && out.length >= limit);
  };
  if (z.isSmall()) {
    const ms = z.lpMembers as string[];
    const ss = z.lpScores as number[];
    for (let i = start; i < size; i++) if (!visit(ms[i], ss[i])) break;
  } else {
    for (let n: SkipNode | null = z.nodeAt(start); n !== null; n = n.forward[0]) if (!visit(n.member, n.score)) break;
  }
}

/** membersOfAllNeighbors. */
function searchShape(z: ZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const boxes = searchBoxes(shape);
  const out: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    if (b === null) continue;
    const lb = boxes[last];
    if (last && lb !== null && b.bits === lb.bits && b.step === lb.step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = boxScores(b);
    pointsInRange(z, min, max, shape, out, limit);
    last = i;
  }
  return out;
}

function georadiusGeneric(ctx: ExecContext, srcKeyIndex: number, flags: number): void {
  const a = ctx.args;
  const argc = a.count;
  let storekey: string | null = null;
  let storedist = false;
  const zobj = lookup(ctx, a.str(srcKeyIndex));
  if (zobj === false) return;

  let baseArgs: number;
  const shape: GeoShape = { type: ShapeType.Circle, lon: 0, lat: 0, conversion: 0, radius: 0, width: 0, height: 0 };

  /** extractDistanceOrReply into the shape. */
  const distance = (i: number): boolean => {
    const d = doubleArg(ctx, i, 'ERR need numeric radius');
    if (d === null) return false;
    if (d < 0) {
      ctx.reply.error('ERR radius cannot be negative');
      return false;
    }
    shape.radius = d;
    const conv = unitArg(ctx, i + 1);
    if (conv < 0) return false;
    shape.conversion = conv;
    return true;
  };

  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    shape.type = ShapeType.Circle;
    const xy = lonLatArgs(ctx, 2);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!distance(baseArgs - 2)) return;
  } else if (flags & RADIUS_MEMBER && zobj === null) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    shape.type = ShapeType.Circle;
    const s = (zobj as ZSet).score(a.str(2));
    if (s === undefined) {
      ctx.reply.error(ERR_MEMBER);
      return;
    }
    [shape.lon, shape.lat] = decodeScore(s);
    if (!distance(baseArgs - 2)) return;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = a.str(1);
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  if (argc > baseArgs) {
    const remaining = argc - baseArgs;
    for (let i = 0; i < remaining; i++) {
      const p = baseArgs + i;
      if (a.is(p, 'withdist')) withdist = true;
      else if (a.is(p, 'withhash')) withhash = true;
      else if (a.is(p, 'withcoord')) withcoords = true;
      else if (a.is(p, 'any')) any = true;
      else if (a.is(p, 'asc')) sort = SORT_ASC;
      else if (a.is(p, 'desc')) sort = SORT_DESC;
      else if (a.is(p, 'count') && i + 1 < remaining) {
        const c = parseStrictInt64String(a.str(p + 1));
        if (c === null) {
          ctx.reply.error(Err.notInteger);
          return;
        }
        if (c <= 0n) {
          ctx.reply.error('ERR COUNT must be > 0');
          return;
        }
        count = Number(c);
        i++;
      } else if (a.is(p, 'store') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
        storekey = a.str(p + 1);
        storedist = false;
        i++;
      } else if (a.is(p, 'storedist') && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
        storekey = a.str(p + 1);
        storedist = true;
        i++;
      } else if (a.is(p, 'storedist') && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
        storedist = true;
      } else if (a.is(p, 'frommember') && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
        if (zobj === null) {
          frommember = true;
          i++;
          continue;
        }
        const s = zobj.score(a.str(p + 1));
        if (s === undefined) {
          ctx.reply.error(ERR_MEMBER);
          return;
        }
        [shape.lon, shape.lat] = decodeScore(s);
        frommember = true;
        i++;
      } else if (a.is(p, 'fromlonlat') && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
        const xy = lonLatArgs(ctx, p + 1);
        if (xy === null) return;
        [shape.lon, shape.lat] = xy;
        fromloc = true;
        i += 2;
      } else if (a.is(p, 'byradius') && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
        if (!distance(p + 1)) return;
        shape.type = ShapeType.Circle;
        byradius = true;
        i += 2;
      } else if (a.is(p, 'bybox') && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
        const w = doubleArg(ctx, p + 1, 'ERR need numeric width');
        if (w === null) return;
        const h = doubleArg(ctx, p + 2, 'ERR need numeric height');
        if (h === null) return;
        if (h < 0 || w < 0) {
          ctx.reply.error('ERR height or width cannot be negative');
          return;
        }
        shape.width = w;
        shape.height = h;
        const conv = unitArg(ctx, p + 3);
        if (conv < 0) return;
        shape.conversion = conv;
        shape.type = ShapeType.Box;
        bybox = true;
        i += 3;
      } else {
        ctx.reply.error(Err.syntax);
        return;
      }
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    ctx.reply.error(
      `ERR ${flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
    return;
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) {
    ctx.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${a.str(0)}`);
    return;
  }
  if (flags & GEOSEARCH && !(byradius || bybox)) {
    ctx.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${a.str(0)}`);
    return;
  }
  if (any && !count) {
    ctx.reply.error('ERR the ANY argument requires COUNT argument');
    return;
  }

  if (zobj === null) {
    if (storekey !== null) {
      if (ctx.db.delete(storekey)) {
        ctx.shard.keyModified(ctx.dbIndex, storekey);
        ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, storekey);
      }
      ctx.reply.int(0);
    } else ctx.reply.array(0);
    return;
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const ga = searchShape(zobj, shape, any ? count : 0);
  if (ga.length === 0 && storekey === null) {
    ctx.reply.array(0);
    return;
  }
  const resultLength = ga.length;
  const returned = count === 0 || resultLength < count ? resultLength : count;
  if (sort === SORT_ASC) ga.sort((p, q) => (p.dist > q.dist ? 1 : p.dist === q.dist ? 0 : -1));
  else if (sort === SORT_DESC) ga.sort((p, q) => (p.dist > q.dist ? -1 : p.dist === q.dist ? 0 : 1));

  if (storekey === null) {
    let optionLength = 0;
    if (withdist) optionLength++;
    if (withcoords) optionLength++;
    if (withhash) optionLength++;
    const r = ctx.reply;
    r.array(returned);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      const dist = gp.dist / shape.conversion;
      if (optionLength) r.array(optionLength + 1);
      r.bulk(gp.member);
      if (withdist) r.bulk(formatFixed(dist, 4));
      if (withhash) r.int(gp.score);
      if (withcoords) {
        r.array(2);
        replyHuman(ctx, gp.lon);
        replyHuman(ctx, gp.lat);
      }
    }
    return;
  }

  if (returned) {
    const cfg = ctx.shard.config;
    const z = new ZSet(true);
    for (let i = 0; i < returned; i++) {
      const gp = ga[i];
      const dist = gp.dist / shape.conversion;
      z.insert(gp.member, storedist ? dist : gp.score, cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
    }
    z.convertToSmallIfFits(cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
    ctx.db.set(storekey, z);
    ctx.shard.keyModified(ctx.dbIndex, storekey);
    ctx.shard.notify(NOTIFY_ZSET, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', ctx.dbIndex, storekey);
  } else if (ctx.db.delete(storekey)) {
    ctx.shard.keyModified(ctx.dbIndex, storekey);
    ctx.shard.notify(NOTIFY_GENERIC, 'del', ctx.dbIndex, storekey);
  }
  ctx.reply.int(returned);
}

register('georadius', (ctx) => georadiusGeneric(ctx, 1, RADIUS_COORDS));
register('georadiusbymember', (ctx) => georadiusGeneric(ctx, 1, RADIUS_MEMBER));
register('georadius_ro', (ctx) => georadiusGeneric(ctx, 1, RADIUS_COORDS | RADIUS_NOSTORE));
register('georadiusbymember_ro', (ctx) => georadiusGeneric(ctx, 1, RADIUS_MEMBER | RADIUS_NOSTORE));
register('geosearch', (ctx) => georadiusGeneric(ctx, 1, GEOSEARCH));
register('geosearchstore', (ctx) => georadiusGeneric(ctx, 2, GEOSEARCH | GEOSEARCHSTORE));

/**
 * AOF effects, the shard's side (Redis's propagate()/alsoPropagate() and the
 * rewriteClientCommandVector calls of t_*.c): after a write command changed the dataset, what goes
 * into the AOF. By default the command's own arguments; for commands whose text would not replay to
 * the same state (relative expiries, floats, random or blocking pops) a deterministic equivalent,
 * derived from the state the command left and from its reply.
 *
 * Effects travel to the acceptor in a ReplyKind.Aof frame written just before the command's reply
 * (see ShardLoop.writeEffects); nothing is recorded while `appendonly` is off.
 */
import type { Args } from '../shared/frame.js';
import type { CommandSpec } from '../shared/command-table.js';
import type { Database } from './keyspace.js';

export interface Effect {
  db: number;
  /** latin1 strings (one char per byte). */
  argv: string[];
}

/** Minimal RESP reader over a reply the command just wrote: bulk/simple strings and arrays of them. */
function readReply(buf: Uint8Array, start: number, end: number): unknown {
  let p = start;
  const line = (): string => {
    let e = p;
    while (e < end && buf[e] !== 13) e++;
    const s = Buffer.from(buf.buffer, buf.byteOffset + p, e - p).latin1Slice(0);
    p = e + 2;
    return s;
  };
  const value = (): unknown => {
    const t = buf[p++];
    const l = line();
    switch (t) {
      case 36: {
        // $len
        const n = Number(l);
        if (n < 0) return null;
        const s = Buffer.from(buf.buffer, buf.byteOffset + p, n).latin1Slice(0);
        p += n + 2;
        return s;
      }
      case 42: // *
      case 126: // ~ (RESP3 set)
      case 62: {
        const n = Number(l);
        if (n < 0) return null;
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(value());
        return out;
      }
      case 37: {
        // % map: flatten
        const n = Number(l);
        const out: unknown[] = [];
        for (let i = 0; i < 2 * n; i++) out.push(value());
        return out;
      }
      case 95: // _ null
        return null;
      default:
        return l; // + - : , ( #
    }
  };
  return value();
}

const EXPIRY_OPTS = new Set(['ex', 'px', 'exat', 'pxat']);

/**
 * The effect of the command that just ran (its dataset changed). `reply` is the RESP it wrote.
 * Returns null for "the command's own arguments".
 */
export function effectOf(spec: CommandSpec, args: Args, db: Database, dbIndex: number, reply: Uint8Array, replyStart: number, replyEnd: number): Effect[] | null {
  const name = spec.name;
  const argv = (): string[] => args.all();
  const ttlOrDel = (key: string, make: (at: number) => string[]): Effect[] => {
    // The key is gone (an expiry time already past): Redis propagates DEL.
    if (!db.main.has(key)) return [{ db: dbIndex, argv: ['DEL', key] }];
    const at = db.getExpire(key);
    return [{ db: dbIndex, argv: at === undefined ? argv() : make(at) }];
  };
  const rep = (): unknown => readReply(reply, replyStart, replyEnd);
  switch (name) {
    case 'expire':
    case 'pexpire':
    case 'expireat':
      return ttlOrDel(args.str(1), (at) => ['PEXPIREAT', args.str(1), String(at)]);
    case 'setex':
    case 'psetex':
      return ttlOrDel(args.str(1), (at) => ['SET', args.str(1), args.str(3), 'PXAT', String(at)]);
    case 'set': {
      // setGenericCommand: with EX/PX/EXAT it becomes SET key value PXAT ms (other options dropped);
      // otherwise the arguments without GET (the reply part changes nothing).
      let opt = -1;
      let get = -1;
      for (let i = 3; i < args.count; i++) {
        if (EXPIRY_OPTS.has(args.lower(i))) opt = i;
        else if (args.is(i, 'get')) get = i;
      }
      if (opt >= 0 && !args.is(opt, 'pxat')) {
        return ttlOrDel(args.str(1), (at) => ['SET', args.str(1), args.str(2), 'PXAT', String(at)]);
      }
      if (get < 0) return null;
      const out = argv();
      out.splice(get, 1);
      return [{ db: dbIndex, argv: out }];
    }
    case 'getset':
      return [{ db: dbIndex, argv: ['SET', args.str(1), args.str(2)] }];
    case 'getex': {
      if (args.count < 3) return null;
      if (args.is(2, 'persist')) return [{ db: dbIndex, argv: ['PERSIST', args.str(1)] }];
      return ttlOrDel(args.str(1), (at) => ['PEXPIREAT', args.str(1), String(at)]);
    }
    case 'restore': {
      const ttl = Number(args.str(2));
      let abs = false;
      for (let i = 4; i < args.count; i++) if (args.is(i, 'absttl')) abs = true;
      if (ttl === 0 || abs) return null;
      return ttlOrDel(args.str(1), (at) => {
        const out = argv();
        out[2] = String(at);
        out.push('ABSTTL');
        return out;
      });
    }
    case 'getdel':
      return [{ db: dbIndex, argv: ['DEL', args.str(1)] }];
    case 'incrbyfloat':
      return [{ db: dbIndex, argv: ['SET', args.str(1), rep() as string, 'KEEPTTL'] }];
    case 'hincrbyfloat':
      return [{ db: dbIndex, argv: ['HSET', args.str(1), args.str(2), rep() as string] }];
    case 'spop': {
      const key = args.str(1);
      if (!db.main.has(key)) return [{ db: dbIndex, argv: ['DEL', key] }];
      const r = rep();
      const members = Array.isArray(r) ? (r as string[]) : [r as string];
      return [{ db: dbIndex, argv: ['SREM', key, ...members] }];
    }
    case 'blpop':
    case 'brpop':
    case 'bzpopmin':
    case 'bzpopmax': {
      const r = rep() as string[];
      const cmd = name === 'blpop' ? 'LPOP' : name === 'brpop' ? 'RPOP' : name === 'bzpopmin' ? 'ZPOPMIN' : 'ZPOPMAX';
      return [{ db: dbIndex, argv: [cmd, r[0]] }];
    }
    case 'blmove': {
      const a = argv();
      return [{ db: dbIndex, argv: ['LMOVE', a[1], a[2], a[3], a[4]] }];
    }
    case 'brpoplpush':
      return [{ db: dbIndex, argv: ['RPOPLPUSH', args.str(1), args.str(2)] }];
    case 'blmpop':
    case 'bzmpop': {
      // Same keys, direction and COUNT without the timeout: the non-blocking form pops the same.
      const a = argv();
      return [{ db: dbIndex, argv: [name === 'blmpop' ? 'LMPOP' : 'ZMPOP', ...a.slice(2)] }];
    }
    default:
      return null;
  }
}

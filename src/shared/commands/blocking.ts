/**
 * Blocking list and sorted-set pops. Shards run them with non-blocking semantics (a null reply when
 * nothing is there, as inside MULTI); the acceptor's BlockingManager (src/acceptor/blocking.ts) parks
 * the client on a null reply and retries when a shard reports one of its keys was written.
 */
import { def, type KeyFinder } from './registry.js';

/** BLMPOP/BZMPOP timeout numkeys key…: Redis's genericGetKeys(0, 2, 3, 1) with C atoi. */
const afterTimeoutNumkeys: KeyFinder = (argc, arg) => {
  if (argc < 4) return [];
  const m = /^\s*([+-]?\d+)/.exec(arg(2));
  const num = m === null ? 0 : Number(m[1]);
  if (num < 1 || num > argc - 3) return [];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(3 + i);
  return out;
};

const L = { group: 'list' };
const Z = { group: 'sorted-set' };
def('blpop', -3, 'write noscript blocking', 1, -2, 1, 'write list slow blocking', L);
def('brpop', -3, 'write noscript blocking', 1, -2, 1, 'write list slow blocking', L);
def('blmove', 6, 'write denyoom noscript blocking', 1, 2, 1, 'write list slow blocking', L);
def('brpoplpush', 4, 'write denyoom noscript blocking', 1, 2, 1, 'write list slow blocking', L);
def('blmpop', -5, 'write blocking movablekeys', 0, 0, 0, 'write list slow blocking', { ...L, keys: afterTimeoutNumkeys });
def('bzpopmin', -3, 'write noscript blocking fast', 1, -2, 1, 'write sortedset fast blocking', Z);
def('bzpopmax', -3, 'write noscript blocking fast', 1, -2, 1, 'write sortedset fast blocking', Z);
def('bzmpop', -5, 'write blocking movablekeys', 0, 0, 0, 'write sortedset slow blocking', { ...Z, keys: afterTimeoutNumkeys });

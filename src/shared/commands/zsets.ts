/** Sorted-set commands (t_zset.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def, type KeyFinder } from './registry.js';

/** Strict decimal numkeys as the getkeys procs read it; null when it isn't one. */
function numkeysAt(arg: (i: number) => string, i: number): number | null {
  const s = arg(i);
  if (!/^-?\d{1,18}$/.test(s)) return null;
  return Number(s);
}

/** `cmd numkeys key…` (ZUNION, ZINTER, ZDIFF, ZINTERCARD, ZMPOP): keys from index 2. */
const keysAfterNumkeys: KeyFinder = (argc, arg) => {
  if (argc < 3) return [];
  const n = numkeysAt(arg, 1);
  if (n === null || n < 1 || n > argc - 2) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(2 + i);
  return out;
};

/** `cmd destination numkeys key…` (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE): the destination, then the keys. */
const storeKeys: KeyFinder = (argc, arg) => {
  if (argc < 4) return [];
  const n = numkeysAt(arg, 2);
  if (n === null || n < 1 || n > argc - 3) return [];
  const out: number[] = [1];
  for (let i = 0; i < n; i++) out.push(3 + i);
  return out;
};

const Z = { group: 'sorted-set' };
const ZN = { ...Z, keys: keysAfterNumkeys };
const ZS = { ...Z, keys: storeKeys };
def('zadd', -4, 'write denyoom fast', 1, 1, 1, 'write sortedset fast', Z);
def('zincrby', 4, 'write denyoom fast', 1, 1, 1, 'write sortedset fast', Z);
def('zrem', -3, 'write fast', 1, 1, 1, 'write sortedset fast', Z);
def('zcard', 2, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zscore', 3, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zmscore', -3, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zrank', 3, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zrevrank', 3, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zcount', 4, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zlexcount', 4, 'readonly fast', 1, 1, 1, 'read sortedset fast', Z);
def('zrange', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrevrange', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrangebyscore', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrevrangebyscore', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrangebylex', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrevrangebylex', -4, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zrangestore', -5, 'write denyoom', 1, 2, 1, 'write sortedset slow', Z);
def('zpopmin', -2, 'write fast', 1, 1, 1, 'write sortedset fast', Z);
def('zpopmax', -2, 'write fast', 1, 1, 1, 'write sortedset fast', Z);
def('zremrangebyrank', 4, 'write', 1, 1, 1, 'write sortedset slow', Z);
def('zremrangebyscore', 4, 'write', 1, 1, 1, 'write sortedset slow', Z);
def('zremrangebylex', 4, 'write', 1, 1, 1, 'write sortedset slow', Z);
def('zunion', -3, 'readonly movablekeys', 0, 0, 0, 'read sortedset slow', ZN);
def('zinter', -3, 'readonly movablekeys', 0, 0, 0, 'read sortedset slow', ZN);
def('zdiff', -3, 'readonly movablekeys', 0, 0, 0, 'read sortedset slow', ZN);
def('zunionstore', -4, 'write denyoom movablekeys', 1, 1, 1, 'write sortedset slow', ZS);
def('zinterstore', -4, 'write denyoom movablekeys', 1, 1, 1, 'write sortedset slow', ZS);
def('zdiffstore', -4, 'write denyoom movablekeys', 1, 1, 1, 'write sortedset slow', ZS);
def('zintercard', -3, 'readonly movablekeys', 0, 0, 0, 'read sortedset slow', ZN);
def('zmpop', -4, 'write movablekeys', 0, 0, 0, 'write sortedset slow', ZN);
def('zrandmember', -2, 'readonly', 1, 1, 1, 'read sortedset slow', Z);
def('zscan', -3, 'readonly', 1, 1, 1, 'read sortedset slow', Z);

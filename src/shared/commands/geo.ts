/** Geo commands (geo.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def, type KeyFinder } from './registry.js';

/**
 * georadiusGetKeys: the source key, plus the key after the last STORE / STOREDIST option (from index 5
 * on) that has an argument after it.
 */
const georadiusKeys: KeyFinder = (argc, arg) => {
  let stored = -1;
  for (let i = 5; i < argc; i++) {
    const s = arg(i).toLowerCase();
    if ((s === 'store' || s === 'storedist') && i + 1 < argc) {
      stored = i + 1;
      i++;
    }
  }
  return stored < 0 ? [1] : [1, stored];
};

const G = { group: 'geo' };
const GR = { ...G, keys: georadiusKeys };
def('geoadd', -5, 'write denyoom', 1, 1, 1, 'write geo slow', G);
def('geopos', -2, 'readonly', 1, 1, 1, 'read geo slow', G);
def('geohash', -2, 'readonly', 1, 1, 1, 'read geo slow', G);
def('geodist', -4, 'readonly', 1, 1, 1, 'read geo slow', G);
def('georadius', -6, 'write denyoom movablekeys', 1, 1, 1, 'write geo slow', GR);
def('georadiusbymember', -5, 'write denyoom movablekeys', 1, 1, 1, 'write geo slow', GR);
def('georadius_ro', -6, 'readonly', 1, 1, 1, 'read geo slow', G);
def('georadiusbymember_ro', -5, 'readonly', 1, 1, 1, 'read geo slow', G);
def('geosearch', -7, 'readonly', 1, 1, 1, 'read geo slow', G);
def('geosearchstore', -8, 'write denyoom', 1, 2, 1, 'write geo slow', G);

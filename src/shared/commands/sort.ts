/** SORT and SORT_RO (sort.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def, type KeyFinder } from './registry.js';

/**
 * Redis 7.0's sortGetKeys: the sorted key is argument 1; the destination is the argument after the
 * last STORE. LIMIT, GET and BY skip their arguments (LIMIT 2, GET/BY 1); anything else is taken as an
 * option without arguments. BY/GET patterns name keys only once the sorted values are known, so they
 * are not reported here (Redis marks them "unknown" too).
 */
const sortKeys: KeyFinder = (argc, arg) => {
  const keys = [1];
  let store = -1;
  for (let i = 2; i < argc; i++) {
    const a = arg(i).toLowerCase();
    if (a === 'limit') i += 2;
    else if (a === 'get' || a === 'by') i += 1;
    else if (a === 'store' && i + 1 < argc) store = i + 1;
  }
  if (store >= 0) keys.push(store);
  return keys;
};

const G = { group: 'generic' };
def('sort', -2, 'write denyoom movablekeys', 1, 1, 1, 'write set sortedset list slow dangerous', { ...G, keys: sortKeys });
def('sort_ro', -2, 'readonly movablekeys', 1, 1, 1, 'read set sortedset list slow dangerous', G);

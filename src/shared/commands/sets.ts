/** Set commands (t_set.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def, type KeyFinder } from './registry.js';

const S = { group: 'set' };

/** SINTERCARD numkeys key… [LIMIT n]: keys 2..numkeys+1, [] when numkeys is malformed. */
const numkeysAt1: KeyFinder = (argc, arg) => {
  const s = arg(1);
  if (!/^[1-9][0-9]{0,8}$/.test(s)) return [];
  const n = Number(s);
  if (n + 2 > argc) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(2 + i);
  return out;
};

def('sadd', -3, 'write denyoom fast', 1, 1, 1, 'write set fast', S);
def('srem', -3, 'write fast', 1, 1, 1, 'write set fast', S);
def('smembers', 2, 'readonly', 1, 1, 1, 'read set slow', S);
def('sismember', 3, 'readonly fast', 1, 1, 1, 'read set fast', S);
def('smismember', -3, 'readonly fast', 1, 1, 1, 'read set fast', S);
def('scard', 2, 'readonly fast', 1, 1, 1, 'read set fast', S);
def('spop', -2, 'write fast', 1, 1, 1, 'write set fast', S);
def('srandmember', -2, 'readonly', 1, 1, 1, 'read set slow', S);
def('smove', 4, 'write fast', 1, 2, 1, 'write set fast', S);
def('sinter', -2, 'readonly', 1, -1, 1, 'read set slow', S);
def('sunion', -2, 'readonly', 1, -1, 1, 'read set slow', S);
def('sdiff', -2, 'readonly', 1, -1, 1, 'read set slow', S);
def('sinterstore', -3, 'write denyoom', 1, -1, 1, 'write set slow', S);
def('sunionstore', -3, 'write denyoom', 1, -1, 1, 'write set slow', S);
def('sdiffstore', -3, 'write denyoom', 1, -1, 1, 'write set slow', S);
def('sintercard', -3, 'readonly movablekeys', 0, 0, 0, 'read set slow', { ...S, keys: numkeysAt1 });
def('sscan', -3, 'readonly', 1, 1, 1, 'read set slow', S);

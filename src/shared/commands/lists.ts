/** List commands (t_list.c), without the blocking ones. Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def, type KeyFinder } from './registry.js';

const L = { group: 'list' };

/** C's atoi: optional leading whitespace and sign, then digits up to the first non-digit. */
function atoi(s: string): number {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    if (n > 2 ** 53) break;
  }
  return neg ? -n : n;
}

/** LMPOP numkeys key [key …] LEFT|RIGHT [COUNT n]: Redis's genericGetKeys(0, 1, 2, 1). */
const lmpopKeys: KeyFinder = (argc, arg) => {
  if (argc < 3) return [];
  const num = atoi(arg(1));
  if (num < 1 || num > argc - 2) return [];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(2 + i);
  return out;
};

def('lpush', -3, 'write denyoom fast', 1, 1, 1, 'write list fast', L);
def('rpush', -3, 'write denyoom fast', 1, 1, 1, 'write list fast', L);
def('lpushx', -3, 'write denyoom fast', 1, 1, 1, 'write list fast', L);
def('rpushx', -3, 'write denyoom fast', 1, 1, 1, 'write list fast', L);
def('lpop', -2, 'write fast', 1, 1, 1, 'write list fast', L);
def('rpop', -2, 'write fast', 1, 1, 1, 'write list fast', L);
def('llen', 2, 'readonly fast', 1, 1, 1, 'read list fast', L);
def('lrange', 4, 'readonly', 1, 1, 1, 'read list slow', L);
def('lindex', 3, 'readonly', 1, 1, 1, 'read list slow', L);
def('lset', 4, 'write denyoom', 1, 1, 1, 'write list slow', L);
def('linsert', 5, 'write denyoom', 1, 1, 1, 'write list slow', L);
def('lrem', 4, 'write', 1, 1, 1, 'write list slow', L);
def('ltrim', 4, 'write', 1, 1, 1, 'write list slow', L);
def('lpos', -3, 'readonly', 1, 1, 1, 'read list slow', L);
def('lmove', 5, 'write denyoom', 1, 2, 1, 'write list slow', L);
def('rpoplpush', 3, 'write denyoom', 1, 2, 1, 'write list slow', L);
def('lmpop', -4, 'write movablekeys', 0, 0, 0, 'write list slow', { ...L, keys: lmpopKeys });

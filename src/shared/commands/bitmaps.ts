/** Bitmap commands (bitops.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def } from './registry.js';

const B = { group: 'bitmap' };
def('setbit', 4, 'write denyoom', 1, 1, 1, 'write bitmap slow', B);
def('getbit', 3, 'readonly fast', 1, 1, 1, 'read bitmap fast', B);
def('bitcount', -2, 'readonly', 1, 1, 1, 'read bitmap slow', B);
def('bitpos', -3, 'readonly', 1, 1, 1, 'read bitmap slow', B);
def('bitop', -4, 'write denyoom', 2, -1, 1, 'write bitmap slow', B);
def('bitfield', -2, 'write denyoom', 1, 1, 1, 'write bitmap slow', B);
def('bitfield_ro', -2, 'readonly fast', 1, 1, 1, 'read bitmap fast', B);

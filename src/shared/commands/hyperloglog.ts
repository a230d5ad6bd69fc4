/** HyperLogLog commands (hyperloglog.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def } from './registry.js';

const H = { group: 'hyperloglog' };
def('pfadd', -2, 'write denyoom fast', 1, 1, 1, 'write hyperloglog fast', H);
def('pfcount', -2, 'readonly', 1, -1, 1, 'read hyperloglog slow', H);
def('pfmerge', -2, 'write denyoom', 1, -1, 1, 'write hyperloglog slow', H);
def('pfdebug', 3, 'write denyoom admin', 2, 2, 1, 'write hyperloglog admin slow dangerous', H);

/** DUMP and RESTORE (cluster.c): a key's value in RDB object format and back. */
import { def } from './registry.js';

const G = { group: 'generic' };
def('dump', 2, 'readonly', 1, 1, 1, 'keyspace read slow', G);
def('restore', -4, 'write denyoom', 1, 1, 1, 'keyspace write slow dangerous', G);

/** MEMORY USAGE and MEMORY HELP (object.c); the other MEMORY subcommands are not implemented. */
import { Route, def } from './registry.js';

const S = { group: 'server' };
def('memory', -2, '', 0, 0, 0, 'slow', S);
def('memory|usage', -3, 'readonly', 2, 2, 1, 'read slow', S);
/**
 * MEMORY HELP touches no key; it is served by a shard (shard 0: an empty key list routes there) so its
 * text lives with MEMORY USAGE in src/shard-worker/families/memory.ts.
 */
def('memory|help', 2, 'loading stale', 0, 0, 0, 'slow', { ...S, route: Route.Keys, keys: () => [] });

/** Persistence: DUMP and RESTORE (cluster.c), and RDB snapshots (rdb.c). */
import { Route, def } from './registry.js';

const G = { group: 'generic' };
def('dump', 2, 'readonly', 1, 1, 1, 'keyspace read slow', G);
def('restore', -4, 'write denyoom', 1, 1, 1, 'keyspace write slow dangerous', G);

// RDB snapshots (rdb.c): answered by the acceptor, which drives the shards through the internal commands.
const S = { group: 'server' };
def('save', 1, 'admin noscript no_async_loading no_multi', 0, 0, 0, 'admin slow dangerous', S);
def('bgsave', -1, 'admin noscript no_async_loading', 0, 0, 0, 'admin slow dangerous', S);
def('bgrewriteaof', 1, 'admin noscript no_async_loading', 0, 0, 0, 'admin slow dangerous', S);
def('lastsave', 1, 'loading stale fast', 0, 0, 0, 'admin fast dangerous', S);

const I = { group: 'internal', route: Route.Internal };
/** __snapshot begin id → bulk "dirty keys0 expires0 keys1 …" (the snapshot point); __snapshot abort id. */
def('__snapshot', 3, '', 0, 0, 0, '', I);
/** __load db rdbVersion entries → *2 :loaded :emptySkipped (start-up load of this shard's keys). */
def('__load', 4, '', 0, 0, 0, '', I);
/** __dirty → :changes since start (save points). */
def('__dirty', 1, '', 0, 0, 0, '', I);

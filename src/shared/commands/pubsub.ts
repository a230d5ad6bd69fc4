/**
 * Pub/Sub commands (pubsub.c). All run in the acceptor: channels never touch the keyspace. SSUBSCRIBE
 * and SPUBLISH declare their channel as a key (for Redis Cluster routing) but are local here too.
 */
import { Route, def } from './registry.js';

const P = { group: 'pubsub', route: Route.Local };
def('subscribe', -2, 'pubsub noscript loading stale', 0, 0, 0, 'pubsub slow', P);
def('unsubscribe', -1, 'pubsub noscript loading stale', 0, 0, 0, 'pubsub slow', P);
def('psubscribe', -2, 'pubsub noscript loading stale', 0, 0, 0, 'pubsub slow', P);
def('punsubscribe', -1, 'pubsub noscript loading stale', 0, 0, 0, 'pubsub slow', P);
def('publish', 3, 'pubsub loading stale fast', 0, 0, 0, 'pubsub fast', P);
def('ssubscribe', -2, 'pubsub noscript loading stale', 1, -1, 1, 'pubsub slow', P);
def('sunsubscribe', -1, 'pubsub noscript loading stale', 1, -1, 1, 'pubsub slow', P);
def('spublish', 3, 'pubsub loading stale fast', 1, 1, 1, 'pubsub fast', P);
def('pubsub', -2, '', 0, 0, 0, 'slow', P);
def('pubsub|channels', -2, 'pubsub loading stale', 0, 0, 0, 'pubsub slow');
def('pubsub|numsub', -2, 'pubsub loading stale', 0, 0, 0, 'pubsub slow');
def('pubsub|numpat', 2, 'pubsub loading stale', 0, 0, 0, 'pubsub slow');
def('pubsub|shardchannels', -2, 'pubsub loading stale', 0, 0, 0, 'pubsub slow');
def('pubsub|shardnumsub', -2, 'pubsub loading stale', 0, 0, 0, 'pubsub slow');
def('pubsub|help', 2, 'loading stale', 0, 0, 0, 'slow');

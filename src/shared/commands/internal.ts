/** Internal acceptor → shard commands; never reachable by clients. Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { Route, def } from './registry.js';

const I = { group: 'internal', route: Route.Internal };
/** Copy keys out for a cross-shard command: __export db key… → serialized entries. */
def('__export', -2, '', 0, 0, 0, '', I);
/** Run a command with foreign keys installed for its duration, then return what changed. */
def('__run_foreign', -3, '', 0, 0, 0, '', I);
/** Write keys back after a cross-shard command: __import db payload. */
def('__import', 3, '', 0, 0, 0, '', I);
/** Shard statistics for INFO. */
def('__stats', 1, '', 0, 0, 0, '', I);
/** One step of SCAN inside a shard. */
def('__scan', -3, '', 0, 0, 0, '', I);
/** Apply a configuration change broadcast by the acceptor. */
def('__config', 3, '', 0, 0, 0, '', I);
/** WATCH support: __watch db key… → versions; __unwatch db key…; __watchcheck db key version… → 1/0. */
def('__watch', -3, '', 0, 0, 0, '', I);
def('__unwatch', -3, '', 0, 0, 0, '', I);
def('__watchcheck', -4, '', 0, 0, 0, '', I);
/** Blocking pops: report writes to these keys as "ready" events (__blockon/__blockoff db key…). */
def('__blockon', -3, '', 0, 0, 0, '', I);
def('__blockoff', -3, '', 0, 0, 0, '', I);

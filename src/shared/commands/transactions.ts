/** Transaction commands (multi.c). Run in the acceptor, which queues commands and drives EXEC. */
import { Route, def } from './registry.js';

const T = { group: 'transactions', route: Route.Local };
def('multi', 1, 'noscript loading stale fast allow_busy', 0, 0, 0, 'fast transaction', T);
def('exec', 1, 'noscript loading stale skip_slowlog', 0, 0, 0, 'slow transaction', T);
def('discard', 1, 'noscript loading stale fast allow_busy', 0, 0, 0, 'fast transaction', T);
def('watch', -2, 'noscript loading stale fast allow_busy', 1, -1, 1, 'fast transaction', T);
def('unwatch', 1, 'noscript loading stale fast allow_busy', 0, 0, 0, 'fast transaction', T);

/** Connection commands (networking.c, server.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def } from './registry.js';

const C = { group: 'connection' };
def('ping', -1, 'fast', 0, 0, 0, 'fast connection', C);
def('echo', 2, 'loading stale fast', 0, 0, 0, 'fast connection', C);
def('quit', -1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('select', 2, 'loading stale fast', 0, 0, 0, 'fast connection', C);
def('auth', -2, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('hello', -1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('reset', 1, 'noscript loading stale fast no_auth allow_busy', 0, 0, 0, 'fast connection', C);
def('client', -2, '', 0, 0, 0, 'slow', C);
def('client|id', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|setname', 3, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|getname', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|list', -2, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|info', 2, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|kill', -3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|reply', 3, 'noscript loading stale', 0, 0, 0, 'slow connection');
def('client|no-evict', 3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
// Redis 7.2's (src/commands/client-no-touch.json, client-setinfo.json).
def('client|no-touch', 3, 'noscript loading stale', 0, 0, 0, 'slow connection', { since: '7.2.0' });
def('client|setinfo', 4, 'noscript loading stale', 0, 0, 0, 'slow connection', { since: '7.2.0' });
def('client|unblock', -3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous connection');
def('client|help', 2, 'loading stale', 0, 0, 0, 'slow connection');

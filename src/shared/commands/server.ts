/** Server commands (server.c, config.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def } from './registry.js';

const V = { group: 'server' };
def('command', -1, 'loading stale', 0, 0, 0, 'slow connection', V);
def('command|count', 2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|info', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|docs', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|list', -2, 'loading stale', 0, 0, 0, 'slow connection');
def('command|getkeys', -4, 'loading stale', 0, 0, 0, 'slow connection');
def('command|help', 2, 'loading stale', 0, 0, 0, 'slow connection');
def('info', -1, 'loading stale', 0, 0, 0, 'slow dangerous', V);
def('config', -2, '', 0, 0, 0, 'slow', V);
def('config|get', -3, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|set', -4, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|resetstat', 2, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous');
def('config|help', 2, 'loading stale', 0, 0, 0, 'slow');
def('time', 1, 'loading stale fast', 0, 0, 0, 'fast', V);
def('role', 1, 'noscript loading stale fast', 0, 0, 0, 'admin fast dangerous', V);
def('shutdown', -1, 'admin noscript loading stale no_multi allow_busy', 0, 0, 0, 'admin slow dangerous', V);
def('debug', -2, 'admin noscript loading stale', 0, 0, 0, 'admin slow dangerous', V);

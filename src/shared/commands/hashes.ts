/** Hash commands (t_hash.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { def } from './registry.js';

const H = { group: 'hash' };
def('hset', -4, 'write denyoom fast', 1, 1, 1, 'write hash fast', H);
def('hsetnx', 4, 'write denyoom fast', 1, 1, 1, 'write hash fast', H);
def('hget', 3, 'readonly fast', 1, 1, 1, 'read hash fast', H);
def('hmset', -4, 'write denyoom fast', 1, 1, 1, 'write hash fast', H);
def('hmget', -3, 'readonly fast', 1, 1, 1, 'read hash fast', H);
def('hgetall', 2, 'readonly', 1, 1, 1, 'read hash slow', H);
def('hdel', -3, 'write fast', 1, 1, 1, 'write hash fast', H);
def('hlen', 2, 'readonly fast', 1, 1, 1, 'read hash fast', H);
def('hexists', 3, 'readonly fast', 1, 1, 1, 'read hash fast', H);
def('hkeys', 2, 'readonly', 1, 1, 1, 'read hash slow', H);
def('hvals', 2, 'readonly', 1, 1, 1, 'read hash slow', H);
def('hincrby', 4, 'write denyoom fast', 1, 1, 1, 'write hash fast', H);
def('hincrbyfloat', 4, 'write denyoom fast', 1, 1, 1, 'write hash fast', H);
def('hstrlen', 3, 'readonly fast', 1, 1, 1, 'read hash fast', H);
def('hrandfield', -2, 'readonly', 1, 1, 1, 'read hash slow', H);
def('hscan', -3, 'readonly', 1, 1, 1, 'read hash slow', H);

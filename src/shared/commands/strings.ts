/** String commands (t_string.c). Entries: name, arity, flags, first/last/step key, ACL categories, options. */
import { Combine, Route, def } from './registry.js';

const S = { group: 'string' };
def('get', 2, 'readonly fast', 1, 1, 1, 'read string fast', S);
def('set', -3, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('setnx', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('setex', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('psetex', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('getex', -2, 'write fast', 1, 1, 1, 'write string fast', S);
def('getdel', 2, 'write fast', 1, 1, 1, 'write string fast', S);
def('getset', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('mset', -3, 'write denyoom', 1, -1, 2, 'write string slow', { ...S, route: Route.FanOut, combine: Combine.AllOk });
def('msetnx', -3, 'write denyoom', 1, -1, 2, 'write string slow', S);
def('mget', -2, 'readonly fast', 1, -1, 1, 'read string fast', { ...S, route: Route.FanOut, combine: Combine.KeyOrder });
def('incr', 2, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('decr', 2, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('incrby', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('decrby', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('incrbyfloat', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('append', 3, 'write denyoom fast', 1, 1, 1, 'write string fast', S);
def('strlen', 2, 'readonly fast', 1, 1, 1, 'read string fast', S);
def('getrange', 4, 'readonly', 1, 1, 1, 'read string slow', S);
def('setrange', 4, 'write denyoom', 1, 1, 1, 'write string slow', S);
def('substr', 4, 'readonly', 1, 1, 1, 'read string slow', S);
def('lcs', -3, 'readonly', 1, 2, 1, 'read string slow', S);

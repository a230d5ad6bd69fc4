/**
 * Differential tests of the bundled Lua libraries (cjson, cmsgpack, bit, struct): every case is a
 * Lua snippet that returns a printable string; real redis-server (EVAL) and our Lua 5.4 versions
 * inside a wasmoon engine must return the same string.
 */
import t from 'tap';
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { RawConn, startRealRedis } from '../helpers/server.js';
import { LUA_LIBRARIES } from '../../src/scripting/libs/index.js';

/**
 * Helpers available to every snippet (valid Lua 5.1 and 5.4, on one line so that positions in error
 * messages stay "user_script:1:"):
 *  H(s) hex of a string; Q(s) a string with non-printables as \ddd; D(v) a value as text (tables with
 *  sorted keys, cjson.null as null); T(f, ...) pcall(f, ...) as text (results or "ERR msg");
 *  P(...) hex of cmsgpack.pack(...); U(s) the values of cmsgpack.unpack(s) as text.
 */
const PRELUDE = String.raw`
local function H(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
local function Q(s) return (string.gsub(s, '[^%w%p ]', function(c) return '\\' .. string.byte(c) end)) end
local D
D = function(v)
  local t = type(v)
  if t == 'number' then if v == 0 and 1 / v < 0 then return '-0' end if v ~= math.floor(v) then return string.format('%.14g', v) end return tostring(v) end
  if t == 'string' then return '"' .. Q(v) .. '"' end
  if t == 'table' then
    local ks = {}
    for k in pairs(v) do ks[#ks + 1] = k end
    table.sort(ks, function(a, b) return D(a) < D(b) end)
    local o = {}
    for i, k in ipairs(ks) do o[i] = D(k) .. '=' .. D(v[k]) end
    return '{' .. table.concat(o, ',') .. '}'
  end
  if v == cjson.null then return 'null' end
  return tostring(v)
end
local function R(ok, ...)
  if not ok then return 'ERR ' .. tostring((...)) end
  local n, a, o = select('#', ...), {...}, {}
  for i = 1, n do o[i] = D(a[i]) end
  return n .. ':' .. table.concat(o, ' ')
end
local function T(f, ...) return R(pcall(f, ...)) end
local function P(...) return H(cmsgpack.pack(...)) end
local function U(s) return T(cmsgpack.unpack, s) end
local NZ = 0 / -tonumber('1')
local function B(hex) hex = string.gsub(hex, ' ', '') return (string.gsub(hex, '%x%x', function(h) return string.char(tonumber(h, 16)) end)) end
`.trim().replace(/\s*\n\s*/g, ' ');

type Case = [name: string, lua: string];
const cases: Case[] = [];
const add = (name: string, lua: string): void => {
  cases.push([name, lua]);
};

// ------------------------------------------------------------------------------------------ cjson
add('cjson encode scalars', String.raw`return T(cjson.encode, 1) .. T(cjson.encode, -1.5) .. T(cjson.encode, true) .. T(cjson.encode, false) .. T(cjson.encode, nil) .. T(cjson.encode, cjson.null) .. T(cjson.encode, 'x')`);
add('cjson encode numbers %.14g', String.raw`local o = {} for _, n in ipairs({0, NZ, 0.1, 1/3, 2^53, 2^63, -2^31, 1e300, -1e-300, 123456789012345678, 1e15, 99999999999999, 123456789012345, 3.0, 1e-7, 5e-324}) do o[#o+1] = cjson.encode(n) end return table.concat(o, ' ')`);
add('cjson encode every byte', String.raw`local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end return H(cjson.encode(table.concat(t)))`);
add('cjson encode escapes', String.raw`return Q(cjson.encode('a/b"c\\d\b\f\n\r\t\0\1\31\127\128\255 \226\130\172'))`);
add('cjson encode nested arrays', String.raw`return cjson.encode({1, {2, {3, {}}}, {'a', {true, false}}})`);
add('cjson encode single-key objects', String.raw`return cjson.encode({a = {b = {c = 'd'}}}) .. cjson.encode({[1.5] = 'x'}) .. cjson.encode({[-1] = 1}) .. cjson.encode({[0] = 0})`);
add('cjson encode empty table', String.raw`return cjson.encode({}) .. cjson.encode({{}, {{}}})`);
add('cjson encode sparse arrays', String.raw`return T(cjson.encode, {[1] = 1, [2] = 2, [4] = 4}) .. T(cjson.encode, {[1] = 1, [20] = 2}) .. T(cjson.encode, {[10] = 1}) .. T(cjson.encode, {[11] = 1}) .. T(cjson.encode, {1, nil, nil, 4})`);
add('cjson encode_sparse_array convert', String.raw`local c = cjson.new() local a = R(true, c.encode_sparse_array(true)) return a .. T(c.encode, {[1] = 1, [20] = 2})`);
add('cjson encode_sparse_array ratio 0 and safe', String.raw`local c = cjson.new() local a = R(true, c.encode_sparse_array(false, 0)) local b = T(c.encode, {[1] = 1, [20] = 2}) local d = R(true, c.encode_sparse_array(nil, 3, 30)) return a .. b .. d .. T(c.encode, {[25] = 1}) .. T(c.encode, {[1] = 1, [40] = 1})`);
add('cjson encode_sparse_array errors', String.raw`local c = cjson.new() return T(function() local r = c.encode_sparse_array('maybe') return r end) .. T(function() local r = c.encode_sparse_array(true, -1) return r end) .. T(function() local r = c.encode_sparse_array(true, 1, 'x') return r end) .. T(function() local r = c.encode_sparse_array(true, 1, 2, 3) return r end) .. R(true, c.encode_sparse_array('on', '4', 5.9)) .. R(true, c.encode_sparse_array('off'))`);
add('cjson encode mixed table as object', String.raw`return D(cjson.decode(cjson.encode({1, 2, x = 1, [3.5] = 'f'})))`);
add('cjson encode many keys roundtrip', String.raw`local t = {} for i = 1, 50 do t['k' .. i] = {i, tostring(i)} end return D(cjson.decode(cjson.encode(t)))`);
add('cjson encode unsupported types', String.raw`return T(cjson.encode, tostring) .. T(cjson.encode, {f = tostring}) .. T(cjson.encode, {[true] = 1}) .. T(cjson.encode, coroutine.create(function() end)) .. T(cjson.encode, {[{}] = 1})`);
add('cjson encode inf/nan default', String.raw`return T(cjson.encode, 1/0) .. T(cjson.encode, -1/0) .. T(cjson.encode, {0/0}) .. T(cjson.encode, {[1/0] = 1})`);
add('cjson encode_invalid_numbers on', String.raw`local c = cjson.new() local a = R(true, c.encode_invalid_numbers(true)) return a .. T(c.encode, {1/0, -1/0, 0/0, -(0/0)}) .. T(c.encode, {[1/0] = 1})`);
add('cjson encode_invalid_numbers null', String.raw`local c = cjson.new() local a = R(true, c.encode_invalid_numbers('null')) return a .. T(c.encode, {1/0, -1/0, 0/0}) .. R(true, c.encode_invalid_numbers()) .. R(true, c.encode_invalid_numbers('off')) .. R(true, c.encode_invalid_numbers('on'))`);
add('cjson encode_invalid_numbers errors', String.raw`local c = cjson.new() return T(function() local r = c.encode_invalid_numbers('yes') return r end) .. T(function() local r = c.encode_invalid_numbers({}) return r end) .. T(function() local r = c.encode_invalid_numbers(1, 2) return r end)`);
add('cjson encode_number_precision', String.raw`local c = cjson.new() local a = R(true, c.encode_number_precision(3)) return a .. c.encode({3.14159, 1234567, 0.000123456, 100}) .. R(true, c.encode_number_precision('14'))`);
add('cjson encode_number_precision errors', String.raw`local c = cjson.new() return T(function() local r = c.encode_number_precision(0) return r end) .. T(function() local r = c.encode_number_precision(15) return r end) .. T(function() local r = c.encode_number_precision('x') return r end) .. T(function() local r = c.encode_number_precision(true) return r end) .. R(true, c.encode_number_precision(2^32 + 5))`);
add('cjson encode_max_depth', String.raw`local c = cjson.new() local a = R(true, c.encode_max_depth(2)) return a .. T(c.encode, {{1}}) .. T(c.encode, {{{1}}}) .. T(c.encode, {a = {b = {}}})`);
add('cjson encode_max_depth errors', String.raw`local c = cjson.new() return T(function() local r = c.encode_max_depth(0) return r end) .. T(function() local r = c.encode_max_depth(-5) return r end) .. T(function() local r = c.encode_max_depth(nil, 1) return r end) .. R(true, c.encode_max_depth()) .. R(true, c.encode_max_depth(7.9))`);
add('cjson encode self reference', String.raw`local t = {} t[1] = t return T(cjson.encode, t)`);
add('cjson encode deep 1000 ok, 1001 fails', String.raw`local t = {} local x = t for i = 1, 999 do x[1] = {} x = x[1] end local a = #cjson.encode(t) x[1] = {} return a .. T(cjson.encode, t)`);
add('cjson encode_keep_buffer', String.raw`local c = cjson.new() return R(true, c.encode_keep_buffer()) .. R(true, c.encode_keep_buffer(false)) .. R(true, c.encode_keep_buffer('on')) .. c.encode({1}) .. T(function() local r = c.encode_keep_buffer('x') return r end) .. T(function() local r = c.encode_keep_buffer(1) return r end)`);
add('cjson encode argument count', String.raw`return T(function() local r = cjson.encode() return r end) .. T(function() local r = cjson.encode(1, 2) return r end) .. T(cjson.encode) .. T(function() local e = cjson.encode local r = e(1, 2) return r end)`);
add('cjson config getters', String.raw`local c = cjson.new() return R(true, c.encode_sparse_array()) .. R(true, c.encode_max_depth()) .. R(true, c.decode_max_depth()) .. R(true, c.encode_number_precision()) .. R(true, c.encode_keep_buffer()) .. R(true, c.encode_invalid_numbers()) .. R(true, c.decode_invalid_numbers())`);
add('cjson module fields', String.raw`return cjson._NAME .. ' ' .. cjson._VERSION .. ' ' .. type(cjson.null) .. ' ' .. type(cjson.new) .. ' ' .. tostring(cjson.new().null == cjson.null) .. ' ' .. tostring(cjson.decode('null') == cjson.null)`);
add('cjson decode nested', String.raw`return D(cjson.decode('{"a":[1,2,{"b":null}],"c":{"d":"e","f":[]},"g":{},"h":true,"i":false}'))`);
add('cjson decode whitespace', String.raw`return D(cjson.decode(' \t\r\n[ 1 ,\n2 ] \n'))`);
add('cjson decode numbers', String.raw`local o = {} for _, s in ipairs({'1', '-1', '1.5', '1e3', '1E+2', '-0', '0', '-0.0', '0.5e-3', '123456789012345678901234567890', '9007199254740993', '1e400', '-1e400', '1e-400', '2.5', '4.0', '100e-2'}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' ')`);
add('cjson decode invalid numbers accepted by default', String.raw`local o = {} for _, s in ipairs({'0x10', '0X1f', '0x1.8p1', '0x', '01', '+1', 'Infinity', '-Infinity', 'inf', '-inf', 'nan', 'NaN', '-nan', 'nan(123)', 'INFINITY', '[0x10,Infinity]', '+', '-', '-x', '0x.8', '1e', '1e+', '1.', '-.5', '.5', '1.e2'}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' ')`);
add('cjson decode_invalid_numbers off', String.raw`local c = cjson.new() local a = R(true, c.decode_invalid_numbers(false)) local o = {} for _, s in ipairs({'0x10', '01', '+1', 'Infinity', '-Infinity', 'nan', '-nan', '1', '-0', '0.5', '-x', '-inf'}) do o[#o+1] = T(c.decode, s) end return a .. table.concat(o, ' ') .. R(true, c.decode_invalid_numbers('on'))`);
add('cjson decode strings and escapes', String.raw`local o = {} for _, s in ipairs({'"abc"', '""', '"a\\/b"', '"\\b\\f\\n\\r\\t\\"\\\\"', '"\\u0041\\u00e9\\u20ac"', '"\\ud83d\\ude00"', '"\\u0000x"', '"\\uFFFF"', '"\\uD800\\uDC00"', '"\1\31\127\255"'}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' ')`);
add('cjson decode bad escapes', String.raw`local o = {} for _, s in ipairs({'"\\x"', '"\\u12"', '"\\u12g4"', '"\\udc00"', '"\\ud800"', '"\\ud800\\u0041"', '"\\ud800x"', '["ab\\q"]', '{"\\u":1}', '"abc', '"ab\0c"', '"\\'}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' | ')`);
add('cjson decode syntax errors', String.raw`local o = {} for _, s in ipairs({'', '{', '[', '[1,]', '[1 2]', '{1:2}', '{"a" 1}', '{"a":1,}', '{"a":1 "b":2}', 'tru', 'nul', 'fals', '1 2', '[1]]', '{"a"}', ']', ':', ',', '@', 'truex', '[true false]', '{"a":}', '[,1]', '{,}', '  '}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' | ')`);
add('cjson decode NUL handling', String.raw`return T(cjson.decode, '1\0') .. T(cjson.decode, '\0\0') .. T(cjson.decode, '[1]\0garbage') .. T(cjson.decode, '[1, \0]') .. T(cjson.decode, '\0') .. T(cjson.decode, 'x\0')`);
add('cjson decode argument errors', String.raw`return T(function() local r = cjson.decode() return r end) .. T(function() local r = cjson.decode(nil) return r end) .. T(function() local r = cjson.decode({}) return r end) .. T(function() local r = cjson.decode('1', '2') return r end) .. T(cjson.decode, 123) .. T(cjson.decode, 1.5) .. T(cjson.decode, true)`);
add('cjson decode_max_depth', String.raw`local c = cjson.new() local a = R(true, c.decode_max_depth(2)) return a .. T(c.decode, '[[1]]') .. T(c.decode, '[[[1]]]') .. T(c.decode, '{"a":{"b":{}}}') .. T(c.decode, '[{"a":[]}]') .. T(function() local r = c.decode_max_depth(0) return r end)`);
add('cjson decode depth 1000 ok, 1001 fails', String.raw`local a = T(function() return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000)) end) return a .. T(cjson.decode, string.rep('[', 1001) .. string.rep(']', 1001)) .. T(cjson.decode, string.rep('{"a":', 1001) .. '1' .. string.rep('}', 1001))`);
add('cjson decode null and arrays with null', String.raw`local t = cjson.decode('[null,1,null]') return D(t) .. ' ' .. #t .. ' ' .. tostring(t[1] == cjson.null) .. ' ' .. type(t[1]) .. ' ' .. D(cjson.decode('{"a":null}'))`);
add('cjson decode raw bytes and controls in strings', String.raw`local t = {} for i = 1, 255 do if i ~= 34 and i ~= 92 then t[#t+1] = string.char(i) end end return H(cjson.decode('"' .. table.concat(t) .. '"'))`);
add('cjson decode duplicate keys and large array', String.raw`local t = {} for i = 1, 3000 do t[i] = i * 1.5 end local s = cjson.encode(t) local u = cjson.decode(s) return D(cjson.decode('{"a":1,"a":2}')) .. #u .. ' ' .. u[3000] .. ' ' .. #s`);
add('cjson roundtrip strings with every byte', String.raw`local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end local s = table.concat(t) return tostring(cjson.decode(cjson.encode(s)) == s) .. H(cjson.encode({s, s}))`);
add('cjson decode unicode 2/3/4-byte escapes', String.raw`return H(cjson.decode('"\\u007f\\u0080\\u07ff\\u0800\\uffff\\udbff\\udfff"'))`);
add('cjson decode then encode numbers', String.raw`return cjson.encode(cjson.decode('[1.0, 2.50, -0, 1e2, 3.14159265358979, 12345678901234567890]'))`);
add('cjson error position from user code', String.raw`local ok, e = pcall(function() local r = cjson.decode('[1,') return r end) local ok2, e2 = pcall(function() local r = cjson.encode({tostring}) return r end) return e .. ' | ' .. e2`);
add('cjson error called from pcall directly', String.raw`local ok, e = pcall(cjson.decode, '[1,') local ok2, e2 = pcall(cjson.decode) return e .. ' | ' .. e2`);
add('cjson decode UTF-16 detection', String.raw`return T(cjson.decode, '\0[') .. T(cjson.decode, '[\0') .. T(cjson.decode, 'a') .. T(cjson.decode, '\0')`);
add('cjson encode integer-like floats', String.raw`return cjson.encode({1.0, -2.0, 2^31, 2^32, 1e14, 1e14 + 1, -1e14, 2^53 + 2})`);
add('cjson new instances are independent', String.raw`local a = cjson.new() local b = a.new() a.encode_max_depth(1) return R(true, a.encode_max_depth()) .. R(true, b.encode_max_depth()) .. R(true, cjson.encode_max_depth()) .. T(a.encode, {{}}) .. T(b.encode, {{}})`);
add('cjson method-call argument error', String.raw`return T(function() local r = cjson:encode(1) return r end) .. T(function() local r = cjson:decode() return r end)`);

// --------------------------------------------------------------------------------------- cmsgpack
add('cmsgpack positive integers widths', String.raw`local o = {} for _, n in ipairs({0, 1, 127, 128, 255, 256, 65535, 65536, 2^32 - 1, 2^32, 2^53, 2^62, 2^63 - 2^11}) do o[#o+1] = P(n) end return table.concat(o, ' ')`);
add('cmsgpack negative integers widths', String.raw`local o = {} for _, n in ipairs({-1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769, -2^31 + 1, -2^31, -2^31 - 1, -2^53, -2^63}) do o[#o+1] = P(n) end return table.concat(o, ' ')`);
add('cmsgpack floats and doubles', String.raw`local o = {} for _, n in ipairs({1.5, -1.5, 0.1, 0.25, 1/3, 1e300, -1e-300, 2^63, -2^64, 2^70, 3.4028234663852886e38, 1e39, 2^-149, 2^-150, 1e-45, 0.5, 65536.5, 16777217.5}) do o[#o+1] = P(n) end return table.concat(o, ' ')`);
add('cmsgpack integral floats pack as integers', String.raw`return P(3.0) .. ' ' .. P(NZ) .. ' ' .. P(255.0) .. ' ' .. P(-2^31 * 1.0) .. ' ' .. P(2^40 * 1.0)`);
add('cmsgpack inf and nan', String.raw`return P(1/0) .. ' ' .. P(-1/0) .. ' ' .. H(string.sub(cmsgpack.pack(0/0), 1, 1))`);
add('cmsgpack strings widths', String.raw`local o = {} for _, n in ipairs({0, 1, 31, 32, 255, 256, 65535, 65536}) do local p = cmsgpack.pack(string.rep('x', n)) o[#o+1] = H(string.sub(p, 1, 6)) .. '/' .. #p end return table.concat(o, ' ')`);
add('cmsgpack string bytes', String.raw`local t = {} for i = 0, 255 do t[#t+1] = string.char(i) end return P(table.concat(t))`);
add('cmsgpack booleans nil and others', String.raw`return P(true) .. P(false) .. P(nil) .. P(tostring) .. P(coroutine.create(function() end)) .. P(cjson.null)`);
add('cmsgpack arrays', String.raw`return P({}) .. ' ' .. P({1, 2, 3}) .. ' ' .. P({'a', {true, {}}}) .. ' ' .. P({[1] = 'a', [2] = 'b'})`);
add('cmsgpack array widths', String.raw`local o = {} for _, n in ipairs({15, 16, 65535, 65536}) do local t = {} for i = 1, n do t[i] = i % 100 end local p = cmsgpack.pack(t) o[#o+1] = H(string.sub(p, 1, 8)) .. '/' .. #p end return table.concat(o, ' ')`);
add('cmsgpack single-key maps', String.raw`return P({a = 1}) .. ' ' .. P({[0] = 'z'}) .. ' ' .. P({[1.5] = 1}) .. ' ' .. P({[-1] = 1}) .. ' ' .. P({[2^31] = 1}) .. ' ' .. P({[2] = 1}) .. ' ' .. P({[true] = false})`);
add('cmsgpack map widths (header and roundtrip)', String.raw`local o = {} for _, n in ipairs({2, 15, 16, 65535, 65536}) do local t = {} for i = 1, n do t['k' .. i] = i end local p = cmsgpack.pack(t) local u = cmsgpack.unpack(p) local c = 0 for k, v in pairs(u) do if t[k] == v then c = c + 1 end end o[#o+1] = H(string.sub(p, 1, n <= 15 and 1 or n <= 65535 and 3 or 5)) .. '/' .. #p .. '/' .. c end return table.concat(o, ' ')`);
add('cmsgpack arrays with holes become maps', String.raw`return P({1, nil, 3}) .. ' ' .. U(cmsgpack.pack({1, nil, 3}))`);
add('cmsgpack nesting limit 16', String.raw`local t = {} local x = t for i = 1, 20 do x[1] = {} x = x[1] end return P(t)`);
add('cmsgpack nesting limit in maps', String.raw`local t = {} local x = t for i = 1, 18 do x.a = {} x = x.a end return P(t)`);
add('cmsgpack self reference', String.raw`local t = {} t[1] = t return P(t)`);
add('cmsgpack pack multiple arguments', String.raw`return P(1, 'a', {2}, nil, true) .. ' ' .. U(cmsgpack.pack(1, 'a', {2}, nil, true))`);
add('cmsgpack pack without arguments', String.raw`return T(function() local r = cmsgpack.pack() return r end) .. T(cmsgpack.pack)`);
add('cmsgpack unpack fixint fixstr', String.raw`return U(B('00')) .. ' ' .. U(B('7f')) .. ' ' .. U(B('ff')) .. ' ' .. U(B('e0')) .. ' ' .. U(B('a3616263')) .. ' ' .. U(B('a0'))`);
add('cmsgpack unpack uint/int widths', String.raw`local o = {} for _, h in ipairs({'cc80', 'ccff', 'cd0100', 'cdffff', 'ce00010000', 'ceffffffff', 'cf0000000100000000', 'cfffffffffffffffff', 'cf8000000000000000', 'cf0020000000000001', 'd080', 'd0ff', 'd18000', 'd2ffffffff', 'd280000000', 'd3ffffffffffffffff', 'd38000000000000000', 'd30020000000000001', 'd3ffe0000000000001'}) do o[#o+1] = U(B(h)) end return table.concat(o, ' ')`);
add('cmsgpack unpack float/double', String.raw`local o = {} for _, h in ipairs({'ca3fc00000', 'ca40400000', 'ca7f800000', 'caff800000', 'ca00000001', 'cb3ff8000000000000', 'cb4008000000000000', 'cb7ff0000000000000', 'cb8000000000000000', 'cb4340000000000001', 'cb3fb999999999999a'}) do o[#o+1] = U(B(h)) end return table.concat(o, ' ')`);
add('cmsgpack unpack nan', String.raw`local v = cmsgpack.unpack(B('cb7ff8000000000000')) return tostring(v ~= v)`);
add('cmsgpack unpack str8/16/32', String.raw`return U(B('d903616263')) .. ' ' .. U(B('da0003616263')) .. ' ' .. U(B('db00000003616263')) .. ' ' .. U(B('d900')) .. ' ' .. U(B('db00000000'))`);
add('cmsgpack unpack arrays and maps', String.raw`return U(B('93010203')) .. ' ' .. U(B('dc0002c0c3')) .. ' ' .. U(B('dd00000001a178')) .. ' ' .. U(B('82a161 01 a162 92 01 02')) .. ' ' .. U(B('de0001a16101')) .. ' ' .. U(B('df00000001 01 a178')) .. ' ' .. U(B('90')) .. ' ' .. U(B('80'))`);
add('cmsgpack unpack nil in array and map', String.raw`return U(B('93c001c0')) .. ' ' .. U(B('8101c0')) .. ' ' .. U(B('c0c0')) .. ' ' .. U(B('c001c0'))`);
add('cmsgpack unpack nil or NaN map key', String.raw`return U(B('81c001')) .. ' | ' .. U(B('81cb7ff800000000000001')) .. ' | ' .. T(function() local r = cmsgpack.unpack(B('81c001')) return r end)`);
add('cmsgpack unpack unsupported types', String.raw`local o = {} for _, h in ipairs({'c1', 'c40100', 'c5000100', 'c600000001', 'c70100', 'd40100', 'd5010000', 'd601', 'd701', 'd801', 'c8000100'}) do o[#o+1] = U(B(h)) end return table.concat(o, ' | ')`);
add('cmsgpack unpack truncated input', String.raw`local o = {} for _, h in ipairs({'cc', 'cd00', 'ce000000', 'cf00000000000000', 'd0', 'd100', 'd2000000', 'd300', 'ca0000', 'cb00', 'a2 61', 'd9', 'd90261', 'da00', 'da000161', 'db000000', 'db0000000261', '92 01', 'dc00', 'dc000101', 'dd0000', 'de00', 'de0001 01', 'df000000', '81 01', '0102 cc'}) do o[#o+1] = U(B(h)) end return table.concat(o, ' | ')`);
add('cmsgpack unpack multiple values and empty', String.raw`return U(B('010203')) .. ' ' .. U('') .. ' ' .. U(B('c3c2a0'))`);
add('cmsgpack unpack number argument', String.raw`return T(cmsgpack.unpack, 123) .. ' ' .. T(cmsgpack.unpack, 1.5) .. ' ' .. T(function() local r = cmsgpack.unpack() return r end) .. ' ' .. T(function() local r = cmsgpack.unpack({}) return r end)`);
add('cmsgpack unpack_one', String.raw`local s = B('01a26869c3') return T(cmsgpack.unpack_one, s) .. ' ' .. T(cmsgpack.unpack_one, s, 1) .. ' ' .. T(cmsgpack.unpack_one, s, 4) .. ' ' .. T(cmsgpack.unpack_one, s, 5) .. ' ' .. T(cmsgpack.unpack_one, '') .. ' ' .. T(cmsgpack.unpack_one, s, 1.9) .. ' ' .. T(cmsgpack.unpack_one, s, '1')`);
add('cmsgpack unpack_one loop', String.raw`local s = cmsgpack.pack(1, 'two', {3}, nil, 5.5) local o, off = {}, 0 repeat local v off, v = cmsgpack.unpack_one(s, off) o[#o+1] = D(v) .. '@' .. off until off == -1 return table.concat(o, ' ')`);
add('cmsgpack unpack_one errors', String.raw`local s = B('0102') return T(function() local r = cmsgpack.unpack_one(s, 3) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_one(s, -1) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_one(s, 'x') return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_one(nil) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_one(B('cc')) return r end)`);
add('cmsgpack unpack_limit', String.raw`local s = B('0102030405') return T(cmsgpack.unpack_limit, s, 2) .. ' ' .. T(cmsgpack.unpack_limit, s, 2, 3) .. ' ' .. T(cmsgpack.unpack_limit, s, 10) .. ' ' .. T(cmsgpack.unpack_limit, s, 0) .. ' ' .. T(cmsgpack.unpack_limit, s, 0, 2) .. ' ' .. T(cmsgpack.unpack_limit, s, 1, 5) .. ' ' .. T(cmsgpack.unpack_limit, s, 3, 4)`);
add('cmsgpack unpack_limit errors', String.raw`local s = B('0102') return T(function() local r = cmsgpack.unpack_limit(s) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_limit(s, -1) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_limit(s, 1, 9) return r end) .. ' | ' .. T(function() local r = cmsgpack.unpack_limit(s, 'a') return r end) .. ' | ' .. T(cmsgpack.unpack_limit, s, 1, -2)`);
add('cmsgpack unpack 7999 values ok, 8000 fail', String.raw`local a = T(function() return select('#', cmsgpack.unpack(string.rep('\1', 7999))) end) local b = T(function() local r = select('#', cmsgpack.unpack(string.rep('\1', 8000))) return r end) return a .. ' | ' .. b`);
add('cmsgpack unpack_limit many values', String.raw`local s = string.rep('\1', 9000) return T(function() local r = select('#', cmsgpack.unpack_limit(s, 7998)) return r end) .. ' | ' .. T(function() local r = select('#', cmsgpack.unpack_limit(s, 7999)) return r end) .. ' | ' .. T(function() local r = select('#', cmsgpack.unpack_limit(s, 8000)) return r end)`);
add('cmsgpack deeply nested unpack', String.raw`local a = T(function() return #cmsgpack.unpack(string.rep('\145', 3000) .. '\144') end) local b = T(function() local r = #cmsgpack.unpack(string.rep('\145', 4500) .. '\144') return r end) local c = T(function() local r = cmsgpack.unpack(string.rep('\129\1', 3000) .. '\1') return type(r) end) return a .. ' | ' .. b .. ' | ' .. c`);
add('cmsgpack roundtrip mixed', String.raw`local t = {1, 2.5, 'three', {four = 4}, {5, {6}}, true, false, -7, 2^40, -2^40, 0.1} return U(cmsgpack.pack(t))`);
add('cmsgpack module fields', String.raw`return cmsgpack._NAME .. ' ' .. cmsgpack._VERSION .. ' ' .. cmsgpack._COPYRIGHT .. ' ' .. cmsgpack._DESCRIPTION`);
add('cmsgpack bullmq-like job data', String.raw`local p = cmsgpack.pack({'wait', 'job:1', 1700000000000, 0, 'name', 3, '{"x":1}'}) return H(p) .. ' ' .. U(p)`);
add('cmsgpack keys numbers in maps', String.raw`return U(B('81 cb3ff8000000000000 01')) .. ' ' .. U(B('81 ca40000000 01')) .. ' ' .. U(B('82 01 01 03 03'))`);
add('cmsgpack pack numeric strings stay strings', String.raw`return P('1') .. ' ' .. P('') .. ' ' .. P({'1', 1})`);
add('cmsgpack unpack_limit argument conversions', String.raw`local s = B('010203') return T(cmsgpack.unpack_limit, s, '2') .. ' ' .. T(cmsgpack.unpack_limit, s, 1.7, 0.5) .. ' ' .. T(cmsgpack.unpack_limit, 12, 1)`);
add('cmsgpack error position from user code', String.raw`local ok, e = pcall(function() local r = cmsgpack.unpack('\204') return r end) local ok2, e2 = pcall(cmsgpack.unpack, '\204') return e .. ' | ' .. e2`);
add('cmsgpack pack float32 boundary values', String.raw`local o = {} for _, n in ipairs({1.1754943508222875e-38, 1.401298464324817e-45, 3.4028235677973366e38, 16777216.5, 8388607.5, 0.3}) do o[#o+1] = P(n) end return table.concat(o, ' ')`);

// -------------------------------------------------------------------------------------------- bit
add('bit tobit', String.raw`local o = {} for _, n in ipairs({0, 1, -1, 2^31, 2^31 - 1, -2^31, -2^31 - 1, 2^32, 2^32 + 5, -2^32 - 5, 1.5, 2.5, -1.5, -2.5, 0.4999, 2^52, 2^52 + 1, 2^53, 2^53 + 2, 2^60 + 2^33 + 7, -2^60, 1e20, -1e20, 1/0, -1/0, 0/0, 1e-300}) do o[#o+1] = tostring(bit.tobit(n)) end return table.concat(o, ' ')`);
add('bit string arguments', String.raw`return T(bit.tobit, '10') .. T(bit.tobit, '0x10') .. T(bit.tobit, ' 7 ') .. T(bit.tobit, '1e2') .. T(bit.band, '255', 15)`);
add('bit argument errors', String.raw`return T(function() local r = bit.tobit('abc') return r end) .. ' | ' .. T(function() local r = bit.tobit() return r end) .. ' | ' .. T(function() local r = bit.tobit(nil) return r end) .. ' | ' .. T(function() local r = bit.band(1, {}) return r end) .. ' | ' .. T(function() local r = bit.band() return r end) .. ' | ' .. T(function() local r = bit.band(1, 'x', 'y') return r end) .. ' | ' .. T(function() local r = bit.lshift(1) return r end) .. ' | ' .. T(bit.bnot, true)`);
add('bit bnot', String.raw`return bit.bnot(0) .. ' ' .. bit.bnot(-1) .. ' ' .. bit.bnot(2^31) .. ' ' .. bit.bnot(0x12345678) .. ' ' .. bit.bnot(2^32 + 1)`);
add('bit band bor bxor', String.raw`return bit.band(0xff, 0x0f) .. ' ' .. bit.band(-1, 2^31) .. ' ' .. bit.band(0xf0f0, 0xff00, 0x3c3c) .. ' ' .. bit.band(7) .. ' ' .. bit.bor(1, 2, 4, 8) .. ' ' .. bit.bor(2^31, 1) .. ' ' .. bit.bxor(1, 3) .. ' ' .. bit.bxor(-1, 0x55555555) .. ' ' .. bit.bxor(1, 2, 4, 7) .. ' ' .. bit.band(2^32 + 3, 2^33 + 7)`);
add('bit shifts', String.raw`local o = {} for _, a in ipairs({{1, 0}, {1, 31}, {1, 32}, {1, 33}, {-1, 1}, {-1, 31}, {0x80000000, 4}, {2^32 + 1, 1}, {1, -1}, {5, 2.5}}) do o[#o+1] = bit.lshift(a[1], a[2]) .. '/' .. bit.rshift(a[1], a[2]) .. '/' .. bit.arshift(a[1], a[2]) end return table.concat(o, ' ')`);
add('bit arshift negatives', String.raw`return bit.arshift(-256, 4) .. ' ' .. bit.arshift(2^31, 31) .. ' ' .. bit.arshift(-1, 31) .. ' ' .. bit.arshift(0x7fffffff, 30) .. ' ' .. bit.arshift(-8, 2)`);
add('bit rol ror', String.raw`local o = {} for _, n in ipairs({0, 1, 4, 8, 16, 31, 32, 33, -1}) do o[#o+1] = bit.rol(0x12345678, n) .. '/' .. bit.ror(0x12345678, n) .. '/' .. bit.rol(-2, n) end return table.concat(o, ' ')`);
add('bit bswap', String.raw`return bit.bswap(0x12345678) .. ' ' .. bit.bswap(-1) .. ' ' .. bit.bswap(0xff) .. ' ' .. bit.bswap(0x80) .. ' ' .. bit.bswap(2^32 + 0x01020304)`);
add('bit tohex', String.raw`return bit.tohex(255) .. ' ' .. bit.tohex(-1) .. ' ' .. bit.tohex(255, 2) .. ' ' .. bit.tohex(255, -2) .. ' ' .. bit.tohex(0x12345678, 4) .. ' ' .. bit.tohex(1, 0) .. '|' .. bit.tohex(1, 20) .. ' ' .. bit.tohex(1, -20) .. ' ' .. bit.tohex(65535, -2^31) .. ' ' .. bit.tohex(65535, 2^31) .. ' ' .. bit.tohex(-1, -3) .. ' ' .. bit.tohex(2^32 + 10) .. ' ' .. bit.tohex(1, 2^32 + 3)`);
add('bit tohex errors', String.raw`return T(function() local r = bit.tohex(1, nil) return r end) .. ' | ' .. T(function() local r = bit.tohex() return r end) .. ' | ' .. T(bit.tohex, 1, 'z')`);
add('bit results are numbers', String.raw`return type(bit.tobit(1)) .. ' ' .. tostring(bit.band(3, 1) + 0.5) .. ' ' .. tostring(bit.bor(1, 2) * 2)`);
add('bit method call error', String.raw`return T(function() local r = bit:tobit() return r end)`);

// ----------------------------------------------------------------------------------------- struct
add('struct pack integers little-endian', String.raw`return H(struct.pack('<bBhHiIlLT', -1, 255, -2, 65535, -3, 4294967295, -4, 5, 6))`);
add('struct pack integers big-endian', String.raw`return H(struct.pack('>bBhHiIlLT', -1, 255, -2, 65535, -3, 4294967295, -4, 5, 6))`);
add('struct pack odd integer sizes', String.raw`return H(struct.pack('<i1i2i3i5i7i8', -1, -2, -3, -5, -7, -8)) .. ' ' .. H(struct.pack('>I3I5I7', 0x123456, 2^33 + 1, 2^50 + 3)) .. ' ' .. H(struct.pack('<i16', -1)) .. ' ' .. H(struct.pack('>i16', -1)) .. ' ' .. H(struct.pack('>I32', 258))`);
add('struct pack wrapping and huge values', String.raw`local o = {} for _, n in ipairs({256, -129, 2^63, -2^63, 2^64, -2^64, 1e300, -1e300, 2^63 + 2^20, 0/0, 1/0, -1/0, 2.9, -2.9, 2^53 + 2}) do o[#o+1] = H(struct.pack('>l', n)) .. ':' .. H(struct.pack('<B', n)) end return table.concat(o, ' ')`);
add('struct pack floats', String.raw`return H(struct.pack('<f>f<d>d', 1.5, -2.25, 0.1, 1/3)) .. ' ' .. H(struct.pack('f', 1e39)) .. ' ' .. H(struct.pack('d', 1/0))`);
add('struct pack strings', String.raw`return H(struct.pack('c3', 'abcdef')) .. ' ' .. H(struct.pack('c0', 'abc')) .. ' ' .. H(struct.pack('s', 'ab')) .. ' ' .. H(struct.pack('s', '')) .. ' ' .. H(struct.pack('c2s', 12, 3.5)) .. ' ' .. H(struct.pack('c0', 'a\0b'))`);
add('struct pack padding and spaces', String.raw`return H(struct.pack('b x b  xx b', 1, 2, 3)) .. ' ' .. H(struct.pack('', 1))`);
add('struct pack alignment', String.raw`return H(struct.pack('!4 b i', 1, 2)) .. ' ' .. H(struct.pack('!8 b d', 1, 1)) .. ' ' .. H(struct.pack('! b l', 1, 2)) .. ' ' .. H(struct.pack('>!2 b h b i', 1, 2, 3, 4)) .. ' ' .. H(struct.pack('!4 b c3 i', 1, 'abc', 2)) .. ' ' .. H(struct.pack('!8 b i3', 1, 2)) .. ' ' .. H(struct.pack('!1 b i', 1, 2)) .. ' ' .. H(struct.pack('!16 b d', 1, 2)) .. ' ' .. H(struct.pack('!4 s i', 'ab', 1))`);
add('struct pack errors', String.raw`local o = {} for _, f in ipairs({function() return struct.pack('z') end, function() return struct.pack('i33', 1) end, function() return struct.pack('!3 i', 1) end, function() return struct.pack('!0 i', 1) end, function() return struct.pack('c5', 'ab') end, function() return struct.pack('b', 'x') end, function() return struct.pack('b') end, function() return struct.pack('b c2', 1) end, function() return struct.pack('i99999999999', 1) end, function() return struct.pack() end, function() return struct.pack({}) end, function() return struct.pack('b5', 1) end, function() return struct.pack('s', {}) end}) do o[#o+1] = T(function() local r = f() return r end) end return table.concat(o, ' | ')`);
add('struct pack error names', String.raw`return T(function() local r = struct.pack('z') return r end) .. ' | ' .. T(struct.pack, 'z') .. ' | ' .. T(function() local p = struct.pack local r = p('c5', 'a') return r end)`);
add('struct pack numeric string arguments', String.raw`return H(struct.pack('>i', '258')) .. ' ' .. H(struct.pack('>i', ' 0x10 ')) .. ' ' .. H(struct.pack('>h', '7'))`);
add('struct unpack integers', String.raw`local s = struct.pack('<bBhHiIlLT', -1, 255, -2, 65535, -3, 4294967295, -4, 5, 6) return R(true, struct.unpack('<bBhHiIlLT', s))`);
add('struct unpack big-endian and odd sizes', String.raw`return R(true, struct.unpack('>i3', B('ffff85'))) .. R(true, struct.unpack('>I3', B('ffff85'))) .. R(true, struct.unpack('<i5', B('ffffffff7f'))) .. R(true, struct.unpack('>i7I7', B('80000000000000 ffffffffffffff')))`);
add('struct unpack 64-bit and larger', String.raw`return R(true, struct.unpack('>I8', B('ffffffffffffffff'))) .. R(true, struct.unpack('>i8', B('ffffffffffffffff'))) .. R(true, struct.unpack('<L', B('0000000000000080'))) .. R(true, struct.unpack('<l', B('0100000000002000'))) .. R(true, struct.unpack('>i16', B('00000000000000ffffffffffffffffff'))) .. R(true, struct.unpack('<I16', B('ffffffffffffffff0100000000000000'))) .. R(true, struct.unpack('<i9', B('ffffffffffffff7f00'))) .. R(true, struct.unpack('>I8', B('0020000000000001')))`);
add('struct unpack floats', String.raw`return R(true, struct.unpack('<f>f<d>d', struct.pack('<f>f<d>d', 1.5, -2.25, 0.1, 1/3))) .. R(true, struct.unpack('f', B('0000c07f'))) .. R(true, struct.unpack('>d', B('8000000000000000'))) .. R(true, struct.unpack('>f', B('40400000')))`);
add('struct unpack strings', String.raw`return R(true, struct.unpack('c3 c2', 'abcdef')) .. R(true, struct.unpack('s s', 'ab\0cd\0ef')) .. R(true, struct.unpack('b c0', '\3abcd')) .. R(true, struct.unpack('c1 c0', '2abcd')) .. T(struct.unpack, 'c0', 'abc', 1)`);
add('struct unpack c0 and s errors', String.raw`return T(function() local r = struct.unpack('c0', 'abc') return r end) .. ' | ' .. T(function() local r = struct.unpack('s', 'abc') return r end) .. ' | ' .. T(function() local r = struct.unpack('c1 c0', 'xabc') return r end) .. ' | ' .. T(function() local r = struct.unpack('b c0', '\9abc') return r end) .. ' | ' .. T(function() local r = struct.unpack('x c0', 'abc') return r end)`);
add('struct unpack offsets', String.raw`local s = struct.pack('>hhh', 1, 2, 3) return R(true, struct.unpack('>h', s, 3)) .. R(true, struct.unpack('>h', s, 5)) .. R(true, struct.unpack('>h', s, 1.9)) .. T(function() local r = struct.unpack('>h', s, 6) return r end) .. T(function() local r = struct.unpack('>h', s, 0) return r end) .. T(function() local r = struct.unpack('>h', s, -1) return r end) .. R(true, struct.unpack('', s, -5)) .. R(true, struct.unpack('', s, 100))`);
add('struct unpack alignment', String.raw`local s = struct.pack('!4 b i b d', 1, 2, 3, 4.5) return R(true, struct.unpack('!4 b i b d', s)) .. R(true, struct.unpack('!8 b i b d', struct.pack('!8 b i b d', 1, 2, 3, 4.5))) .. R(true, struct.unpack('! x i', struct.pack('! x i', 7)))`);
add('struct unpack errors', String.raw`local o = {} for _, f in ipairs({function() return struct.unpack('i', 'abc') end, function() return struct.unpack('z', 'abc') end, function() return struct.unpack('i', 'abcd', 'x') end, function() return struct.unpack('i') end, function() return struct.unpack(nil, 'x') end, function() return struct.unpack('i40', 'x') end, function() return struct.unpack('!5 i', 'abcd') end, function() return struct.unpack('z', '') end, function() return struct.unpack('x', '') end}) do o[#o+1] = T(function() local r = f() return r end) end return table.concat(o, ' | ')`);
add('struct unpack extra arguments and empty format', String.raw`return R(true, struct.unpack('b', '\1', 1, 'extra')) .. R(true, struct.unpack('', '')) .. R(true, struct.unpack('  ', 'ab')) .. R(true, struct.unpack('<>', 'ab', 2))`);
add('struct unpack i0 and c1 counts', String.raw`return R(true, struct.unpack('i0 b', '\5')) .. H(struct.pack('i0 b', 9, 5)) .. R(true, struct.unpack('c', 'xy'))`);
add('struct size', String.raw`local o = {} for _, f in ipairs({'b', 'bhilTfd', 'BHILx', '!8 b d', '!4 b d', '!2 b i', 'i3 i5', 'c10', '', 'z', 'b5', '!', '> < b', 'i0', 'c', '!4 c3 i'}) do o[#o+1] = T(struct.size, f) end return table.concat(o, ' ')`);
add('struct size errors', String.raw`local o = {} for _, f in ipairs({'s', 'c0', '#', 'i33', '!3', '!6 i', 'b @'}) do o[#o+1] = T(function() local r = struct.size(f) return r end) end return table.concat(o, ' | ') .. T(function() local r = struct.size() return r end) .. T(function() local r = struct.size({}) return r end) .. T(struct.size, 12)`);
add('struct roundtrip random values', String.raw`local o = {} local x = 12345 for i = 1, 60 do x = (x * 75 + 74) % 65537 local v = x * 32771 - 1073741824 local s = struct.pack('>i<I2!4h>l', v, x % 65536, v % 30000, v * 4096) o[#o+1] = H(s) .. '=' .. R(true, struct.unpack('>i<I2!4h>l', s)) end return table.concat(o, ' ')`);
add('struct NUL in format ends it', String.raw`return H(struct.pack('b\0b', 1, 2)) .. ' ' .. T(struct.size, 'i\0z') .. ' ' .. R(true, struct.unpack('b\0b', '\1\2'))`);
add('struct unpack c0 with numeric string size', String.raw`return R(true, struct.unpack('c1 c0', '3abcd')) .. T(function() local r = struct.unpack('c2 c0', '-1abc') return r end) .. R(true, struct.unpack('b c0', '\0abc'))`);

add('cjson decode number edge cases', String.raw`local o = {} for _, s in ipairs({'1e5x', '1.5.3', '0x1g', '0xg', '-', '- 1', 'infinit', 'infinityx', 'nanx', 'nan(', 'nan(abc', 'nan()', 'NaN(1_a)x', '0e', '00.5', '-00', '1E400', '4.9e-324', '2.2250738585072011e-308', '1.7976931348623157e308', '1.7976931348623159e308', '-\200', '0.1e1', '1e-5', '123456.789e3', '[1e5x]', '-0x10', '0x7fffffffffffffff', '0xffffffffffffffffff', '0x1P-2', '0x1p', '99999999999999', '100000000000000', '-99999999999999.0'}) do o[#o+1] = T(cjson.decode, s) end return table.concat(o, ' | ')`);
add('cjson decode long numbers', String.raw`return T(cjson.decode, '1' .. string.rep('0', 400)) .. ' ' .. T(cjson.decode, '0.' .. string.rep('0', 400) .. '1') .. ' ' .. T(cjson.decode, string.rep('9', 30) .. 'e-30') .. ' ' .. T(cjson.decode, '0x' .. string.rep('f', 20))`);
add('cjson encode null userdata as key and value', String.raw`return T(cjson.encode, {[cjson.null] = 1}) .. T(cjson.encode, {cjson.null, cjson.null}) .. T(cjson.encode, {a = cjson.null})`);
add('cjson encode metatables are ignored', String.raw`local t = setmetatable({}, {__index = function() return 1 end, __len = function() return 5 end}) local u = setmetatable({1, 2}, {__index = {3, 4, 5}}) return cjson.encode(t) .. cjson.encode(u) .. cjson.encode({t, u})`);
add('cjson encode array detection keys', String.raw`return T(cjson.encode, {[1] = 'a', [2.0] = 'b'}) .. T(cjson.encode, {[1] = 1, [1.5] = 2}) .. T(cjson.encode, {[2^31] = 1}) .. T(cjson.encode, {[1/0] = 1}) .. T(cjson.encode, {[-1/0] = 1})`);
add('cjson encode strings with high bytes and utf-8', String.raw`return H(cjson.encode({'\195\169', '\240\159\152\128', '\255\254', 'a\0b'}))`);
add('cjson decode big object roundtrip', String.raw`local t = {} for i = 1, 200 do t['key' .. i] = {i, i / 4, 'v' .. i, i % 2 == 0, {nested = {i}}} end local d = cjson.decode(cjson.encode(t)) return D(d.key7) .. D(d.key200) .. tostring(#cjson.encode(t))`);
add('cmsgpack pack tables with metatables and non-sequence keys', String.raw`local t = setmetatable({1, 2}, {__index = function() return 9 end}) return P(t) .. ' ' .. P({[1] = 1, [3] = 3, [2] = 2}) .. ' ' .. P({n = 1}) .. ' ' .. P({[1.0] = 'a'})`);
add('cmsgpack pack large integer-valued floats', String.raw`local o = {} for _, n in ipairs({2^53 + 2, 2^60, -2^60, 2^63 - 1024, -2^63, 2^64, 1e15, 1e18, 1e19}) do o[#o+1] = P(n) .. '=' .. U(cmsgpack.pack(n)) end return table.concat(o, ' ')`);
add('cmsgpack unpack argument extra values', String.raw`return T(cmsgpack.unpack, B('0102'), 'x', 'y') .. ' ' .. T(cmsgpack.unpack_one, B('0102'), 1, 'extra')`);
add('bit with big and fractional numbers', String.raw`local o = {} for _, n in ipairs({2^51 - 0.5, 2^51 + 0.5, -2^51 - 0.5, 2^52 - 0.5, 2^53 + 1, 2^64 + 3 * 2^12, -2^63, 123.456, -123.456, 0.5, 1.5, -0.5}) do o[#o+1] = tostring(bit.tobit(n)) end return table.concat(o, ' ')`);
add('struct pack c with numbers and long strings', String.raw`local s = string.rep('y', 10000) local p = struct.pack('c0 b c3', s, 7, 123.5) return #p .. ' ' .. H(string.sub(p, -4)) .. ' ' .. T(function() local r = struct.pack('c10001', s) return r end)`);
add('struct pack and unpack x alignment with !', String.raw`return H(struct.pack('!4 x i x h', 1, 2)) .. ' ' .. R(true, struct.unpack('!4 x i x h', struct.pack('!4 x i x h', 1, 2))) .. ' ' .. T(struct.size, '!4 x i x h')`);

add('cmsgpack pack with thousands of arguments', String.raw`local up = table.unpack or unpack local t = {} for i = 1, 4001 do t[i] = i % 7 end return T(function() return #cmsgpack.pack(up(t, 1, 4000)) end) .. ' ' .. T(function() local r = #cmsgpack.pack(up(t, 1, 4001)) return r end)`);

// ------------------------------------------------------------------------------------ cross-library
add('cjson and cmsgpack together', String.raw`local t = cjson.decode('{"a":[1,2,3],"b":"x"}') local p = cmsgpack.pack(t.a, t.b) return H(p) .. ' ' .. cjson.encode({cmsgpack.unpack(p)})`);
add('cmsgpack of cjson-decoded floats', String.raw`return H(cmsgpack.pack(cjson.decode('[1.0, 1.5, 0.1, 1e20, -3]')))`);
add('struct with bit', String.raw`return H(struct.pack('>I', bit.band(0xdeadbeef, 0xffff0000) % 2^32)) .. ' ' .. bit.tohex((struct.unpack('<i', B('efbeadde'))))`);

/** Expand a few families of generated cases (integer boundaries, bytes) to cover more values. */
for (const n of [0, 1, 31, 32, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 2147483647, 2147483648, 4294967295, 4294967296]) {
  add(`cmsgpack roundtrip +/-${n}`, String.raw`return P(${n}) .. ' ' .. P(-${n}) .. ' ' .. U(cmsgpack.pack(${n}, -${n})) .. ' ' .. P(${n} + 0.5) .. ' ' .. P(-${n} - 0.25)`);
}
for (const fmt of ['b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T', 'i3', 'I3', 'i6', 'I6']) {
  add(`struct pack/unpack ${fmt} boundaries`, String.raw`local o = {} for _, n in ipairs({0, 1, -1, 127, -128, 128, 255, 256, 32767, -32768, 65535, 65536, 2^31 - 1, -2^31, 2^32 - 1, 2^40 + 1, -2^40}) do for _, e in ipairs({'<', '>'}) do local s = struct.pack(e .. '${fmt}', n) o[#o+1] = H(s) .. '=' .. R(true, struct.unpack(e .. '${fmt}', s)) end end return table.concat(o, ' ')`);
}
for (const op of ['tobit', 'bnot', 'bswap']) {
  add(`bit ${op} sweep`, String.raw`local o = {} local x = 1 for i = 1, 70 do o[#o+1] = tostring(bit.${op}(x)) .. ',' .. tostring(bit.${op}(-x)) x = x * 1.9 + 0.3 end return table.concat(o, ' ')`);
}
for (const op of ['band', 'bor', 'bxor', 'lshift', 'rshift', 'arshift', 'rol', 'ror']) {
  add(`bit ${op} sweep`, String.raw`local o = {} local x, y = 0x12345678, 3 for i = 1, 40 do o[#o+1] = tostring(bit.${op}(x, y)) .. ',' .. tostring(bit.${op}(-x, y + 7)) x = x * 1.37 + 11 y = (y * 7 + 5) % 64 end return table.concat(o, ' ')`);
}
for (const s of ['"\\u00"', '[1,2', '{"a":[}', '[-]', '[1e]', '[1.]', '[00]', '[-01]', '"\\t\\u0009"', '[[[]]]', '{"":""}', '[1,[2,[3,[4]]]]']) {
  add(`cjson decode ${s}`, String.raw`return T(cjson.decode, '${s.replace(/\\/g, '\\\\')}')`);
}

// ------------------------------------------------------------------------------------------ runner

/** The raw Lua C API functions of wasmoon's emscripten module that these tests use. */
interface RawLuaApi {
  _lua_pushlightuserdata(L: number, p: number): void;
  _lua_setglobal(L: number, name: number): void;
  _lua_settop(L: number, idx: number): void;
  _malloc(n: number): number;
  _free(p: number): void;
  stringToUTF8(s: string, p: number, max: number): void;
}
const rawApi = (engine: LuaEngine): RawLuaApi => engine.global.lua.module as unknown as RawLuaApi;

async function makeEngine(): Promise<LuaEngine> {
  const engine = await new LuaFactory().createEngine();
  // cjson.null as Redis makes it: a NULL light userdata, pushed through the raw C API.
  const m = rawApi(engine);
  const L = engine.global.address;
  m._lua_pushlightuserdata(L, 0);
  const name = m._malloc(16);
  m.stringToUTF8('__NULL_UD', name, 16);
  m._lua_setglobal(L, name);
  m._free(name);
  // Each chunk runs with an environment that refuses global reads once it has loaded: the libraries
  // must capture what they use, since the sandbox later hides 5.4-only names from scripts.
  for (const lib of LUA_LIBRARIES) {
    engine.global.set('__LIBSRC', lib.source);
    await engine.doString(
      `local loading = true
       local env = setmetatable({}, { __index = function(_, k)
         if loading then return _G[k] end
         error("library '${lib.name}' read the global '" .. tostring(k) .. "' after loading", 2)
       end })
       ${lib.name} = assert(load(__LIBSRC, '=${lib.name}', 't', env))(${lib.name === 'cjson' ? '__NULL_UD' : ''})
       loading = false`,
    );
    m._lua_settop(L, 0);
  }
  return engine;
}

async function runOurs(engine: LuaEngine, code: string): Promise<string> {
  engine.global.set('__SNIPPET', code);
  try {
    const v: unknown = await engine.doString(`local f = assert(load(__SNIPPET, '@user_script')) local r = f() return r`);
    return typeof v === 'string' ? v : `(non-string ${String(v)})`;
  } catch (e) {
    return `(uncaught ${(e as Error).message})`;
  } finally {
    // doString leaves its results on the Lua stack, which wasmoon never grows: reset it.
    rawApi(engine)._lua_settop(engine.global.address, 0);
  }
}

async function runRedis(conn: RawConn, code: string): Promise<string> {
  const reply = await conn.call('EVAL', code, '0');
  if (reply.startsWith('$')) {
    const nl = reply.indexOf('\r\n');
    return reply.slice(nl + 2, reply.length - 2);
  }
  if (reply.startsWith('-')) return `(uncaught ${reply.slice(1, -2)})`;
  return `(non-string ${reply.trim()})`;
}

t.test('libraries load and expose the same names', async (t) => {
  const engine = await makeEngine();
  t.equal(LUA_LIBRARIES.map((l) => l.name).join(','), 'cjson,struct,cmsgpack,bit', 'load order as in Redis');
  const names = await engine.doString(
    `local o = {} for _, n in ipairs({'cjson', 'struct', 'cmsgpack', 'bit'}) do local k = {} for f in pairs(_G[n]) do k[#k+1] = f end table.sort(k) o[#o+1] = n .. ':' .. table.concat(k, ',') end return table.concat(o, ' ')`,
  );
  t.equal(
    names,
    'cjson:_NAME,_VERSION,decode,decode_invalid_numbers,decode_max_depth,encode,encode_invalid_numbers,encode_keep_buffer,encode_max_depth,encode_number_precision,encode_sparse_array,new,null ' +
      'struct:pack,size,unpack ' +
      'cmsgpack:_COPYRIGHT,_DESCRIPTION,_NAME,_VERSION,pack,unpack,unpack_limit,unpack_one ' +
      'bit:arshift,band,bnot,bor,bswap,bxor,lshift,rol,ror,rshift,tobit,tohex',
  );
  engine.global.close();
});

t.test('cjson.null without a host-provided NULL', async (t) => {
  const engine = await new LuaFactory().createEngine();
  const cjson = LUA_LIBRARIES.find((l) => l.name === 'cjson')!;
  engine.global.set('__LIBSRC', cjson.source);
  const r = await engine.doString(
    `local c = assert(load(__LIBSRC, '=cjson'))() local n = c.null local t = c.decode('[null]') return type(n) .. ' ' .. tostring(t[1] == n) .. ' ' .. c.encode({n, 1}) .. ' ' .. tostring(c.new().null == n)`,
  );
  t.equal(r, 'userdata true [null,1] true');
  engine.global.close();
});

// Integral results below 1e14 in magnitude are Lua integers (they print as 5.1 prints them, without
// ".0"); larger ones are floats, which 5.4 prints with "%.14g" exactly as 5.1 does; -0 stays a float.
t.test('integral results come back as Lua integers below 1e14', async (t) => {
  const engine = await makeEngine();
  const r = await engine.doString(
    `return table.concat({math.type(cjson.decode('3.0')), math.type(cjson.decode('1e300')), math.type(cmsgpack.unpack(cmsgpack.pack(2.0))), math.type(cmsgpack.unpack(string.char(0xca, 0x40, 0x40, 0, 0))), math.type(bit.tobit(3.0)), math.type((struct.unpack('d', struct.pack('d', 8)))), math.type(cjson.decode('-0')), math.type(cjson.decode('99999999999999')), math.type(cjson.decode('100000000000000')), tostring(cjson.decode('100000000000000')), math.type(cmsgpack.unpack(cmsgpack.pack(-2^50)))}, ' ')`,
  );
  t.equal(r, 'integer float integer integer integer integer float integer float 1e+14 float');
  engine.global.close();
});

const real = await startRealRedis();
if (real) t.teardown(() => real.stop());

t.test('differential against real redis-server', { skip: real ? false : 'redis-server is not installed' }, async (t) => {
  if (!real) return;
  const conn = await RawConn.connect(real.port);
  t.teardown(() => conn.close());
  const engine = await makeEngine();
  t.teardown(() => engine.global.close());
  t.ok(cases.length >= 120, `${cases.length} cases`);
  // LIBS_TEST_FILTER=regexp runs only the cases whose name matches (when working on one library).
  const only = process.env.LIBS_TEST_FILTER ? new RegExp(process.env.LIBS_TEST_FILTER) : null;
  let same = 0;
  for (const [name, body] of cases) {
    if (only && !only.test(name)) continue;
    const code = `${PRELUDE} ${body}`;
    const want = await runRedis(conn, code);
    const got = await runOurs(engine, code);
    if (got === want) same++;
    t.equal(got, want, name);
  }
  if (!only) t.equal(same, cases.length, `${same}/${cases.length} cases identical`);
});

/**
 * `cmsgpack` for Redis scripts: lua-cmsgpack 0.4.0 as bundled in Redis 7.0
 * (deps/lua/src/lua_cmsgpack.c, built for Lua 5.1 on a 64-bit machine), written in Lua 5.4.
 *
 * Numbers are handled by value like 5.1 doubles: 3 and 3.0 both pack as the integer 3; non-integral
 * values pack as float32 when that is lossless, else as double. Decoded numbers come back as Lua
 * integers when integral and below 1e14 in magnitude (so they print as 5.1 prints them), else floats.
 *
 * Known difference that cannot be fixed from Lua: tables packed as maps list their keys in Lua 5.4's
 * `next` order, which differs from 5.1's for tables with several non-array keys.
 */
import { LIB_ERRORS_LUA } from './lib-errors.js';

export const CMSGPACK_LUA = String.raw`${LIB_ERRORS_LUA}
local type, next, select, tonumber, error, pcall, tostring = type, next, select, tonumber, error, pcall, tostring
local byte, char, sub, format, spack, sunpack = string.byte, string.char, string.sub, string.format, string.pack, string.unpack
local concat, tunpack = table.concat, table.unpack
local mtype, floor, huge, tointeger = math.type, math.floor, math.huge, math.tointeger
local MININT = math.mininteger
local dbg = debug
local getinfo = dbg and dbg.getinfo

local function typename(n, ...)
  if select('#', ...) < n then return 'no value' end
  return type((select(n, ...)))
end
local function num2str(v)
  if mtype(v) == 'integer' and v > -100000000000000 and v < 100000000000000 then return format('%d', v) end
  return format('%.14g', v)
end
-- luaL_checklstring of 5.1 (numbers become strings)
local function checkstring(fname, narg, ...)
  local s = select(narg, ...)
  local t = type(s)
  if t == 'string' then return s end
  if t == 'number' then return num2str(s) end
  argerror(narg, 'string expected, got ' .. typename(narg, ...), fname)
end
-- luaL_checkinteger / luaL_optinteger of 5.1: a number or numeric string, truncated (lua_Integer)
local function tointeger51(n)
  if mtype(n) == 'integer' then return n end
  if n ~= n or n >= 9223372036854775807.0 or n < -9223372036854775808.0 then return MININT end
  return tointeger(n >= 0 and floor(n) or -floor(-n))
end
local function checkinteger(fname, narg, ...)
  local v = select(narg, ...)
  local n = v
  if type(n) == 'string' then n = tonumber(n) end
  if type(n) ~= 'number' then argerror(narg, 'number expected, got ' .. typename(narg, ...), fname) end
  return tointeger51(n)
end
local function optinteger(fname, narg, def, ...)
  if select(narg, ...) == nil then return def end
  return checkinteger(fname, narg, ...)
end
local function int32(n)
  n = n & 0xffffffff
  if n >= 0x80000000 then n = n - 0x100000000 end
  return n
end

local MAX_NESTING = 16   -- LUACMSGPACK_MAX_NESTING: deeper tables pack as nil
local MAXCSTACK = 8000   -- LUAI_MAXCSTACK of Lua 5.1 (lua_checkstack limit)

------------------------------------------------------------------ encoding
local FIXINT = {}
for i = 0, 127 do FIXINT[i] = char(i) end
for i = -32, -1 do FIXINT[i] = char(i & 0xff) end

-- mp_encode_int(): the smallest msgpack integer
local function encode_int(n)
  if n >= 0 then
    if n <= 127 then return FIXINT[n]
    elseif n <= 0xff then return char(0xcc, n)
    elseif n <= 0xffff then return spack('>BI2', 0xcd, n)
    elseif n <= 0xffffffff then return spack('>BI4', 0xce, n)
    else return spack('>Bi8', 0xcf, n) end
  else
    if n >= -32 then return FIXINT[n]
    elseif n >= -128 then return spack('>Bi1', 0xd0, n)
    elseif n >= -32768 then return spack('>Bi2', 0xd1, n)
    elseif n >= -2147483648 then return spack('>Bi4', 0xd2, n)
    else return spack('>Bi8', 0xd3, n) end
  end
end

-- mp_encode_double(): float32 when (double)(float)d == d
local function encode_double(d)
  local f = spack('>f', d)
  if sunpack('>f', f) == d then return '\202' .. f end
  return spack('>Bd', 0xcb, d)
end

-- mp_encode_lua_number() of 5.1: integral doubles within int64 pack as integers
local function encode_number(v)
  if mtype(v) == 'integer' then
    if v >= -9007199254740992 and v <= 9007199254740992 then return encode_int(v) end
    v = v + 0.0
  end
  if v == floor(v) and v ~= huge and v ~= -huge and v >= -9223372036854775808.0 and v < 9223372036854775808.0 then
    return encode_int(tointeger(v))
  end
  return encode_double(v)
end

-- the header of a string of length len
local FIXSTR = {}
for i = 0, 31 do FIXSTR[i] = char(0xa0 | i) end
local function string_header(len)
  if len < 32 then return FIXSTR[len]
  elseif len <= 0xff then return char(0xd9, len)
  elseif len <= 0xffff then return spack('>BI2', 0xda, len)
  else return spack('>BI4', 0xdb, len & 0xffffffff) end
end

-- table_is_an_array() of the 5.1 build: only keys 1..n (as C ints), no holes
local function is_array(t)
  local count, max = 0, 0
  for k in next, t do
    if mtype(k) ~= 'integer' or k <= 0 or k > 2147483647 then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count, count
end

local encode_value
local function encode_table(t, buf, n, level)
  local arr, len = is_array(t)
  if arr then
    if len <= 15 then n = n + 1; buf[n] = char(0x90 | len)
    elseif len <= 65535 then n = n + 1; buf[n] = spack('>BI2', 0xdc, len)
    else n = n + 1; buf[n] = spack('>BI4', 0xdd, len) end
    for j = 1, len do n = encode_value(t[j], buf, n, level + 1) end
  else
    len = 0
    for _ in next, t do len = len + 1 end
    if len <= 15 then n = n + 1; buf[n] = char(0x80 | len)
    elseif len <= 65535 then n = n + 1; buf[n] = spack('>BI2', 0xde, len)
    else n = n + 1; buf[n] = spack('>BI4', 0xdf, len) end
    for k, v in next, t do
      n = encode_value(k, buf, n, level + 1)
      n = encode_value(v, buf, n, level + 1)
    end
  end
  return n
end

-- mp_encode_lua_type(): appends to buf; returns the new count
encode_value = function(v, buf, n, level)
  local t = type(v)
  if t == 'string' then buf[n + 1] = string_header(#v); buf[n + 2] = v; n = n + 2
  elseif t == 'number' then n = n + 1; buf[n] = encode_number(v)
  elseif t == 'boolean' then n = n + 1; buf[n] = v and '\195' or '\194'
  elseif t == 'table' and level ~= MAX_NESTING then n = encode_table(v, buf, n, level)
  else n = n + 1; buf[n] = '\192' end
  return n
end

local function pack(...)
  local nargs = select('#', ...)
  if nargs == 0 then argerror(0, 'MessagePack pack needs input.', 'pack') end
  if nargs > MAXCSTACK or nargs + nargs > MAXCSTACK then argerror(0, 'Too many arguments for MessagePack pack.', 'pack') end
  if nargs == 1 then
    local v = ...
    local t = type(v)
    if t == 'string' then return string_header(#v) .. v end
    if t == 'number' then return encode_number(v) end
    local buf = {}
    local n = encode_value(v, buf, 0, 0)
    return concat(buf, '', 1, n)
  end
  local buf, n = {}, 0
  for i = 1, nargs do n = encode_value((select(i, ...)), buf, n, 0) end
  return concat(buf, '', 1, n)
end

------------------------------------------------------------------ decoding
-- Decoding errors unwind to unpack_full() as these values (mp_cur error codes and Lua errors).
local ERR_EOF, ERR_BADFMT = {}, {}
local RAW = {}   -- RAW[e] = message of a Lua error with no position (luaG_runerror inside a C function)
local CHECKSTACK = {}   -- CHECKSTACK[e] = message of a luaL_checkstack failure
local function eof() error(ERR_EOF, 0) end
local function checkstack(sp, msg)
  if sp + 1 > MAXCSTACK then
    local e = {}
    CHECKSTACK[e] = 'stack overflow (' .. msg .. ')'
    error(e, 0)
  end
end
local TOO_MANY = 'too many return values at once; use unpack_one or unpack_limit instead.'

-- State of the unpack in progress: the input and its length.
local S, LEN
local decode_value

local function decode_array(p, len, sp)
  local t = {}
  checkstack(sp + 1, 'in function mp_decode_to_lua_array')
  for i = 1, len do
    local v
    v, p = decode_value(p, sp + 2)
    t[i] = v
  end
  return t, p
end

local function decode_map(p, len, sp)
  local t = {}
  for _ = 1, len do
    local k, v
    k, p = decode_value(p, sp + 1)
    v, p = decode_value(p, sp + 2)
    if k == nil then local e = {}; RAW[e] = 'table index is nil'; error(e, 0) end
    if k ~= k then local e = {}; RAW[e] = 'table index is NaN'; error(e, 0) end
    t[k] = v
  end
  return t, p
end

-- mp_decode_to_lua_type(): value at 1-based position p (sp: stack slots in use); value, next position
decode_value = function(p, sp)
  local left = LEN - p + 1
  if left < 1 then eof() end
  checkstack(sp, TOO_MANY)
  local c = byte(S, p)
  if c < 0x80 then return c, p + 1 end                 -- positive fixnum
  if c >= 0xe0 then return c - 256, p + 1 end          -- negative fixnum
  if c < 0x90 then return decode_map(p + 1, c & 0x0f, sp) end      -- fixmap
  if c < 0xa0 then return decode_array(p + 1, c & 0x0f, sp) end    -- fixarray
  if c < 0xc0 then                                     -- fixstr
    local l = c & 0x1f
    if left < 1 + l then eof() end
    return sub(S, p + 1, p + l), p + 1 + l
  end
  if c == 0xc0 then return nil, p + 1 end
  if c == 0xc2 then return false, p + 1 end
  if c == 0xc3 then return true, p + 1 end
  if c == 0xcc then if left < 2 then eof() end return byte(S, p + 1), p + 2 end
  if c == 0xd0 then if left < 2 then eof() end return sunpack('>i1', S, p + 1), p + 2 end
  if c == 0xcd then if left < 3 then eof() end return sunpack('>I2', S, p + 1), p + 3 end
  if c == 0xd1 then if left < 3 then eof() end return sunpack('>i2', S, p + 1), p + 3 end
  if c == 0xce then if left < 5 then eof() end return sunpack('>I4', S, p + 1), p + 5 end
  if c == 0xd2 then if left < 5 then eof() end return sunpack('>i4', S, p + 1), p + 5 end
  if c == 0xcf or c == 0xd3 then                       -- (u)int 64: an int64 made a double
    if left < 9 then eof() end
    local v = sunpack('>i8', S, p + 1)
    if v <= -INT_LIMIT or v >= INT_LIMIT then v = v + 0.0 end
    return v, p + 9
  end
  if c == 0xca then if left < 5 then eof() end return normnum(sunpack('>f', S, p + 1)), p + 5 end
  if c == 0xcb then if left < 9 then eof() end return normnum(sunpack('>d', S, p + 1)), p + 9 end
  if c == 0xd9 then
    if left < 2 then eof() end
    local l = byte(S, p + 1)
    if left < 2 + l then eof() end
    return sub(S, p + 2, p + 1 + l), p + 2 + l
  end
  if c == 0xda then
    if left < 3 then eof() end
    local l = sunpack('>I2', S, p + 1)
    if left < 3 + l then eof() end
    return sub(S, p + 3, p + 2 + l), p + 3 + l
  end
  if c == 0xdb then
    if left < 5 then eof() end
    local l = sunpack('>I4', S, p + 1)
    if left - 5 < l then eof() end
    return sub(S, p + 5, p + 4 + l), p + 5 + l
  end
  if c == 0xdc then if left < 3 then eof() end return decode_array(p + 3, sunpack('>I2', S, p + 1), sp) end
  if c == 0xdd then if left < 5 then eof() end return decode_array(p + 5, sunpack('>I4', S, p + 1), sp) end
  if c == 0xde then if left < 3 then eof() end return decode_map(p + 3, sunpack('>I2', S, p + 1), sp) end
  if c == 0xdf then if left < 5 then eof() end return decode_map(p + 5, sunpack('>I4', S, p + 1), sp) end
  error(ERR_BADFMT, 0)   -- bin, ext, fixext, 0xc1: not supported by lua-cmsgpack 0.4.0
end

-- Decodes up to limit values from 1-based position p; fills out[]; returns count and next position.
local function decode_stream(out, p, limit, base)
  local cnt = 0
  while p <= LEN and cnt < limit do
    local v
    v, p = decode_value(p, base + cnt)
    cnt = cnt + 1
    out[cnt] = v
  end
  return cnt, p
end

-- mp_unpack_full()
local function unpack_full(fname, s, limit, offset, base)
  local len = #s
  if offset < 0 or limit < 0 then
    raise(format('Invalid request to unpack with offset of %d and limit of %d.', int32(offset), int32(len)))
  elseif offset > len then
    raise(format('Start offset %d greater than input length %d.', int32(offset), int32(len)))
  end
  local decode_all = limit == 0 and offset == 0
  if decode_all then limit = 2147483647 end
  local out = {}
  S, LEN = s, len
  local ok, cnt, p = pcall(decode_stream, out, offset + 1, limit, base)
  S = nil
  if not ok then
    local e = cnt
    if e == ERR_EOF then raise('Missing bytes in input.') end
    if e == ERR_BADFMT then raise('Bad data format in input.') end
    if type(e) == 'table' and RAW[e] then error(RAW[e], 0) end
    if type(e) == 'table' and CHECKSTACK[e] then raise(CHECKSTACK[e]) end
    error(e, 0)
  end
  if decode_all then return tunpack(out, 1, cnt) end
  if 1 + cnt + 1 > MAXCSTACK then raise('stack overflow (in function mp_unpack_full)') end
  return p > len and -1 or p - 1, tunpack(out, 1, cnt)
end

local function unpack(...)
  local s = checkstring('unpack', 1, ...)
  return unpack_full('unpack', s, 0, 0, select('#', ...))
end

local function unpack_one(...)
  local offset = optinteger('unpack_one', 2, 0, ...)
  local s = checkstring('unpack_one', 1, ...)
  return unpack_full('unpack_one', s, 1, offset, 1)
end

local function unpack_limit(...)
  local limit = checkinteger('unpack_limit', 2, ...)
  local offset = optinteger('unpack_limit', 3, 0, ...)
  local s = checkstring('unpack_limit', 1, ...)
  return unpack_full('unpack_limit', s, limit, offset, 1)
end

return {
  pack = pack, unpack = unpack, unpack_one = unpack_one, unpack_limit = unpack_limit,
  _NAME = 'cmsgpack', _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo', _DESCRIPTION = 'MessagePack C implementation for Lua',
}
`;

/**
 * `cjson` for Redis scripts: lua-cjson 2.1.0 as bundled in Redis 7.0 (deps/lua/src/lua_cjson.c,
 * strbuf.c, fpconv.c), written in Lua 5.4 so that it behaves like the C library under Lua 5.1.
 *
 * The chunk returns the module table. It takes one optional argument: the value to use as
 * `cjson.null`. Redis uses a NULL light userdata; pass one (`lua_pushlightuserdata(L, NULL)`) to get
 * exactly that. Without an argument the chunk makes its own light userdata through
 * `debug.upvalueid` (type() is "userdata", it is unique and equal to itself; only its tostring()
 * differs from Redis's "userdata: (nil)").
 *
 * Known differences that cannot be fixed from Lua: objects are written in Lua 5.4's `next` order
 * (5.1 orders hash keys differently), and errors raised inside a function that the caller reached
 * through a tail call name the caller's caller (5.4 drops the tail-calling frame).
 */
import { LIB_ERRORS_LUA } from './lib-errors.js';

export const CJSON_LUA = String.raw`${LIB_ERRORS_LUA}
local NULL = ...
local setmetatable, ipairs = setmetatable, ipairs
local type, next, rawget, rawset, select, tonumber, error, tostring = type, next, rawget, rawset, select, tonumber, error, tostring
local byte, char, find, sub, format, gsub, match, lower = string.byte, string.char, string.find, string.sub, string.format, string.gsub, string.match, string.lower
local concat = table.concat
local mtype, floor, huge, tointeger = math.type, math.floor, math.huge, math.tointeger
local MININT = math.mininteger
local dbg = debug
local getinfo = dbg and dbg.getinfo

-- cjson.null: a light userdata (NULL from the host if given, else a private unique one)
local null_anchor
if NULL == nil and dbg and dbg.upvalueid then
  local anchor = {}
  null_anchor = function() return anchor end
  NULL = dbg.upvalueid(null_anchor, 1)
end
if NULL == nil then NULL = setmetatable({}, { __tostring = function() return 'userdata: (nil)' end }) end

local function typename(n, ...)
  if select('#', ...) < n then return 'no value' end
  return type((select(n, ...)))
end
-- A number as Lua 5.1 converts it to a string ("%.14g").
local function num2str(v)
  if mtype(v) == 'integer' and v > -100000000000000 and v < 100000000000000 then return format('%d', v) end
  return format('%.14g', v)
end
-- luaL_checkinteger of 5.1 (number or numeric string, truncated) narrowed to a C int.
local INT_MIN = -2147483648
local function checkint(fname, narg, v, ...)
  local n = v
  if type(n) == 'string' then n = tonumber(n) end
  if type(n) ~= 'number' then argerror(narg, 'number expected, got ' .. typename(narg, ...), fname) end
  if mtype(n) ~= 'integer' then
    if n ~= n or n >= 9223372036854775807.0 or n < -9223372036854775808.0 then n = MININT
    else n = tointeger(n >= 0 and floor(n) or -floor(-n)) end
  end
  n = n & 0xffffffff
  if n >= 0x80000000 then n = n - 0x100000000 end
  return n
end
-- double -> int conversion of x86 (out of range gives INT_MIN)
local function cvtint(k)
  if k >= 2147483648 or k < -2147483648 or k ~= k then return INT_MIN end
  if mtype(k) == 'integer' then return k end
  return tointeger(k >= 0 and floor(k) or -floor(-k))
end
local function wrap32(n)
  n = n & 0xffffffff
  if n >= 0x80000000 then n = n - 0x100000000 end
  return n
end

-- Lua stack slots of the C version (LUAI_MAXCSTACK): deep structures fail where 5.1 failed.
local MAXCSTACK = 8000

------------------------------------------------------------------ encoding
local ESCAPE = {}
for i = 0, 31 do ESCAPE[char(i)] = format('\\u%04x', i) end
ESCAPE['\b'] = '\\b'; ESCAPE['\t'] = '\\t'; ESCAPE['\n'] = '\\n'; ESCAPE['\f'] = '\\f'; ESCAPE['\r'] = '\\r'
ESCAPE['"'] = '\\"'; ESCAPE['\\'] = '\\\\'; ESCAPE['/'] = '\\/'; ESCAPE['\127'] = '\\u007f'
local ESCAPE_PAT = '[%c"\\/]'

local function quote(s)
  if find(s, ESCAPE_PAT) then s = gsub(s, ESCAPE_PAT, ESCAPE) end
  return '"' .. s .. '"'
end

-- Object keys as written ('"key":'), short ones cached: scripts encode the same shapes again and again.
local KEYS, nkeys = {}, 0
local function quotekey(k)
  local q = KEYS[k]
  if q then return q end
  q = quote(k) .. ':'
  if #k > 64 then return q end
  if nkeys >= 2000 then KEYS, nkeys = {}, 0 end
  KEYS[k] = q
  nkeys = nkeys + 1
  return q
end

local function encode_number(cfg, v)
  if v ~= v or v == huge or v == -huge then
    local inv = cfg.encode_invalid_numbers
    if inv == 0 then raise('Cannot serialise number: must not be NaN or Inf')
    elseif inv == 1 then
      if v ~= v then return 'nan' end
    else
      return 'null'
    end
  end
  if mtype(v) == 'integer' and v > -100000000000000 and v < 100000000000000 and cfg.encode_number_precision == 14 then
    return '' .. v   -- the same digits as "%.14g"
  end
  return format(cfg.number_fmt, v)
end

-- Appends the JSON of v to buf (n entries so far); returns the new count.
-- depth: nesting of tables; sp: Lua stack slots the C version would be using.
local function encode_value(cfg, v, buf, n, depth, sp)
  local t = type(v)
  if t == 'string' then
    n = n + 1; buf[n] = quote(v)
  elseif t == 'number' then
    n = n + 1; buf[n] = encode_number(cfg, v)
  elseif t == 'boolean' then
    n = n + 1; buf[n] = v and 'true' or 'false'
  elseif t == 'table' then
    depth = depth + 1
    if depth > cfg.encode_max_depth or sp + 3 > MAXCSTACK then
      raise(format('Cannot serialise, excessive nesting (%d)', depth))
    end
    -- lua_array_length(): >0 array length, else an object
    local max, items = 0, 0
    for k in next, v do
      if type(k) == 'number' and k ~= 0 and k >= 1 and floor(k) == k then
        if k > max then max = cvtint(k) end
        items = items + 1
      else
        max = -1
        break
      end
    end
    if max > 0 then
      local ratio = cfg.encode_sparse_ratio
      if ratio > 0 and max > wrap32(items * ratio) and max > cfg.encode_sparse_safe then
        if not cfg.encode_sparse_convert then raise('Cannot serialise table: excessively sparse array') end
        max = -1
      end
    end
    if max > 0 then
      n = n + 1; buf[n] = '['
      for i = 1, max do
        if i > 1 then n = n + 1; buf[n] = ',' end
        n = encode_value(cfg, rawget(v, i), buf, n, depth, sp + 1)
      end
      n = n + 1; buf[n] = ']'
    else
      n = n + 1; buf[n] = '{'
      local comma = false
      for k, val in next, v do
        if comma then n = n + 1; buf[n] = ',' else comma = true end
        local kt = type(k)
        if kt == 'string' then
          n = n + 1; buf[n] = quotekey(k)
        elseif kt == 'number' then
          n = n + 1; buf[n] = '"' .. encode_number(cfg, k) .. '":'
        else
          raise('Cannot serialise ' .. kt .. ': table key must be a number or string')
        end
        n = encode_value(cfg, val, buf, n, depth, sp + 2)
      end
      n = n + 1; buf[n] = '}'
    end
  elseif v == nil or v == NULL then
    n = n + 1; buf[n] = 'null'
  else
    raise('Cannot serialise ' .. t .. ': type not supported')
  end
  return n
end

------------------------------------------------------------------ decoding
-- token types (json_token_type_t) and their names in error messages
local T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL,
      T_COLON, T_COMMA, T_END, T_WHITESPACE, T_ERROR, T_UNKNOWN = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
local TOKEN_NAME = { [0] = 'T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER',
  'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN' }
local CH2TOKEN = {}
for i = 0, 255 do CH2TOKEN[i] = T_ERROR end
CH2TOKEN[123] = T_OBJ_BEGIN; CH2TOKEN[125] = T_OBJ_END; CH2TOKEN[91] = T_ARR_BEGIN; CH2TOKEN[93] = T_ARR_END
CH2TOKEN[44] = T_COMMA; CH2TOKEN[58] = T_COLON; CH2TOKEN[0] = T_END
CH2TOKEN[32] = T_WHITESPACE; CH2TOKEN[9] = T_WHITESPACE; CH2TOKEN[10] = T_WHITESPACE; CH2TOKEN[13] = T_WHITESPACE
for _, c in ipairs({ 102, 105, 73, 110, 78, 116, 34, 43, 45 }) do CH2TOKEN[c] = T_UNKNOWN end
for c = 48, 57 do CH2TOKEN[c] = T_UNKNOWN end
-- escape2char
local ESC2CHAR = { [34] = '"', [92] = '\\', [47] = '/', [98] = '\b', [116] = '\t', [110] = '\n', [102] = '\f', [114] = '\r' }

-- positive and negative quiet NaN, as strtod() returns them
local PNAN, NNAN = 0 / 0, 0 / 0
if sub(format('%f', PNAN), 1, 1) == '-' then PNAN = -PNAN else NNAN = -NNAN end

-- State of the decode in progress (decoding never runs other Lua code, so it is not re-entered).
-- S: the JSON text; P: 1-based read position (bytes past the end and NUL bytes read as '\0').
local S, P, CFG

-- strtod() of glibc from P: value and the position after it, or nil when nothing converts.
local function strtod(p)
  local q = p
  local c = byte(S, q)
  local neg = false
  if c == 45 or c == 43 then neg = c == 45; q = q + 1; c = byte(S, q) end
  local v, e
  if c == 105 or c == 73 then -- inf, infinity
    if lower(sub(S, q, q + 2)) ~= 'inf' then return nil end
    if lower(sub(S, q, q + 7)) == 'infinity' then e = q + 8 else e = q + 3 end
    v = huge
  elseif c == 110 or c == 78 then -- nan, nan(chars)
    if lower(sub(S, q, q + 2)) ~= 'nan' then return nil end
    e = q + 3
    if byte(S, e) == 40 then
      local f = match(S, '^[%w_]*%)()', e + 1)
      if f then e = f end
    end
    return neg and NNAN or PNAN, e
  elseif c == 48 and (byte(S, q + 1) == 120 or byte(S, q + 1) == 88) and match(S, '^%.?%x', q + 2) then
    -- hexadecimal: 0x h* [. h*] [p [+-] d+]; tonumber() does the rounding (with C's strtod)
    local _, m = find(S, '^%x*', q + 2)
    if byte(S, m + 1) == 46 then _, m = find(S, '^%x*', m + 2) end
    local num = sub(S, q, m)
    local pc = byte(S, m + 1)
    local _, x = find(S, '^[+-]?%d+', m + 2)
    if (pc == 112 or pc == 80) and x then num = sub(S, q, x); e = x + 1 else num = num .. 'p0'; e = m + 1 end
    v = tonumber(num)
  else
    -- decimal: d* [. d*] (at least one digit) [e [+-] d+]
    local _, m = find(S, '^%d*', q)
    local nd = m - q + 1
    if byte(S, m + 1) == 46 then
      local m2
      _, m2 = find(S, '^%d*', m + 2)
      nd = nd + m2 - m - 1
      m = m2
    end
    if nd == 0 then return nil end
    local ec = byte(S, m + 1)
    local x
    if ec == 101 or ec == 69 then _, x = find(S, '^[+-]?%d+', m + 2) end
    if x then v = tonumber(sub(S, q, x)); e = x + 1 else v = tonumber(sub(S, q, m) .. 'e0'); e = m + 1 end
  end
  if neg then v = -v end
  return v, e
end

-- json_is_invalid_number(): things strtod() takes that strict JSON refuses
local function is_invalid_number()
  local p = P
  local c = byte(S, p) or 0
  if c == 43 then return true end
  if c == 45 then p = p + 1; c = byte(S, p) or 0 end
  if c == 48 then
    local c2 = byte(S, p + 1) or 0
    return (c2 | 32) == 120 or (c2 >= 48 and c2 <= 57)
  elseif c <= 57 or c >= 128 then -- (C chars are signed: bytes >= 128 are "<= '9'")
    return false
  end
  local w = lower(sub(S, p, p + 2))
  return w == 'inf' or w == 'nan'
end

local function number_token(idx)
  -- fast path: up to 13 digits (a sign included), not followed by more of a number
  local s, e = find(S, '^-?%d+', P)
  if e and e - s < 13 then
    local nc = byte(S, e + 1)
    if nc ~= 46 and nc ~= 101 and nc ~= 69 and nc ~= 120 and nc ~= 88 then
      local v = tonumber(sub(S, s, e))
      if v == 0 and byte(S, s) == 45 then v = -0.0 end
      P = e + 1
      return T_NUMBER, v, idx
    end
  end
  local v, e = strtod(P)
  if v == nil then return T_ERROR, 'invalid number', P - 1 end
  P = e
  return T_NUMBER, normnum(v), idx
end

local function hex4(p)
  local h = match(S, '^%x%x%x%x', p)
  return h and tonumber(h, 16)
end

-- A string token; P is on the opening quote.
local function string_token()
  local idx = P - 1
  local i = P + 1
  local parts, np
  while true do
    local j = find(S, '["\\\0]', i)
    if j == nil then
      P = #S + 1
      return T_ERROR, 'unexpected end of string', P - 1
    end
    local c = byte(S, j)
    if c == 34 then
      P = j + 1
      if parts == nil then return T_STRING, sub(S, i, j - 1), idx end
      np = np + 1; parts[np] = sub(S, i, j - 1)
      return T_STRING, concat(parts, '', 1, np), idx
    elseif c == 0 then
      P = j
      return T_ERROR, 'unexpected end of string', j - 1
    end
    -- backslash
    if parts == nil then parts, np = {}, 0 end
    if j > i then np = np + 1; parts[np] = sub(S, i, j - 1) end
    local e = byte(S, j + 1) or 0
    if e == 117 then -- \uXXXX (and surrogate pairs)
      local cp = hex4(j + 2)
      local len = 6
      if cp and (cp & 0xF800) == 0xD800 then
        if cp & 0x400 ~= 0 or sub(S, j + 6, j + 7) ~= '\\u' then
          cp = nil
        else
          local lo = hex4(j + 8)
          if lo == nil or (lo & 0xFC00) ~= 0xDC00 then cp = nil
          else cp = (((cp & 0x3FF) << 10) | (lo & 0x3FF)) + 0x10000; len = 12 end
        end
      end
      if cp == nil then
        P = j
        return T_ERROR, 'invalid unicode escape code', j - 1
      end
      local u
      if cp <= 0x7F then u = char(cp)
      elseif cp <= 0x7FF then u = char((cp >> 6) | 0xC0, (cp & 0x3F) | 0x80)
      elseif cp <= 0xFFFF then u = char((cp >> 12) | 0xE0, ((cp >> 6) & 0x3F) | 0x80, (cp & 0x3F) | 0x80)
      else u = char((cp >> 18) | 0xF0, ((cp >> 12) & 0x3F) | 0x80, ((cp >> 6) & 0x3F) | 0x80, (cp & 0x3F) | 0x80) end
      np = np + 1; parts[np] = u
      i = j + len
    else
      local r = ESC2CHAR[e]
      if r == nil then
        P = j
        return T_ERROR, 'invalid escape code', j - 1
      end
      np = np + 1; parts[np] = r
      i = j + 2
    end
  end
end

-- json_next_token(): type, value, 0-based index (for T_ERROR the value is the error text)
local function next_token()
  local c = byte(S, P) or 0
  local t = CH2TOKEN[c]
  if t == T_WHITESPACE then
    P = find(S, '[^ \t\n\r]', P) or (#S + 1)
    c = byte(S, P) or 0
    t = CH2TOKEN[c]
  end
  local idx = P - 1
  if t == T_ERROR then return T_ERROR, 'invalid token', idx end
  if t == T_END then return T_END, nil, idx end
  if t ~= T_UNKNOWN then P = P + 1; return t, nil, idx end
  if c == 34 then return string_token() end
  if c == 45 or (c >= 48 and c <= 57) then
    if not CFG.decode_invalid_numbers and is_invalid_number() then return T_ERROR, 'invalid number', idx end
    return number_token(idx)
  end
  if c == 116 and sub(S, P, P + 3) == 'true' then P = P + 4; return T_BOOLEAN, true, idx end
  if c == 102 and sub(S, P, P + 4) == 'false' then P = P + 5; return T_BOOLEAN, false, idx end
  if c == 110 and sub(S, P, P + 3) == 'null' then P = P + 4; return T_NULL, nil, idx end
  if CFG.decode_invalid_numbers and is_invalid_number() then return number_token(idx) end
  return T_ERROR, 'invalid token', idx
end

local function parse_error(expected, t, v, idx)
  local found = t == T_ERROR and v or TOKEN_NAME[t]
  raise(format('Expected %s but found %s at character %d', expected, found, idx + 1))
end

local parse_value
local function descend(depth, sp, slots)
  if depth > CFG.decode_max_depth or sp + slots > MAXCSTACK then
    raise(format('Found too many nested data structures (%d) at character %d', depth, P - 1))
  end
end

local function parse_object(depth, sp)
  depth = depth + 1
  descend(depth, sp, 3)
  local obj = {}
  local t, v, idx = next_token()
  if t == T_OBJ_END then return obj end
  while true do
    if t ~= T_STRING then parse_error('object key string', t, v, idx) end
    local key = v
    t, v, idx = next_token()
    if t ~= T_COLON then parse_error('colon', t, v, idx) end
    t, v, idx = next_token()
    if t == T_STRING or t == T_NUMBER or t == T_BOOLEAN then rawset(obj, key, v)
    else rawset(obj, key, parse_value(t, v, idx, depth, sp + 2)) end
    t, v, idx = next_token()
    if t == T_OBJ_END then return obj end
    if t ~= T_COMMA then parse_error('comma or object end', t, v, idx) end
    t, v, idx = next_token()
  end
end

local function parse_array(depth, sp)
  depth = depth + 1
  descend(depth, sp, 2)
  local arr = {}
  local t, v, idx = next_token()
  if t == T_ARR_END then return arr end
  local i = 1
  while true do
    if t == T_STRING or t == T_NUMBER or t == T_BOOLEAN then arr[i] = v
    else arr[i] = parse_value(t, v, idx, depth, sp + 1) end
    i = i + 1
    t, v, idx = next_token()
    if t == T_ARR_END then return arr end
    if t ~= T_COMMA then parse_error('comma or array end', t, v, idx) end
    t, v, idx = next_token()
  end
end

parse_value = function(t, v, idx, depth, sp)
  if t == T_STRING or t == T_NUMBER or t == T_BOOLEAN then return v end
  if t == T_OBJ_BEGIN then return parse_object(depth, sp) end
  if t == T_ARR_BEGIN then return parse_array(depth, sp) end
  if t == T_NULL then return NULL end
  parse_error('value', t, v, idx)
end

------------------------------------------------------------------ module
local BOOL_OPTIONS = { 'off', 'on' }
local INVALID_OPTIONS = { 'off', 'on', 'null' }

local function new_module()
  -- json_config_t with Redis's defaults
  local cfg = {
    encode_sparse_convert = false, encode_sparse_ratio = 2, encode_sparse_safe = 10,
    encode_max_depth = 1000, decode_max_depth = 1000,
    encode_invalid_numbers = 0, decode_invalid_numbers = true,
    encode_keep_buffer = 1, encode_number_precision = 14, number_fmt = '%.14g',
  }
  local M = {}

  -- json_arg_init(): too many arguments is an error
  local function arg_init(fname, max, nargs)
    if nargs > max then argerror(max + 1, 'found too many arguments', fname) end
  end
  -- json_integer_option()
  local function integer_option(fname, narg, field, min, maxv, ...)
    local v = select(narg, ...)
    if v ~= nil then
      local n = checkint(fname, narg, v, ...)
      if n < min or n > maxv then argerror(1, format('expected integer between %d and %d', min, maxv), fname) end
      cfg[field] = n
    end
    return cfg[field]
  end
  -- json_enum_option(): the index (0-based) of the chosen option, or cur when none is given
  local function enum_option(fname, narg, options, bool_true, cur, ...)
    local v = select(narg, ...)
    if v == nil then return cur end
    if bool_true and type(v) == 'boolean' then return v and bool_true or 0 end
    local s = v
    if type(s) == 'number' then s = num2str(s) end
    if type(s) ~= 'string' then argerror(narg, 'string expected, got ' .. typename(narg, ...), fname) end
    for i = 1, #options do
      if options[i] == s then return i - 1 end
    end
    argerror(narg, "invalid option '" .. s .. "'", fname)
  end
  local function enum_result(options, bool_true, setting)
    if bool_true and (setting == 0 or setting == bool_true) then return setting ~= 0 end
    return options[setting + 1]
  end

  function M.encode(...)
    if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument', 'encode') end
    local v = ...
    local buf = {}
    local n = encode_value(cfg, v, buf, 0, 0, 1)
    if n == 1 then return buf[1] end
    return concat(buf, '', 1, n)
  end

  function M.decode(...)
    local nargs = select('#', ...)
    if nargs ~= 1 then argerror(1, 'expected 1 argument', 'decode') end
    local s = ...
    local ts = type(s)
    if ts == 'number' then s = num2str(s)
    elseif ts ~= 'string' then argerror(1, 'string expected, got ' .. typename(1, ...), 'decode') end
    if #s >= 2 and (byte(s, 1) == 0 or byte(s, 2) == 0) then raise('JSON parser does not support UTF-16 or UTF-32') end
    S, P, CFG = s, 1, cfg
    local t, v, idx = next_token()
    local value = parse_value(t, v, idx, 0, 1)
    t, v, idx = next_token()
    if t ~= T_END then parse_error('the end', t, v, idx) end
    S = nil
    return value
  end

  function M.encode_sparse_array(...)
    local nargs = select('#', ...)
    arg_init('encode_sparse_array', 3, nargs)
    local conv = enum_option('encode_sparse_array', 1, BOOL_OPTIONS, 1, cfg.encode_sparse_convert and 1 or 0, ...)
    cfg.encode_sparse_convert = conv ~= 0
    local ratio = integer_option('encode_sparse_array', 2, 'encode_sparse_ratio', 0, 2147483647, ...)
    local safe = integer_option('encode_sparse_array', 3, 'encode_sparse_safe', 0, 2147483647, ...)
    return cfg.encode_sparse_convert, ratio, safe
  end

  function M.encode_max_depth(...)
    arg_init('encode_max_depth', 1, select('#', ...))
    return integer_option('encode_max_depth', 1, 'encode_max_depth', 1, 2147483647, ...)
  end

  function M.decode_max_depth(...)
    arg_init('decode_max_depth', 1, select('#', ...))
    return integer_option('decode_max_depth', 1, 'decode_max_depth', 1, 2147483647, ...)
  end

  function M.encode_number_precision(...)
    arg_init('encode_number_precision', 1, select('#', ...))
    local p = integer_option('encode_number_precision', 1, 'encode_number_precision', 1, 14, ...)
    cfg.number_fmt = '%.' .. p .. 'g'
    return p
  end

  function M.encode_keep_buffer(...)
    arg_init('encode_keep_buffer', 1, select('#', ...))
    cfg.encode_keep_buffer = enum_option('encode_keep_buffer', 1, BOOL_OPTIONS, 1, cfg.encode_keep_buffer, ...)
    return enum_result(BOOL_OPTIONS, 1, cfg.encode_keep_buffer)
  end

  function M.encode_invalid_numbers(...)
    arg_init('encode_invalid_numbers', 1, select('#', ...))
    cfg.encode_invalid_numbers = enum_option('encode_invalid_numbers', 1, INVALID_OPTIONS, 1, cfg.encode_invalid_numbers, ...)
    return enum_result(INVALID_OPTIONS, 1, cfg.encode_invalid_numbers)
  end

  function M.decode_invalid_numbers(...)
    arg_init('decode_invalid_numbers', 1, select('#', ...))
    local cur = cfg.decode_invalid_numbers and 1 or 0
    cfg.decode_invalid_numbers = enum_option('decode_invalid_numbers', 1, BOOL_OPTIONS, 1, cur, ...) ~= 0
    return cfg.decode_invalid_numbers
  end

  M.new = function() local _ = null_anchor; return new_module() end
  M.null = NULL
  M._NAME = 'cjson'
  M._VERSION = '2.1.0'
  return M
end

return new_module()
`;

/**
 * `struct` for Redis scripts: Roberto Ierusalimschy's struct library as bundled in Redis 7.0
 * (deps/lua/src/lua_struct.c with Redis's overflow fixes), written in Lua 5.4 for a 64-bit
 * little-endian target: short 2, int 4, long 8, size_t 8 bytes, default maximum alignment 8.
 *
 * Numbers are handled as 5.1 doubles (packing converts them the way x86-64 C casts do); unpacked
 * integers come back as Lua integers when below 1e14 in magnitude (so they print as 5.1 prints them).
 */
import { LIB_ERRORS_LUA } from './lib-errors.js';

export const STRUCT_LUA = String.raw`${LIB_ERRORS_LUA}
local type, select, tonumber, error, tostring = type, select, tonumber, error, tostring
local byte, char, find, sub, format, rep, match = string.byte, string.char, string.find, string.sub, string.format, string.rep, string.match
local spack, sunpack = string.pack, string.unpack
local concat, tunpack = table.concat, table.unpack
local mtype, floor, tointeger, ult = math.type, math.floor, math.tointeger, math.ult
local MININT = math.mininteger
local dbg = debug
local getinfo = dbg and dbg.getinfo

local function typename(n, nargs, v)
  if n > nargs then return 'no value' end
  return type(v)
end
local function num2str(v)
  if mtype(v) == 'integer' and v > -100000000000000 and v < 100000000000000 then return format('%d', v) end
  return format('%.14g', v)
end
-- luaL_checklstring (numbers become strings)
local function checkstring(fname, narg, nargs, v)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return num2str(v) end
  argerror(narg, 'string expected, got ' .. typename(narg, nargs, v), fname)
end
-- luaL_checknumber
local function checknumber(fname, narg, nargs, v)
  if type(v) == 'number' then return v end
  local n = type(v) == 'string' and tonumber(v) or nil
  if n == nil then argerror(narg, 'number expected, got ' .. typename(narg, nargs, v), fname) end
  return n
end
-- A double as x86-64 C converts it to a 64-bit integer: (Inttype)n when n < 0, else (Uinttype)n.
local function toword(n)
  if mtype(n) == 'integer' then
    if n >= -9007199254740992 and n <= 9007199254740992 then return n end
    n = n + 0.0
  end
  if n < 0 then
    if n >= -9223372036854775808.0 then return tointeger(-floor(-n)) end
    return MININT
  end
  if not (n >= 9223372036854775808.0) then
    if n ~= n then return MININT end
    return tointeger(floor(n))
  end
  local m = n - 9223372036854775808.0
  if m >= 9223372036854775808.0 then return 0 end
  return tointeger(floor(m)) ~ MININT
end
-- luaL_optinteger of 5.1 (lua_Integer, truncated)
local function optinteger(fname, narg, nargs, v, def)
  if v == nil then return def end
  local n = checknumber(fname, narg, nargs, v)
  if mtype(n) == 'integer' then return n end
  if n ~= n or n >= 9223372036854775807.0 or n < -9223372036854775808.0 then return MININT end
  return tointeger(n >= 0 and floor(n) or -floor(-n))
end
-- A 64-bit value as a Lua number: integer within 2^53, else a double
local function signed2num(l)
  if l > -INT_LIMIT and l < INT_LIMIT then return l end
  return l + 0.0
end
local function unsigned2num(l)
  if l >= 0 then return signed2num(l) end
  return (l >> 32) * 4294967296.0 + (l & 0xffffffff)
end

local BIG, LITTLE = 0, 1
local MAXINTSIZE = 32
local MAXALIGN = 8
local MAXCSTACK = 8000

local function isdigit(c) return c ~= nil and c >= 48 and c <= 57 end

-- getnum(): a decimal number at fmt position i, or df; returns value, next position
local function getnum(fmt, i, df)
  local c = byte(fmt, i)
  if not isdigit(c) then return df, i end
  local a = 0
  repeat
    local d = c - 48
    if a > 214748364 or a * 10 > 2147483647 - d then raise('integral size overflow') end
    a = a * 10 + d
    i = i + 1
    c = byte(fmt, i)
  until not isdigit(c)
  return a, i
end

-- optsize(): size of option opt (a byte); returns size, next position
local SIZES = { [66] = 1, [98] = 1, [72] = 2, [104] = 2, [76] = 8, [108] = 8, [84] = 8, [102] = 4, [100] = 8, [120] = 1 }
local function optsize(opt, fmt, i)
  local s = SIZES[opt]
  if s then return s, i end
  if opt == 99 then return getnum(fmt, i, 1) end               -- c
  if opt == 105 or opt == 73 then                              -- i, I
    local sz
    sz, i = getnum(fmt, i, 4)
    if sz > MAXINTSIZE then raise(format('integral size %d is larger than limit of %d', sz, MAXINTSIZE)) end
    return sz, i
  end
  return 0, i
end

-- gettoalign(): padding before an item of 'size' at offset len
local function gettoalign(len, align, opt, size)
  if size == 0 or opt == 99 then return 0 end
  if size > align then size = align end
  return (size - (len & (size - 1))) & (size - 1)
end

-- controloptions(): endianness, alignment, spaces; h = { endian, align }; returns next position
local function controloptions(fname, opt, fmt, i, h)
  if opt == 32 then return i end
  if opt == 62 then h[1] = BIG; return i end
  if opt == 60 then h[1] = LITTLE; return i end
  if opt == 33 then
    local a
    a, i = getnum(fmt, i, MAXALIGN)
    if not (a > 0 and (a & (a - 1)) == 0) then raise(format('alignment %d is not a power of 2', a)) end
    h[2] = a
    return i
  end
  argerror(1, "invalid format option '" .. char(opt) .. "'", fname)
end

local INTOPT = { [98] = true, [66] = true, [104] = true, [72] = true, [108] = true, [76] = true, [84] = true, [105] = true, [73] = true }

-- putinteger(): size bytes of the 64-bit value (zero bytes beyond 8)
local function putinteger(value, endian, size)
  if size == 0 then return '' end
  local e = endian == LITTLE and '<' or '>'
  if size < 8 then return spack(e .. 'I' .. size, value & ((1 << (size * 8)) - 1)) end
  local s = spack(e .. 'i8', value)
  if size == 8 then return s end
  if endian == LITTLE then return s .. rep('\0', size - 8) end
  return rep('\0', size - 8) .. s
end

-- getinteger(): a Lua number from size bytes at 0-based offset pos
local function getinteger(data, pos, endian, issigned, size)
  local l
  if size == 0 then l = 0
  elseif size < 8 then l = sunpack((endian == LITTLE and '<I' or '>I') .. size, data, pos + 1)
  elseif endian == LITTLE then l = sunpack('<i8', data, pos + 1)
  else l = sunpack('>i8', data, pos + 1 + size - 8) end
  if not issigned then return unsigned2num(l) end
  local mask = ~0 << ((size * 8 - 1) & 63)
  if l & mask ~= 0 then l = l | mask end
  return signed2num(l)
end

local function pack(...)
  local nargs = select('#', ...)
  local args = { ... }
  local fmt = match(checkstring('pack', 1, nargs, args[1]), '^[^\0]*')
  nargs = nargs + 1   -- b_pack pushes a nil above the arguments: a missing one reads as nil
  local h = { LITTLE, 1 }
  local arg = 2
  local totalsize = 0
  local buf, n = {}, 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = byte(fmt, i)
    local size
    size, i = optsize(opt, fmt, i + 1)
    local toalign = gettoalign(totalsize, h[2], opt, size)
    totalsize = totalsize + toalign
    if toalign > 0 then n = n + 1; buf[n] = rep('\0', toalign) end
    if INTOPT[opt] then
      local v = checknumber('pack', arg, nargs, args[arg])
      arg = arg + 1
      n = n + 1; buf[n] = putinteger(toword(v), h[1], size)
    elseif opt == 120 then                                      -- x
      n = n + 1; buf[n] = '\0'
    elseif opt == 102 or opt == 100 then                        -- f, d
      local v = checknumber('pack', arg, nargs, args[arg])
      arg = arg + 1
      n = n + 1; buf[n] = spack((h[1] == LITTLE and '<' or '>') .. (opt == 102 and 'f' or 'd'), v)
    elseif opt == 99 or opt == 115 then                         -- c, s
      local s = checkstring('pack', arg, nargs, args[arg])
      arg = arg + 1
      local l = #s
      if size == 0 then size = l end
      if l < size then argerror(arg, 'string too short', 'pack') end
      n = n + 1; buf[n] = size == l and s or sub(s, 1, size)
      if opt == 115 then
        n = n + 1; buf[n] = '\0'
        size = size + 1
      end
    else
      i = controloptions('pack', opt, fmt, i, h)
    end
    totalsize = totalsize + size
  end
  return concat(buf, '', 1, n)
end

local function unpack(...)
  local nargs = select('#', ...)
  local f, data, init = ...
  local fmt = match(checkstring('unpack', 1, nargs, f), '^[^\0]*')
  data = checkstring('unpack', 2, nargs, data)
  local ld = #data
  local pos = optinteger('unpack', 3, nargs, init, 1)
  if pos == 0 then argerror(3, 'offset must be 1 or greater', 'unpack') end
  pos = pos - 1   -- a size_t: compared unsigned
  local h = { LITTLE, 1 }
  local res, n = {}, 0
  local i, flen = 1, #fmt
  local base = nargs   -- stack slots in use: the arguments stay below the results
  while i <= flen do
    local opt = byte(fmt, i)
    local size
    size, i = optsize(opt, fmt, i + 1)
    pos = pos + gettoalign(pos, h[2], opt, size)
    if not (size <= ld and not ult(ld - size, pos)) then argerror(2, 'data string too short', 'unpack') end
    if base + n + 2 > MAXCSTACK then raise('stack overflow (too many results)') end
    if INTOPT[opt] then
      n = n + 1; res[n] = getinteger(data, pos, h[1], opt >= 97, size)
    elseif opt == 120 then                                      -- x
    elseif opt == 102 then                                      -- f
      n = n + 1; res[n] = normnum(sunpack(h[1] == LITTLE and '<f' or '>f', data, pos + 1))
    elseif opt == 100 then                                      -- d
      n = n + 1; res[n] = normnum(sunpack(h[1] == LITTLE and '<d' or '>d', data, pos + 1))
    elseif opt == 99 then                                       -- c
      if size == 0 then
        local prev = n > 0 and tonumber(res[n])
        if not prev then raise("format 'c0' needs a previous size") end
        size = toword(prev)
        res[n] = nil; n = n - 1
        if not (not ult(ld, size) and not ult(ld - size, pos)) then argerror(2, 'data string too short', 'unpack') end
      end
      n = n + 1; res[n] = sub(data, pos + 1, pos + size)
    elseif opt == 115 then                                      -- s
      local e = find(data, '\0', pos + 1, true)
      if e == nil then raise('unfinished string in data') end
      size = e - pos
      n = n + 1; res[n] = sub(data, pos + 1, e - 1)
    else
      i = controloptions('unpack', opt, fmt, i, h)
    end
    pos = pos + size
  end
  n = n + 1; res[n] = pos + 1
  return tunpack(res, 1, n)
end

local function size(...)
  local nargs = select('#', ...)
  local fmt = match(checkstring('size', 1, nargs, (...)), '^[^\0]*')
  local h = { LITTLE, 1 }
  local pos = 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = byte(fmt, i)
    local sz
    sz, i = optsize(opt, fmt, i + 1)
    pos = pos + gettoalign(pos, h[2], opt, sz)
    if opt == 115 then argerror(1, "option 's' has no fixed size", 'size')
    elseif opt == 99 and sz == 0 then argerror(1, "option 'c0' has no fixed size", 'size') end
    if not match(char(opt), '^%w') then i = controloptions('size', opt, fmt, i, h) end
    pos = pos + sz
  end
  return pos
end

return { pack = pack, unpack = unpack, size = size }
`;

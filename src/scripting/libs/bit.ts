/**
 * `bit` for Redis scripts: LuaBitOp 1.0.2 as bundled in Redis 7.0 (deps/lua/src/lua_bit.c, with
 * Redis's fix for `bit.tohex(x, -2^31)`), written in Lua 5.4.
 *
 * Arguments are converted like the C library does under Lua 5.1 (a double, plus 2^52+2^51, low 32
 * bits); every result is a signed 32-bit Lua integer.
 */
import { LIB_ERRORS_LUA } from './lib-errors.js';

export const BIT_LUA = String.raw`${LIB_ERRORS_LUA}
local type, select, tonumber, error, tostring = type, select, tonumber, error, tostring
local format, sub, spack, sunpack = string.format, string.sub, string.pack, string.unpack
local mtype = math.type
local dbg = debug
local getinfo = dbg and dbg.getinfo

------------------------------------------------------------------ conversions
-- barg(): the argument as an unsigned 32-bit value (0 .. 2^32-1). 'present' tells "no value" from nil.
local function tobits(fname, narg, v, present)
  local n = v
  if type(n) ~= 'number' then
    n = type(n) == 'string' and tonumber(n) or nil
    if n == nil then
      argerror(narg, 'number expected, got ' .. (present and type(v) or 'no value'), fname)
    end
  end
  if mtype(n) == 'integer' and n >= -2251799813685248 and n < 2251799813685248 then
    return n & 0xffffffff
  end
  -- n + 2^52 + 2^51 as a double; the low 32 bits of its representation
  local d = (n + 0.0) + 6755399441055744.0
  return sunpack('<i8', spack('<d', d)) & 0xffffffff
end
-- BRET(): as a signed 32-bit number
local function ret(b)
  b = b & 0xffffffff
  if b >= 0x80000000 then return b - 0x100000000 end
  return b
end

local M = {}

function M.tobit(...)
  return ret(tobits('tobit', 1, (...), select('#', ...) >= 1))
end

function M.bnot(...)
  return ret(~tobits('bnot', 1, (...), select('#', ...) >= 1))
end

-- band/bor/bxor: the first argument, then the others from the last one down
local function bitop(fname, op)
  return function(...)
    local nargs = select('#', ...)
    if nargs == 2 then
      local x, y = ...
      local a = tobits(fname, 1, x, true)
      local b = tobits(fname, 2, y, true)
      if op == 1 then return ret(a & b) elseif op == 2 then return ret(a | b) else return ret(a ~ b) end
    end
    local args = { ... }
    local acc = tobits(fname, 1, args[1], nargs >= 1)
    for i = nargs, 2, -1 do
      local b = tobits(fname, i, args[i], true)
      if op == 1 then acc = acc & b elseif op == 2 then acc = acc | b else acc = acc ~ b end
    end
    return ret(acc)
  end
end
M.band = bitop('band', 1)
M.bor = bitop('bor', 2)
M.bxor = bitop('bxor', 3)

-- shifts: b = barg(1), n = barg(2) & 31
local function shiftop(fname, f)
  return function(...)
    local nargs = select('#', ...)
    local x, y = ...
    local b = tobits(fname, 1, x, nargs >= 1)
    local n = tobits(fname, 2, y, nargs >= 2) & 31
    return ret(f(b, n))
  end
end
M.lshift = shiftop('lshift', function(b, n) return b << n end)
M.rshift = shiftop('rshift', function(b, n) return b >> n end)
M.arshift = shiftop('arshift', function(b, n)
  if b >= 0x80000000 then return (b - 0x100000000) // (1 << n) end
  return b >> n
end)
M.rol = shiftop('rol', function(b, n) return (b << n) | (b >> (32 - n)) end)
M.ror = shiftop('ror', function(b, n) return (b << (32 - n)) | (b >> n) end)

function M.bswap(...)
  local b = tobits('bswap', 1, (...), select('#', ...) >= 1)
  return ret(((b >> 24) & 0xff) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | ((b & 0xff) << 24))
end

function M.tohex(...)
  local nargs = select('#', ...)
  local x, y = ...
  local b = tobits('tohex', 1, x, nargs >= 1)
  local n = 8
  if nargs >= 2 then n = ret(tobits('tohex', 2, y, true)) end
  if n == -2147483648 then n = -2147483647 end   -- Redis's fix (INT32_MIN cannot be negated)
  local upper = false
  if n < 0 then n = -n; upper = true end
  if n > 8 then n = 8 end
  if n == 0 then return '' end
  return sub(format(upper and '%08X' or '%08x', b), 9 - n)
end

return M
`;

/**
 * What the bundled libraries share, prepended to each library chunk (they all load under the same
 * chunk name): errors raised the way their C originals raise them (luaL_error, luaL_argerror) —
 * positioned at the first frame outside the library, with the function name the caller used — and
 * the conversion of numbers handed back to scripts.
 */
export const LIB_ERRORS_LUA = String.raw`
local getinfo = debug and debug.getinfo
local error, tostring = error, tostring
local tointeger = math.tointeger
-- Numbers returned to scripts: Lua integers when integral and |v| < 1e14, else floats. Both then print
-- as 5.1 prints doubles ("%.14g"): 5.4 writes integers in full and floats >= 1e14 with an exponent.
local INT_LIMIT = 100000000000000
local function normnum(v)
  local i = tointeger(v)
  if i and i > -INT_LIMIT and i < INT_LIMIT and (i ~= 0 or 1 / v > 0) then return i end
  return v
end
local SRC = getinfo and getinfo(1, 'S').source
-- Level (for error()/getinfo() called by the caller of this function) of the first frame that is
-- not this library: luaL_error reports the position of the C function's caller.
local function outlevel()
  if not getinfo then return 3 end
  local lv = 3
  while true do
    local ar = getinfo(lv, 'S')
    if ar == nil or ar.what == 'C' or ar.source ~= SRC then return lv - 1 end
    lv = lv + 1
  end
end
local function raise(msg)
  error(msg, outlevel())
end
-- luaL_argerror of Lua 5.1: the function name is the one the caller used (or '?').
local function argerror(narg, extramsg, fname)
  local lv = outlevel()
  local name = fname
  if getinfo then
    local ar = getinfo(lv - 1, 'nt')
    name = ar and ar.name
    if ar and ar.namewhat == 'method' then
      narg = narg - 1
      if narg == 0 then error("calling '" .. tostring(name) .. "' on bad self (" .. extramsg .. ')', lv) end
    end
    if name == nil then name = (ar and ar.istailcall) and fname or '?' end
  end
  error('bad argument #' .. narg .. " to '" .. name .. "' (" .. extramsg .. ')', lv)
end
`;

/**
 * Errors raised by the bundled libraries the way their C originals raise them (luaL_error,
 * luaL_argerror): positioned at the first frame outside the library, with the function name the
 * caller used. Prepended to each library chunk (they all load under the same chunk name).
 */
export const LIB_ERRORS_LUA = String.raw`
local getinfo = debug and debug.getinfo
local error, tostring = error, tostring
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

/**
 * The Lua side of the scripting engine, run once per VM with the full Lua 5.4 standard library.
 *
 * It builds what Redis 7.0 scripts see: Lua 5.1's globals and library functions (shims over 5.4 where
 * the two differ), Redis's read-only globals with its exact error strings, the `redis` API table, the
 * bundled libraries, and the message handler that turns errors into Redis's {err=…, source=…, line=…}
 * tables. Differences that cannot be bridged from inside 5.4 are listed in docs/SCRIPTING.md.
 *
 * Called as `prelude(host, libs)`; returns a table with:
 *   env      the read-only global table scripts run with (their _ENV)
 *   globals  the table behind it, where the engine sets KEYS and ARGV for each EVAL
 *   handler  the pcall message handler
 *   fenv     the global table of function libraries (FUNCTION LOAD chunks run with it as _ENV)
 *   functions             function name → callback, for FCALL
 *   load_library(name, chunk, replace), delete_library(name), flush_libraries()
 */
export const PRELUDE_LUA = String.raw`
local host, libs = ...
local G = _G
local type, pairs, next, select, error, tostring, tonumber = type, pairs, next, select, error, tostring, tonumber
local rawget, rawset, rawequal, setmetatable, getmetatable = rawget, rawset, rawequal, setmetatable, getmetatable
local load, pcall, xpcall, assert = load, pcall, xpcall, assert
local string, table, math, coroutine = string, table, math, coroutine
local fmt, mtype, floor, huge = string.format, math.type, math.floor, math.huge
local tointeger = math.tointeger
local dbg = debug
local tconcat, tunpack = table.concat, table.unpack

------------------------------------------------------------------------------ read-only tables
-- A protected table is an empty proxy whose metatable reads through to the real one and refuses
-- writes; rawset/setmetatable/rawget/next know proxies (Redis patches Lua's read-only tables into
-- the VM; 5.4 has no such flag).
local backing = setmetatable({}, { __mode = 'k' })

local function readonly_error() error('Attempt to modify a readonly table', 2) end
local sandbox_next

local function protect(t)
  local proxy = {}
  local mt = {
    __index = t,
    __newindex = readonly_error,
    __pairs = function(p) return sandbox_next, p, nil end,
    __len = function() return #t end,
  }
  -- getmetatable(proxy) gives a read-only view of the metatable itself.
  mt.__metatable = setmetatable({}, { __index = mt, __newindex = readonly_error, __metatable = false })
  setmetatable(proxy, mt)
  backing[proxy] = t
  return proxy
end

local function sandbox_rawset(t, k, v)
  if backing[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end
-- An error of a C function called by a shim, reworded as if the script had called the function
-- itself (its name instead of '?', the position of the script's line: the shim raises at level 2).
local function reword(e, name)
  if type(e) ~= 'string' then return e end
  return (string.gsub(e, "^bad argument #(%d+) to '[^']*'", "bad argument #%1 to '" .. name .. "'"))
end

local function sandbox_setmetatable(t, mt)
  if backing[t] then error('Attempt to modify a readonly table', 0) end
  local ok, r = pcall(setmetatable, t, mt)
  if ok then return r end
  error(reword(r, 'setmetatable'), 2)
end
-- The tables a proxy reads through, in order (a proxy's backing table, then the __index tables
-- chained behind it), so rawget/next/pairs see the names a script can reach, as in Redis's flat _G.
local function layers(t)
  local out = {}
  local b = backing[t]
  while type(b) == 'table' do
    out[#out + 1] = b
    local mt = getmetatable(b)
    b = mt and rawget(mt, '__index')
  end
  return out
end

local function sandbox_rawget(t, k)
  if backing[t] == nil then return rawget(t, k) end
  for _, b in ipairs(layers(t)) do
    local v = rawget(b, k)
    if v ~= nil then return v end
  end
  return nil
end

-- next over a proxy walks its layers one after another (names shadowed by an earlier layer are
-- skipped).
function sandbox_next(t, k)
  if backing[t] == nil then return next(t, k) end
  local ls = layers(t)
  local i = 1
  if k ~= nil then
    while i <= #ls and rawget(ls[i], k) == nil do i = i + 1 end
  end
  while i <= #ls do
    local nk, nv = next(ls[i], k)
    while nk ~= nil do
      local shadowed = false
      for j = 1, i - 1 do if rawget(ls[j], nk) ~= nil then shadowed = true break end end
      if not shadowed then return nk, nv end
      nk, nv = next(ls[i], nk)
    end
    i = i + 1
    k = nil
  end
  return nil
end

------------------------------------------------------------------------------ Lua 5.1 behaviour
-- 5.1 prints every number with "%.14g"; 5.4 prints whole floats as "5.0".
local raw_tostring = tostring
local NULL = libs.cjson and libs.cjson.null
local function tostring51(...)
  local v = ...
  if mtype(v) == 'float' then return fmt('%.14g', v) end
  if v == NULL and NULL ~= nil then return 'userdata: (nil)' end
  if select('#', ...) == 0 then error("bad argument #1 to 'tostring' (value expected)", 2) end
  return raw_tostring(v)
end

-- C's (long long) cast of a double, as 5.1's lua_Integer conversions do (truncation).
local function trunc(x)
  if x ~= x or x >= 9.2233720368547758e18 or x < -9.2233720368547758e18 then return math.mininteger end
  return tointeger(x >= 0 and floor(x) or -floor(-x))
end

local raw_format = string.format
local int_conv = { d = true, i = true, o = true, u = true, x = true, X = true, c = true }

-- 5.1's %q: only the quote, the backslash, newline, carriage return and NUL are escaped.
local q_escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\\n', ['\r'] = '\\r', ['\0'] = '\\000' }
local function quote51(v)
  return '"' .. string.gsub(v, '[\\"\n\r%z]', q_escapes) .. '"'
end

local function format51(f, ...)
  local n = select('#', ...)
  local special = string.find(f, '%q', 1, true) ~= nil
  if not special then
    for i = 1, n do
      if mtype((select(i, ...))) == 'float' then special = true break end
    end
  end
  if not special then
    local ok, r = pcall(raw_format, f, ...)
    if ok then return r end
    error(reword(r, 'format'), 2)
  end
  local args = { ... }
  local i = 0
  f = string.gsub(f, '%%[-+ #0]*%d*%.?%d*(.)', function(conv)
    if conv == '%' then return nil end
    i = i + 1
    local a = args[i]
    if conv == 'q' then
      if type(a) == 'string' or type(a) == 'number' then
        args[i] = quote51(mtype(a) == 'float' and tostring51(a) or tostring(a))
        return '%s'
      end
    elseif mtype(a) == 'float' then
      if int_conv[conv] then args[i] = trunc(a)
      elseif conv == 's' then args[i] = tostring51(a) end
    end
    return nil
  end)
  local ok, r = pcall(raw_format, f, tunpack(args, 1, n))
  if ok then return r end
  error(reword(r, 'format'), 2)
end

local function concat51(t, sep, i, j)
  i = i or 1
  j = j or #t
  local floats = false
  for k = i, j do
    if mtype(rawget(t, k)) == 'float' then floats = true break end
  end
  if not floats then
    local ok, r = pcall(tconcat, t, sep, i, j)
    if ok then return r end
    error(reword(r, 'concat'), 2)
  end
  local copy = {}
  for k = i, j do
    local v = t[k]
    copy[k - i + 1] = mtype(v) == 'float' and tostring51(v) or v
  end
  return tconcat(copy, sep)
end

local function unpack51(t, i, j)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'unpack' (table expected, got " .. (t == nil and 'nil' or type(t)) .. ')', 2)
  end
  return tunpack(t, i or 1, j or #t)
end

-- 5.1's error: numbers get a position like strings.
local function error51(m, level)
  level = level or 1
  if type(m) == 'number' then m = tostring51(m) end
  if level > 0 then level = level + 1 end
  error(m, level)
end

-- 5.1's load takes a reader function only (strings go to loadstring).
local function load51(f, chunkname)
  if type(f) ~= 'function' then
    error("bad argument #1 to 'load' (function expected, got " .. (f == nil and 'no value' or type(f)) .. ')', 2)
  end
  return load(f, chunkname or '=(load)', 't', G.__sandbox_env)
end

-- 5.1's table.remove of an empty table returns nothing (5.4: nil).
local tremove = table.remove
local function remove51(t, ...)
  if select('#', ...) == 0 and type(t) == 'table' and #t == 0 then return end
  return tremove(t, ...)
end

local function maxn(t)
  local m = 0
  for k in next, t do
    if type(k) == 'number' and k > m then m = k end
  end
  return m
end

local function loadstring51(s, chunkname)
  if type(s) ~= 'string' then
    error("bad argument #1 to 'loadstring' (string expected, got " .. (s == nil and 'no value' or type(s)) .. ')', 2)
  end
  -- Text only: Redis refuses precompiled chunks.
  return load(s, chunkname or s, 't', G.__sandbox_env)
end

-- Patterns: 5.4 still understands %z; nothing to shim.

-- Redis's math.random: the 48-bit generator of its rand.c. Redis 7.0 keeps one state for the process
-- (scripts are replicated by effects, so it need not be reset); Ferrous keeps one per shard.
-- rand.c's initial state (X2 X1 X0 = 0x1234 0xABCD 0x330E) until a script calls math.randomseed.
local rand_state = 0x1234abcd330e
local function srand48(seed)
  rand_state = ((seed & 0xffffffff) << 16 | 0x330e) & 0xffffffffffff
end
local function lrand48()
  rand_state = (rand_state * 0x5deece66d + 0xb) & 0xffffffffffff
  return rand_state >> 17
end
local RAND_MAX = 2147483647
local function checkint(v, argn, fname)
  local n = tonumber(v)
  if n == nil then
    error("bad argument #" .. argn .. " to '" .. fname .. "' (number expected, got " .. (v == nil and 'no value' or type(v)) .. ')', 3)
  end
  return trunc(n)
end
local function random51(...)
  local r = (lrand48() % RAND_MAX) / RAND_MAX
  local argc = select('#', ...)
  if argc == 0 then return r end
  if argc == 1 then
    local u = checkint((...), 1, 'random')
    if u < 1 then error("bad argument #1 to 'random' (interval is empty)", 2) end
    return tointeger(floor(r * u) + 1)
  end
  if argc == 2 then
    local l, u = checkint((...), 1, 'random'), checkint((select(2, ...)), 2, 'random')
    if l > u then error("bad argument #2 to 'random' (interval is empty)", 2) end
    return tointeger(floor(r * (u - l + 1)) + l)
  end
  error('wrong number of arguments', 2)
end
local function randomseed51(seed)
  srand48(checkint(seed, 1, 'randomseed'))
end

local function frexp(x)
  if x == 0 or x ~= x or x == huge or x == -huge then return x, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 end
  if math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, tointeger(e)
end

------------------------------------------------------------------------------ libraries
local function copy(t, names)
  local out = {}
  for _, k in ipairs(names) do out[k] = t[k] end
  return out
end

local string51 = copy(string, { 'byte', 'char', 'dump', 'find', 'format', 'gmatch', 'gsub', 'len', 'lower',
  'match', 'rep', 'reverse', 'sub', 'upper' })
string51.format = format51
string51.gfind = string.gmatch


local table51 = copy(table, { 'insert', 'sort' })
table51.remove = remove51
table51.concat = concat51
table51.getn = function(t) return #t end
table51.setn = function() error("'setn' is obsolete", 2) end
table51.maxn = maxn
table51.foreach = function(t, f)
  for k, v in pairs(t) do
    local r = f(k, v)
    if r ~= nil then return r end
  end
end
table51.foreachi = function(t, f)
  for i = 1, #t do
    local r = f(i, t[i])
    if r ~= nil then return r end
  end
end

local math51 = copy(math, { 'abs', 'acos', 'asin', 'atan', 'ceil', 'cos', 'deg', 'exp', 'floor', 'fmod',
  'huge', 'log', 'max', 'min', 'modf', 'pi', 'rad', 'sin', 'sqrt', 'tan' })
math51.atan2 = function(y, x) return math.atan(y, x) end
math51.atan = function(x) return math.atan(x) end
math51.log = function(x) return math.log(x) end
math51.log10 = function(x) return math.log(x, 10) end
math51.pow = function(x, y) return x ^ y end
math51.mod = math.fmod
math51.ldexp = function(m, e) return m * 2.0 ^ e end
math51.frexp = frexp
math51.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math51.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math51.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
math51.random = random51
math51.randomseed = randomseed51

local coroutine51 = copy(coroutine, { 'create', 'resume', 'status', 'wrap', 'yield' })
-- 5.1 answers nil in the main thread (5.4: the main thread and true).
coroutine51.running = function()
  local co, main = coroutine.running()
  if main then return nil end
  return co
end

------------------------------------------------------------------------------ the redis table
local redis = {
  call = host.call,
  pcall = host.pcall,
  log = host.log,
  sha1hex = host.sha1hex,
  setresp = host.setresp,
  set_repl = host.set_repl,
  acl_check_cmd = host.acl_check_cmd,
  error_reply = host.error_reply,
  status_reply = host.status_reply,
  replicate_commands = function() return true end,
  breakpoint = function() return false end,
  debug = function() end,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
  REDIS_VERSION = host.version, REDIS_VERSION_NUM = host.version_num,
}

------------------------------------------------------------------------------ globals
-- base: what every script sees; eval: adds KEYS and ARGV (set by the engine for each EVAL);
-- functions: FCALL's view, with the redis table functions get (no debugger helpers).
local base = {}
local eval_globals = setmetatable({}, { __index = base })
local env = protect(eval_globals)

-- 5.4 words "attempt to index a nil value (local 'x')" where 5.1 says "attempt to index local 'x'
-- (a nil value)": scripts and tests match on these texts, so errors are given back in 5.1's words.
local function message51(m)
  return (string.gsub(m, "attempt to (%a[%a ]-) a (%a+) value %((%a+) '([^']*)'%)", function(op, t, kind, name)
    if kind == 'constant' then return nil end
    return 'attempt to ' .. op .. ' ' .. kind .. " '" .. name .. "' (a " .. t .. ' value)'
  end))
end

-- Redis replaces pcall: an error raised as a {err=…} table reaches the Lua code as its message string.
local function pcall_result(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' then return false, m end
  elseif type(e) == 'string' then
    return false, message51(e)
  end
  return false, e
end
local function pcall51(f, ...)
  return pcall_result(pcall(f, ...))
end

for k, v in pairs({
  assert = assert, error = error51, ipairs = ipairs, pairs = pairs, select = select, type = type,
  tonumber = tonumber, tostring = tostring51, unpack = unpack51, rawequal = rawequal,
  rawget = sandbox_rawget, rawset = sandbox_rawset, next = sandbox_next,
  getmetatable = getmetatable, setmetatable = sandbox_setmetatable,
  pcall = pcall51, xpcall = xpcall, collectgarbage = collectgarbage,
  gcinfo = function() return tointeger(floor(collectgarbage('count'))) end,
  loadstring = loadstring51, load = load51,
  _VERSION = 'Lua 5.1',
  string = protect(string51), table = protect(table51), math = protect(math51),
  coroutine = protect(coroutine51), redis = protect(redis),
}) do base[k] = v end
for name, lib in pairs(libs) do base[name] = protect(lib) end
base._G = env
G.__sandbox_env = env

local function nonexistent(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end
local missing_mt = { __index = nonexistent }
setmetatable(base, missing_mt)

-- Method calls on strings ("x"):upper() go through the string metatable: point it at the 5.1 table.
local smt = getmetatable('')
smt.__index = base.string
smt.__metatable = protect({ __index = base.string })

-- The message handler of every script call: Redis's __redis__err__handler.
-- Frames of C functions and of this prelude are skipped: the position is the user's code.
local function handler(err)
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == '@ferrous') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = { err = 'ERR ' .. (type(err) == 'string' and message51(err) or tostring51(err)) }
  end
  if i then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end

-- Redis 7.0 leaves its error handler reachable as a global of EVAL scripts.
rawset(base, '__redis__err__handler', handler)

------------------------------------------------------------------------------ functions
-- FUNCTION LOAD runs a library's code with only redis.register_function, redis.log and the version
-- fields; its functions later run with the ordinary globals. Like Redis, every library shares one
-- global table whose lookups are switched between the two views around a load.
local fredis = {}
for k, v in pairs(redis) do fredis[k] = v end
fredis.breakpoint, fredis.debug, fredis.replicate_commands = nil, nil, nil
local function_globals = setmetatable({ redis = protect(fredis) }, { __index = base })

local registering = nil
local function reg_error(msg) error({ err = 'ERR ' .. msg }) end
local FLAGS = { ['no-writes'] = true, ['allow-oom'] = true, ['allow-stale'] = true, ['no-cluster'] = true,
  ['allow-cross-slot-keys'] = true }
local function as_string(v)
  if type(v) == 'string' then return v end
  if type(v) == 'number' then return tostring51(v) end
  return nil
end

local function register_function(...)
  if registering == nil then reg_error('redis.register_function can only be called on FUNCTION LOAD command') end
  local argc = select('#', ...)
  if argc < 1 or argc > 2 then reg_error('wrong number of arguments to redis.register_function') end
  local name, callback, desc
  local flags = {}
  if argc == 1 then
    local t = ...
    if type(t) ~= 'table' then
      reg_error('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    for k, v in next, t do
      local key = as_string(k)
      if key == nil then reg_error('named argument key given to redis.register_function is not a string') end
      key = string.lower(key)
      if key == 'function_name' then
        name = as_string(v)
        if name == nil then reg_error('function_name argument given to redis.register_function must be a string') end
      elseif key == 'description' then
        desc = as_string(v)
        if desc == nil then reg_error('description argument given to redis.register_function must be a string') end
      elseif key == 'callback' then
        if type(v) ~= 'function' then reg_error('callback argument given to redis.register_function must be a function') end
        callback = v
      elseif key == 'flags' then
        if type(v) ~= 'table' then reg_error('flags argument to redis.register_function must be a table representing function flags') end
        local j = 1
        while true do
          local f = v[j]
          if f == nil then break end
          f = as_string(f)
          if f == nil or not FLAGS[string.lower(f)] then reg_error('unknown flag given') end
          flags[string.lower(f)] = true
          j = j + 1
        end
      else
        reg_error('unknown argument given to redis.register_function')
      end
    end
    if name == nil then reg_error('redis.register_function must get a function name argument') end
    if callback == nil then reg_error('redis.register_function must get a callback argument') end
  else
    local n, f = ...
    name = as_string(n)
    if name == nil then reg_error('first argument to redis.register_function must be a string') end
    if type(f) ~= 'function' then reg_error('second argument to redis.register_function must be a function') end
    callback = f
  end
  if name == '' or string.find(name, '[^%w_]') then
    reg_error('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  if registering.callbacks[name] then reg_error('Function already exists in the library') end
  registering.callbacks[name] = callback
  local list = {}
  for f in pairs(flags) do list[#list + 1] = f end
  registering.list[#registering.list + 1] = { name = name, description = desc, flags = table.concat(list, ',') }
end

local load_redis = setmetatable({ register_function = register_function, log = redis.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = host.version, REDIS_VERSION_NUM = host.version_num }, missing_mt)
local load_globals = setmetatable({ redis = protect(load_redis) }, missing_mt)

-- The one global table of every library: reads go to load_globals during a load, else to
-- function_globals.
local fenv_backing = setmetatable({}, { __index = function_globals })
local fenv = protect(fenv_backing)
rawset(function_globals, '_G', fenv)
local fenv_mt = getmetatable(fenv_backing)

local libraries = {}   -- name → { callbacks = {fname → function} }
local functions = {}   -- fname → callback

-- Load (or replace) a library from its compiled chunk. Returns the registered functions as a list of
-- {name, description, flags}, or nil and Redis's error message.
local function load_library(libname, chunk, replace)
  registering = { callbacks = {}, list = {} }
  fenv_mt.__index = load_globals
  local ok, e = pcall(chunk)
  fenv_mt.__index = function_globals
  local reg = registering
  registering = nil
  if not ok then
    local msg
    if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then msg = e.err
    elseif type(e) == 'string' then msg = 'ERR ' .. message51(e)
    else msg = 'ERR ' .. tostring51(e) end
    return nil, 'ERR Error registering functions: ' .. msg
  end
  if #reg.list == 0 then return nil, 'ERR No functions registered' end
  local old = libraries[libname]
  if old and not replace then return nil, "ERR Library '" .. libname .. "' already exists" end
  for fname in pairs(reg.callbacks) do
    if functions[fname] and not (old and old.callbacks[fname]) then
      return nil, 'ERR Function ' .. fname .. ' already exists'
    end
  end
  if old then for fname in pairs(old.callbacks) do functions[fname] = nil end end
  libraries[libname] = { callbacks = reg.callbacks }
  for fname, cb in pairs(reg.callbacks) do functions[fname] = cb end
  return reg.list
end

local function delete_library(libname)
  local lib = libraries[libname]
  if not lib then return false end
  for fname in pairs(lib.callbacks) do functions[fname] = nil end
  libraries[libname] = nil
  return true
end

local function flush_libraries()
  for name in pairs(libraries) do delete_library(name) end
end

return { env = env, globals = eval_globals, handler = handler, fenv = fenv, functions = functions,
  load_library = load_library, delete_library = delete_library, flush_libraries = flush_libraries }
`;

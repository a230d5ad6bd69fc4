/**
 * One shard's Lua engine: compiles scripts once (by SHA1), runs them with Redis 7.0's semantics and
 * converts values both ways exactly as Redis's script_lua.c does.
 *
 * The engine knows nothing about shards or rings: `redis.call` goes to a ScriptHost, which runs the
 * command (locally or through the acceptor) and hands back its RESP reply, or abandons the run (see
 * ScriptAbort). Replies are converted from RESP bytes, as Redis converts its fake client's output.
 */
import { createHash } from 'node:crypto';
import {
  LUA_MASKCOUNT,
  LUA_OK,
  LUA_REGISTRYINDEX,
  LUA_TBOOLEAN,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LUA_TTABLE,
  LuaHeap,
  type LuaState,
} from './lua-api.js';
import { PRELUDE_LUA } from './prelude.js';
import { LUA_LIBRARIES } from './libs/index.js';
import { Args } from '../shared/frame.js';
import { ReplyWriter, Err } from '../protocol/reply-writer.js';
import { lookupCommand, arityOk, type CommandSpec } from '../shared/command-table.js';
import { formatDouble17g } from '../shared/numbers.js';

/** What `redis.call` needs from the shard. */
export interface ScriptHost {
  /**
   * Run one validated command and return its reply in RESP (`resp3` says which protocol the script
   * asked for with redis.setresp), starting at offset 0 of the returned bytes, which may run on past
   * the reply (one RESP value delimits itself). They need to stay valid only until the next call.
   * May throw ScriptAbort to abandon the whole run.
   */
  call(spec: CommandSpec, args: Args, resp3: boolean): Uint8Array;
  /** redis.log at a Redis log level (0 debug … 3 warning). */
  log(level: number, message: string): void;
}

/** Thrown by a ScriptHost to end the current run at once (no pcall can catch it). */
export class ScriptAbort extends Error {}

export interface RunOptions {
  /** The script may not write (EVAL_RO, FCALL_RO, `no-writes` flag). */
  readOnly: boolean;
  /** Writes fail with MISCONF (the server refuses writes after a failed BGSAVE). */
  writesDenied?: boolean;
  /** The client speaks RESP3 (the final reply is written in its protocol). */
  clientResp3: boolean;
  /** Name in error messages: the SHA1 for EVAL, the function name for FCALL. */
  name: string;
}

export const REDIS_VERSION = '7.0.15';
const REDIS_VERSION_NUM = 0x07000f;

/** How many recently called command names redis.call compares in place before a map lookup. */
const RECENT_NAMES = 6;

/** Instructions between two looks at the kill flag (Redis uses the same count). */
const HOOK_COUNT = 100000;

export function sha1hex(bytes: string | Uint8Array): string {
  return createHash('sha1')
    .update(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
    .digest('hex');
}

export class ScriptEngine {
  private readonly lua: LuaHeap;
  private readonly L: LuaState;
  /** Registry references to compiled script functions, by lowercase SHA1. */
  private readonly scripts = new Map<string, number>();
  private envRef = 0;
  private globalsRef = 0;
  private handlerRef = 0;
  private fenvRef = 0;
  private functionsRef = 0;
  private loadLibraryRef = 0;
  private deleteLibraryRef = 0;
  private flushLibrariesRef = 0;
  /** Per-run state. */
  private host: ScriptHost | null = null;
  private resp3 = false;
  private readOnly = false;
  private writesDenied = false;
  private aborting: ScriptAbort | null = null;
  /** Set by the engine's owner from another thread (SCRIPT KILL) through a SharedArrayBuffer. */
  private readonly killFlag: Int32Array;
  killed = false;
  /** The current run executed a write command (SCRIPT KILL then answers UNKILLABLE). */
  wrote = false;
  private readonly callArgs = new Args();
  private argBuf = Buffer.allocUnsafe(4096);
  /** Command name as sent → what resolveScriptCommand found for it (names repeat: skip the lookup). */
  private readonly resolved = new Map<string, CommandSpec | string>();

  /** Make room for `more` bytes after the first `used` of the argument buffer. */
  private growArgs(used: number, more: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.argBuf.length * 2, used + more));
    this.argBuf.copy(grown, 0, 0, used);
    this.argBuf = grown;
    this.callArgs.bytes = grown;
  }

  /** The last few commands resolved by name (lowercase), compared in place with the argument's bytes. */
  private readonly recentNames: string[] = [];
  private readonly recentSpecs: CommandSpec[] = [];

  private resolve(args: Args): CommandSpec | string {
    // The name lookup is cached (containers such as CONFIG GET depend on their second argument, so
    // they are looked up every time); the arity and script checks run on every call. Scripts call a
    // handful of commands over and over: those are found without making a string of the name.
    const recent = this.recentNames;
    for (let i = 0; i < recent.length; i++) {
      if (args.is(0, recent[i])) return checkScriptCommand(this.recentSpecs[i], args);
    }
    const name = args.str(0);
    const cached = this.resolved.get(name);
    if (cached === undefined || typeof cached === 'string') {
      const r = resolveScriptCommand(args);
      if (typeof r !== 'string' && r.parent === null && this.resolved.size < 1024) this.resolved.set(name, r);
      if (typeof r !== 'string' && r.parent === null) this.rememberName(r);
      return r;
    }
    this.rememberName(cached);
    return checkScriptCommand(cached, args);
  }
  /** Keep the most recent RECENT_NAMES commands, newest first. */
  private rememberName(spec: CommandSpec): void {
    const names = this.recentNames;
    const specs = this.recentSpecs;
    if (names.length === RECENT_NAMES) {
      names.pop();
      specs.pop();
    }
    names.unshift(spec.name);
    specs.unshift(spec);
  }

  private hookFn = 0;
  private abortHookFn = 0;

  private constructor(lua: LuaHeap, killFlag: Int32Array) {
    this.lua = lua;
    this.L = lua.L;
    this.killFlag = killFlag;
  }

  static async create(memoryMax: number, killFlag: Int32Array): Promise<ScriptEngine> {
    const engine = new ScriptEngine(await LuaHeap.create(0), killFlag);
    engine.init();
    // The cap applies to scripts, not to loading the engine's own libraries.
    engine.setMemoryMax(memoryMax);
    return engine;
  }

  /** The cap in force (lua-memory-limit; 0 = none). */
  memoryMax = 0;

  setMemoryMax(bytes: number): void {
    this.memoryMax = bytes;
    this.lua.setMemoryMax(bytes);
  }

  memoryUsed(): number {
    return this.lua.memoryUsed();
  }

  // ---------------------------------------------------------------------------------------- set-up

  private init(): void {
    const { lua, L } = this;
    const c = lua.c;
    // host table
    c._lua_createtable(L, 0, 12);
    const fns: Record<string, (L: LuaState) => number> = {
      call: (l) => this.redisCall(l, true),
      pcall: (l) => this.redisCall(l, false),
      log: (l) => this.redisLog(l),
      sha1hex: (l) => this.redisSha1hex(l),
      setresp: (l) => this.redisSetResp(l),
      set_repl: (l) => this.redisSetRepl(l),
      acl_check_cmd: (l) => this.redisAclCheck(l),
      error_reply: (l) => this.redisErrorReply(l),
      status_reply: (l) => this.redisStatusReply(l),
    };
    for (const [name, fn] of Object.entries(fns)) {
      c._lua_pushcclosure(L, lua.cfunction(fn), 0);
      lua.setField(-2, name);
    }
    lua.pushString(REDIS_VERSION);
    lua.setField(-2, 'version');
    c._lua_pushnumber(L, REDIS_VERSION_NUM);
    lua.setField(-2, 'version_num');
    // libraries table
    c._lua_createtable(L, 0, LUA_LIBRARIES.length);
    for (const lib of LUA_LIBRARIES) {
      const err = lua.load(lib.source, '@ferrous');
      if (err !== null) throw new Error(`loading Lua library ${lib.name}: ${err}`);
      // cjson.null is a NULL light userdata, as in Redis (the chunk takes it as its argument).
      let nargs = 0;
      if (lib.name === 'cjson') {
        c._lua_pushlightuserdata(L, 0);
        nargs = 1;
      }
      if (c._lua_pcallk(L, nargs, 1, 0, 0, 0) !== LUA_OK) throw new Error(`loading Lua library ${lib.name}: ${lua.toString(-1)}`);
      lua.setField(-2, lib.name);
    }
    const err = lua.load(PRELUDE_LUA, '@ferrous');
    if (err !== null) throw new Error(`loading the Lua prelude: ${err}`);
    // prelude(host, libs)
    c._lua_rotate(L, -3, 1);
    if (c._lua_pcallk(L, 2, 1, 0, 0, 0) !== LUA_OK) throw new Error(`running the Lua prelude: ${lua.toString(-1)}`);
    const ref = (field: string): number => {
      lua.getField(-1, field);
      return c._luaL_ref(L, LUA_REGISTRYINDEX);
    };
    this.envRef = ref('env');
    this.globalsRef = ref('globals');
    this.handlerRef = ref('handler');
    this.fenvRef = ref('fenv');
    this.functionsRef = ref('functions');
    this.loadLibraryRef = ref('load_library');
    this.deleteLibraryRef = ref('delete_library');
    this.flushLibrariesRef = ref('flush_libraries');
    c._lua_settop(L, 0);
    this.hookFn = c.addFunction((l: number) => this.countHook(l), 'vii');
    this.abortHookFn = c.addFunction((l: number) => this.abortHook(l), 'vii');
  }

  // ---------------------------------------------------------------------------------------- cache

  has(sha: string): boolean {
    return this.scripts.has(sha);
  }

  /**
   * Compile a script body (shebang line already validated by the caller) and cache it under its
   * SHA1. Returns null, or Redis's compile error.
   */
  compile(sha: string, body: string): string | null {
    if (this.scripts.has(sha)) return null;
    const { lua, L } = this;
    const c = lua.c;
    // A shebang line is not Lua: compile the rest, keeping the newline so line numbers stay right.
    const nl = body.indexOf('\n');
    const code = body.startsWith('#!') ? (nl < 0 ? '' : body.slice(nl)) : body;
    const err = lua.load(code, '@user_script');
    if (err !== null) return `ERR Error compiling script (new function): ${compileMessage51(err)}`;
    // _ENV of the chunk: the read-only globals.
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.envRef));
    c._lua_setupvalue(L, -2, 1);
    this.scripts.set(sha, c._luaL_ref(L, LUA_REGISTRYINDEX));
    return null;
  }

  /** SCRIPT FLUSH: forget every compiled script. */
  flush(): void {
    const c = this.lua.c;
    for (const ref of this.scripts.values()) c._luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
    this.scripts.clear();
  }

  // ---------------------------------------------------------------------------------------- functions

  /**
   * FUNCTION LOAD of one library (its metadata line already checked by the caller): compile, run the
   * code so it registers its functions, install them. Returns the functions as [name, description,
   * comma-separated flags], or Redis's error.
   */
  loadLibrary(libname: string, code: string, replace: boolean): Array<[string, string | null, string]> | string {
    const { lua, L } = this;
    const c = lua.c;
    c._lua_settop(L, 0);
    const nl = code.indexOf('\n');
    const body = nl < 0 ? '' : code.slice(nl);
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.loadLibraryRef));
    lua.pushString(libname);
    const err = lua.load(body, '@user_function');
    if (err !== null) {
      c._lua_settop(L, 0);
      return `ERR Error compiling function: ${compileMessage51(err)}`;
    }
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.fenvRef));
    c._lua_setupvalue(L, -2, 1);
    c._lua_pushboolean(L, replace ? 1 : 0);
    // A library's load runs under the kill flag's hook too (a load that loops forever can be killed).
    c._lua_sethook(L, this.hookFn, LUA_MASKCOUNT, HOOK_COUNT);
    const rc = c._lua_pcallk(L, 3, 2, 0, 0, 0);
    c._lua_sethook(L, 0, 0, 0);
    if (rc !== LUA_OK) {
      const msg = lua.toString(-1) ?? 'unknown error';
      c._lua_settop(L, 0);
      return `ERR Error registering functions: ${msg}`;
    }
    if (c._lua_type(L, 1) === LUA_TNIL) {
      const msg = lua.toString(2) ?? 'ERR unknown error';
      c._lua_settop(L, 0);
      return msg;
    }
    const out: Array<[string, string | null, string]> = [];
    for (let i = 1; ; i++) {
      if (c._lua_rawgeti(L, 1, bigintOf(i)) === LUA_TNIL) break;
      const e = c._lua_gettop(L);
      lua.getField(e, 'name');
      lua.getField(e, 'description');
      lua.getField(e, 'flags');
      out.push([lua.toString(-3)!, c._lua_type(L, -2) === LUA_TNIL ? null : lua.toString(-2), lua.toString(-1)!]);
      c._lua_settop(L, e - 1);
    }
    c._lua_settop(L, 0);
    return out;
  }

  deleteLibrary(libname: string): void {
    const { lua, L } = this;
    lua.c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.deleteLibraryRef));
    lua.pushString(libname);
    lua.c._lua_pcallk(L, 1, 0, 0, 0, 0);
    lua.c._lua_settop(L, 0);
  }

  flushLibraries(): void {
    const { lua, L } = this;
    lua.c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.flushLibrariesRef));
    lua.c._lua_pcallk(L, 0, 0, 0, 0, 0);
    lua.c._lua_settop(L, 0);
  }

  /** FCALL: run a loaded function with (KEYS, ARGV) tables. False when the host abandoned the run. */
  runFunction(fname: string, a: Args, keysFrom: number, keysTo: number, argvTo: number, host: ScriptHost, opts: RunOptions, w: ReplyWriter): boolean {
    const { lua, L } = this;
    const c = lua.c;
    c._lua_settop(L, 0);
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.handlerRef));
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.functionsRef));
    lua.pushString(fname);
    c._lua_rawget(L, -2);
    if (c._lua_type(L, -1) === LUA_TNIL) {
      c._lua_settop(L, 0);
      w.error('ERR Function not found');
      return true;
    }
    c._lua_rotate(L, -2, 1);
    c._lua_settop(L, -2);
    this.pushArray(a, keysFrom, keysTo);
    this.pushArray(a, keysTo, argvTo);
    return this.call(2, host, opts, w);
  }

  // ---------------------------------------------------------------------------------------- running

  /**
   * Run a cached script with KEYS and ARGV (EVAL mode), writing the client's reply into `w`.
   * Returns false when the host abandoned the run (nothing is written then).
   */
  runScript(sha: string, keys: Args, keysFrom: number, keysTo: number, argvTo: number, host: ScriptHost, opts: RunOptions, w: ReplyWriter): boolean {
    const ref = this.scripts.get(sha);
    if (ref === undefined) throw new Error(`script ${sha} is not compiled`);
    const { lua, L } = this;
    const c = lua.c;
    c._lua_settop(L, 0);
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.handlerRef));
    // KEYS and ARGV are globals in EVAL mode.
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(this.globalsRef));
    this.pushArray(keys, keysFrom, keysTo);
    lua.setField(-2, 'KEYS');
    this.pushArray(keys, keysTo, argvTo);
    lua.setField(-2, 'ARGV');
    c._lua_settop(L, -2);
    c._lua_rawgeti(L, LUA_REGISTRYINDEX, bigintOf(ref));
    return this.call(0, host, opts, w);
  }

  /** Push a function's arguments and call it (message handler at index 1, function above it). */
  private call(nargs: number, host: ScriptHost, opts: RunOptions, w: ReplyWriter): boolean {
    const { lua, L } = this;
    const c = lua.c;
    this.host = host;
    this.resp3 = false;
    this.readOnly = opts.readOnly;
    this.writesDenied = opts.writesDenied === true;
    this.aborting = null;
    this.killed = false;
    this.wrote = false;
    c._lua_sethook(L, this.hookFn, LUA_MASKCOUNT, HOOK_COUNT);
    const rc = c._lua_pcallk(L, nargs, 1, 1, 0, 0);
    c._lua_sethook(L, 0, 0, 0);
    this.host = null;
    if (this.aborting !== null) {
      c._lua_settop(L, 0);
      this.aborting = null;
      return false;
    }
    if (rc !== LUA_OK) this.writeError(w, opts.name);
    else this.writeValue(w, -1, opts.clientResp3, 0);
    c._lua_settop(L, 0);
    return true;
  }

  private pushArray(a: Args, from: number, to: number): void {
    const { lua, L } = this;
    lua.c._lua_createtable(L, to - from, 0);
    for (let i = from; i < to; i++) {
      lua.pushBytes(a.bytes, a.starts[i], a.ends[i]);
      lua.c._lua_rawseti(L, -2, bigintOf(i - from + 1));
    }
  }

  // ---------------------------------------------------------------------------------------- kill

  private countHook(l: LuaState): void {
    if (Atomics.load(this.killFlag, 0) === 0) return;
    this.killed = true;
    // Fire on every instruction from now on, so a pcall cannot swallow the error for long.
    this.lua.c._lua_sethook(l, this.hookFn, LUA_MASKCOUNT, 1);
    this.pushErrorTable(l, 'ERR Script killed by user with SCRIPT KILL...');
    this.lua.raise(l);
  }

  private abortHook(l: LuaState): void {
    this.pushErrorTable(l, 'ERR script abandoned');
    this.lua.raise(l);
  }

  /** Abandon the run: raise now and on every later instruction until the script has unwound. */
  private abort(l: LuaState, reason: ScriptAbort): never {
    this.aborting = reason;
    this.lua.c._lua_sethook(l, this.abortHookFn, LUA_MASKCOUNT, 1);
    this.pushErrorTable(l, 'ERR script abandoned');
    return this.lua.raise(l);
  }

  // ---------------------------------------------------------------------------------------- redis.*

  /** redis.call / redis.pcall (luaRedisGenericCommand). */
  private redisCall(l: LuaState, raise: boolean): number {
    const { lua } = this;
    const c = lua.c;
    if (this.host === null) {
      this.pushErrorTable(l, 'ERR redis.call/pcall can only be called inside a script invocation');
      return lua.raise(l);
    }
    const argc = c._lua_gettop(l);
    if (argc === 0) return this.callError(l, raise, 'ERR Please specify at least one argument for this redis lib call');
    // String arguments are read where Lua keeps them: they stay on the stack (and so in place) until
    // the command has run, and nothing runs Lua meanwhile. A number argument needs formatting, so a
    // call with one copies every argument into one reused buffer instead.
    const args = this.callArgs;
    args.count = 0;
    if (args.starts.length < argc) {
      args.starts = new Int32Array(argc * 2);
      args.ends = new Int32Array(argc * 2);
    }
    const starts = args.starts;
    const ends = args.ends;
    let inPlace = true;
    let pos = 0;
    for (let i = 1; i <= argc; i++) {
      const t = c._lua_type(l, i);
      if (t === LUA_TSTRING && inPlace) {
        const p = lua.stringAt(i, l);
        const end = p + lua.lastLength;
        if (end < 0x7fffffff) {
          starts[i - 1] = p;
          ends[i - 1] = end;
          continue;
        }
      }
      if (t !== LUA_TSTRING && t !== LUA_TNUMBER) {
        return this.callError(l, raise, 'ERR Lua redis lib command arguments must be strings or integers');
      }
      if (inPlace) {
        // Switch to copying: bring the arguments read in place so far into the buffer first.
        inPlace = false;
        for (let j = 0; j < i - 1; j++) {
          const n = ends[j] - starts[j];
          if (pos + n > this.argBuf.length) this.growArgs(pos, n);
          lua.heap().copy(this.argBuf, pos, starts[j], ends[j]);
          starts[j] = pos;
          pos += n;
          ends[j] = pos;
        }
      }
      if (t === LUA_TNUMBER) {
        // Not lua_tolstring: Redis formats numbers with %.17g so no precision is lost.
        const text = formatDouble17g(c._lua_tonumberx(l, i, 0));
        if (pos + text.length > this.argBuf.length) this.growArgs(pos, text.length);
        starts[i - 1] = pos;
        pos += this.argBuf.latin1Write(text, pos);
        ends[i - 1] = pos;
      } else {
        let n = lua.copyString(i, l, this.argBuf, pos);
        if (n < -1) {
          this.growArgs(pos, -n - 2);
          n = lua.copyString(i, l, this.argBuf, pos);
        }
        starts[i - 1] = pos;
        pos += n;
        ends[i - 1] = pos;
      }
    }
    args.bytes = inPlace ? lua.heap() : this.argBuf;
    args.count = argc;
    // The arguments stay on the stack: a C function returns its top values, and Lua guarantees it
    // LUA_MINSTACK free slots above them, enough for a reply's first levels (nested arrays check for
    // room themselves). Two fewer wasm calls per redis.call.
    const spec = this.resolve(args);
    if (typeof spec === 'string') return this.callError(l, raise, spec);
    if (spec.isWrite) {
      if (this.readOnly) return this.callError(l, raise, 'ERR Write commands are not allowed from read-only scripts.');
      if (this.writesDenied) return this.callError(l, raise, `-${Err.misconf}`);
    }
    let reply: Uint8Array;
    try {
      reply = this.host.call(spec, args, this.resp3);
    } catch (e) {
      if (e instanceof ScriptAbort) return this.abort(l, e);
      throw e;
    }
    if (spec.isWrite) this.wrote = true;
    const isError = reply[0] === 45; /* - */
    this.pushReply(l, reply, 0);
    if (isError && raise) return lua.raise(l);
    return 1;
  }

  /** An error before the command ran: raised by redis.call, returned as {err=…} by redis.pcall. */
  private callError(l: LuaState, raise: boolean, msg: string): number {
    this.lua.c._lua_settop(l, 0);
    this.pushErrorTable(l, msg);
    if (raise) return this.lua.raise(l);
    return 1;
  }

  /** luaPushErrorBuff: {err="CODE message"} with a code added when there is none. */
  private pushErrorTable(l: LuaState, msg: string): void {
    const { lua } = this;
    let text: string;
    if (msg.startsWith('-')) {
      const sp = msg.indexOf(' ');
      text = sp < 0 ? `ERR ${msg.slice(1)}` : `${msg.slice(1, sp)} ${msg.slice(sp + 1)}`;
    } else text = msg;
    text = text.replace(/^[\r\n]+|[\r\n]+$/g, '');
    lua.c._lua_createtable(l, 0, 1);
    lua.pushString(text, l);
    lua.setField(-2, 'err', l);
  }

  private redisLog(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    const argc = c._lua_gettop(l);
    if (argc < 2) {
      this.pushErrorTable(l, 'ERR redis.log() requires two arguments or more.');
      return lua.raise(l);
    }
    if (c._lua_type(l, 1) !== LUA_TNUMBER && (c._lua_type(l, 1) !== LUA_TSTRING || !Number.isFinite(Number(lua.toString(1, l))))) {
      this.pushErrorTable(l, 'ERR First argument must be a number (log level).');
      return lua.raise(l);
    }
    const level = Math.trunc(c._lua_tonumberx(l, 1, 0));
    if (level < 0 || level > 3) {
      this.pushErrorTable(l, 'ERR Invalid debug level.');
      return lua.raise(l);
    }
    const parts: string[] = [];
    for (let i = 2; i <= argc; i++) {
      const s = lua.toString(i, l);
      if (s !== null) parts.push(s);
    }
    this.host?.log(level, parts.join(' '));
    return 0;
  }

  private redisSha1hex(l: LuaState): number {
    const { lua } = this;
    if (lua.c._lua_gettop(l) !== 1) {
      this.pushErrorTable(l, 'ERR wrong number of arguments');
      return lua.raise(l);
    }
    const b = lua.toBytes(1, l);
    lua.pushString(sha1hex(b === null ? '' : Buffer.from(b)), l);
    return 1;
  }

  private redisSetResp(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    if (this.host === null) {
      this.pushErrorTable(l, 'ERR redis.setresp can only be called inside a script invocation');
      return lua.raise(l);
    }
    if (c._lua_gettop(l) !== 1) {
      this.pushErrorTable(l, 'ERR redis.setresp() requires one argument.');
      return lua.raise(l);
    }
    const v = Math.trunc(c._lua_tonumberx(l, 1, 0));
    if (v !== 2 && v !== 3) {
      this.pushErrorTable(l, 'ERR RESP version must be 2 or 3.');
      return lua.raise(l);
    }
    this.resp3 = v === 3;
    return 0;
  }

  private redisSetRepl(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    if (this.host === null) {
      this.pushErrorTable(l, 'ERR redis.set_repl can only be called inside a script invocation');
      return lua.raise(l);
    }
    if (c._lua_gettop(l) !== 1) {
      this.pushErrorTable(l, 'ERR redis.set_repl() requires two arguments.');
      return lua.raise(l);
    }
    const flags = Math.trunc(c._lua_tonumberx(l, 1, 0));
    if ((flags & ~3) !== 0) {
      this.pushErrorTable(l, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      return lua.raise(l);
    }
    // Effects are always propagated as the commands that ran; there is no replica or AOF yet to steer.
    return 0;
  }

  private redisAclCheck(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    if (this.host === null) {
      this.pushErrorTable(l, 'ERR redis.acl_check_cmd can only be called inside a script invocation');
      return lua.raise(l);
    }
    const argc = c._lua_gettop(l);
    if (argc === 0) {
      this.pushErrorTable(l, 'ERR Please specify at least one argument for this redis lib call');
      return lua.raise(l);
    }
    for (let i = 1; i <= argc; i++) {
      const t = c._lua_type(l, i);
      if (t !== LUA_TNUMBER && t !== LUA_TSTRING) {
        this.pushErrorTable(l, 'ERR Lua redis lib command arguments must be strings or integers');
        return lua.raise(l);
      }
    }
    const name = lua.toString(1, l);
    const spec = name === null ? undefined : lookupCommand(name.toLowerCase());
    if (spec === undefined) {
      this.pushErrorTable(l, 'ERR Invalid command passed to redis.acl_check_cmd()');
      return lua.raise(l);
    }
    // Every connection is the default user with all permissions (no ACL users yet).
    c._lua_pushboolean(l, 1);
    return 1;
  }

  private redisErrorReply(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    if (c._lua_gettop(l) !== 1 || c._lua_type(l, -1) !== LUA_TSTRING) {
      this.pushErrorTable(l, 'ERR wrong number or type of arguments');
      return 1;
    }
    const s = lua.toString(-1, l)!;
    // C string semantics: the message ends at the first NUL.
    const msg = cstring(s);
    this.pushErrorTable(l, msg.startsWith('-') ? msg : `-${msg}`);
    return 1;
  }

  private redisStatusReply(l: LuaState): number {
    const { lua } = this;
    const c = lua.c;
    if (c._lua_gettop(l) !== 1 || c._lua_type(l, -1) !== LUA_TSTRING) {
      this.pushErrorTable(l, 'ERR wrong number or type of arguments');
      return 1;
    }
    c._lua_createtable(l, 0, 1);
    c._lua_pushvalue(l, -2);
    lua.setField(-2, 'ok', l);
    return 1;
  }

  // ---------------------------------------------------------------------------------------- RESP → Lua

  /** Push the RESP value at `p` as Redis converts replies for Lua; returns the position after it. */
  private pushReply(l: LuaState, b: Uint8Array, p: number): number {
    const { lua } = this;
    const c = lua.c;
    const type = b[p];
    const lineEnd = crlf(b, p);
    const next = lineEnd + 2;
    switch (type) {
      case 58 /* : */: {
        // Integers become Lua integers, so INCR's result concatenates as "5" (5.1 would say 5 too).
        const digits = lineEnd - p - 1;
        if (digits > 0 && digits < 16) {
          let neg = false;
          let q = p + 1;
          if (b[q] === 45) {
            neg = true;
            q++;
          }
          let n = 0;
          for (; q < lineEnd; q++) n = n * 10 + (b[q] - 48);
          c._lua_pushinteger(l, neg ? BigInt(-n) : bigintOf(n));
        } else c._lua_pushinteger(l, BigInt(latin(b, p + 1, lineEnd)));
        return next;
      }
      case 36 /* $ */: {
        const n = decimalAt(b, p + 1, lineEnd);
        if (n < 0) {
          c._lua_pushboolean(l, 0);
          return next;
        }
        lua.pushBytes(b, next, next + n, l);
        return next + n + 2;
      }
      case 43 /* + */:
        c._lua_createtable(l, 0, 1);
        lua.pushBytes(b, p + 1, lineEnd, l);
        lua.setField(-2, 'ok', l);
        return next;
      case 45 /* - */:
        this.pushErrorTable(l, latin(b, p, lineEnd));
        return next;
      case 42 /* * */: {
        const n = decimalAt(b, p + 1, lineEnd);
        if (n < 0) {
          c._lua_pushboolean(l, 0);
          return next;
        }
        c._lua_checkstack(l, 4);
        c._lua_createtable(l, n, 0);
        let q = next;
        for (let i = 1; i <= n; i++) {
          q = this.pushReply(l, b, q);
          c._lua_rawseti(l, -2, bigintOf(i));
        }
        return q;
      }
      case 37 /* % */:
      case 126 /* ~ */: {
        const n = decimalAt(b, p + 1, lineEnd);
        c._lua_checkstack(l, 6);
        c._lua_createtable(l, 0, 1);
        c._lua_createtable(l, 0, n);
        let q = next;
        for (let i = 0; i < n; i++) {
          q = this.pushReply(l, b, q);
          if (type === 37) q = this.pushReply(l, b, q);
          else c._lua_pushboolean(l, 1);
          c._lua_rawset(l, -3);
        }
        lua.setField(-2, type === 37 ? 'map' : 'set', l);
        return q;
      }
      case 95 /* _ */:
        c._lua_pushnil(l);
        return next;
      case 35 /* # */:
        c._lua_pushboolean(l, b[p + 1] === 116 /* t */ ? 1 : 0);
        return next;
      case 44 /* , */: {
        c._lua_createtable(l, 0, 1);
        const s = latin(b, p + 1, lineEnd);
        c._lua_pushnumber(l, s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s));
        lua.setField(-2, 'double', l);
        return next;
      }
      case 40 /* ( */:
        c._lua_createtable(l, 0, 1);
        lua.pushBytes(b, p + 1, lineEnd, l);
        lua.setField(-2, 'big_number', l);
        return next;
      case 61 /* = */: {
        const n = parseInt(latin(b, p + 1, lineEnd), 10);
        c._lua_createtable(l, 0, 1);
        c._lua_createtable(l, 0, 2);
        lua.pushBytes(b, next + 4, next + n, l);
        lua.setField(-2, 'string', l);
        lua.pushBytes(b, next, next + 3, l);
        lua.setField(-2, 'format', l);
        lua.setField(-2, 'verbatim_string', l);
        return next + n + 2;
      }
      case 33 /* ! bulk error */: {
        const n = parseInt(latin(b, p + 1, lineEnd), 10);
        this.pushErrorTable(l, `-${latin(b, next, next + n)}`);
        return next + n + 2;
      }
      default:
        throw new Error(`unexpected reply type ${String.fromCharCode(type)}`);
    }
  }

  // ---------------------------------------------------------------------------------------- Lua → RESP

  /** luaReplyToRedisReply: the value at `idx` (consumed by the caller's settop). */
  private writeValue(w: ReplyWriter, idx: number, clientResp3: boolean, depth: number): void {
    const { lua, L } = this;
    const c = lua.c;
    const t = c._lua_type(L, idx);
    switch (t) {
      case LUA_TSTRING: {
        const b = lua.toBytes(idx)!;
        w.bulkBytes(b);
        return;
      }
      case LUA_TBOOLEAN: {
        const v = c._lua_toboolean(L, idx) !== 0;
        if (!this.resp3) {
          if (v) w.int(1);
          else w.nullBulk();
        } else w.bool(v);
        return;
      }
      case LUA_TNUMBER:
        writeTruncated(w, c._lua_tonumberx(L, idx, 0));
        return;
      case LUA_TTABLE:
        this.writeTable(w, idx < 0 ? c._lua_gettop(L) + 1 + idx : idx, clientResp3, depth);
        return;
      default:
        w.nullBulk();
    }
  }

  /** `t` is an absolute stack index. */
  private writeTable(w: ReplyWriter, t: number, clientResp3: boolean, depth: number): void {
    const { lua, L } = this;
    const c = lua.c;
    if (depth > 1000 || c._lua_checkstack(L, 8) === 0) {
      w.error('ERR reached lua stack limit');
      return;
    }
    // {err=…}
    if (lua.getField(t, 'err') === LUA_TSTRING) {
      const msg = lua.toString(-1)!;
      c._lua_settop(L, -2);
      w.error(cstring(msg).replace(/[\r\n]/g, ' '));
      return;
    }
    c._lua_settop(L, -2);
    // {ok=…}
    if (lua.getField(t, 'ok') === LUA_TSTRING) {
      const s = cstring(lua.toString(-1)!).replace(/[\r\n]/g, ' ');
      c._lua_settop(L, -2);
      w.raw(Buffer.from(`+${s}\r\n`, 'latin1'));
      return;
    }
    c._lua_settop(L, -2);
    if (lua.getField(t, 'double') === LUA_TNUMBER) {
      const d = c._lua_tonumberx(L, -1, 0);
      c._lua_settop(L, -2);
      w.double(d);
      return;
    }
    c._lua_settop(L, -2);
    if (lua.getField(t, 'big_number') === LUA_TSTRING) {
      const s = lua.toString(-1)!.replace(/[\r\n]/g, ' ');
      c._lua_settop(L, -2);
      if (w.resp3) w.raw(Buffer.from(`(${s}\r\n`, 'latin1'));
      else w.bulk(s);
      return;
    }
    c._lua_settop(L, -2);
    if (lua.getField(t, 'verbatim_string') === LUA_TTABLE) {
      const v = c._lua_gettop(L);
      const ft = lua.getField(v, 'format');
      const st = lua.getField(v, 'string');
      if (ft === LUA_TSTRING && st === LUA_TSTRING) {
        const format = lua.toString(-2)!;
        const s = lua.toString(-1)!;
        c._lua_settop(L, -4);
        w.verbatim(s, format.slice(0, 3));
        return;
      }
      c._lua_settop(L, -3);
    }
    c._lua_settop(L, -2);
    if (lua.getField(t, 'map') === LUA_TTABLE) {
      const m = c._lua_gettop(L);
      let n = 0;
      c._lua_pushnil(L);
      while (c._lua_next(L, m) !== 0) {
        n++;
        c._lua_settop(L, -2);
      }
      w.map(n);
      c._lua_pushnil(L);
      while (c._lua_next(L, m) !== 0) {
        this.writeValue(w, -2, clientResp3, depth + 1);
        this.writeValue(w, -1, clientResp3, depth + 1);
        c._lua_settop(L, -2);
      }
      c._lua_settop(L, -2);
      return;
    }
    c._lua_settop(L, -2);
    if (lua.getField(t, 'set') === LUA_TTABLE) {
      const s = c._lua_gettop(L);
      let n = 0;
      c._lua_pushnil(L);
      while (c._lua_next(L, s) !== 0) {
        n++;
        c._lua_settop(L, -2);
      }
      w.set(n);
      c._lua_pushnil(L);
      while (c._lua_next(L, s) !== 0) {
        this.writeValue(w, -2, clientResp3, depth + 1);
        c._lua_settop(L, -2);
      }
      c._lua_settop(L, -2);
      return;
    }
    c._lua_settop(L, -2);
    // An array up to the first nil.
    let n = 0;
    while (c._lua_rawgeti(L, t, bigintOf(n + 1)) !== LUA_TNIL) {
      c._lua_settop(L, -2);
      n++;
    }
    c._lua_settop(L, -2);
    w.array(n);
    for (let i = 1; i <= n; i++) {
      c._lua_rawgeti(L, t, bigintOf(i));
      this.writeValue(w, -1, clientResp3, depth + 1);
      c._lua_settop(L, -2);
    }
  }

  /** The script failed: Redis's "-<err> script: <name>, on <source>:<line>." */
  private writeError(w: ReplyWriter, name: string): void {
    const { lua, L } = this;
    const c = lua.c;
    if (c._lua_type(L, -1) !== LUA_TTABLE) {
      const msg = lua.toString(-1) ?? 'execution failure';
      w.error(`ERR Error running script ${name}, ${msg.slice(0, 100)}`);
      return;
    }
    const t = c._lua_gettop(L);
    let msg = lua.getField(t, 'err') === LUA_TSTRING || c._lua_type(L, -1) === LUA_TNUMBER ? lua.toString(-1)! : '';
    c._lua_settop(L, t);
    let source: string | null = null;
    let line: string | null = null;
    const st = lua.getField(t, 'source');
    if (st === LUA_TSTRING || st === LUA_TNUMBER) source = lua.toString(-1);
    c._lua_settop(L, t);
    const lt = lua.getField(t, 'line');
    if (lt === LUA_TSTRING || lt === LUA_TNUMBER) line = lua.toString(-1);
    c._lua_settop(L, t);
    msg = cstring(msg);
    if (line !== null && source !== null) msg += ` script: ${name}, on ${source}:${line}.`;
    w.error(msg.replace(/[\r\n]/g, ' '));
  }
}

/** Redis's scriptCall checks that do not depend on the run: lookup, arity, commands scripts may not call. */
export function resolveScriptCommand(args: Args): CommandSpec | string {
  let spec = lookupCommand(args.lower(0));
  if (spec !== undefined && spec.subcommands.size > 0) {
    spec = args.count > 1 ? spec.subcommands.get(args.lower(1)) : undefined;
  }
  if (spec === undefined) return 'ERR Unknown Redis command called from script';
  return checkScriptCommand(spec, args);
}

function checkScriptCommand(spec: CommandSpec, args: Args): CommandSpec | string {
  if (!arityOk(spec, args.count)) return 'ERR Wrong number of args calling Redis command from script';
  if (spec.flags.has('noscript')) return 'ERR This Redis command is not allowed from script';
  return spec;
}

/** A 5.4 parser message in 5.1's words where they differ only in quoting ("near <eof>"). */
function compileMessage51(msg: string): string {
  return msg.replace(/ near <eof>$/, " near '<eof>'").replace(/\r?\n/g, ' ');
}

/** The C string a Lua string stands for in Redis's sds calls (up to the first NUL). */
function cstring(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Lua's integers cross into wasm as i64 (BigInt): the small ones (table indices, counters, registry
 * references) come from this table instead of a fresh heap BigInt each time.
 */
const SMALL_BIGINTS: bigint[] = Array.from({ length: 4096 }, (_, i) => BigInt(i));

function bigintOf(n: number): bigint {
  return n >= 0 && n < 4096 ? SMALL_BIGINTS[n] : BigInt(n);
}

/** The decimal number (optionally negative) in b[from, to): RESP lengths and counts, no string made. */
function decimalAt(b: Uint8Array, from: number, to: number): number {
  let neg = false;
  if (b[from] === 45) {
    neg = true;
    from++;
  }
  let n = 0;
  for (let q = from; q < to; q++) n = n * 10 + (b[q] - 48);
  return neg ? -n : n;
}

function crlf(b: Uint8Array, p: number): number {
  while (b[p] !== 13) p++;
  return p;
}

function latin(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** (long long) of a double, as C on x86-64 converts it (out-of-range and NaN give LLONG_MIN). */
function writeTruncated(w: ReplyWriter, d: number): void {
  if (!(d >= -9223372036854775808 && d < 9223372036854775808)) {
    w.bigint(-9223372036854775808n);
    return;
  }
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) w.int(t === 0 ? 0 : t);
  else w.bigint(BigInt(t));
}

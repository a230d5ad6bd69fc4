/**
 * The raw Lua 5.4 C API as wasmoon's emscripten module exports it, typed, plus the byte-exact string
 * transfer between JS and the wasm heap.
 *
 * wasmoon's convenience layer is not binary-safe (it stops at NUL and re-encodes bytes as UTF-8) and
 * leaves values on the stack; Ferrous uses only these exports (see ../shared/notes/wasmoon.md). Strings
 * cross as latin1 JS strings or Buffers: one char per byte, so every byte value round-trips.
 */
import { cappedAllocator, type CappedAllocator } from './wasm-allocator.js';
import { LuaFactory } from 'wasmoon';

/** The parts of the WebAssembly global used here (Node's types do not declare it without the DOM lib). */
type WasmExports = Record<string, unknown>;
interface WasmInstance {
  exports: WasmExports;
}
interface WasmNamespace {
  instantiate(...args: unknown[]): Promise<WasmInstance | { instance: WasmInstance }>;
}

/** lua_State pointer. */
export type LuaState = number;

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;
export const LUA_ERRERR = 5;

export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
export const LUA_TUSERDATA = 7;

export const LUA_MULTRET = -1;
/** LUAI_MAXSTACK = 1000000; the registry pseudo-index is -LUAI_MAXSTACK - 1000. */
export const LUA_REGISTRYINDEX = -1001000;
export const LUA_RIDX_GLOBALS = 2;
export const LUA_MASKCOUNT = 1 << 3;

/** The exports Ferrous calls (emscripten names: the C name with a leading underscore). */
export interface LuaC {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, idx: number): void;
  _lua_pushvalue(L: LuaState, idx: number): void;
  _lua_rotate(L: LuaState, idx: number, n: number): void;
  _lua_checkstack(L: LuaState, n: number): number;
  _lua_type(L: LuaState, idx: number): number;
  _lua_isinteger(L: LuaState, idx: number): number;
  _lua_tonumberx(L: LuaState, idx: number, isnum: number): number;
  _lua_toboolean(L: LuaState, idx: number): number;
  _lua_tolstring(L: LuaState, idx: number, len: number): number;
  _lua_pushnil(L: LuaState): void;
  _lua_pushnumber(L: LuaState, n: number): void;
  _lua_pushinteger(L: LuaState, n: bigint): void;
  _lua_pushlstring(L: LuaState, s: number, len: number): number;
  _lua_pushboolean(L: LuaState, b: number): void;
  _lua_pushcclosure(L: LuaState, fn: number, n: number): void;
  _lua_pushlightuserdata(L: LuaState, p: number): void;
  _lua_createtable(L: LuaState, narr: number, nrec: number): void;
  _lua_rawgeti(L: LuaState, idx: number, n: bigint): number;
  _lua_rawseti(L: LuaState, idx: number, n: bigint): void;
  _lua_rawget(L: LuaState, idx: number): number;
  _lua_rawset(L: LuaState, idx: number): void;
  _lua_getfield(L: LuaState, idx: number, k: number): number;
  _lua_setfield(L: LuaState, idx: number, k: number): void;
  _lua_next(L: LuaState, idx: number): number;
  _lua_rawlen(L: LuaState, idx: number): number;
  _lua_setupvalue(L: LuaState, funcindex: number, n: number): number;
  _lua_pcallk(L: LuaState, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  _lua_error(L: LuaState): number;
  _lua_sethook(L: LuaState, fn: number, mask: number, count: number): void;
  _lua_gc(L: LuaState, what: number, ...args: number[]): number;
  _luaL_loadbufferx(L: LuaState, buf: number, size: number, name: number, mode: number): number;
  _luaL_ref(L: LuaState, t: number): number;
  _lua_setallocf(L: LuaState, f: number, ud: number): void;
  _realloc(p: number, n: number): number;
  _luaL_unref(L: LuaState, t: number, ref: number): void;
}

/** A Lua state with a memory cap, and helpers to move bytes in and out of it. */
export class LuaHeap {
  /** Scratch area in the wasm heap for strings going into Lua (grown on demand). */
  private scratch = 0;
  private scratchSize = 0;
  /** size_t out-parameter for lua_tolstring. */
  private readonly lenPtr: number;
  /** NUL-terminated C strings for field names, allocated once each. */
  private readonly cstrings = new Map<string, number>();

  /**
   * Views of the wasm memory, re-made when it grows: growth detaches the old ArrayBuffer, and a view
   * of a detached buffer has length 0, so one length check tells (cheaper than asking the module for
   * its current view on every access, which showed in profiles).
   */
  private heapBuf: Buffer = Buffer.alloc(0);
  private heap32: Uint32Array = new Uint32Array(0);

  private refreshViews(): void {
    const m = this.c.HEAPU8;
    this.heapBuf = Buffer.from(m.buffer, m.byteOffset, m.byteLength);
    this.heap32 = new Uint32Array(m.buffer, m.byteOffset, m.byteLength >>> 2);
  }

  /** The whole wasm memory as a Buffer (valid until Lua allocates again: growth replaces it). */
  heap(): Buffer {
    if (this.heapBuf.length === 0) this.refreshViews();
    return this.heapBuf;
  }

  /** The size_t lua_tolstring left in its out-parameter. */
  private lastLen(): number {
    if (this.heapBuf.length === 0) this.refreshViews();
    return this.heap32[this.lenPtr >> 2];
  }

  private constructor(
    readonly c: LuaC,
    readonly L: LuaState,
  ) {
    this.lenPtr = c._malloc(8);
  }

  static async create(memoryMax: number): Promise<LuaHeap> {
    // The module's exported functions go through emscripten's checking wrappers (an `apply` per call,
    // a fifth of a script's time): capture the wasm instance's own exports while wasmoon loads it.
    const wasm = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
    const instantiate = wasm.instantiate;
    let raw: WasmExports | null = null;
    wasm.instantiate = async (...args: unknown[]) => {
      const result = await instantiate.apply(wasm, args);
      const instance = 'instance' in result ? result.instance : result;
      if ('lua_gettop' in instance.exports) raw = instance.exports;
      return result;
    };
    let engine;
    try {
      engine = await new LuaFactory().createEngine({
        traceAllocations: true,
        injectObjects: false,
        enableProxy: false,
        openStandardLibs: true,
      });
    } finally {
      wasm.instantiate = instantiate;
    }
    const g = engine.global;
    const module = (g as unknown as { lua: { module: LuaC } }).lua.module;
    const c = raw === null ? module : direct(module, raw);
    const heap = new LuaHeap(c, g.address);
    heap.installAllocator(g.getMemoryUsed());
    heap.setMemoryMax(memoryMax);
    return heap;
  }

  /** Lua's allocator, with the accounting and the cap (see wasm-allocator.ts). */
  private allocator: CappedAllocator | null = null;

  /**
   * Replace wasmoon's allocator (same accounting, but it reaches realloc through emscripten's checking
   * wrapper, from JS, on every allocation) with one that runs inside wasm and calls the module's own
   * realloc/free.
   */
  private installAllocator(alreadyUsed: number): void {
    const c = this.c;
    const a = cappedAllocator(c._realloc, c._free);
    a.setUsed(alreadyUsed);
    this.allocator = a;
    c._lua_setallocf(this.L, c.addFunction(a.alloc, 'iiiii'), 0);
  }

  setMemoryMax(bytes: number): void {
    this.allocator?.setMax(bytes);
  }

  memoryUsed(): number {
    return this.allocator?.used() ?? 0;
  }

  /** A pointer to `n` bytes of scratch space (valid until the next call). */
  private room(n: number): number {
    if (n > this.scratchSize) {
      if (this.scratch !== 0) this.c._free(this.scratch);
      this.scratchSize = Math.max(256, n * 2);
      this.scratch = this.c._malloc(this.scratchSize);
      if (this.scratch === 0) throw new Error('out of wasm memory');
    }
    return this.scratch;
  }

  /** Push a latin1 string (one char per byte). */
  pushString(s: string, L = this.L): void {
    const n = s.length;
    const p = this.room(n);
    const heap = this.heap();
    if (n < 64) for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i);
    else Buffer.from(heap.buffer, heap.byteOffset + p, n).latin1Write(s, 0, n);
    this.c._lua_pushlstring(L, p, n);
  }

  pushBytes(b: Uint8Array, start = 0, end = b.length, L = this.L): void {
    const n = end - start;
    const p = this.room(n);
    const heap = this.heap();
    // Short strings (most keys and values) byte by byte: a subarray view would cost an allocation.
    if (n < 32) for (let i = 0; i < n; i++) heap[p + i] = b[start + i];
    else heap.set(b.subarray(start, end), p);
    this.c._lua_pushlstring(L, p, n);
  }

  /** The string (or number, converted in place by Lua) at `idx` as latin1, or null. */
  toString(idx: number, L = this.L): string | null {
    const c = this.c;
    const p = c._lua_tolstring(L, idx, this.lenPtr);
    if (p === 0) return null;
    const n = this.lastLen();
    const heap = this.heap();
    if (n <= 12) {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(heap[p + i]);
      return s;
    }
    return Buffer.from(heap.buffer, heap.byteOffset + p, n).latin1Slice(0, n);
  }


  /** Length of the string stringAt found last. */
  lastLength = 0;

  /**
   * Where the string at `idx` lives in the wasm heap (its length in `lastLength`), or 0 when the value
   * is not a string or number. For a string this allocates nothing, so the bytes stay where they are
   * while the value stays on the stack and Lua does not run.
   */
  stringAt(idx: number, L: LuaState): number {
    const c = this.c;
    const p = c._lua_tolstring(L, idx, this.lenPtr);
    this.lastLength = p === 0 ? 0 : this.lastLen();
    return p;
  }

  /**
   * Copy the string at `idx` into `target` at `pos` without allocating; returns its length, or -1
   * when the value is not a string (or number).
   */
  copyString(idx: number, L: LuaState, target: Buffer, pos: number): number {
    const c = this.c;
    const p = c._lua_tolstring(L, idx, this.lenPtr);
    if (p === 0) return -1;
    const n = this.lastLen();
    if (pos + n > target.length) return -2 - n;
    const heap = this.heap();
    if (n < 32) for (let i = 0; i < n; i++) target[pos + i] = heap[p + i];
    else heap.copy(target, pos, p, p + n);
    return n;
  }

  /** The string at `idx` as a view into the wasm heap (valid until Lua runs again), or null. */
  toBytes(idx: number, L = this.L): Uint8Array | null {
    const c = this.c;
    const p = c._lua_tolstring(L, idx, this.lenPtr);
    if (p === 0) return null;
    const n = this.lastLen();
    return this.heap().subarray(p, p + n);
  }

  /** A permanent C string for an ASCII name (field names). */
  cstr(name: string): number {
    let p = this.cstrings.get(name);
    if (p === undefined) {
      p = this.c._malloc(name.length + 1);
      const heap = this.heap();
      for (let i = 0; i < name.length; i++) heap[p + i] = name.charCodeAt(i);
      heap[p + name.length] = 0;
      this.cstrings.set(name, p);
    }
    return p;
  }

  getField(idx: number, name: string, L = this.L): number {
    return this.c._lua_getfield(L, idx, this.cstr(name));
  }

  setField(idx: number, name: string, L = this.L): void {
    this.c._lua_setfield(L, idx, this.cstr(name));
  }

  /**
   * Compile `code` as a text chunk named `chunkName` ("@user_script" gives "user_script:1:" positions);
   * pushes the function, or returns the error message (nothing pushed).
   */
  load(code: string | Uint8Array, chunkName: string): string | null {
    const c = this.c;
    const n = code.length;
    // The scratch area may be reused while the chunk is read: copy into its own block.
    const p = c._malloc(Math.max(1, n));
    if (typeof code === 'string') Buffer.from(c.HEAPU8.buffer, c.HEAPU8.byteOffset + p, n).latin1Write(code, 0, n);
    else c.HEAPU8.set(code, p);
    const rc = c._luaL_loadbufferx(this.L, p, n, this.cstr(chunkName), this.cstr('t'));
    c._free(p);
    if (rc === LUA_OK) return null;
    const msg = this.toString(-1) ?? 'unknown error';
    c._lua_settop(this.L, -2);
    return msg;
  }

  /** Make a C function out of a JS one (`(L) => number of results`). */
  cfunction(fn: (L: LuaState) => number): number {
    return this.c.addFunction(fn, 'ii');
  }

  /** Raise the value on top of the stack as a Lua error (does not return: unwinds through JS). */
  raise(L: LuaState): never {
    this.c._lua_error(L);
    throw new Error('lua_error returned');
  }
}

/**
 * The C API bound straight to the wasm exports (`lua_gettop` for `_lua_gettop`), with the heap views
 * and addFunction still taken from the module (the views are replaced when the memory grows).
 */
function direct(module: LuaC, exports: WasmExports): LuaC {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(exports)) {
    const fn = exports[name];
    if (typeof fn === 'function') api[`_${name}`] = fn;
  }
  Object.defineProperty(api, 'HEAPU8', { get: () => module.HEAPU8 });
  Object.defineProperty(api, 'HEAPU32', { get: () => module.HEAPU32 });
  api.addFunction = module.addFunction.bind(module);
  for (const required of ['_malloc', '_free', '_lua_pcallk', '_luaL_loadbufferx', '_lua_pushlstring']) {
    if (typeof api[required] !== 'function') return module;
  }
  return api as unknown as LuaC;
}

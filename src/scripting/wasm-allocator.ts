/**
 * Lua's allocator (lua_Alloc) with a memory cap, as a tiny WebAssembly module of its own.
 *
 * Lua calls its allocator for every string, table and closure it makes: about ten times in a short
 * script. Written in JS, each call crossed from wasm into JS and back (the crossing cost more than the
 * allocation). This module imports the Lua module's own `realloc` and `free`, so a call goes from
 * wasm to wasm. Its accounting is the same as before: `used` counts the bytes Lua holds, and an
 * allocation that would take `used` past `max` (when max > 0) fails, which Lua turns into a "not
 * enough memory" error.
 *
 * The module is hand-assembled below (it is 160 bytes; a toolchain for it would be more to maintain):
 *
 *   (global $used (mut i32) 0) (global $max (mut i32) 0)
 *   (func $alloc (param $ud i32) (param $ptr i32) (param $osize i32) (param $nsize i32) (result i32)
 *     (local $delta i32) (local $p i32)
 *     (if (i32.eqz $nsize) (then
 *       (if $ptr (then (global.set $used (i32.sub $used $osize)) (call $free $ptr)))
 *       (return 0)))
 *     ;; with ptr NULL, osize is the kind of object being made, not a size
 *     (local.set $delta (select (i32.sub $nsize $osize) $nsize $ptr))
 *     (if (i32.gt_s $delta 0) (then (if $max (then
 *       (if (i32.gt_u (i32.add $used $delta) $max) (then (return 0)))))))
 *     (local.set $p (call $realloc $ptr $nsize))
 *     (if $p (then (global.set $used (i32.add $used $delta))))
 *     $p)
 */

export interface CappedAllocator {
  /** The lua_Alloc function, to put in the Lua module's function table. */
  readonly alloc: (ud: number, ptr: number, osize: number, nsize: number) => number;
  /** Bytes Lua holds. */
  used(): number;
  setUsed(bytes: number): void;
  /** The cap in bytes; 0 = none. */
  setMax(bytes: number): void;
}

const I32 = 0x7f;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function name(s: string): number[] {
  return [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...leb(items.length), ...items.flat()];
}

// Opcodes used below.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const GLOBAL_GET = 0x23;
const GLOBAL_SET = 0x24;
const I32_CONST = 0x41;
const I32_EQZ = 0x45;
const I32_GT_S = 0x4a;
const I32_GT_U = 0x4b;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const IF_VOID = [0x04, 0x40];
const END = 0x0b;
const RETURN = 0x0f;
const CALL = 0x10;
const SELECT = 0x1b;

// Indices: imported functions come first.
const F_REALLOC = 0;
const F_FREE = 1;
const G_USED = 0;
const G_MAX = 1;
// Parameters and locals of $alloc.
const PTR = 1;
const OSIZE = 2;
const NSIZE = 3;
const DELTA = 4;
const P = 5;

function moduleBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, 2, I32, I32, 1, I32], // realloc(ptr, size) -> ptr
    [0x60, 1, I32, 0], // free(ptr)
    [0x60, 4, I32, I32, I32, I32, 1, I32], // lua_Alloc
  ]));
  const imports = section(2, vec([
    [...name('e'), ...name('realloc'), 0x00, 0],
    [...name('e'), ...name('free'), 0x00, 1],
  ]));
  const funcs = section(3, vec([[2]]));
  const mutableZero = [I32, 0x01, I32_CONST, 0, END];
  const globals = section(6, vec([mutableZero, mutableZero]));
  const exports = section(7, vec([
    [...name('alloc'), 0x00, 2],
    [...name('used'), 0x03, G_USED],
    [...name('max'), 0x03, G_MAX],
  ]));
  const code = [
    // if (nsize == 0) { if (ptr) { used -= osize; free(ptr) } return 0 }
    LOCAL_GET, NSIZE, I32_EQZ, ...IF_VOID,
    LOCAL_GET, PTR, ...IF_VOID,
    GLOBAL_GET, G_USED, LOCAL_GET, OSIZE, I32_SUB, GLOBAL_SET, G_USED,
    LOCAL_GET, PTR, CALL, F_FREE,
    END,
    I32_CONST, 0, RETURN,
    END,
    // delta = ptr ? nsize - osize : nsize
    LOCAL_GET, NSIZE, LOCAL_GET, OSIZE, I32_SUB, LOCAL_GET, NSIZE, LOCAL_GET, PTR, SELECT, LOCAL_SET, DELTA,
    // if (delta > 0 && max != 0 && used + delta > max (unsigned)) return 0
    LOCAL_GET, DELTA, I32_CONST, 0, I32_GT_S, ...IF_VOID,
    GLOBAL_GET, G_MAX, ...IF_VOID,
    GLOBAL_GET, G_USED, LOCAL_GET, DELTA, I32_ADD, GLOBAL_GET, G_MAX, I32_GT_U, ...IF_VOID,
    I32_CONST, 0, RETURN,
    END,
    END,
    END,
    // p = realloc(ptr, nsize); if (p) used += delta; return p
    LOCAL_GET, PTR, LOCAL_GET, NSIZE, CALL, F_REALLOC, LOCAL_TEE, P, ...IF_VOID,
    GLOBAL_GET, G_USED, LOCAL_GET, DELTA, I32_ADD, GLOBAL_SET, G_USED,
    END,
    LOCAL_GET, P,
    END,
  ];
  const body = [...vec([[2, I32]]), ...code];
  const codeSection = section(10, vec([[...leb(body.length), ...body]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...globals, ...exports, ...codeSection]);
}

/** The parts of the WebAssembly namespace used here (the project's TypeScript libs do not declare it). */
interface WasmGlobal {
  value: number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

/** Instantiate the allocator over a heap's `realloc` and `free` (wasm exports, or JS stand-ins in tests). */
export function cappedAllocator(realloc: (ptr: number, size: number) => number, free: (ptr: number) => void): CappedAllocator {
  compiled ??= new wasm.Module(moduleBytes());
  const instance = new wasm.Instance(compiled, { e: { realloc, free } });
  const x = instance.exports as unknown as {
    alloc: CappedAllocator['alloc'];
    used: WasmGlobal;
    max: WasmGlobal;
  };
  return {
    alloc: x.alloc,
    used: () => x.used.value >>> 0,
    setUsed: (bytes: number) => {
      x.used.value = bytes | 0;
    },
    setMax: (bytes: number) => {
      // The cap is compared as an unsigned 32-bit number: anything from 4 GiB up means no cap.
      x.max.value = bytes > 0 && bytes < 2 ** 32 ? bytes | 0 : 0;
    },
  };
}

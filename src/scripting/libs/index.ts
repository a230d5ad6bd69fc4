/**
 * The Lua libraries Redis bundles for scripts, as Lua 5.4 source chunks, in Redis's load order.
 *
 * Each `source` is a chunk that returns the library table; it captures every standard function it
 * uses when it runs, so it must run before the sandbox hides anything. Library errors carry the
 * position of the calling user code, found with `debug.getinfo`: each chunk recognises its own
 * frames by its chunk name, so never load a library under the chunk name of user code, nor "=[C]".
 *
 * `cjson` takes one optional argument: the value for `cjson.null`. Redis uses a NULL light userdata;
 * pass one (`_lua_pushlightuserdata(L, 0)` before calling the chunk) to have exactly that. Called with
 * no argument, the chunk makes its own unique light userdata (via `debug.upvalueid`): type() is
 * "userdata" either way; only tostring() differs from Redis's "userdata: (nil)" (wasm's NULL prints
 * as "userdata: 0").
 */
import { BIT_LUA } from './bit.js';
import { CJSON_LUA } from './cjson.js';
import { CMSGPACK_LUA } from './cmsgpack.js';
import { STRUCT_LUA } from './struct.js';

export { BIT_LUA, CJSON_LUA, CMSGPACK_LUA, STRUCT_LUA };

export const LUA_LIBRARIES: ReadonlyArray<{ name: string; source: string }> = [
  { name: 'cjson', source: CJSON_LUA },
  { name: 'struct', source: STRUCT_LUA },
  { name: 'cmsgpack', source: CMSGPACK_LUA },
  { name: 'bit', source: BIT_LUA },
];

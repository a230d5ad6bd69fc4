/** The libraries Redis bundles with its Lua (the library modules land in the next commit). */
export const LUA_LIBRARIES: ReadonlyArray<{ name: string; source: string }> = [];

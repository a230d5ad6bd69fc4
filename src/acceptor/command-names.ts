/**
 * Command lookup by the name's bytes as they arrived, in any case, without making a string: a hash
 * of the lowercased bytes picks a bucket and a byte compare confirms. Every request goes through it,
 * and transactions alternate names (MULTI, SET, INCR, EXEC…), so it must cost no allocation.
 */
import { COMMANDS, lookupCommand, type CommandSpec } from '../shared/command-table.js';

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** FNV-1a of the lowercased bytes, kept in Smi range (a cheap Map key). */
function hashName(bytes: ArrayLike<number>, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ lower(bytes[i]), 0x01000193);
  return h & 0x3fffffff;
}

export class CommandNames {
  private readonly buckets = new Map<number, CommandSpec[]>();

  constructor() {
    for (const spec of COMMANDS) {
      // The names a client may send: top-level, not internal (what lookupCommand answers).
      if (lookupCommand(spec.name) !== spec) continue;
      const bytes = Buffer.from(spec.name, 'latin1');
      const h = hashName(bytes, 0, bytes.length);
      const list = this.buckets.get(h);
      if (list === undefined) this.buckets.set(h, [spec]);
      else list.push(spec);
    }
  }

  /** The command named by `bytes[start, end)`, case-insensitively; null when there is none. */
  find(bytes: Uint8Array, start: number, end: number): CommandSpec | null {
    const list = this.buckets.get(hashName(bytes, start, end));
    if (list === undefined) return null;
    const n = end - start;
    for (let k = 0; k < list.length; k++) {
      const name = list[k].name;
      if (name.length !== n) continue;
      let i = 0;
      while (i < n && name.charCodeAt(i) === lower(bytes[start + i])) i++;
      if (i === n) return list[k];
    }
    return null;
  }
}

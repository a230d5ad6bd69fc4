/**
 * Live iterators behind SCAN / HSCAN / SSCAN / ZSCAN cursors, shared by the families (one id space per
 * shard thread). A cursor id names a live Map iterator together with the object it walks (a Database
 * for SCAN, a collection for HSCAN/SSCAN/ZSCAN), so every element present for the whole scan is returned
 * exactly once whatever changes meanwhile. At most 1024 are kept, least recently used evicted; an
 * unknown id (evicted, invented, or for another object) makes the caller restart its walk, which can
 * repeat elements but never miss one.
 */
import { parseScanCursor as parseCursorText } from '../shared/numbers.js';

interface LiveCursor {
  owner: object;
  it: Iterator<string>;
}

const MAX_CURSORS = 1024;
const cursors = new Map<number, LiveCursor>();
let nextCursorId = 1;

/** The iterator saved under `id` for `owner` (removed from the store), or undefined. */
export function takeCursor(id: number, owner: object): Iterator<string> | undefined {
  if (id === 0) return undefined;
  const c = cursors.get(id);
  if (c === undefined || c.owner !== owner) return undefined;
  cursors.delete(id);
  return c.it;
}

/** Save an unfinished walk; returns the cursor id to hand to the client (never 0). */
export function saveCursor(owner: object, it: Iterator<string>): number {
  const id = nextCursorId++;
  if (nextCursorId > 0x3fffffff) nextCursorId = 1;
  cursors.set(id, { owner, it });
  if (cursors.size > MAX_CURSORS) {
    // Map order is insertion order and a cursor is re-inserted on every use: the first is the stalest.
    const oldest = cursors.keys().next().value;
    if (oldest !== undefined) cursors.delete(oldest);
  }
  return id;
}

// ------------------------------------------------------------------------------------ HSCAN / SSCAN / ZSCAN cursor

/**
 * A shard-local cursor from the client's text (numbers.ts's parseScanCursor rules), or null when
 * invalid. Cursors past 2^53 (including wrapped negatives) are never ours: -1, an unknown cursor.
 */
export function parseScanCursor(s: string): number | null {
  const c = parseCursorText(s);
  if (c === null) return null;
  return c > 9007199254740991n ? -1 : Number(c);
}

/**
 * Glob-style pattern matching: an exact port of Redis 7.0's `stringmatchlen` (src/util.c), as used by
 * KEYS, SCAN/SSCAN/HSCAN/ZSCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS, CONFIG GET, etc.
 *
 * Quirks preserved on purpose (all verified against a real redis-server 7.0.15):
 *  - The main loop runs only while both pattern and string are non-empty, so an empty string matches
 *    only the empty pattern: `globMatch("*", "")` and `globMatch("**", "")` are false. Redis' callers
 *    (KEYS, SCAN) short-cut the exact pattern "*" before calling the matcher; use `isMatchAll` for that.
 *  - `*` recursion is bounded: past 1000 nested stars the match fails, and once the rest of the
 *    pattern failed to match at every later position the whole match fails fast (skipLongerMatches).
 *  - `[...]`: `\x` inside a class compares `x` case-sensitively even in nocase mode; an unterminated
 *    class is accepted (it ends with the pattern); `[a-` at the end of the pattern treats `a`, `-`
 *    literally; reversed ranges `[z-a]` are swapped; range bounds compare as C `char` (signed), so a
 *    byte >= 0x80 sorts below 0x00 in ranges.
 *  - `\` as the last pattern byte matches a literal backslash.
 *  - Reads past the end of the pattern see a NUL byte (Redis patterns are NUL-terminated sds).
 *  - nocase folds ASCII A-Z only (Redis runs with the "C" LC_CTYPE).
 *
 * The bytes variant works on `Uint8Array` ranges without allocating; the string variant works on
 * latin1 JS strings (char code = byte) via charCodeAt.
 */

const STAR = 0x2a; // *
const QMARK = 0x3f; // ?
const LBRACKET = 0x5b; // [
const RBRACKET = 0x5d; // ]
const CARET = 0x5e; // ^
const BACKSLASH = 0x5c; // \
const DASH = 0x2d; // -

const MAX_NESTING = 1000;

/** Shared "skipLongerMatches" flag of the current top-level match (JS is single threaded). */
let skipLongerMatches = false;

/** C tolower() in the "C" locale (works on signed char values too: only 'A'..'Z' change). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** Value of a byte as a C `char` on x86/x86-64 (signed). */
function schar(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/**
 * A `[from-to]` class range test: reversed bounds are swapped, and bounds and byte compare as signed C
 * chars (folded to lower case in nocase mode).
 */
function inClassRange(from: number, to: number, c: number, nocase: boolean): boolean {
  let start = schar(from);
  let end = schar(to);
  let cc = schar(c);
  if (start > end) {
    const tmp = start;
    start = end;
    end = tmp;
  }
  if (nocase) {
    start = lower(start);
    end = lower(end);
    cc = lower(cc);
  }
  return cc >= start && cc <= end;
}

function matchBytes(
  p: Uint8Array,
  pi: number,
  pEnd: number,
  s: Uint8Array,
  si: number,
  sEnd: number,
  nocase: boolean,
  nesting: number,
): boolean {
  // Protection against abusive patterns.
  if (nesting > MAX_NESTING) return false;
  // Invariant (as in the C code): pattern + patternLen == pEnd, string + stringLen == sEnd.
  while (pi < pEnd && si < sEnd) {
    const pc = p[pi];
    if (pc === STAR) {
      while (pi + 1 < pEnd && p[pi + 1] === STAR) pi++;
      if (pEnd - pi === 1) return true; // trailing '*' matches the rest
      while (si < sEnd) {
        if (matchBytes(p, pi + 1, pEnd, s, si, sEnd, nocase, nesting + 1)) return true;
        if (skipLongerMatches) return false;
        si++;
      }
      // The rest of the pattern matched nowhere in the rest of the string: no enclosing '*' can
      // succeed by consuming more either.
      skipLongerMatches = true;
      return false;
    } else if (pc === QMARK) {
      si++;
    } else if (pc === LBRACKET) {
      pi++;
      const not = pi < pEnd && p[pi] === CARET;
      if (not) pi++;
      let match = false;
      const c = s[si];
      for (;;) {
        const left = pEnd - pi;
        const c0 = left > 0 ? p[pi] : 0;
        if (c0 === BACKSLASH && left >= 2) {
          pi++;
          if (p[pi] === c) match = true;
        } else if (c0 === RBRACKET) {
          break;
        } else if (left === 0) {
          // Unterminated class: step back so the common "pattern++" below lands on the end.
          pi--;
          break;
        } else if (left >= 3 && p[pi + 1] === DASH) {
          if (inClassRange(c0, p[pi + 2], c, nocase)) match = true;
          pi += 2;
        } else if (nocase ? lower(c0) === lower(c) : c0 === c) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let lit = pc;
      if (pc === BACKSLASH && pEnd - pi >= 2) {
        pi++;
        lit = p[pi];
      }
      const c = s[si];
      if (nocase ? lower(lit) !== lower(c) : lit !== c) return false;
      si++;
    }
    pi++;
    if (si === sEnd) {
      while (pi < pEnd && p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === pEnd && si === sEnd;
}

function matchString(
  p: string,
  pi: number,
  pEnd: number,
  s: string,
  si: number,
  sEnd: number,
  nocase: boolean,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < pEnd && si < sEnd) {
    const pc = p.charCodeAt(pi);
    if (pc === STAR) {
      while (pi + 1 < pEnd && p.charCodeAt(pi + 1) === STAR) pi++;
      if (pEnd - pi === 1) return true;
      while (si < sEnd) {
        if (matchString(p, pi + 1, pEnd, s, si, sEnd, nocase, nesting + 1)) return true;
        if (skipLongerMatches) return false;
        si++;
      }
      skipLongerMatches = true;
      return false;
    } else if (pc === QMARK) {
      si++;
    } else if (pc === LBRACKET) {
      pi++;
      const not = pi < pEnd && p.charCodeAt(pi) === CARET;
      if (not) pi++;
      let match = false;
      const c = s.charCodeAt(si);
      for (;;) {
        const left = pEnd - pi;
        const c0 = left > 0 ? p.charCodeAt(pi) : 0;
        if (c0 === BACKSLASH && left >= 2) {
          pi++;
          if (p.charCodeAt(pi) === c) match = true;
        } else if (c0 === RBRACKET) {
          break;
        } else if (left === 0) {
          pi--;
          break;
        } else if (left >= 3 && p.charCodeAt(pi + 1) === DASH) {
          if (inClassRange(c0, p.charCodeAt(pi + 2), c, nocase)) match = true;
          pi += 2;
        } else if (nocase ? lower(c0) === lower(c) : c0 === c) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let lit = pc;
      if (pc === BACKSLASH && pEnd - pi >= 2) {
        pi++;
        lit = p.charCodeAt(pi);
      }
      const c = s.charCodeAt(si);
      if (nocase ? lower(lit) !== lower(c) : lit !== c) return false;
      si++;
    }
    pi++;
    if (si === sEnd) {
      while (pi < pEnd && p.charCodeAt(pi) === STAR) pi++;
      break;
    }
  }
  return pi === pEnd && si === sEnd;
}

/**
 * Redis `stringmatchlen(pattern, str, nocase)` over `pattern[pStart, pEnd)` and `str[sStart, sEnd)`.
 * Does not allocate.
 */
export function globMatch(
  pattern: Uint8Array,
  pStart: number,
  pEnd: number,
  str: Uint8Array,
  sStart: number,
  sEnd: number,
  nocase: boolean,
): boolean {
  skipLongerMatches = false;
  return matchBytes(pattern, pStart, pEnd, str, sStart, sEnd, nocase, 0);
}

/**
 * Redis `stringmatchlen` on latin1 JS strings (each char code is one byte; char codes above 0xff are
 * not meaningful). Does not allocate.
 */
export function globMatchString(pattern: string, s: string, nocase = false): boolean {
  skipLongerMatches = false;
  return matchString(pattern, 0, pattern.length, s, 0, s.length, nocase, 0);
}

/**
 * True when the pattern is exactly "*": Redis' KEYS and SCAN skip the matcher entirely in that case
 * (which also makes "*" match the empty key, unlike `globMatch`).
 */
export function isMatchAll(pattern: string): boolean;
export function isMatchAll(pattern: Uint8Array, start?: number, end?: number): boolean;
export function isMatchAll(pattern: string | Uint8Array, start = 0, end: number = pattern.length): boolean {
  if (typeof pattern === 'string') return pattern.length === 1 && pattern.charCodeAt(0) === STAR;
  return end - start === 1 && pattern[start] === STAR;
}

/**
 * Configuration subsystem: redis.conf / command-line parsing, CONFIG GET and CONFIG SET, matching
 * redis-server 7.0.15 (src/config.c, src/server.c main(), src/util.c, src/sds.c, src/notify.c).
 *
 * Every reply and error string below was checked against a real redis-server 7.0.15. The registry
 * holds every standard (non-TLS, non-hidden) config of Redis 7.0 plus two Ferrous-only ones
 * (`shards`, `lua-memory-limit`), so a stock redis.conf loads. Configs that Ferrous parses, stores
 * and reports but does not act on are marked `noop: true` (cluster-*, syslog-*, jemalloc, defrag...).
 *
 * C semantics reproduced on purpose (all verified on 7.0.15):
 *  - integers go through `string2ll` (no spaces, no "+", no leading zeros, no "-0"); memory values
 *    through 7.0's `memtoull` (units b/k/kb/m/mb/g/gb case-insensitive, strtoull saturation, the
 *    multiplication wraps modulo 2^64 - e.g. "17179869184gb" is 0); `save`, replicaof's port and
 *    client-output-buffer-limit seconds through `strtoll`/`strtol` (leading blanks and "+" accepted,
 *    "" is 0); `save` changes are truncated to a C int.
 *  - aliases (slaveof, hash-max-ziplist-entries, lua-time-limit, ...) are separate dictionary
 *    entries sharing one value: CONFIG GET lists both, CONFIG SET of a name and its alias in one call
 *    is not a "duplicate parameter", and errors raised while setting name the entry used.
 *  - within one config load, the first `save` line replaces the default and later ones append,
 *    `save ""` clears; hz is clamped to 1..500 after loading and after CONFIG SET.
 *  - `notify-keyspace-events` is normalised like keyspaceEventsFlagsToString (the `n` class is
 *    not printed once the string collapses to `A`).
 * Known difference: CONFIG GET order. Redis returns matches in (randomly seeded) hash-table order;
 * Ferrous returns them in pattern order, then registry order.
 */

import { splitArgs } from '../protocol/split-args.js';
import { parseStrictInt64String } from './numbers.js';

export { splitArgs };
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { globMatchString } from './glob.js';

/** Redis version whose behaviour (and fatal-error banner) this module reproduces. */
export const REDIS_COMPAT_VERSION = '7.0.15';

// ---------------------------------------------------------------------------------------------
// C helpers
// ---------------------------------------------------------------------------------------------

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const ULLONG_MAX = 18446744073709551615n;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;
const LONG_MAX = LLONG_MAX;

/** C isspace() in the "C" locale. */
function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** tolower() in the "C" locale: only A-Z change. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** sdstrim(s, " \t\r\n"). */
function trimConfigLine(s: string): string {
  let a = 0;
  let b = s.length;
  const set = ' \t\r\n';
  while (a < b && set.includes(s[a])) a++;
  while (b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

/**
 * sdscatrepr() of the UTF-8 bytes of `s`: what redis-server shows for command-line values in
 * its fatal config error (`>>> 'port "abc"'`).
 */
export function reprArg(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    out += reprByte(b, true);
  }
  return out + '"';
}

/** Like reprArg but keeps non-ASCII characters as they are, so splitArgs() gives `s` back. */
function reprArgJs(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0x80 ? ch : reprByte(code, false);
  }
  return out + '"';
}

function reprByte(b: number, escapeHigh: boolean): string {
  switch (b) {
    case 0x5c: return '\\\\';
    case 0x22: return '\\"';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    default:
      if (b >= 0x20 && b <= 0x7e) return String.fromCharCode(b);
      if (!escapeHigh && b >= 0x80) return String.fromCharCode(b);
      return '\\x' + b.toString(16).padStart(2, '0');
  }
}

/** Redis string2ll(): strict decimal long long (the one implementation lives in numbers.ts). */
export const string2ll = parseStrictInt64String;

/** C strtoll(): value (saturated), index of the first unparsed char (0 if nothing parsed). */
function cStrtoll(s: string, base: 8 | 10): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && isCSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < s.length) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d >= base) break;
    v = v * b + BigInt(d);
    i++;
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  if (neg) v = -v;
  let overflow = false;
  if (v > LLONG_MAX) {
    v = LLONG_MAX;
    overflow = true;
  } else if (v < LLONG_MIN) {
    v = LLONG_MIN;
    overflow = true;
  }
  return { value: v, end: i, overflow };
}

/** strtoll(s, &eptr, 10) accepted only when *eptr == '\0' (how config.c validates). */
function strtollFull(s: string): bigint | null {
  const r = cStrtoll(s, 10);
  return r.end === s.length ? r.value : null;
}

const MEM_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis 7.0 memtoull(): "<digits><unit>" to bytes, or null when invalid. Digits saturate at
 * ULLONG_MAX (strtoull) and the unit multiplication wraps modulo 2^64, as in 7.0.15.
 */
export function memtoull(p: string): bigint | null {
  if (p[0] === '-') return null;
  let u = 0;
  while (u < p.length && isDigit(p[u])) u++;
  const unit = asciiLower(p.slice(u));
  if (!Object.hasOwn(MEM_UNITS, unit)) return null;
  const mul = MEM_UNITS[unit];
  if (u >= 128) return null;
  let val = u === 0 ? 0n : BigInt(p.slice(0, u));
  if (val > ULLONG_MAX) val = ULLONG_MAX;
  return BigInt.asUintN(64, val * mul);
}

/** Parse a memory value the way redis.conf does ("1gb", "100mb", "1k"); throws on bad input. */
export function parseMemory(s: string): number {
  const v = memtoull(s);
  if (v === null) throw new Error(`argument must be a memory value: '${s}'`);
  return Number(v);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENAMETOOLONG: 'File name too long',
  ELOOP: 'Too many levels of symbolic links',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EIO: 'Input/output error',
};

/** C's strerror() text for a Node fs error ("Permission denied"), else the error's message. */
export function strerror(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  return ERRNO_TEXT[code] ?? (e instanceof Error ? e.message : String(e));
}

// ---------------------------------------------------------------------------------------------
// Registry types
// ---------------------------------------------------------------------------------------------

export type ConfigKind = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

export type ConfigSection =
  | 'network'
  | 'general'
  | 'snapshotting'
  | 'replication'
  | 'security'
  | 'clients'
  | 'memory'
  | 'lazyfree'
  | 'threads'
  | 'shards'
  | 'kernel'
  | 'aof'
  | 'scripting'
  | 'cluster'
  | 'slowlog'
  | 'latency'
  | 'notifications'
  | 'advanced'
  | 'defrag';

/** Environment used to compute defaults and to apply `dir`. */
export interface ConfigOptions {
  /** Initial working directory reported by `dir` (default: process.cwd()). */
  cwd?: string;
  /** CPU count used for the `shards` default (default: os.availableParallelism()). */
  cpuCount?: number;
  /** Whether setting `dir` really calls process.chdir() (default: true on the main thread). */
  chdir?: boolean;
  /** Whether loading checks that a non-empty `logfile` can be opened for append (default: true). */
  checkLogfile?: boolean;
}

interface Env {
  cwd: string;
  cpuCount: number;
  chdir: boolean;
}

interface SetCtx {
  current: unknown;
  /** True while loading the config file / command line (Redis' reading_config_file). */
  reading: boolean;
  load: { saveLoaded: boolean };
  env: Env;
}

/** 1 = value set (apply hooks run), 2 = no change (Redis' return codes). */
type SetResult = { ok: true; value: unknown; res: 1 | 2 } | { ok: false; error: string };

/** Public description of one config parameter. */
export interface ConfigSpec {
  readonly name: string;
  readonly alias?: string;
  readonly kind: ConfigKind;
  readonly section: ConfigSection;
  /** One-paragraph description (used for configs/ferrous.conf). */
  readonly doc: string;
  /** CONFIG SET refuses it: "can't set immutable config". */
  readonly immutable: boolean;
  /** CONFIG SET needs enable-protected-configs: "can't set protected config". */
  readonly protected: boolean;
  /** Value must be redacted from logs / slowlog / MONITOR. */
  readonly sensitive: boolean;
  /** Takes several arguments (CONFIG SET splits its value on spaces). */
  readonly multiArg: boolean;
  /** CONFIG SET refused with -LOADING while a dataset is loading. */
  readonly denyLoading: boolean;
  /** Ferrous accepts and reports it for compatibility but does not act on it. */
  readonly noop: boolean;
  /** Ferrous-only parameter (not in Redis). */
  readonly ferrous: boolean;
  /** For enums: allowed values. */
  readonly enumValues?: readonly string[];
  /** For numeric configs: inclusive bounds. */
  readonly min?: bigint;
  readonly max?: bigint;
  /** Example value for the documentation of configs whose default is empty. */
  readonly example?: string;
}

interface SpecImpl extends ConfigSpec {
  init(env: Env): unknown;
  set(args: string[], ctx: SetCtx): SetResult;
  format(v: unknown): string;
  /** Redis "apply" function, run after CONFIG SET changed the value. Returns an error or undefined. */
  apply?: (cfg: Config) => string | undefined;
}

interface Meta {
  alias?: string;
  section: ConfigSection;
  doc: string;
  immutable?: boolean;
  protected?: boolean;
  sensitive?: boolean;
  denyLoading?: boolean;
  noop?: boolean;
  ferrous?: boolean;
  example?: string;
  apply?: (cfg: Config) => string | undefined;
}

function baseSpec(name: string, kind: ConfigKind, m: Meta, multiArg: boolean): Omit<SpecImpl, 'init' | 'set' | 'format'> {
  return {
    name,
    alias: m.alias,
    kind,
    section: m.section,
    doc: m.doc,
    immutable: m.immutable ?? false,
    protected: m.protected ?? false,
    sensitive: m.sensitive ?? false,
    multiArg,
    denyLoading: m.denyLoading ?? false,
    noop: m.noop ?? false,
    ferrous: m.ferrous ?? false,
    example: m.example,
    apply: m.apply,
  };
}

const ok = (value: unknown, res: 1 | 2 = 1): SetResult => ({ ok: true, value, res });
const fail = (error: string): SetResult => ({ ok: false, error });

// --- bool -------------------------------------------------------------------------------------

function yesnotoi(s: string): boolean | null {
  const l = asciiLower(s);
  if (l === 'yes') return true;
  if (l === 'no') return false;
  return null;
}

function boolSpec(name: string, def: boolean, m: Meta & { validate?: (v: boolean) => string | undefined }): SpecImpl {
  return {
    ...baseSpec(name, 'bool', m, false),
    init: () => def,
    set(args, ctx) {
      const v = yesnotoi(args[0]);
      if (v === null) return fail("argument must be 'yes' or 'no'");
      const e = m.validate?.(v);
      if (e !== undefined) return fail(e);
      return ok(v, v !== ctx.current ? 1 : 2);
    },
    format: (v) => (v === true ? 'yes' : 'no'),
  };
}

// --- string -----------------------------------------------------------------------------------

function stringSpec(name: string, def: string, m: Meta & { validate?: (v: string) => string | undefined }): SpecImpl {
  return {
    ...baseSpec(name, 'string', m, false),
    init: () => def,
    set(args, ctx) {
      const e = m.validate?.(args[0]);
      if (e !== undefined) return fail(e);
      return ok(args[0], args[0] !== ctx.current ? 1 : 2);
    },
    format: (v) => String(v),
  };
}

// --- enum -------------------------------------------------------------------------------------

type EnumTable = ReadonlyArray<readonly [string, number]>;

function enumGetName(table: EnumTable, val: number, bitflags: boolean): string {
  let names: string | null = null;
  let unmatched = val;
  for (const [n, v] of table) {
    if (val === v) return n;
    if (bitflags && v !== 0 && v === (unmatched & v)) {
      names = names === null ? n : `${names} ${n}`;
      unmatched &= ~v;
    }
  }
  if (names === null || unmatched !== 0) return 'unknown';
  return names;
}

function enumSpec(
  name: string,
  table: EnumTable,
  def: number,
  m: Meta & { bitflags?: boolean; validate?: (v: number) => string | undefined },
): SpecImpl {
  const bitflags = m.bitflags ?? false;
  return {
    ...baseSpec(name, 'enum', m, bitflags),
    enumValues: table.map(([n]) => n),
    init: () => def,
    set(args, ctx) {
      let values = 0;
      let valid = args.length > 0 && (bitflags || args.length === 1);
      for (const a of args) {
        if (!valid) break;
        const la = asciiLower(a);
        let matched = false;
        for (const [n, v] of table) {
          if (n === la) {
            values |= v;
            matched = true;
          }
        }
        if (!matched) valid = false;
      }
      if (!valid) {
        const msg = 'argument(s) must be one of the following: ' + table.map(([n]) => n).join(', ');
        return fail(msg.slice(0, 255));
      }
      const e = m.validate?.(values);
      if (e !== undefined) return fail(e);
      return ok(values, values !== ctx.current ? 1 : 2);
    },
    format: (v) => enumGetName(table, Number(v), bitflags),
  };
}

// --- numeric ----------------------------------------------------------------------------------

type CType = 'int' | 'uint' | 'long' | 'ulong' | 'll' | 'ull' | 'size_t' | 'ssize_t' | 'time_t' | 'off_t';

interface NumMeta extends Meta {
  ctype: CType;
  min: bigint;
  max: bigint;
  memory?: boolean;
  percent?: boolean;
  octal?: boolean;
  validate?: (v: bigint) => string | undefined;
}

function numericSpec(name: string, def: bigint | ((env: Env) => bigint), m: NumMeta): SpecImpl {
  const unsigned = m.ctype === 'ull' || m.ctype === 'uint' || m.ctype === 'size_t';
  const parse = (s: string): bigint | string => {
    if (m.memory) {
      const v = memtoull(s);
      if (v !== null) return BigInt.asIntN(64, v);
    }
    if (m.percent && s.length > 1 && s.endsWith('%')) {
      const v = string2ll(s.slice(0, -1));
      if (v !== null && v >= 0n) return -v;
    }
    if (m.octal) {
      const r = cStrtoll(s, 8);
      if (!r.overflow && r.end === s.length) return r.value;
    }
    if (!m.memory && !m.percent && !m.octal) {
      const v = string2ll(s);
      if (v !== null) return v;
    }
    if (m.memory && m.percent) return 'argument must be a memory or percent value';
    if (m.memory) return 'argument must be a memory value';
    if (m.octal) return "argument couldn't be parsed as an octal number";
    return "argument couldn't be parsed into an integer";
  };
  const fmtBound = (b: bigint): string => (m.octal ? b.toString(8) : b.toString());
  return {
    ...baseSpec(name, m.memory ? 'memory' : 'int', m, false),
    min: m.min,
    max: m.max,
    init: (env) => (typeof def === 'function' ? def(env) : def),
    set(args, ctx) {
      const p = parse(args[0]);
      if (typeof p === 'string') return fail(p);
      let ll = p;
      if (unsigned) {
        const ull = BigInt.asUintN(64, ll);
        if (ull > m.max || ull < m.min) {
          return fail(`argument must be between ${fmtBound(m.min)} and ${fmtBound(m.max)} inclusive`);
        }
        ll = ull;
      } else if (m.percent && ll < 0n) {
        if (ll < m.min) return fail(`percentage argument must be less or equal to ${-m.min}`);
      } else if (ll > m.max || ll < m.min) {
        return fail(`argument must be between ${fmtBound(m.min)} and ${fmtBound(m.max)} inclusive`);
      }
      const e = m.validate?.(ll);
      if (e !== undefined) return fail(e);
      return ok(ll, ll !== ctx.current ? 1 : 2);
    },
    format(v) {
      const n = v as bigint;
      if (m.percent && n < 0n) return `${-n}%`;
      if (m.octal) return n.toString(8);
      return n.toString();
    },
  };
}

const int = (min: bigint, max: bigint, m: Meta, ctype: CType = 'int'): NumMeta => ({ ...m, ctype, min, max });
const mem = (min: bigint, max: bigint, m: Meta, ctype: CType): NumMeta => ({ ...m, ctype, min, max, memory: true });

// --- special ----------------------------------------------------------------------------------

function specialSpec(
  name: string,
  multiArg: boolean,
  m: Meta,
  impl: { init: (env: Env) => unknown; set: (args: string[], ctx: SetCtx) => SetResult; format: (v: unknown) => string },
): SpecImpl {
  return { ...baseSpec(name, 'special', m, multiArg), ...impl };
}

/** One `save <seconds> <changes>` point. */
export interface SaveParam {
  seconds: number;
  changes: number;
}

interface SaveParamBig {
  seconds: bigint;
  changes: number;
}

export type ClientClass = 'normal' | 'replica' | 'pubsub';

export interface ClientBufferLimit {
  hardLimitBytes: number;
  softLimitBytes: number;
  softLimitSeconds: number;
}

interface ClientBufferLimitBig {
  hard: bigint;
  soft: bigint;
  seconds: number;
}

type ObufLimits = Readonly<Record<ClientClass, ClientBufferLimitBig>>;

const OBUF_CLASSES: readonly ClientClass[] = ['normal', 'replica', 'pubsub'];

function obufClass(name: string): ClientClass | 'master' | null {
  switch (asciiLower(name)) {
    case 'normal': return 'normal';
    case 'slave':
    case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return null;
  }
}

export interface ReplicaOf {
  host: string;
  port: number;
}

// notify-keyspace-events flags (src/server.h).
export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
  NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE; // A

/** keyspaceEventsStringToFlags(): -1 on an unknown class character. */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    switch (c) {
      case 'A': flags |= NOTIFY_ALL; break;
      case 'g': flags |= NOTIFY_GENERIC; break;
      case '$': flags |= NOTIFY_STRING; break;
      case 'l': flags |= NOTIFY_LIST; break;
      case 's': flags |= NOTIFY_SET; break;
      case 'h': flags |= NOTIFY_HASH; break;
      case 'z': flags |= NOTIFY_ZSET; break;
      case 'x': flags |= NOTIFY_EXPIRED; break;
      case 'e': flags |= NOTIFY_EVICTED; break;
      case 'K': flags |= NOTIFY_KEYSPACE; break;
      case 'E': flags |= NOTIFY_KEYEVENT; break;
      case 't': flags |= NOTIFY_STREAM; break;
      case 'm': flags |= NOTIFY_KEY_MISS; break;
      case 'd': flags |= NOTIFY_MODULE; break;
      case 'n': flags |= NOTIFY_NEW; break;
      default: return -1;
    }
  }
  return flags;
}

/** keyspaceEventsFlagsToString(): the normalised form CONFIG GET shows. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let res = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    res += 'A';
  } else {
    if (flags & NOTIFY_GENERIC) res += 'g';
    if (flags & NOTIFY_STRING) res += '$';
    if (flags & NOTIFY_LIST) res += 'l';
    if (flags & NOTIFY_SET) res += 's';
    if (flags & NOTIFY_HASH) res += 'h';
    if (flags & NOTIFY_ZSET) res += 'z';
    if (flags & NOTIFY_EXPIRED) res += 'x';
    if (flags & NOTIFY_EVICTED) res += 'e';
    if (flags & NOTIFY_STREAM) res += 't';
    if (flags & NOTIFY_MODULE) res += 'd';
    if (flags & NOTIFY_NEW) res += 'n';
  }
  if (flags & NOTIFY_KEYSPACE) res += 'K';
  if (flags & NOTIFY_KEYEVENT) res += 'E';
  if (flags & NOTIFY_KEY_MISS) res += 'm';
  return res;
}

/** printf("%f") then trimDoubleString(): "99.900000" -> "99.9", "50.000000" -> "50". */
function formatPercentile(d: number): string {
  let s = d.toFixed(6);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  return s;
}

/** Redis string2d(): strtod over the whole string, no leading space, no NaN, no overflow. */
function string2d(s: string): number | null {
  if (s.length === 0 || isCSpace(s[0])) return null;
  let d: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    d = Number(s);
  } else if (/^[+-]?(inf|infinity)$/i.test(s)) {
    d = s.startsWith('-') ? -Infinity : Infinity;
    return d;
  } else {
    return null;
  }
  if (!Number.isFinite(d)) return null;
  return d;
}

/** sdstemplate()-based validation of proc-title-template. */
function isValidProcTitleTemplate(t: string): boolean {
  const vars: Record<string, string> = {
    title: '',
    'listen-addr': '*:6379',
    'server-mode': '',
    port: '6379',
    'tls-port': '0',
    unixsocket: '',
    'config-file': '',
  };
  let res = '';
  let p = 0;
  while (p < t.length) {
    const sv = t.indexOf('{', p);
    if (sv < 0) {
      res += t.slice(p);
      break;
    }
    res += t.slice(p, sv);
    const nameStart = sv + 1;
    if (nameStart >= t.length) return false;
    if (t[nameStart] === '{') {
      res += '{';
      p = nameStart + 1;
      continue;
    }
    const ev = t.indexOf('}', nameStart);
    if (ev < 0) return false;
    const varName = t.slice(nameStart, ev);
    if (!Object.hasOwn(vars, varName)) return false;
    res += vars[varName];
    p = ev + 1;
  }
  return res.replace(/^ +| +$/g, '').length > 0;
}

function pathIsBaseName(p: string): boolean {
  return !p.includes('/') && !p.includes('\\');
}

function defaultCpuCount(): number {
  const f = (os as { availableParallelism?: () => number }).availableParallelism;
  return typeof f === 'function' ? f() : os.cpus().length;
}

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------

const PROTECTED_ACTION: EnumTable = [['no', 0], ['yes', 1], ['local', 2]];
const CONFIG_MIN_HZ = 1n;
const CONFIG_MAX_HZ = 500n;

function clampHz(cfg: Config): string | undefined {
  const hz = cfg.getBigInt('hz');
  if (hz < CONFIG_MIN_HZ) cfg._setRaw('hz', CONFIG_MIN_HZ);
  if (hz > CONFIG_MAX_HZ) cfg._setRaw('hz', CONFIG_MAX_HZ);
  return undefined;
}

const S = {
  net: 'network',
  gen: 'general',
  snap: 'snapshotting',
  repl: 'replication',
  sec: 'security',
  cli: 'clients',
  mem: 'memory',
  lazy: 'lazyfree',
  thr: 'threads',
  shards: 'shards',
  ker: 'kernel',
  aof: 'aof',
  lua: 'scripting',
  clu: 'cluster',
  slow: 'slowlog',
  lat: 'latency',
  ntf: 'notifications',
  adv: 'advanced',
  defrag: 'defrag',
} as const;

function buildRegistry(): SpecImpl[] {
  const r: SpecImpl[] = [];
  const add = (s: SpecImpl): void => {
    r.push(s);
  };

  // ----- NETWORK -----
  add(specialSpec('bind', true, {
    section: S.net,
    apply(cfg) {
      for (const a of cfg.getBind()) if (a === '' || a === '-') return 'Failed to bind to specified addresses.';
      return undefined;
    },
    doc: 'Interfaces to listen on (up to 16 addresses). "*" means all IPv4 addresses, "::*" all IPv6 ones; a leading "-" marks an address whose bind failure is not fatal. bind "" listens on no TCP address.',
  }, {
    init: () => ['*', '-::*'],
    set(args) {
      if (args.length > 16) return fail('Too many bind addresses specified.');
      const list = args.length === 1 && args[0] === '' ? [] : [...args];
      return ok(list, 1);
    },
    format: (v) => (v as string[]).join(' '),
  }));
  add(stringSpec('bind-source-addr', '', { section: S.net, noop: true, example: '10.0.0.1', doc: 'Source address for outgoing connections (replication). Accepted for compatibility.' }));
  add(boolSpec('protected-mode', true, { section: S.net, doc: 'When enabled and no password/bind is configured, only loopback clients are accepted.' }));
  add(numericSpec('port', 6379n, int(0n, 65535n, { section: S.net, doc: 'TCP port to listen on; 0 disables TCP.' })));
  add(numericSpec('tcp-backlog', 511n, int(0n, INT_MAX, { section: S.net, immutable: true, doc: 'listen() backlog.' })));
  add(stringSpec('unixsocket', '', { section: S.net, immutable: true, example: '/run/ferrous.sock', doc: 'Path of a Unix domain socket to listen on (empty: none).' }));
  add(numericSpec('unixsocketperm', 0n, { ...int(0n, 0o777n, { section: S.net, immutable: true, example: '700', doc: 'Octal permissions of the Unix socket (0: leave the umask default).' }, 'uint'), octal: true }));
  add(numericSpec('timeout', 0n, int(0n, INT_MAX, { section: S.net, doc: 'Close a client after it is idle for N seconds (0 disables).' })));
  add(numericSpec('tcp-keepalive', 300n, int(0n, INT_MAX, { section: S.net, doc: 'TCP keepalive period in seconds (0 disables).' })));
  add(numericSpec('socket-mark-id', 0n, int(0n, UINT_MAX, { section: S.net, immutable: true, noop: true, doc: 'SO_MARK / SO_USER_COOKIE for listening sockets. Accepted for compatibility.' }, 'uint')));

  // ----- GENERAL -----
  add(boolSpec('daemonize', false, {
    section: S.gen, immutable: true,
    doc: 'Ferrous always runs in the foreground: only "no" is supported (use a process supervisor).',
    validate: (v) => (v ? 'Ferrous does not support daemonize yes, run it in the foreground (e.g. under a process supervisor)' : undefined),
  }));
  add(enumSpec('supervised', [['upstart', 1], ['systemd', 2], ['auto', 3], ['no', 0]], 0, { section: S.gen, immutable: true, noop: true, doc: 'Supervision interaction (upstart/systemd/auto/no). Accepted for compatibility.' }));
  add(stringSpec('pidfile', '', { section: S.gen, immutable: true, example: '/var/run/ferrous.pid', doc: 'Write the process id to this file at startup (empty: no pid file).' }));
  add(enumSpec('loglevel', [['debug', 0], ['verbose', 1], ['notice', 2], ['warning', 3]], 2, { section: S.gen, doc: 'Log verbosity: debug, verbose, notice or warning.' }));
  add(stringSpec('logfile', '', { section: S.gen, immutable: true, example: '/var/log/ferrous.log', doc: 'Log file name; empty logs to standard output.' }));
  add(boolSpec('syslog-enabled', false, { section: S.gen, immutable: true, noop: true, doc: 'Log to syslog. Accepted for compatibility.' }));
  add(stringSpec('syslog-ident', 'redis', { section: S.gen, immutable: true, noop: true, doc: 'Syslog identity. Accepted for compatibility.' }));
  add(enumSpec('syslog-facility', [['user', 8], ['local0', 128], ['local1', 136], ['local2', 144], ['local3', 152], ['local4', 160], ['local5', 168], ['local6', 176], ['local7', 184]], 128, { section: S.gen, immutable: true, noop: true, doc: 'Syslog facility. Accepted for compatibility.' }));
  add(boolSpec('crash-log-enabled', true, { section: S.gen, noop: true, doc: 'Log a stack trace on crash. Accepted for compatibility.' }));
  add(boolSpec('crash-memcheck-enabled', true, { section: S.gen, noop: true, doc: 'Run a memory test on crash. Accepted for compatibility.' }));
  add(numericSpec('databases', 16n, int(1n, INT_MAX, { section: S.gen, immutable: true, doc: 'Number of logical databases (SELECT 0..N-1).' })));
  add(boolSpec('always-show-logo', false, { section: S.gen, immutable: true, noop: true, doc: 'Show the ASCII logo even when not logging to a tty. Accepted for compatibility.' }));
  add(boolSpec('set-proc-title', true, { section: S.gen, immutable: true, noop: true, doc: 'Update the process title. Accepted for compatibility.' }));
  add(stringSpec('proc-title-template', '{title} {listen-addr} {server-mode}', {
    section: S.gen, noop: true, doc: 'Process title template. Accepted for compatibility.',
    validate: (v) => (isValidProcTitleTemplate(v) ? undefined : 'template format is invalid or contains unknown variables'),
  }));
  add(enumSpec('enable-protected-configs', PROTECTED_ACTION, 0, { section: S.gen, immutable: true, doc: 'Allow CONFIG SET of protected configs (dir, dbfilename): no, yes or local (loopback/unix socket clients only).' }));
  add(enumSpec('enable-debug-command', PROTECTED_ACTION, 0, { section: S.gen, immutable: true, doc: 'Allow the DEBUG command: no, yes or local.' }));
  add(enumSpec('enable-module-command', PROTECTED_ACTION, 0, { section: S.gen, immutable: true, noop: true, doc: 'Allow the MODULE command (Ferrous has no modules).' }));
  add(stringSpec('ignore-warnings', '', { section: S.gen, noop: true, example: 'ARM64-COW-BUG', doc: 'Startup warnings to suppress. Accepted for compatibility.' }));
  const SHUTDOWN: EnumTable = [['default', 0], ['save', 1], ['nosave', 2], ['now', 4], ['force', 8]];
  const validShutdown = (v: number): string | undefined => ((v & 1) && (v & 2) ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : undefined);
  add(enumSpec('shutdown-on-sigint', SHUTDOWN, 0, { section: S.gen, bitflags: true, validate: validShutdown, doc: 'Shutdown flags used on SIGINT: default, or a combination of save|nosave, now, force.' }));
  add(enumSpec('shutdown-on-sigterm', SHUTDOWN, 0, { section: S.gen, bitflags: true, validate: validShutdown, doc: 'Shutdown flags used on SIGTERM: default, or a combination of save|nosave, now, force.' }));
  add(numericSpec('shutdown-timeout', 10n, int(0n, INT_MAX, { section: S.gen, doc: 'Seconds to wait for replicas to catch up before shutting down.' })));

  // ----- SNAPSHOTTING -----
  add(specialSpec('save', true, {
    section: S.snap,
    doc: 'Snapshot points: "save <seconds> <changes> [<seconds> <changes> ...]". Several save lines add up; save "" disables RDB snapshots.',
  }, {
    init: (): SaveParamBig[] => [
      { seconds: 3600n, changes: 1 },
      { seconds: 300n, changes: 100 },
      { seconds: 60n, changes: 10000 },
    ],
    set(args, ctx) {
      let current = ctx.current as SaveParamBig[];
      let argv = args;
      if (argv.length === 1 && argv[0] === '') {
        current = [];
        argv = [];
      }
      if (argv.length & 1) return fail('Invalid save parameters');
      const vals: bigint[] = [];
      for (let j = 0; j < argv.length; j++) {
        const v = strtollFull(argv[j]);
        if (v === null || ((j & 1) === 0 && v < 1n) || ((j & 1) === 1 && v < 0n)) return fail('Invalid save parameters');
        vals.push(v);
      }
      if (!ctx.reading) {
        current = [];
      } else if (!ctx.load.saveLoaded) {
        ctx.load.saveLoaded = true;
        current = [];
      }
      const next = [...current];
      for (let j = 0; j < vals.length; j += 2) {
        next.push({ seconds: vals[j], changes: Number(BigInt.asIntN(32, vals[j + 1])) });
      }
      return ok(next, 1);
    },
    format: (v) => (v as SaveParamBig[]).map((p) => `${p.seconds} ${p.changes}`).join(' '),
  }));
  add(boolSpec('stop-writes-on-bgsave-error', true, { section: S.snap, doc: 'Refuse writes when the last background save failed.' }));
  add(boolSpec('rdbcompression', true, { section: S.snap, doc: 'Compress strings with LZF in RDB files.' }));
  add(boolSpec('rdbchecksum', true, { section: S.snap, immutable: true, doc: 'Append a CRC64 checksum to RDB files.' }));
  add(enumSpec('sanitize-dump-payload', [['no', 0], ['yes', 1], ['clients', 2]], 0, { section: S.snap, doc: 'Deep-validate RESTORE / RDB payloads: no, yes or clients.' }));
  add(stringSpec('dbfilename', 'dump.rdb', {
    section: S.snap, protected: true, doc: 'RDB file name (inside dir).',
    validate: (v) => (pathIsBaseName(v) ? undefined : "dbfilename can't be a path, just a filename"),
  }));
  add(boolSpec('rdb-del-sync-files', false, { section: S.snap, doc: 'Delete RDB files used only for replication when persistence is off.' }));
  add(specialSpec('dir', false, {
    section: S.snap, protected: true, denyLoading: true,
    doc: 'Working directory: RDB and AOF files are written here. Defaults to the directory Ferrous was started from.',
    example: './',
  }, {
    init: (env) => env.cwd,
    set(args, ctx) {
      if (args.length !== 1) return fail('wrong number of arguments');
      const target = args[0];
      if (target === '') return fail(ERRNO_TEXT.ENOENT);
      try {
        if (ctx.env.chdir) {
          process.chdir(target);
          return ok(process.cwd(), 1);
        }
        const abs = path.resolve(String(ctx.current), target);
        const st = fs.statSync(abs);
        if (!st.isDirectory()) return fail(ERRNO_TEXT.ENOTDIR);
        fs.accessSync(abs, fs.constants.X_OK);
        return ok(fs.realpathSync(abs), 1);
      } catch (e) {
        return fail(strerror(e));
      }
    },
    format: (v) => String(v),
  }));
  add(boolSpec('rdb-save-incremental-fsync', true, { section: S.snap, doc: 'fsync the RDB file every 4 MB while saving.' }));

  // ----- REPLICATION -----
  add(specialSpec('replicaof', true, {
    alias: 'slaveof', section: S.repl, immutable: true, example: '<masterip> <masterport>',
    doc: 'Make this server a replica of another one ("no one" = master).',
  }, {
    init: () => null,
    set(args) {
      if (args.length !== 2) return fail('wrong number of arguments');
      if (asciiLower(args[0]) === 'no' && asciiLower(args[1]) === 'one') return ok(null, 1);
      const r = cStrtoll(args[1], 10);
      if (r.value < 0n || r.value > 65535n || r.end !== args[1].length) return fail('Invalid master port');
      const v: ReplicaOf = { host: args[0], port: Number(r.value) };
      return ok(v, 1);
    },
    format: (v) => (v === null ? '' : `${(v as ReplicaOf).host} ${(v as ReplicaOf).port}`),
  }));
  add(stringSpec('masterauth', '', { section: S.repl, sensitive: true, example: '<master-password>', doc: 'Password used to authenticate to the master.' }));
  add(stringSpec('masteruser', '', { section: S.repl, sensitive: true, example: '<username>', doc: 'ACL user used to authenticate to the master.' }));
  add(boolSpec('replica-serve-stale-data', true, { alias: 'slave-serve-stale-data', section: S.repl, doc: 'Serve (possibly stale) data while the link with the master is down.' }));
  add(boolSpec('replica-read-only', true, { alias: 'slave-read-only', section: S.repl, doc: 'Refuse writes on replicas.' }));
  add(boolSpec('repl-diskless-sync', true, { section: S.repl, doc: 'Stream the RDB to replicas without touching disk.' }));
  add(numericSpec('repl-diskless-sync-delay', 5n, int(0n, INT_MAX, { section: S.repl, doc: 'Seconds to wait for more replicas before a diskless transfer.' })));
  add(numericSpec('repl-diskless-sync-max-replicas', 0n, int(0n, INT_MAX, { section: S.repl, doc: 'Start the diskless transfer early once this many replicas are waiting (0: no limit).' })));
  add(enumSpec('repl-diskless-load', [['disabled', 0], ['on-empty-db', 1], ['swapdb', 2]], 0, { section: S.repl, denyLoading: true, doc: 'How replicas load the RDB from the socket: disabled, on-empty-db or swapdb.' }));
  add(numericSpec('repl-ping-replica-period', 10n, int(1n, INT_MAX, { alias: 'repl-ping-slave-period', section: S.repl, doc: 'Seconds between PINGs sent to replicas.' })));
  add(numericSpec('repl-timeout', 60n, int(1n, INT_MAX, { section: S.repl, doc: 'Replication timeout in seconds.' })));
  add(boolSpec('repl-disable-tcp-nodelay', false, { section: S.repl, doc: 'Disable TCP_NODELAY on the replication socket.' }));
  add(numericSpec('repl-backlog-size', 1048576n, mem(1n, LLONG_MAX, {
    section: S.repl,
    doc: 'Replication backlog size for partial resynchronisation (CONFIG SET raises values below 16kb to 16kb).',
    apply: (cfg) => {
      // resizeReplicationBacklog(): CONFIG_REPL_BACKLOG_MIN_SIZE (not enforced at startup, as in Redis).
      if (cfg.getBigInt('repl-backlog-size') < 16384n) cfg._setRaw('repl-backlog-size', 16384n);
      return undefined;
    },
  }, 'll')));
  add(numericSpec('repl-backlog-ttl', 3600n, int(0n, LONG_MAX, { section: S.repl, doc: 'Seconds before freeing the backlog after the last replica disconnected (0: never).' }, 'time_t')));
  add(numericSpec('replica-priority', 100n, int(0n, INT_MAX, { alias: 'slave-priority', section: S.repl, doc: 'Sentinel promotion priority (0: never promote).' })));
  add(enumSpec('propagation-error-behavior', [['ignore', 0], ['panic', 1], ['panic-on-replicas', 2]], 0, { section: S.repl, doc: 'What to do when a replicated command fails: ignore, panic or panic-on-replicas.' }));
  add(boolSpec('replica-ignore-disk-write-errors', false, { section: S.repl, doc: 'Keep replicating even when the replica cannot persist.' }));
  add(boolSpec('replica-announced', true, { section: S.repl, doc: 'Whether Sentinel should report this replica.' }));
  add(numericSpec('min-replicas-to-write', 0n, int(0n, INT_MAX, { alias: 'min-slaves-to-write', section: S.repl, doc: 'Refuse writes unless this many replicas are connected with lag <= min-replicas-max-lag (0 disables).' })));
  add(numericSpec('min-replicas-max-lag', 10n, int(0n, INT_MAX, { alias: 'min-slaves-max-lag', section: S.repl, doc: 'Maximum replica lag in seconds for min-replicas-to-write.' })));
  add(stringSpec('replica-announce-ip', '', { alias: 'slave-announce-ip', section: S.repl, example: '5.5.5.5', doc: 'IP address this replica reports to its master.' }));
  add(numericSpec('replica-announce-port', 0n, int(0n, 65535n, { alias: 'slave-announce-port', section: S.repl, doc: 'Port this replica reports to its master (0: the real one).' })));
  add(boolSpec('replica-lazy-flush', false, { alias: 'slave-lazy-flush', section: S.lazy, doc: 'Flush the dataset in the background before a full resync.' }));
  add(boolSpec('replica-ignore-maxmemory', true, { alias: 'slave-ignore-maxmemory', section: S.repl, doc: 'Replicas do not evict keys on their own.' }));
  add(numericSpec('tracking-table-max-keys', 1000000n, int(0n, LONG_MAX, { section: S.cli, doc: 'Maximum number of keys in the client-side caching tracking table (0: no limit).' }, 'size_t')));

  // ----- SECURITY -----
  add(numericSpec('acllog-max-len', 128n, int(0n, LONG_MAX, { section: S.sec, doc: 'Maximum entries in ACL LOG.' }, 'ulong')));
  add(stringSpec('aclfile', '', { section: S.sec, immutable: true, example: '/etc/ferrous/users.acl', doc: 'External ACL file.' }));
  add(stringSpec('requirepass', '', { section: S.sec, sensitive: true, example: 'foobared', doc: 'Password of the default user (empty: no password).' }));
  add(enumSpec('acl-pubsub-default', [['allchannels', 1], ['resetchannels', 0]], 0, { section: S.sec, doc: 'Default Pub/Sub permissions of new ACL users: resetchannels or allchannels.' }));

  // ----- CLIENTS -----
  add(numericSpec('maxclients', 10000n, int(1n, UINT_MAX, { section: S.cli, doc: 'Maximum number of connected clients.' }, 'uint')));
  add(specialSpec('client-output-buffer-limit', true, {
    section: S.cli,
    doc: 'Output buffer limits per client class: "<class> <hard> <soft> <soft-seconds>" with class normal, replica (or slave) or pubsub.',
  }, {
    init: (): ObufLimits => ({
      normal: { hard: 0n, soft: 0n, seconds: 0 },
      replica: { hard: 268435456n, soft: 67108864n, seconds: 60 },
      pubsub: { hard: 33554432n, soft: 8388608n, seconds: 60 },
    }),
    set(args, ctx) {
      if (args.length % 4) return fail('Wrong number of arguments in buffer limit configuration.');
      const next: Record<ClientClass, ClientBufferLimitBig> = { ...(ctx.current as ObufLimits) };
      const staged: Array<[ClientClass, ClientBufferLimitBig]> = [];
      for (let j = 0; j < args.length; j += 4) {
        const cls = obufClass(args[j]);
        if (cls === null || cls === 'master') return fail('Invalid client class specified in buffer limit configuration.');
        const hard = memtoull(args[j + 1]);
        const soft = memtoull(args[j + 2]);
        const secs = strtollFull(args[j + 3]);
        const secs32 = secs === null ? -1 : Number(BigInt.asIntN(32, secs));
        if (hard === null || soft === null || secs === null || secs32 < 0) {
          return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
        }
        staged.push([cls, { hard, soft, seconds: secs32 }]);
      }
      for (const [cls, v] of staged) next[cls] = v;
      return ok(next, 1);
    },
    format(v) {
      const o = v as ObufLimits;
      const label: Record<ClientClass, string> = { normal: 'normal', replica: 'slave', pubsub: 'pubsub' };
      return OBUF_CLASSES.map((c) => `${label[c]} ${o[c].hard} ${o[c].soft} ${o[c].seconds}`).join(' ');
    },
  }));
  add(numericSpec('client-query-buffer-limit', 1073741824n, mem(1048576n, LONG_MAX, { section: S.cli, doc: 'Maximum query buffer size of a single client.' }, 'size_t')));
  add(numericSpec('maxmemory-clients', 0n, { ...mem(-100n, LLONG_MAX, { section: S.cli, noop: true, doc: 'Total memory all clients may use before the biggest ones are evicted: bytes or a percentage of maxmemory (0 disables). Accepted for compatibility: Ferrous does not evict clients.' }, 'ssize_t'), percent: true }));
  add(numericSpec('proto-max-bulk-len', 536870912n, mem(1048576n, LONG_MAX, { section: S.cli, doc: 'Maximum size of a single bulk string in a request.' }, 'll')));

  // ----- MEMORY MANAGEMENT -----
  add(numericSpec('maxmemory', 0n, mem(0n, ULLONG_MAX, { section: S.mem, noop: true, doc: 'Memory limit (0: no limit). Accepted and reported by INFO for compatibility, not enforced yet: Ferrous neither evicts keys nor answers OOM when the dataset grows past it.' }, 'ull')));
  add(enumSpec('maxmemory-policy', [
    ['volatile-lru', 0], ['volatile-lfu', 1], ['volatile-random', 2], ['volatile-ttl', 3],
    ['allkeys-lru', 4], ['allkeys-lfu', 5], ['allkeys-random', 6], ['noeviction', 7],
  ], 7, { section: S.mem, doc: 'Eviction policy: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random or noeviction (nothing is evicted yet, see maxmemory). With an LFU policy keys track their access frequency (OBJECT FREQ) instead of their idle time (OBJECT IDLETIME); RDB files record IDLE under an LRU policy and FREQ under an LFU one.' }));
  add(numericSpec('maxmemory-samples', 5n, int(1n, INT_MAX, { section: S.mem, noop: true, doc: 'Sample size of the approximated LRU/LFU/TTL eviction. Accepted for compatibility (see maxmemory).' })));
  add(numericSpec('maxmemory-eviction-tenacity', 10n, int(0n, 100n, { section: S.mem, noop: true, doc: 'Eviction effort per command (0..100). Accepted for compatibility (see maxmemory).' })));

  // ----- LAZY FREEING -----
  add(boolSpec('lazyfree-lazy-eviction', false, { section: S.lazy, noop: true, doc: 'Free evicted values in the background. Accepted for compatibility (see maxmemory).' }));
  add(boolSpec('lazyfree-lazy-expire', false, { section: S.lazy, doc: 'Free expired values in the background.' }));
  add(boolSpec('lazyfree-lazy-server-del', false, { section: S.lazy, doc: 'Free values deleted implicitly (e.g. RENAME) in the background.' }));
  add(boolSpec('lazyfree-lazy-user-del', false, { section: S.lazy, doc: 'Make DEL behave like UNLINK.' }));
  add(boolSpec('lazyfree-lazy-user-flush', false, { section: S.lazy, doc: 'Make FLUSHALL/FLUSHDB default to ASYNC.' }));

  // ----- THREADED I/O -----
  add(numericSpec('io-threads', 1n, int(1n, 128n, { section: S.thr, immutable: true, noop: true, doc: 'Redis I/O threads. Accepted for compatibility: Ferrous scales with "shards" instead.' })));
  add(boolSpec('io-threads-do-reads', false, { section: S.thr, immutable: true, noop: true, doc: 'Use I/O threads for reads. Accepted for compatibility.' }));

  // ----- FERROUS SHARDS -----
  add(numericSpec('shards', (env) => BigInt(Math.max(1, env.cpuCount - 1)), int(1n, 1024n, {
    section: S.shards, immutable: true, ferrous: true,
    doc: 'Number of shard worker threads holding the keyspace. Defaults to the number of CPU cores minus one (at least 1).',
  })));

  // ----- KERNEL -----
  add(enumSpec('oom-score-adj', [['no', 0], ['yes', 1], ['relative', 1], ['absolute', 2]], 0, { section: S.ker, noop: true, doc: 'Control /proc/self/oom_score_adj. Accepted for compatibility.' }));
  add(specialSpec('oom-score-adj-values', true, { section: S.ker, noop: true, doc: 'oom_score_adj values for master, replica and background child. Accepted for compatibility.' }, {
    init: () => [0, 200, 800],
    set(args, ctx) {
      if (args.length !== 3) return fail('wrong number of arguments');
      const vals: number[] = [];
      for (const a of args) {
        const v = strtollFull(a);
        if (v === null || v < -2000n || v > 2000n) return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
        vals.push(Number(v));
      }
      const cur = ctx.current as number[];
      return ok(vals, vals.some((v, i) => v !== cur[i]) ? 1 : 2);
    },
    format: (v) => (v as number[]).join(' '),
  }));
  add(boolSpec('disable-thp', true, { section: S.ker, immutable: true, noop: true, doc: 'Disable transparent huge pages for the process. Accepted for compatibility.' }));
  for (const n of ['server_cpulist', 'bio_cpulist', 'aof_rewrite_cpulist', 'bgsave_cpulist']) {
    add(stringSpec(n, '', { section: S.ker, immutable: true, noop: true, example: '0-7:2', doc: 'CPU affinity list. Accepted for compatibility.' }));
  }
  add(boolSpec('jemalloc-bg-thread', true, { section: S.ker, noop: true, doc: 'jemalloc background purging. Accepted for compatibility.' }));

  // ----- APPEND ONLY MODE -----
  add(boolSpec('appendonly', false, { section: S.aof, denyLoading: true, doc: 'Enable the append only file.' }));
  add(stringSpec('appendfilename', 'appendonly.aof', {
    section: S.aof, immutable: true, doc: 'Base name of the AOF files.',
    validate: (v) => (v === '' ? "appendfilename can't be empty" : pathIsBaseName(v) ? undefined : "appendfilename can't be a path, just a filename"),
  }));
  add(stringSpec('appenddirname', 'appendonlydir', {
    section: S.aof, immutable: true, doc: 'Directory (inside dir) holding the AOF base, incremental and manifest files.',
    validate: (v) => (v === '' ? "appenddirname can't be empty" : pathIsBaseName(v) ? undefined : "appenddirname can't be a path, just a dirname"),
  }));
  add(enumSpec('appendfsync', [['everysec', 1], ['always', 2], ['no', 0]], 1, { section: S.aof, doc: 'AOF fsync policy: always, everysec or no.' }));
  add(boolSpec('no-appendfsync-on-rewrite', false, { section: S.aof, doc: 'Do not fsync the AOF while a rewrite or save is in progress.' }));
  add(numericSpec('auto-aof-rewrite-percentage', 100n, int(0n, INT_MAX, { section: S.aof, doc: 'Rewrite the AOF when it grew by this percentage since the last rewrite (0 disables).' })));
  add(numericSpec('auto-aof-rewrite-min-size', 67108864n, mem(0n, LLONG_MAX, { section: S.aof, doc: 'Minimum AOF size before automatic rewrites.' }, 'off_t')));
  add(boolSpec('aof-load-truncated', true, { section: S.aof, doc: 'Load a truncated AOF (with a warning) instead of refusing to start.' }));
  add(boolSpec('aof-use-rdb-preamble', true, { section: S.aof, doc: 'Write the AOF base file in RDB format.' }));
  add(boolSpec('aof-timestamp-enabled', false, { section: S.aof, doc: 'Write timestamp annotations into the AOF.' }));
  add(boolSpec('aof-rewrite-incremental-fsync', true, { section: S.aof, doc: 'fsync the rewritten AOF every 4 MB.' }));
  add(boolSpec('aof-disable-auto-gc', false, { section: S.aof, doc: 'Keep history AOF files after a rewrite.' }));

  // ----- SCRIPTING -----
  add(numericSpec('busy-reply-threshold', 5000n, int(0n, LONG_MAX, { alias: 'lua-time-limit', section: S.lua, doc: 'Milliseconds after which a running script makes other clients get -BUSY.' }, 'll')));
  add(numericSpec('lua-memory-limit', 52428800n, mem(0n, LLONG_MAX, { section: S.lua, ferrous: true, doc: 'Memory limit of the Lua interpreter of each shard (0: no limit).' }, 'll')));

  // ----- CLUSTER (accepted, not supported) -----
  add(boolSpec('cluster-enabled', false, {
    section: S.clu, immutable: true, doc: 'Ferrous does not implement cluster mode: only "no" is supported.',
    validate: (v) => (v ? 'Ferrous does not support cluster mode (cluster-enabled yes)' : undefined),
  }));
  add(stringSpec('cluster-config-file', 'nodes.conf', { section: S.clu, immutable: true, noop: true, doc: 'Cluster state file. Accepted for compatibility.' }));
  add(numericSpec('cluster-node-timeout', 15000n, int(0n, LLONG_MAX, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }, 'll')));
  add(numericSpec('cluster-port', 0n, int(0n, 65535n, { section: S.clu, immutable: true, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('cluster-replica-validity-factor', 10n, int(0n, INT_MAX, { alias: 'cluster-slave-validity-factor', section: S.clu, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('cluster-migration-barrier', 1n, int(0n, INT_MAX, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' })));
  add(boolSpec('cluster-allow-replica-migration', true, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(boolSpec('cluster-require-full-coverage', true, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(boolSpec('cluster-replica-no-failover', false, { alias: 'cluster-slave-no-failover', section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(boolSpec('cluster-allow-reads-when-down', false, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(boolSpec('cluster-allow-pubsubshard-when-down', true, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(numericSpec('cluster-link-sendbuf-limit', 0n, mem(0n, ULLONG_MAX, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }, 'ull')));
  add(stringSpec('cluster-announce-hostname', '', {
    section: S.clu, noop: true, example: 'node1.example.com', doc: 'Accepted for compatibility.',
    validate: (v) => {
      if (v.length >= 256) return 'Hostnames must be less than 256 characters';
      if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
      return undefined;
    },
  }));
  add(enumSpec('cluster-preferred-endpoint-type', [['ip', 0], ['hostname', 1], ['unknown-endpoint', 2]], 0, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' }));
  add(stringSpec('cluster-announce-ip', '', { section: S.clu, noop: true, example: '10.1.1.5', doc: 'Accepted for compatibility.' }));
  add(numericSpec('cluster-announce-port', 0n, int(0n, 65535n, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('cluster-announce-tls-port', 0n, int(0n, 65535n, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('cluster-announce-bus-port', 0n, int(0n, 65535n, { section: S.clu, noop: true, doc: 'Accepted for compatibility.' })));

  // ----- SLOW LOG -----
  add(numericSpec('slowlog-log-slower-than', 10000n, int(-1n, LLONG_MAX, { section: S.slow, doc: 'Log commands slower than this many microseconds (0: log everything, -1: disable).' }, 'll')));
  add(numericSpec('slowlog-max-len', 128n, int(0n, LONG_MAX, { section: S.slow, doc: 'Maximum SLOWLOG length.' }, 'ulong')));

  // ----- LATENCY MONITOR / TRACKING -----
  add(numericSpec('latency-monitor-threshold', 0n, int(0n, LLONG_MAX, { section: S.lat, doc: 'Record events slower than this many milliseconds in the latency monitor (0 disables).' }, 'll')));
  add(boolSpec('latency-tracking', true, { section: S.lat, doc: 'Track per-command latency histograms (INFO latencystats).' }));
  add(specialSpec('latency-tracking-info-percentiles', true, { section: S.lat, doc: 'Percentiles reported by INFO latencystats.' }, {
    init: () => [50, 99, 99.9],
    set(args) {
      const list = args.length === 1 && args[0] === '' ? [] : args;
      const vals: number[] = [];
      for (const a of list) {
        const d = string2d(a);
        if (d === null) return fail('Invalid latency-tracking-info-percentiles parameters');
        if (d > 100 || d < 0) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
        vals.push(d);
      }
      return ok(vals, 1);
    },
    format: (v) => (v as number[]).map(formatPercentile).join(' '),
  }));

  // ----- EVENT NOTIFICATION -----
  add(specialSpec('notify-keyspace-events', false, {
    section: S.ntf, example: 'KEA',
    doc: 'Keyspace notification classes: K keyspace, E keyevent, g generic, $ string, l list, s set, h hash, z zset, x expired, e evicted, t stream, m key-miss, d module, n new key, A alias for "g$lshzxetd". Empty disables.',
  }, {
    init: () => 0,
    set(args) {
      if (args.length !== 1) return fail('wrong number of arguments');
      const f = keyspaceEventsStringToFlags(args[0]);
      if (f === -1) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      return ok(f, 1);
    },
    format: (v) => keyspaceEventsFlagsToString(Number(v)),
  }));

  // ----- ADVANCED CONFIG -----
  add(numericSpec('hash-max-listpack-entries', 512n, int(0n, LONG_MAX, { alias: 'hash-max-ziplist-entries', section: S.adv, doc: 'Hashes with up to this many fields use the compact encoding.' }, 'size_t')));
  add(numericSpec('hash-max-listpack-value', 64n, mem(0n, LONG_MAX, { alias: 'hash-max-ziplist-value', section: S.adv, doc: 'Hashes whose fields and values are all at most this long use the compact encoding.' }, 'size_t')));
  add(numericSpec('list-max-listpack-size', -2n, int(INT_MIN, INT_MAX, { alias: 'list-max-ziplist-size', section: S.adv, doc: 'Quicklist node size: positive = entries per node, -1..-5 = 4/8/16/32/64 KB per node.' })));
  add(numericSpec('list-compress-depth', 0n, int(0n, INT_MAX, { section: S.adv, doc: 'Number of quicklist nodes at each end left uncompressed (0: no compression).' })));
  add(numericSpec('set-max-intset-entries', 512n, int(0n, LONG_MAX, { section: S.adv, doc: 'Integer-only sets up to this size use the intset encoding.' }, 'size_t')));
  add(numericSpec('zset-max-listpack-entries', 128n, int(0n, LONG_MAX, { alias: 'zset-max-ziplist-entries', section: S.adv, doc: 'Sorted sets with up to this many members use the compact encoding.' }, 'size_t')));
  add(numericSpec('zset-max-listpack-value', 64n, mem(0n, LONG_MAX, { alias: 'zset-max-ziplist-value', section: S.adv, doc: 'Sorted sets whose members are all at most this long use the compact encoding.' }, 'size_t')));
  add(numericSpec('hll-sparse-max-bytes', 3000n, mem(0n, LONG_MAX, { section: S.adv, doc: 'HyperLogLog sparse representation size limit.' }, 'size_t')));
  add(numericSpec('stream-node-max-bytes', 4096n, mem(0n, LONG_MAX, { section: S.adv, doc: 'Maximum bytes of a stream radix-tree node (0: no limit).' }, 'size_t')));
  add(numericSpec('stream-node-max-entries', 100n, int(0n, LLONG_MAX, { section: S.adv, doc: 'Maximum entries of a stream radix-tree node (0: no limit).' }, 'll')));
  add(boolSpec('activerehashing', true, { section: S.adv, doc: 'Incrementally rehash the main dictionaries in cron.' }));
  add(numericSpec('hz', 10n, int(0n, INT_MAX, { section: S.adv, apply: clampHz, doc: 'Frequency of background tasks (expiry, timeouts...); clamped to 1..500.' })));
  add(boolSpec('dynamic-hz', true, { section: S.adv, doc: 'Scale hz with the number of clients.' }));
  add(numericSpec('lfu-log-factor', 10n, int(0n, INT_MAX, { section: S.adv, doc: 'LFU counter logarithm factor (how slowly OBJECT FREQ grows under an LFU maxmemory-policy).' })));
  add(numericSpec('lfu-decay-time', 1n, int(0n, INT_MAX, { section: S.adv, doc: 'LFU counter decay period in minutes.' })));
  add(numericSpec('active-expire-effort', 1n, int(1n, 10n, { section: S.adv, doc: 'Effort of the active expire cycle (1..10).' })));

  // ----- ACTIVE DEFRAGMENTATION (accepted, not supported) -----
  add(boolSpec('activedefrag', false, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' }));
  add(numericSpec('active-defrag-ignore-bytes', 104857600n, mem(1n, LLONG_MAX, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' }, 'size_t')));
  add(numericSpec('active-defrag-threshold-lower', 10n, int(0n, 1000n, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('active-defrag-threshold-upper', 100n, int(0n, 1000n, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('active-defrag-cycle-min', 1n, int(1n, 99n, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('active-defrag-cycle-max', 25n, int(1n, 99n, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' })));
  add(numericSpec('active-defrag-max-scan-fields', 1000n, int(1n, LONG_MAX, { section: S.defrag, noop: true, doc: 'Accepted for compatibility.' }, 'ulong')));

  return r;
}

const REGISTRY: readonly SpecImpl[] = buildRegistry();

interface Entry {
  /** Lower-case dictionary key: the name or the alias. */
  key: string;
  spec: SpecImpl;
}

const ENTRIES: readonly Entry[] = REGISTRY.flatMap((s) =>
  s.alias ? [{ key: s.name, spec: s }, { key: s.alias, spec: s }] : [{ key: s.name, spec: s }],
);
const BY_KEY: ReadonlyMap<string, Entry> = new Map(ENTRIES.map((e) => [e.key, e]));

function publicSpec(s: SpecImpl): ConfigSpec {
  const { init: _i, set: _s, format: _f, apply: _a, ...rest } = s;
  void _i; void _s; void _f; void _a;
  return rest;
}

/** Every supported parameter, in registry (documentation) order. */
export const CONFIG_SPECS: readonly ConfigSpec[] = REGISTRY.map(publicSpec);

/** Look up a parameter by name or alias (case-insensitive). */
export function findConfigSpec(name: string): ConfigSpec | undefined {
  const e = BY_KEY.get(asciiLower(name));
  return e ? publicSpec(e.spec) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** One configuration line: `name arg...` from a config file or from `--name arg...`. */
export interface Directive {
  /** Directive name, lower-cased (as redis-server does). */
  name: string;
  args: string[];
  /** The line as redis-server echoes it in a fatal config error (`>>> '...'`). */
  raw: string;
  /** 1-based line number within its source (the file, or the command-line options text). */
  line: number;
  source: 'file' | 'argv';
  /** Set when the line could not be split ("Unbalanced quotes in configuration line"). */
  error?: string;
}

function parseLines(linesParse: string[], linesShow: string[], source: 'file' | 'argv'): Directive[] {
  const out: Directive[] = [];
  for (let i = 0; i < linesParse.length; i++) {
    const line = trimConfigLine(linesParse[i]);
    if (line === '' || line[0] === '#') continue;
    const raw = trimConfigLine(linesShow[i] ?? linesParse[i]);
    const argv = splitArgs(line);
    if (argv === null) {
      out.push({ name: '', args: [], raw, line: i + 1, source, error: 'Unbalanced quotes in configuration line' });
      continue;
    }
    if (argv.length === 0) continue;
    out.push({ name: asciiLower(argv[0]), args: argv.slice(1), raw, line: i + 1, source });
  }
  return out;
}

/**
 * Parse redis.conf syntax. Comments and blank lines are skipped; lines with unbalanced quotes are
 * returned with `error` set (Config.fromSources reports them in file order, like Redis).
 */
export function parseConfigFile(text: string): Directive[] {
  const lines = text.split('\n');
  return parseLines(lines, lines, 'file');
}

export interface CommandLine {
  /** First argument when it does not start with "-": the config file path. */
  configFile?: string;
  /** A lone "-" as first or last argument: read the config from stdin (Ferrous: not supported). */
  configFromStdin: boolean;
  /** redis-server's special first arguments (-v/--version, -h/--help, --test-memory, --check-system). */
  special?: 'version' | 'help' | 'test-memory' | 'check-system';
  directives: Directive[];
}

/**
 * Parse redis-server style arguments (without the node / script path): `[configfile] [--name
 * value...]...`. Like Redis, options become config lines appended after the file, so later
 * occurrences override earlier ones (and several `--save` add up). A bare `--save` directly followed
 * by another `--option`, or last, means `--save ""`.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const result: CommandLine = { configFromStdin: false, directives: [] };
  if (argv.length === 0) return result;
  const first = argv[0];
  if (first === '-v' || first === '--version') return { ...result, special: 'version' };
  if (first === '--help' || first === '-h') return { ...result, special: 'help' };
  if (first === '--test-memory') return { ...result, special: 'test-memory' };
  if (first === '--check-system') return { ...result, special: 'check-system' };

  let j = 0;
  if (first[0] !== '-') {
    result.configFile = first;
    j = 1;
  }
  let optJs = '';
  let optC = '';
  let handledLast = true;
  const last = argv.length - 1;
  const isOpt = (s: string): boolean => s[0] === '-' && s[1] === '-';
  for (; j < argv.length; j++) {
    const a = argv[j];
    if (a === '-' && (j === 0 || j === last)) {
      result.configFromStdin = true;
    } else if (handledLast && isOpt(a)) {
      if (optJs.length) {
        optJs += '\n';
        optC += '\n';
      }
      optJs += a.slice(2) + ' ';
      optC += a.slice(2) + ' ';
      const toks = splitArgs(a);
      if (toks !== null && toks.length === 1) {
        handledLast = false;
        const la = asciiLower(a);
        if (j !== last && isOpt(argv[j + 1]) && la === '--save') {
          optJs += '""';
          optC += '""';
          handledLast = true;
        } else if (j === last && la === '--save') {
          optJs += '""';
          optC += '""';
        } else if (j !== last && isOpt(argv[j + 1]) && la === '--sentinel') {
          handledLast = true;
        }
      } else {
        handledLast = true;
      }
    } else {
      optJs += reprArgJs(a) + ' ';
      optC += reprArg(a) + ' ';
      handledLast = true;
    }
  }
  result.directives = parseLines(optJs.split('\n'), optC.split('\n'), 'argv');
  return result;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * A fatal configuration error. `message` is exactly what redis-server writes to stderr before
 * exiting with status 1 (leading and trailing newline included).
 */
export class ConfigError extends Error {
  readonly reason: string;
  /** Absolute line in the combined "file + command line" text, when known. */
  readonly lineNumber?: number;
  readonly lineText?: string;

  constructor(reason: string, lineNumber?: number, lineText?: string) {
    let msg = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_COMPAT_VERSION}) ***\n`;
    if (lineNumber !== undefined) {
      msg += `Reading the configuration file, at line ${lineNumber}\n>>> '${lineText ?? ''}'\n`;
    }
    msg += `${reason}\n`;
    super(msg);
    this.name = 'ConfigError';
    this.reason = reason;
    this.lineNumber = lineNumber;
    this.lineText = lineText;
  }
}

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

export type ConfigSetResult = { ok: true; changed: string[] } | { ok: false; error: string };

export interface ConfigSetContext {
  /** Client connected over loopback or a Unix socket (for enable-protected-configs local). */
  isLocalClient?: boolean;
  /** The server is loading a dataset (DENY_LOADING configs then fail with -LOADING). */
  loading?: boolean;
}

export type ChangeListener = (value: string, name: string, cfg: Config) => void;
/** Runs after CONFIG SET changed the value; return an error string to roll the whole SET back. */
export type ApplyHook = (cfg: Config, name: string) => string | undefined;

const DEPRECATED_DIRECTIVES = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

export class Config {
  private values = new Map<SpecImpl, unknown>();
  private readonly env: Env;
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly applyHooks = new Map<string, ApplyHook[]>();

  constructor(options: ConfigOptions = {}) {
    this.env = {
      cwd: options.cwd ?? process.cwd(),
      cpuCount: options.cpuCount ?? defaultCpuCount(),
      chdir: options.chdir ?? isMainThread,
    };
    for (const s of REGISTRY) this.values.set(s, s.init(this.env));
  }

  /**
   * Build the startup configuration: the config file text (if any) then the command-line
   * directives, applied in order exactly like redis-server's loadServerConfigFromString().
   * Throws ConfigError (message = redis-server's stderr output) on the first bad line.
   */
  static fromSources(fileText: string | undefined, directives: Directive[], options: ConfigOptions = {}): Config {
    const cfg = new Config(options);
    const load = { saveLoaded: false };
    const fileDirectives = fileText === undefined ? [] : parseConfigFile(fileText);
    const fileSegments = (fileText ?? '').split('\n').length;
    for (const d of [...fileDirectives, ...directives]) {
      const lineNo = d.source === 'file' ? d.line : fileSegments + d.line;
      const err = d.error ?? cfg.applyDirective(d, load);
      if (err !== undefined) throw new ConfigError(err, lineNo, d.raw);
    }
    const logfile = cfg.getString('logfile');
    if (logfile !== '' && options.checkLogfile !== false) {
      try {
        fs.closeSync(fs.openSync(path.resolve(cfg.getDir(), logfile), 'a'));
      } catch (e) {
        throw new ConfigError(`Can't open the log file: ${strerror(e)}`);
      }
    }
    clampHz(cfg);
    return cfg;
  }

  /** Apply one startup directive; returns the Redis error reason or undefined. */
  private applyDirective(d: Directive, load: { saveLoaded: boolean }): string | undefined {
    const e = BY_KEY.get(d.name);
    const argc = d.args.length + 1;
    if (e) {
      if (!e.spec.multiArg && argc !== 2) return 'wrong number of arguments';
      const r = e.spec.set(d.args, { current: this.values.get(e.spec), reading: true, load, env: this.env });
      if (!r.ok) return r.error;
      this.values.set(e.spec, r.value);
      return undefined;
    }
    if (DEPRECATED_DIRECTIVES.has(d.name) && argc === 2) return undefined;
    if (d.name === 'include' && argc === 2) return "The 'include' directive is not supported by Ferrous";
    if (d.name === 'rename-command' && argc === 3) return "The 'rename-command' directive is not supported by Ferrous";
    if (d.name === 'user' && argc >= 2) return "The 'user' directive is not supported by Ferrous (use ACL SETUSER)";
    if (d.name === 'loadmodule' && argc >= 2) return 'Ferrous does not support modules (loadmodule)';
    if (d.name === 'sentinel') return 'Ferrous does not support sentinel mode';
    return 'Bad directive or wrong number of arguments';
  }

  // ----- lookups -----

  private entry(name: string): Entry {
    const e = BY_KEY.get(asciiLower(name));
    if (!e) throw new Error(`Unknown config parameter '${name}'`);
    return e;
  }

  private raw(name: string, kind?: ConfigKind | ConfigKind[]): unknown {
    const e = this.entry(name);
    if (kind !== undefined) {
      const kinds = Array.isArray(kind) ? kind : [kind];
      if (!kinds.includes(e.spec.kind)) throw new Error(`Config parameter '${name}' is a ${e.spec.kind}, not ${kinds.join('/')}`);
    }
    return this.values.get(e.spec);
  }

  /** @internal used by built-in apply functions (hz clamping). */
  _setRaw(name: string, value: unknown): void {
    this.values.set(this.entry(name).spec, value);
  }

  /** Whether `name` is a known parameter or alias. */
  has(name: string): boolean {
    return BY_KEY.has(asciiLower(name));
  }

  /** The value as CONFIG GET shows it. */
  get(name: string): string {
    const e = this.entry(name);
    return e.spec.format(this.values.get(e.spec));
  }

  getBool(name: string): boolean {
    return this.raw(name, 'bool') as boolean;
  }

  /** Numeric value as a JS number (maxmemory-clients: a negative value -N means N percent). */
  getInt(name: string): number {
    return Number(this.raw(name, ['int', 'memory']) as bigint);
  }

  /** Exact numeric value (maxmemory and friends can exceed 2^53). */
  getBigInt(name: string): bigint {
    return this.raw(name, ['int', 'memory']) as bigint;
  }

  /** String parameter ("" when unset). */
  getString(name: string): string {
    return this.raw(name, 'string') as string;
  }

  /** Enum value name as CONFIG GET shows it (flag enums: space separated). */
  getEnum(name: string): string {
    this.raw(name, 'enum');
    return this.get(name);
  }

  getSaveParams(): SaveParam[] {
    return (this.raw('save') as SaveParamBig[]).map((p) => ({ seconds: Number(p.seconds), changes: p.changes }));
  }

  getClientOutputBufferLimits(): Record<ClientClass, ClientBufferLimit> {
    const o = this.raw('client-output-buffer-limit') as ObufLimits;
    const conv = (c: ClientBufferLimitBig): ClientBufferLimit => ({
      hardLimitBytes: Number(c.hard),
      softLimitBytes: Number(c.soft),
      softLimitSeconds: c.seconds,
    });
    return { normal: conv(o.normal), replica: conv(o.replica), pubsub: conv(o.pubsub) };
  }

  getBind(): string[] {
    return [...(this.raw('bind') as string[])];
  }

  getReplicaOf(): ReplicaOf | null {
    const v = this.raw('replicaof') as ReplicaOf | null;
    return v === null ? null : { ...v };
  }

  /** NOTIFY_* flags. */
  getNotifyKeyspaceEvents(): number {
    return this.raw('notify-keyspace-events') as number;
  }

  getDir(): string {
    return this.raw('dir') as string;
  }

  getLatencyTrackingPercentiles(): number[] {
    return [...(this.raw('latency-tracking-info-percentiles') as number[])];
  }

  getOomScoreAdjValues(): number[] {
    return [...(this.raw('oom-score-adj-values') as number[])];
  }

  /** enable-protected-configs / enable-debug-command / enable-module-command check (allowProtectedAction). */
  allowProtectedAction(name: 'enable-protected-configs' | 'enable-debug-command' | 'enable-module-command', isLocalClient: boolean): boolean {
    const v = this.raw(name, 'enum') as number;
    return v === 1 || (v === 2 && isLocalClient);
  }

  /** Whether the value of `name` must be redacted (requirepass, masterauth, masteruser). */
  static isSensitive(name: string): boolean {
    return BY_KEY.get(asciiLower(name))?.spec.sensitive ?? false;
  }

  // ----- CONFIG GET -----

  /** CONFIG GET pattern [pattern ...]: [name, value] pairs, no duplicates. */
  configGet(patterns: string[]): Array<[string, string]> {
    const matched = new Set<string>();
    const out: Array<[string, string]> = [];
    for (const p of patterns) {
      if (!/[[*?]/.test(p)) {
        const lk = asciiLower(p);
        if (matched.has(lk)) continue;
        const e = BY_KEY.get(lk);
        if (e) {
          matched.add(lk);
          out.push([p, e.spec.format(this.values.get(e.spec))]);
        }
        continue;
      }
      for (const e of ENTRIES) {
        if (matched.has(e.key)) continue;
        if (globMatchString(p, e.key, true)) {
          matched.add(e.key);
          out.push([e.key, e.spec.format(this.values.get(e.spec))]);
        }
      }
    }
    return out;
  }

  // ----- CONFIG SET -----

  /**
   * CONFIG SET name value [name value ...], atomically (all or nothing). `error` is the full error
   * line without the leading "-" (e.g. "ERR Unknown option or number of arguments for CONFIG SET - 'foo'").
   */
  configSet(pairs: Array<[string, string]>, ctx: ConfigSetContext = {}): ConfigSetResult {
    let invalidArgName: string | undefined;
    let errstr: string | undefined;
    let errArgName: string | undefined;
    let invalid = false;
    let denyLoading = false;
    const entries: Array<Entry | undefined> = [];

    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i][0];
      const e = BY_KEY.get(asciiLower(name));
      if (!e) {
        if (!invalid) {
          invalidArgName = name;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      if (e.spec.immutable || (e.spec.protected && !this.allowProtectedAction('enable-protected-configs', ctx.isLocalClient ?? false))) {
        errstr = e.spec.immutable ? "can't set immutable config" : "can't set protected config";
        errArgName = name;
        invalid = true;
        continue;
      }
      if (ctx.loading && e.spec.denyLoading) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      for (let j = 0; j < i; j++) {
        if (entries[j] === e) {
          errstr = 'duplicate parameter';
          errArgName = name;
          invalid = true;
          break;
        }
      }
      entries[i] = e;
    }

    const errorReply = (): ConfigSetResult => {
      if (denyLoading) return { ok: false, error: 'LOADING Redis is loading the dataset in memory' };
      if (invalidArgName !== undefined) return { ok: false, error: `ERR Unknown option or number of arguments for CONFIG SET - '${invalidArgName}'` };
      if (errstr !== undefined) return { ok: false, error: `ERR CONFIG SET failed (possibly related to argument '${errArgName}') - ${errstr}` };
      return { ok: false, error: `ERR CONFIG SET failed (possibly related to argument '${errArgName}')` };
    };
    if (invalid) return errorReply();

    const backup = new Map(this.values);
    const before = new Map<SpecImpl, string>();
    const applies: Array<{ fn: ApplyHook; entry: Entry }> = [];
    const load = { saveLoaded: false };

    for (let i = 0; i < pairs.length; i++) {
      const e = entries[i] as Entry;
      const value = pairs[i][1];
      const args = e.spec.multiArg ? (value === '' ? [] : value.split(' ')) : [value];
      if (!before.has(e.spec)) before.set(e.spec, e.spec.format(this.values.get(e.spec)));
      const r = e.spec.set(args, { current: this.values.get(e.spec), reading: false, load, env: this.env });
      if (!r.ok) {
        this.values = backup;
        errstr = r.error;
        errArgName = e.key;
        return errorReply();
      }
      this.values.set(e.spec, r.value);
      if (r.res === 1) {
        const fns: ApplyHook[] = [];
        if (e.spec.apply) fns.push(e.spec.apply);
        for (const h of this.applyHooks.get(e.spec.name) ?? []) fns.push(h);
        for (const fn of fns) {
          if (!applies.some((a) => a.fn === fn)) applies.push({ fn, entry: e });
        }
      }
    }

    for (const a of applies) {
      const err = a.fn(this, a.entry.spec.name);
      if (err !== undefined) {
        this.values = backup;
        for (const b of applies) b.fn(this, b.entry.spec.name);
        errstr = err;
        errArgName = a.entry.key;
        return errorReply();
      }
    }

    const changed: string[] = [];
    for (const [spec, old] of before) {
      const now = spec.format(this.values.get(spec));
      if (now !== old) changed.push(spec.name);
    }
    for (const name of changed) {
      const value = this.get(name);
      for (const key of [name, '*']) {
        for (const fn of this.listeners.get(key) ?? []) fn(value, name, this);
      }
    }
    return { ok: true, changed };
  }

  /**
   * Call `fn` after a successful CONFIG SET changed `name` (alias accepted; "*" = any parameter).
   * Returns an unsubscribe function.
   */
  onChange(name: string, fn: ChangeListener): () => void {
    const key = name === '*' ? '*' : this.entry(name).spec.name;
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(fn);
    return () => {
      set?.delete(fn);
    };
  }

  /**
   * Register a Redis-style "apply" function for `name`: it runs during CONFIG SET after the new
   * values are in place (once per call even if shared by several parameters); returning an error
   * string restores every value of that CONFIG SET and fails it with
   * "ERR CONFIG SET failed (possibly related to argument 'name') - <error>".
   * E.g. the network layer can refuse a port it cannot listen on.
   */
  addApplyHook(name: string, fn: ApplyHook): void {
    const spec = this.entry(name).spec;
    const list = this.applyHooks.get(spec.name) ?? [];
    list.push(fn);
    this.applyHooks.set(spec.name, list);
  }
}

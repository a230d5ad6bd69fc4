/**
 * Redis command metadata: serves COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS and COMMAND LIST
 * byte-exactly like Redis 7.0, restricted to the commands Ferrous implements, plus accessors for the
 * per-command metadata (arity, flags, key range, ACL categories, group).
 *
 * The data in ./redis-command-meta.json was captured from Redis 7.0.15 (BSD-3-Clause, Copyright (c)
 * Redis Ltd and contributors) by scripts/gen-command-meta.mjs, which also verified that re-encoding
 * it reproduces Redis' raw replies in RESP2 and RESP3. To regenerate:
 *   redis-server --port 16401 --save '' --appendonly no --daemonize yes
 *   node scripts/gen-command-meta.mjs 16401
 *   redis-cli -p 16401 shutdown nosave
 *
 * Names: command names are matched ASCII-case-insensitively; a subcommand is "parent|sub" (e.g.
 * "config|get"), as in Redis. "Implemented" predicates are called with lowercase names; a subcommand
 * counts as implemented only if both its parent and its own full name are.
 */
import rawMeta from './redis-command-meta.json' with { type: 'json' };
import { encodeResp, type RespProto, type RespValue } from '../protocol/resp-value.js';
import { globMatchString } from './glob.js';

/** Called with a lowercase command name ("get", "config|get"); true if Ferrous implements it. */
export type IsImplemented = (name: string) => boolean;

export interface KeyRange {
  first: number;
  last: number;
  step: number;
}

export type CommandListFilter =
  | { type: 'module'; arg: string }
  | { type: 'aclcat'; arg: string }
  | { type: 'pattern'; arg: string };

interface MetaFile {
  source: string;
  redisVersion: string;
  commands: [string, RespValue, RespValue][];
}

interface CommandEntry {
  /** Full lowercase name, "get" or "config|get". */
  readonly name: string;
  readonly parent: CommandEntry | undefined;
  /** The COMMAND INFO entry as Redis returns it (with all subcommands nested). */
  readonly info: readonly RespValue[];
  /** The COMMAND DOCS map as Redis returns it (with all subcommands nested). */
  readonly docs: readonly RespValue[];
  readonly arity: number;
  readonly flags: readonly string[];
  readonly keyRange: KeyRange;
  readonly aclCategories: readonly string[];
  readonly group: string | undefined;
  /** Subcommands in the order Redis nests them in COMMAND INFO (empty for plain commands). */
  readonly subcommands: CommandEntry[];
  readonly subByName: Map<string, CommandEntry>;
}

const META = rawMeta as unknown as MetaFile;

/** The Redis version the metadata was captured from. */
export const COMMAND_META_REDIS_VERSION: string = META.redisVersion;

// ----------------------------------------------------------------------------- loading

function items(v: RespValue | undefined, tag: '*' | '%' | '~', what: string): readonly RespValue[] {
  if (Array.isArray(v) && v[0] === tag) return (v as readonly RespValue[]).slice(1);
  throw new Error(`command meta: ${what} is not a ${tag} aggregate`);
}

function int(v: RespValue | undefined, what: string): number {
  if (typeof v === 'number') return v;
  throw new Error(`command meta: ${what} is not an integer`);
}

function simpleStrings(v: RespValue | undefined, what: string): string[] {
  return items(v, '~', what).map((x) => {
    if (Array.isArray(x) && x[0] === '+') return (x as readonly ['+', string])[1];
    throw new Error(`command meta: ${what} holds a non simple string`);
  });
}

function mapGet(map: readonly RespValue[], key: string): RespValue | undefined {
  for (let i = 0; i + 1 < map.length; i += 2) if (map[i] === key) return map[i + 1];
  return undefined;
}

function makeEntry(info: RespValue, docs: RespValue, parent: CommandEntry | undefined): CommandEntry {
  const inf = items(info, '*', 'info entry');
  const name = inf[0];
  if (typeof name !== 'string' || inf.length !== 10) throw new Error('command meta: malformed info entry');
  const doc = items(docs, '%', `docs of ${name}`);
  const group = mapGet(doc, 'group');
  const entry: CommandEntry = {
    name,
    parent,
    info: inf,
    docs: doc,
    arity: int(inf[1], `${name} arity`),
    flags: simpleStrings(inf[2], `${name} flags`),
    keyRange: {
      first: int(inf[3], `${name} first key`),
      last: int(inf[4], `${name} last key`),
      step: int(inf[5], `${name} key step`),
    },
    aclCategories: simpleStrings(inf[6], `${name} categories`),
    group: typeof group === 'string' ? group : undefined,
    subcommands: [],
    subByName: new Map(),
  };
  const subs = inf[9];
  if (Array.isArray(subs) && subs[0] === '*') {
    const subDocs = items(mapGet(doc, 'subcommands'), '%', `${name} subcommand docs`);
    for (const s of items(subs, '*', `${name} subcommands`)) {
      const sname = items(s, '*', `${name} subcommand`)[0];
      if (typeof sname !== 'string') throw new Error('command meta: malformed subcommand');
      const sdoc = mapGet(subDocs, sname);
      if (sdoc === undefined) throw new Error(`command meta: no docs for ${sname}`);
      const sub = makeEntry(s, sdoc, entry);
      entry.subcommands.push(sub);
      entry.subByName.set(sname.slice(sname.indexOf('|') + 1), sub);
    }
  }
  return entry;
}

/** Top-level commands in the order Redis' COMMAND returned them. */
const TOP: readonly CommandEntry[] = META.commands.map(([, info, docs]) => makeEntry(info, docs, undefined));
const TOP_BY_NAME = new Map<string, CommandEntry>(TOP.map((e) => [e.name, e]));
/** Every command and subcommand, in COMMAND LIST order (parent, then its subcommands). */
const ALL: readonly CommandEntry[] = TOP.flatMap((e) => [e, ...e.subcommands]);
const ALL_NAMES: readonly string[] = Object.freeze(ALL.map((e) => e.name));

function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

function nameOf(n: string | Uint8Array): string {
  return typeof n === 'string' ? n : Buffer.from(n.buffer, n.byteOffset, n.byteLength).toString('latin1');
}

/** Redis' lookupCommandBySds(): "name" or "parent|sub", exactly one level, case-insensitive. */
function lookup(rawName: string | Uint8Array): CommandEntry | undefined {
  const s = asciiLower(nameOf(rawName));
  if (s.length === 0) return undefined;
  const bar = s.indexOf('|');
  if (bar < 0) return TOP_BY_NAME.get(s);
  if (s.indexOf('|', bar + 1) >= 0) return undefined;
  const base = TOP_BY_NAME.get(s.slice(0, bar));
  if (base === undefined || base.subcommands.length === 0) return undefined;
  return base.subByName.get(s.slice(bar + 1));
}

function implemented(e: CommandEntry, isImplemented: IsImplemented): boolean {
  return isImplemented(e.name) && (e.parent === undefined || isImplemented(e.parent.name));
}

// ----------------------------------------------------------------------------- reply trees

function infoTree(e: CommandEntry, isImplemented: IsImplemented): RespValue {
  if (e.subcommands.length === 0) return ['*', ...e.info];
  const subs: RespValue[] = [];
  for (const s of e.subcommands) if (isImplemented(s.name)) subs.push(['*', ...s.info]);
  return ['*', ...e.info.slice(0, 9), ['*', ...subs]];
}

function docsTree(e: CommandEntry, isImplemented: IsImplemented): RespValue {
  if (e.subcommands.length === 0) return ['%', ...e.docs];
  const out: RespValue[] = [];
  for (let i = 0; i + 1 < e.docs.length; i += 2) {
    const k = e.docs[i] as RespValue;
    const v = e.docs[i + 1] as RespValue;
    if (k !== 'subcommands') {
      out.push(k, v);
      continue;
    }
    const subs = items(v, '%', 'subcommands');
    const kept: RespValue[] = [];
    for (let j = 0; j + 1 < subs.length; j += 2) {
      const sname = subs[j] as RespValue;
      if (typeof sname === 'string' && isImplemented(sname)) kept.push(sname, subs[j + 1] as RespValue);
    }
    out.push(k, ['%', ...kept]);
  }
  return ['%', ...out];
}

// Cache for the big "everything" replies, keyed by which commands are implemented.
const bigCache = new Map<string, Buffer>();

function implementedKey(kind: string, isImplemented: IsImplemented, proto: RespProto): string {
  let key = `${kind}${proto}:`;
  for (const e of ALL) key += implemented(e, isImplemented) ? '1' : '0';
  return key;
}

function cached(kind: string, isImplemented: IsImplemented, proto: RespProto, build: () => Buffer): Buffer {
  const key = implementedKey(kind, isImplemented, proto);
  let b = bigCache.get(key);
  if (b === undefined) {
    b = build();
    if (bigCache.size >= 16) bigCache.clear();
    bigCache.set(key, b);
  }
  return b;
}

// ----------------------------------------------------------------------------- replies

/** `COMMAND` (and `COMMAND INFO` without names): info entries of all implemented commands. */
export function commandReply(isImplemented: IsImplemented, proto: RespProto): Buffer {
  return cached('info', isImplemented, proto, () => {
    const entries: RespValue[] = [];
    for (const e of TOP) if (isImplemented(e.name)) entries.push(infoTree(e, isImplemented));
    return encodeResp(['*', ...entries], proto);
  });
}

/** `COMMAND COUNT`: number of implemented top-level commands (subcommands are not counted). */
export function commandCountReply(isImplemented: IsImplemented, proto: RespProto): Buffer {
  return encodeResp(commandCount(isImplemented), proto);
}

/** The number `COMMAND COUNT` reports. */
export function commandCount(isImplemented: IsImplemented): number {
  let n = 0;
  for (const e of TOP) if (isImplemented(e.name)) n++;
  return n;
}

/**
 * `COMMAND INFO [name ...]`: one entry per name, null (`$-1` / `_`) for unknown or unimplemented
 * names; no names means every command (same bytes as `COMMAND`).
 */
export function commandInfoReply(
  isImplemented: IsImplemented,
  proto: RespProto,
  names: readonly (string | Uint8Array)[] = [],
): Buffer {
  if (names.length === 0) return commandReply(isImplemented, proto);
  const out: RespValue[] = [];
  for (const n of names) {
    const e = lookup(n);
    out.push(e !== undefined && implemented(e, isImplemented) ? infoTree(e, isImplemented) : ['_']);
  }
  return encodeResp(['*', ...out], proto);
}

/**
 * `COMMAND DOCS [name ...]`: a map (flat array in RESP2) of full name → docs; unknown or
 * unimplemented names are skipped; no names means every command.
 */
export function commandDocsReply(
  isImplemented: IsImplemented,
  proto: RespProto,
  names: readonly (string | Uint8Array)[] = [],
): Buffer {
  if (names.length === 0) {
    return cached('docs', isImplemented, proto, () => {
      const out: RespValue[] = [];
      for (const e of TOP) if (isImplemented(e.name)) out.push(e.name, docsTree(e, isImplemented));
      return encodeResp(['%', ...out], proto);
    });
  }
  const out: RespValue[] = [];
  for (const n of names) {
    const e = lookup(n);
    if (e !== undefined && implemented(e, isImplemented)) out.push(e.name, docsTree(e, isImplemented));
  }
  return encodeResp(['%', ...out], proto);
}

/** Names `COMMAND LIST [FILTERBY ...]` returns (full names, parents followed by their subcommands). */
export function commandListNames(isImplemented: IsImplemented, filter?: CommandListFilter): string[] {
  let match: (e: CommandEntry) => boolean = () => true;
  if (filter !== undefined) {
    switch (filter.type) {
      case 'module':
        match = () => false; // Ferrous has no modules
        break;
      case 'aclcat': {
        const cat = `@${asciiLower(filter.arg)}`;
        match = (e) => e.aclCategories.includes(cat);
        break;
      }
      case 'pattern': {
        const pattern = filter.arg;
        match = (e) => globMatchString(pattern, e.name, true);
        break;
      }
    }
  }
  const out: string[] = [];
  for (const e of ALL) if (implemented(e, isImplemented) && match(e)) out.push(e.name);
  return out;
}

/** `COMMAND LIST [FILTERBY MODULE m | ACLCAT c | PATTERN p]` with an already parsed filter. */
export function commandListReply(isImplemented: IsImplemented, proto: RespProto, filter?: CommandListFilter): Buffer {
  return encodeResp(['*', ...commandListNames(isImplemented, filter)], proto);
}

/**
 * Parses the arguments after `COMMAND LIST` like Redis: either none, or exactly
 * `FILTERBY MODULE|ACLCAT|PATTERN <arg>` (case-insensitive). Returns `null` for no filter and
 * `'syntax'` for anything else (Redis replies `-ERR syntax error`).
 */
export function parseCommandListArgs(args: readonly (string | Uint8Array)[]): CommandListFilter | null | 'syntax' {
  if (args.length === 0) return null;
  if (args.length !== 3 || asciiLower(nameOf(args[0] as string | Uint8Array)) !== 'filterby') return 'syntax';
  const type = asciiLower(nameOf(args[1] as string | Uint8Array));
  const arg = nameOf(args[2] as string | Uint8Array);
  if (type === 'module' || type === 'aclcat' || type === 'pattern') return { type, arg };
  return 'syntax';
}

/** `COMMAND LIST ...` from the raw arguments after LIST, including Redis' syntax error reply. */
export function commandListReplyFromArgs(
  isImplemented: IsImplemented,
  proto: RespProto,
  args: readonly (string | Uint8Array)[],
): Buffer {
  const f = parseCommandListArgs(args);
  if (f === 'syntax') return Buffer.from('-ERR syntax error\r\n');
  return commandListReply(isImplemented, proto, f ?? undefined);
}

// ----------------------------------------------------------------------------- accessors
// These describe Redis' command table regardless of what Ferrous implements.

/** True if Redis 7.0 knows the command ("get", "CONFIG|GET", ...). */
export function isKnownCommand(name: string): boolean {
  return lookup(name) !== undefined;
}

/** Arity as in COMMAND INFO (negative = at least |arity| arguments, including the name). */
export function getArity(name: string): number | undefined {
  return lookup(name)?.arity;
}

/** Command flags as in COMMAND INFO, e.g. ["write", "denyoom", "fast"]. */
export function getFlags(name: string): readonly string[] | undefined {
  return lookup(name)?.flags;
}

/** Legacy first/last/step key positions from COMMAND INFO (last may be negative; all 0 = no keys). */
export function getKeyRange(name: string): KeyRange | undefined {
  const e = lookup(name);
  return e === undefined ? undefined : { ...e.keyRange };
}

/** ACL categories as in COMMAND INFO, with the leading "@", e.g. ["@read", "@string", "@fast"]. */
export function getAclCategories(name: string): readonly string[] | undefined {
  return lookup(name)?.aclCategories;
}

/** The docs "group" ("string", "server", ...). */
export function getGroup(name: string): string | undefined {
  return lookup(name)?.group;
}

/** Subcommand full names of a container command ("config" → ["config|help", ...]); [] otherwise. */
export function getSubcommandNames(name: string): string[] {
  return lookup(name)?.subcommands.map((s) => s.name) ?? [];
}

/** Every Redis command name including subcommand full names ("config|get"), in COMMAND LIST order. */
export function listAllNames(): readonly string[] {
  return ALL_NAMES;
}

/** Raw COMMAND INFO entry (all subcommands nested) for tools and tests. */
export function getInfoEntry(name: string): RespValue | undefined {
  const e = lookup(name);
  return e === undefined ? undefined : ['*', ...e.info];
}

/** Raw COMMAND DOCS map (all subcommands nested) for tools and tests. */
export function getDocsEntry(name: string): RespValue | undefined {
  const e = lookup(name);
  return e === undefined ? undefined : ['%', ...e.docs];
}

#!/usr/bin/env node
// Generates src/shared/redis-command-meta.json from a running Redis server. It is
// loaded by src/shared/command-meta.ts (JSON import; tsc copies it into dist/).
//
// The captured metadata (command names, arities, flags, key specs, ACL
// categories, tips, summaries, argument docs, ...) comes from Redis 7.0.15,
// BSD-3-Clause, Copyright (c) Redis Ltd and contributors.
//
// Regenerate with:
//   redis-server --port 16401 --save '' --appendonly no --daemonize yes
//   node scripts/gen-command-meta.mjs 16401
//   redis-cli -p 16401 shutdown nosave
//
// What it does: sends COMMAND and COMMAND DOCS over a raw socket, once in RESP2
// and once in RESP3 (HELLO 3), parses the raw replies into a typed tree that keeps
// every RESP type, stores the RESP3 tree per top-level command (subcommands stay
// nested the way Redis nests them) and verifies that re-encoding the tree gives
// back, byte for byte, what Redis sent: for the whole COMMAND / COMMAND DOCS /
// COMMAND LIST replies and for COMMAND INFO <name> / COMMAND DOCS <name> of every
// command and subcommand, in both protocols. The process exits non-zero (and
// writes nothing) if anything does not round-trip.
//
// Tree encoding (identical to the RespValue type in src/protocol/resp-value.ts):
//   "text"              bulk string            123            integer
//   ["+", "OK"]         simple string          ["-", "ERR x"] simple error
//   ["*", a, b, ...]    array                  ["%", k1, v1, ...] map (flat)
//   ["~", a, b, ...]    set                    [">", a, ...]  push
//   ["_"]               null ($-1 in RESP2)    ["_*"]         null (*-1 in RESP2)
//   [",", 1.5]          double                 ["#", true]    boolean
//   ["(", "123..."]     big number             ["=", "txt", "body"] verbatim string
//   ["!", "msg"]        bulk error
//
// File layout:
//   { source, redisVersion, commands: [[name, infoTree, docsTree], ...] }
// `commands` is in the order Redis' COMMAND returned them (dict order). Subcommand
// entries are nested inside their parent's trees, in the order Redis returned them.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const port = Number(process.argv[2] ?? 6379);
const host = process.argv[3] ?? '127.0.0.1';
const here = path.dirname(fileURLToPath(import.meta.url));
const outJson = path.join(here, '..', 'src', 'shared', 'redis-command-meta.json');

// ---------------------------------------------------------------- RESP parser
class Incomplete extends Error {}

function parse(buf, pos) {
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd < 0) throw new Incomplete();
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, lineEnd);
  let p = lineEnd + 2;
  // Only accept text that survives a utf8 round trip (we store it as JSON text).
  const str = (s) => {
    if (Buffer.compare(Buffer.from(s, 'utf8'), buf.subarray(pos + 1, lineEnd)) !== 0) throw new Error('non-utf8 line');
    return s;
  };
  const aggregate = (tag, n) => {
    const out = [tag];
    for (let i = 0; i < n; i++) {
      const [v, np] = parse(buf, p);
      out.push(v);
      p = np;
    }
    return out;
  };
  const blob = (n) => {
    if (buf.length < p + n + 2) throw new Incomplete();
    const raw = buf.subarray(p, p + n);
    const s = raw.toString('utf8');
    if (Buffer.compare(Buffer.from(s, 'utf8'), raw) !== 0) throw new Error('non-utf8 bulk string');
    p += n + 2;
    return s;
  };
  switch (type) {
    case '+': return [['+', str(line)], p];
    case '-': return [['-', str(line)], p];
    case ':': {
      const n = Number(line);
      if (!Number.isSafeInteger(n) || String(n) !== line) throw new Error(`unsupported integer ${line}`);
      return [n, p];
    }
    case '$': {
      const n = Number(line);
      if (n < 0) return [['_'], p];
      return [blob(n), p];
    }
    case '!': return [['!', blob(Number(line))], p];
    case '=': {
      const s = blob(Number(line));
      return [['=', s.slice(0, 3), s.slice(4)], p];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [['_*'], p];
      return [aggregate('*', n), p];
    }
    case '%': {
      const n = Number(line);
      return [aggregate('%', n * 2), p];
    }
    case '~': return [aggregate('~', Number(line)), p];
    case '>': return [aggregate('>', Number(line)), p];
    case '_': return [['_'], p];
    case ',': {
      const v = line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line);
      return [[',', v], p];
    }
    case '#': return [['#', line === 't'], p];
    case '(': return [['(', line], p];
    default: throw new Error(`unknown RESP type byte ${JSON.stringify(type)}`);
  }
}

// ---------------------------------------------------------------- RESP encoder
// Mirrors encodeResp() in src/protocol/resp-value.ts. (Doubles do not occur in the command
// metadata, so formatDouble here is simplified; the TS encoder implements Redis' %.17g.)
function formatDouble(d) {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  return String(d);
}
function encode(v, proto, out = []) {
  if (typeof v === 'string') {
    out.push(`$${Buffer.byteLength(v)}\r\n${v}\r\n`);
    return out;
  }
  if (typeof v === 'number') {
    out.push(`:${v}\r\n`);
    return out;
  }
  const tag = v[0];
  const items = v.slice(1);
  const agg = (prefix) => {
    out.push(`${prefix}${prefix === '%' ? items.length / 2 : items.length}\r\n`);
    for (const it of items) encode(it, proto, out);
  };
  switch (tag) {
    case '+': out.push(`+${v[1]}\r\n`); break;
    case '-': out.push(`-${v[1]}\r\n`); break;
    case '*': agg('*'); break;
    case '%': agg(proto === 3 ? '%' : '*'); break;
    case '~': agg(proto === 3 ? '~' : '*'); break;
    case '>': agg(proto === 3 ? '>' : '*'); break;
    case '_': out.push(proto === 3 ? '_\r\n' : '$-1\r\n'); break;
    case '_*': out.push(proto === 3 ? '_\r\n' : '*-1\r\n'); break;
    case ',': if (proto === 3) out.push(`,${formatDouble(v[1])}\r\n`); else encode(formatDouble(v[1]), proto, out); break;
    case '#': out.push(proto === 3 ? `#${v[1] ? 't' : 'f'}\r\n` : `:${v[1] ? 1 : 0}\r\n`); break;
    case '(': if (proto === 3) out.push(`(${v[1]}\r\n`); else encode(v[1], proto, out); break;
    case '=': if (proto === 3) { const s = `${v[1]}:${v[2]}`; out.push(`=${Buffer.byteLength(s)}\r\n${s}\r\n`); } else encode(v[2], proto, out); break;
    case '!': if (proto === 3) out.push(`!${Buffer.byteLength(v[1])}\r\n${v[1]}\r\n`); else out.push(`-${v[1].replace(/\r?\n/g, ' ')}\r\n`); break;
    default: throw new Error(`bad tag ${tag}`);
  }
  return out;
}
const enc = (v, proto) => Buffer.from(encode(v, proto).join(''), 'utf8');

// ---------------------------------------------------------------- connection
class Conn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    sock.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.pump();
    });
    sock.on('error', (e) => { for (const w of this.waiters.splice(0)) w.reject(e); });
  }
  static open() {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  pump() {
    while (this.waiters.length) {
      let res;
      try {
        res = parse(this.buf, 0);
      } catch (e) {
        if (e instanceof Incomplete) return;
        this.waiters.shift().reject(e);
        return;
      }
      const [value, end] = res;
      const raw = Buffer.from(this.buf.subarray(0, end));
      this.buf = this.buf.subarray(end);
      this.waiters.shift().resolve({ value, raw });
    }
  }
  // Sends one command; resolves with { value, raw } where raw is the exact reply bytes.
  call(...args) {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
    this.sock.write(parts.join(''));
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }
  close() { this.sock.end(); }
}

// ---------------------------------------------------------------- helpers
const failures = [];
function check(what, got, want) {
  if (Buffer.compare(got, want) !== 0) {
    failures.push(what);
    if (failures.length <= 10) {
      let i = 0;
      while (i < got.length && got[i] === want[i]) i++;
      console.error(`MISMATCH ${what} at byte ${i}:\n  got  ${JSON.stringify(got.toString('latin1', Math.max(0, i - 40), i + 60))}\n  want ${JSON.stringify(want.toString('latin1', Math.max(0, i - 40), i + 60))}`);
    }
  }
}
const deepEqual = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Info entry: ["*", name, arity, flags, first, last, step, cats, tips, keyspecs, subcommands]
const infoName = (e) => e[1];
const infoSubs = (e) => (e[10][0] === '*' ? e[10].slice(1) : []);
// Docs map: ["%", k, v, ...]
function docsField(d, key) {
  for (let i = 1; i < d.length; i += 2) if (d[i] === key) return d[i + 1];
  return undefined;
}

// ---------------------------------------------------------------- main
async function main() {
  const c2 = await Conn.open();
  const c3 = await Conn.open();
  const hello = await c3.call('HELLO', '3');
  const version = docsField(hello.value, 'version');
  if (version === undefined) throw new Error('HELLO 3 failed');

  // Warm up: every lookup performs one incremental rehash step on the dict it
  // touches. Doing lots of them lets in-progress rehashes finish so the dict
  // iteration order is stable across the replies captured below.
  const pre = (await c2.call('COMMAND', 'LIST')).value.slice(1);
  for (let pass = 0; pass < 40; pass++) {
    await Promise.all(pre.map((n) => c2.call('COMMAND', 'INFO', n)));
  }

  const cmd2 = await c2.call('COMMAND');
  const cmd3 = await c3.call('COMMAND');
  const docs2 = await c2.call('COMMAND', 'DOCS');
  const docs3 = await c3.call('COMMAND', 'DOCS');
  const list2 = await c2.call('COMMAND', 'LIST');
  const list3 = await c3.call('COMMAND', 'LIST');
  const count2 = await c2.call('COMMAND', 'COUNT');

  // Whole-reply round trips.
  check('COMMAND resp3 tree -> resp3', enc(cmd3.value, 3), cmd3.raw);
  check('COMMAND resp3 tree -> resp2', enc(cmd3.value, 2), cmd2.raw);
  check('COMMAND DOCS resp3 tree -> resp3', enc(docs3.value, 3), docs3.raw);
  check('COMMAND DOCS resp3 tree -> resp2', enc(docs3.value, 2), docs2.raw);

  const infos = cmd3.value.slice(1);
  const docsByName = new Map();
  const docOrder = [];
  for (let i = 1; i < docs3.value.length; i += 2) {
    docsByName.set(docs3.value[i], docs3.value[i + 1]);
    docOrder.push(docs3.value[i]);
  }
  const order = infos.map(infoName);
  if (!deepEqual(order, docOrder)) console.error('note: COMMAND DOCS order differs from COMMAND order (harmless)');
  if (count2.value !== infos.length) failures.push(`COMMAND COUNT ${count2.value} != ${infos.length}`);

  const commands = [];
  for (const info of infos) {
    const name = infoName(info);
    const docs = docsByName.get(name);
    if (!docs) throw new Error(`no docs for ${name}`);
    commands.push([name, info, docs]);
  }

  // COMMAND LIST: top-level name then (recursively) its subcommands, in info order.
  const listTree = ['*'];
  for (const [name, info] of commands) {
    listTree.push(name);
    for (const s of infoSubs(info)) listTree.push(infoName(s));
  }
  check('COMMAND LIST resp2', enc(listTree, 2), list2.raw);
  check('COMMAND LIST resp3', enc(listTree, 3), list3.raw);

  // Per-name round trips: COMMAND INFO <name> and COMMAND DOCS <name>, both protocols.
  const perName = [];
  for (const [name, info, docs] of commands) {
    perName.push([name, info, docs]);
    const subDocs = docsField(docs, 'subcommands');
    for (const s of infoSubs(info)) {
      const sname = infoName(s);
      const sd = subDocs && docsField(subDocs, sname);
      if (!sd) throw new Error(`no docs for ${sname}`);
      perName.push([sname, s, sd]);
    }
  }
  const jobs = [];
  for (const [name, info, docs] of perName) {
    for (const [conn, proto] of [[c2, 2], [c3, 3]]) {
      jobs.push(conn.call('COMMAND', 'INFO', name).then((r) => check(`COMMAND INFO ${name} resp${proto}`, enc(['*', info], proto), r.raw)));
      jobs.push(conn.call('COMMAND', 'DOCS', name).then((r) => check(`COMMAND DOCS ${name} resp${proto}`, enc(['%', name, docs], proto), r.raw)));
    }
  }
  await Promise.all(jobs);

  // Unknown names: COMMAND INFO gives a null per unknown name, COMMAND DOCS skips it.
  for (const [conn, proto] of [[c2, 2], [c3, 3]]) {
    const r = await conn.call('COMMAND', 'INFO', 'get', 'no-such-command', 'config|nope');
    const want = enc(['*', commands.find((x) => x[0] === 'get')[1], ['_'], ['_']], proto);
    check(`COMMAND INFO unknown resp${proto}`, want, r.raw);
    const d = await conn.call('COMMAND', 'DOCS', 'no-such-command');
    check(`COMMAND DOCS unknown resp${proto}`, enc(['%'], proto), d.raw);
  }

  c2.close();
  c3.close();

  if (failures.length) {
    console.error(`${failures.length} round-trip failures; nothing written`);
    process.exit(1);
  }

  const data = {
    source: `Redis ${version} command metadata (BSD-3-Clause, Copyright (c) Redis Ltd and contributors); generated by scripts/gen-command-meta.mjs`,
    redisVersion: version,
    commands,
  };
  const json = JSON.stringify(data);
  fs.writeFileSync(outJson, json + '\n');
  const subCount = perName.length - commands.length;
  console.log(`ok: ${commands.length} commands + ${subCount} subcommands from Redis ${version}; ` +
    `${jobs.length} per-name replies verified; wrote ${outJson} (${json.length} bytes)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

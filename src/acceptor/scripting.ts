/**
 * EVAL / EVALSHA (and _RO) and SCRIPT: the acceptor's half of scripting.
 *
 * The acceptor keeps the script cache (SHA1 → source and shebang flags), the same for every shard: a
 * shard compiles a script the first time it is asked to run it (the run carries the source then).
 *
 * How a run is made atomic (docs/ARCHITECTURE.md, "Scripts"):
 *  - fast path: the declared keys all live on one shard (or there are none). The script is sent there
 *    as one frame and runs without any lock: nothing else runs on that shard meanwhile. Should it
 *    reach for anything that shard cannot do alone, the shard undoes the run and answers ESCALATE;
 *  - global path: the script takes a ShardLock on every shard (the lock manager's protocol, so it
 *    orders with transactions and cross-shard commands without deadlock) and runs on its home shard;
 *    commands the home shard cannot run come back here as ScriptCall frames and are executed under
 *    the script's lock like a transaction's commands, their replies going back as CallReply frames.
 *    A script that escalated once takes the global path from then on.
 * While a fast run is in flight its client's later commands wait (the gate), so that a run that has
 * to start over still comes before them.
 */
import type { Client } from './client.js';
import type { Invocation, Server } from './server.js';
import type { LockOwner, ReplySink, ScriptCallHandler, ShardHandle } from './shards.js';
import { ShardLock } from './lock-manager.js';
import { commandByName, lookupCommand, type CommandSpec } from '../shared/command-table.js';
import { parseStrictInt, parseStrictInt64 } from '../shared/numbers.js';
import { Args, RecentStrings, RequestFlag } from '../shared/frame.js';
import { Err } from '../protocol/reply-writer.js';
import { sha1hex } from '../scripting/script-engine.js';
import { ESCALATE_REPLY } from '../shard-worker/families/scripting.js';
import { FunctionLibraries } from './functions.js';

/** Script and function flags, in Redis's order (scripts_flags_def; FUNCTION LIST prints them so). */
export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;

export interface CachedScript {
  /** Source as latin1 (one char per byte). */
  body: string;
  /** Shebang flags; null for a script without a shebang (Redis's "EVAL compat mode"). */
  flags: ReadonlySet<string> | null;
}

const ESCALATE = Buffer.from(`-${ESCALATE_REPLY}\r\n`);
const COMPILE_ERROR = Buffer.from('-ERR Error compiling script');
const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

/** Parse a shebang line (luaCreateFunction): the flags, or Redis's error. */
export function parseShebang(body: string): ReadonlySet<string> | null | { error: string } {
  if (!body.startsWith('#!')) return null;
  const nl = body.indexOf('\n');
  if (nl < 0) return { error: 'ERR Invalid script shebang' };
  const parts = body.slice(0, nl).split(' ');
  if (parts[0] !== '#!lua') return { error: `ERR Unexpected engine in script shebang: ${parts[0]}` };
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (part === '') continue; // runs of spaces
    if (!part.startsWith('flags=')) return { error: `ERR Unknown lua shebang option: ${part}` };
    const list = part.slice(6);
    if (list === '') continue;
    for (const f of list.split(',')) {
      if (!(SCRIPT_FLAGS as readonly string[]).includes(f)) return { error: `ERR Unexpected flag in script shebang: ${f}` };
      flags.add(f);
    }
  }
  return flags;
}

/**
 * One script run: its arguments (numkeys, keys, args) copied once out of the client's parser buffer,
 * and the sink its shard answers (so a run needs no closures).
 */
class ScriptRun implements ReplySink {
  /** numkeys, keys and args, back to back, with their offsets. */
  readonly tail: Buffer;
  readonly tailStarts: number[] = [];
  readonly tailEnds: number[] = [];
  readonly keyShards: number[] = [];
  /** Fast run in flight (its client is gated); false for a global run. */
  fast = false;
  /** Writes fail with MISCONF (stop-writes-on-bgsave-error after a failed save). */
  writesDenied = false;
  /** The shard its frame was last sent to (its entry in Scripting.runsOn). */
  shardIndex = 0;
  /** Global runs: the shard it runs on and how to release its lock. */
  home: ShardHandle | null = null;
  release: (() => void) | null = null;
  done: (() => void) | null = null;

  constructor(
    readonly scripting: Scripting,
    readonly inv: Invocation,
    /** Script SHA1, or "@name" for a function (FCALL). */
    readonly sha: string,
    readonly readOnly: boolean,
    readonly numkeys: number,
  ) {
    const { buf, starts, ends } = inv.src;
    let total = 0;
    for (let i = 2; i < inv.argc; i++) total += ends[i] - starts[i];
    this.tail = Buffer.allocUnsafe(total);
    let p = 0;
    for (let i = 2; i < inv.argc; i++) {
      this.tailStarts.push(p);
      p += buf.copy(this.tail, p, starts[i], ends[i]);
      this.tailEnds.push(p);
    }
  }

  deliver(bytes: Uint8Array, start: number, end: number, tag: number): void {
    this.scripting.finished(this, bytes, start, end, tag);
  }
}

export class Scripting {
  readonly cache = new Map<string, CachedScript>();
  readonly libraries: FunctionLibraries;
  /** Runs sent to each shard and not answered yet, in ring order: the head is the one executing. */
  private readonly runsOn: ScriptRun[][];
  /** SHAs each shard has compiled (or has been sent the source of). */
  private readonly compiled: Set<string>[];
  /** Scripts that needed more than their home shard once: they hold every shard from then on. */
  private readonly global = new Set<string>();
  /** Fast runs in flight (their clients are gated). */
  private inFlight = 0;
  /** Global runs started and not finished. */
  private globalRuns = 0;

  constructor(private readonly server: Server) {
    this.compiled = server.shards.shards.map(() => new Set<string>());
    this.runsOn = server.shards.shards.map(() => []);
    this.libraries = new FunctionLibraries(server);
  }

  // ------------------------------------------------------------------------------------ EVAL

  /** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO. */
  run(inv: Invocation): void {
    const { buf, starts, ends } = inv.src;
    const arg = (i: number) => buf.latin1Slice(starts[i], ends[i]);
    const name = inv.spec.name;
    const isFcall = name === 'fcall' || name === 'fcall_ro';
    const fn = isFcall ? this.libraries.functions.get(arg(1)) : undefined;
    if (isFcall && fn === undefined) {
      this.reply(inv, '-ERR Function not found\r\n');
      return;
    }
    // A safe integer without a BigInt; a larger valid int64 is still "greater than the args".
    let numkeys = parseStrictInt(buf, starts[2], ends[2]);
    if (numkeys === null) {
      const big = parseStrictInt64(buf, starts[2], ends[2]);
      if (big === null) {
        this.reply(inv, isFcall ? '-ERR Bad number of keys provided\r\n' : '-ERR value is not an integer or out of range\r\n');
        return;
      }
      numkeys = Number(big);
    }
    if (numkeys > inv.argc - 3) {
      this.reply(inv, "-ERR Number of keys can't be greater than number of args\r\n");
      return;
    }
    if (numkeys < 0) {
      this.reply(inv, "-ERR Number of keys can't be negative\r\n");
      return;
    }
    let sha: string;
    let script: CachedScript | undefined;
    if (fn !== undefined) {
      sha = `@${fn.name}`;
      script = { body: '', flags: fn.flags };
    } else if (name === 'evalsha' || name === 'evalsha_ro') {
      // SHA1s arrive in lower case almost always: look them up as sent first.
      sha = recentShas.get(buf, starts[1], ends[1]);
      script = sha.length === 40 ? this.cache.get(sha) : undefined;
      if (script === undefined && sha.length === 40) {
        sha = sha.toLowerCase();
        script = this.cache.get(sha);
      }
      if (script === undefined) {
        this.reply(inv, `-${NOSCRIPT}\r\n`);
        return;
      }
    } else {
      const body = arg(1);
      sha = sha1hex(buf.subarray(starts[1], ends[1]));
      script = this.cache.get(sha);
      if (script === undefined) {
        const flags = parseShebang(body);
        if (flags !== null && 'error' in flags) {
          this.reply(inv, `-${flags.error}\r\n`);
          return;
        }
        script = { body, flags: flags as ReadonlySet<string> | null };
        this.cache.set(sha, script);
      }
    }
    const ro = name === 'eval_ro' || name === 'evalsha_ro' || name === 'fcall_ro';
    if (script.flags !== null && !script.flags.has('no-writes') && ro) {
      this.reply(inv, '-ERR Can not execute a script with write flag using *_ro command.\r\n');
      return;
    }
    const readOnly = ro || (script.flags?.has('no-writes') ?? false);
    // After a failed BGSAVE (MISCONF): a script declared as writing is refused, an old-style script
    // runs and its writes fail (scriptPrepareForRun / scriptVerifyWriteCommandAllow).
    const writesDenied = !readOnly && this.server.persistence.writesDenied;
    if (writesDenied && script.flags !== null) {
      this.reply(inv, `-${Err.misconf}\r\n`);
      return;
    }
    const run = new ScriptRun(this, { ...inv }, sha, readOnly, numkeys);
    run.writesDenied = writesDenied;
    let single = true;
    for (let i = 0; i < numkeys; i++) {
      const s = this.server.shardOfArg(buf, starts[3 + i], ends[3 + i]);
      run.keyShards.push(s);
      if (s !== run.keyShards[0]) single = false;
    }
    if (inv.owner !== null) this.runGlobal(run, inv.owner);
    else if (this.server.shards.count === 1 || (single && !this.global.has(sha))) this.runFast(run);
    else this.runGlobal(run, null);
  }

  /** Cheap test for the dispatch hot path: could a script be running? */
  inFlightAny(): boolean {
    return this.inFlight !== 0 || this.globalRuns !== 0;
  }

  /** Answer a call the acceptor settles itself (NOSCRIPT, bad numkeys…): a call of its own in INFO. */
  private reply(inv: Invocation, text: string): void {
    const b = Buffer.from(text, 'latin1');
    const st = this.server.localStats[inv.spec.index];
    st.calls++;
    if (b[0] === 45) {
      st.failed++;
      this.server.countError(text.slice(1, text.includes(' ') ? text.indexOf(' ') : text.length - 2));
    }
    inv.sink.deliver(b, 0, b.length, inv.tag);
  }

  /** Where send() assembles a frame's arguments (the ring write copies them out at once). */
  private scratch: { buf: Buffer; starts: Int32Array; ends: Int32Array } = {
    buf: Buffer.allocUnsafe(4096),
    starts: new Int32Array(64),
    ends: new Int32Array(64),
  };

  /**
   * Send a run's frame: __script mode ro sha body name numkeys key… arg…, assembled in a reused
   * buffer. The name is empty for EVAL (the shard takes the SHA1 for it).
   */
  private send(shard: ShardHandle, owner: LockOwner | null, run: ScriptRun, mode: 'fast' | 'global'): void {
    const compiled = this.compiled[shard.index];
    const isFunction = run.sha.startsWith('@');
    // The source travels marked with a leading '+', so an empty script is not taken for "no source".
    const body = isFunction || compiled.has(run.sha) ? '' : `+${this.cache.get(run.sha)!.body}`;
    compiled.add(run.sha);
    const name = isFunction ? run.sha.slice(1) : '';
    const ro = run.readOnly ? '1' : run.writesDenied ? '2' : '0';
    const argc = 6 + run.tailStarts.length;
    const size = 8 + mode.length + 1 + run.sha.length + body.length + name.length + run.tail.length;
    let sc = this.scratch;
    if (sc.buf.length < size || sc.starts.length < argc) {
      sc = this.scratch = {
        buf: sc.buf.length < size ? Buffer.allocUnsafe(Math.max(size, sc.buf.length * 2)) : sc.buf,
        starts: sc.starts.length < argc ? new Int32Array(Math.max(argc, sc.starts.length * 2)) : sc.starts,
        ends: sc.ends.length < argc ? new Int32Array(Math.max(argc, sc.ends.length * 2)) : sc.ends,
      };
    }
    const { buf, starts, ends } = sc;
    let pos = 0;
    let k = 0;
    for (const p of ['__script', mode, ro, run.sha, body, name] as const) {
      starts[k] = pos;
      pos += buf.latin1Write(p, pos);
      ends[k++] = pos;
    }
    run.tail.copy(buf, pos);
    for (let i = 0; i < run.tailStarts.length; i++, k++) {
      starts[k] = pos + run.tailStarts[i];
      ends[k] = pos + run.tailEnds[i];
    }
    const c = run.inv.client;
    run.shardIndex = shard.index;
    this.runsOn[shard.index].push(run);
    // The tag (unused by a run's reply) names the command the run is for: the shard files its
    // INFO commandstats under EVAL, EVALSHA, FCALL….
    shard.send(owner, run, scriptCmd(), run.inv.db, c.id, run.inv.spec.index, (c.resp === 3 ? RequestFlag.Resp3 : 0) | c.requestFlags, sc, argc);
    // Published with the rest of this turn's requests (one wake-up per batch, as for any command).
    this.server.shards.schedulePublish();
  }

  private runFast(run: ScriptRun): void {
    const n = this.server.shards.count;
    const home = run.numkeys > 0 ? run.keyShards[0] : run.inv.client.id % n;
    run.inv.client.inputGate++;
    run.fast = true;
    this.inFlight++;
    this.send(this.server.shards.shards[home], null, run, 'fast');
  }

  /** A shard answered a run (ScriptRun.deliver). */
  finished(run: ScriptRun, bytes: Uint8Array, start: number, end: number, _tag: number): void {
    const runs = this.runsOn[run.shardIndex];
    if (runs[0] === run) runs.shift();
    else runs.splice(runs.indexOf(run), 1);
    const reply = bytes.subarray(start, end);
    if (run.fast) {
      run.fast = false;
      this.inFlight--;
      if (startsWith(reply, ESCALATE)) {
        this.global.add(run.sha);
        const client = run.inv.client;
        this.runGlobal(run, null, () => this.ungate(client));
        return;
      }
      this.checkCompiled(run.sha, reply);
      run.inv.sink.deliver(bytes, start, end, run.inv.tag);
      this.ungate(run.inv.client);
      return;
    }
    // A global run.
    run.home!.scriptRun = null;
    this.globalRuns--;
    run.release!();
    this.server.shards.publishAll();
    this.checkCompiled(run.sha, reply);
    run.inv.sink.deliver(bytes, start, end, run.inv.tag);
    run.done?.();
  }

  /** A function was replaced or deleted: its next runs start on the fast path again. */
  forget(sha: string): void {
    this.global.delete(sha);
  }

  /** Open one of the client's gates (see the module comment); its input resumes when none is left. */
  ungate(client: Client): void {
    this.server.ungate(client);
  }

  /** A failed compilation leaves nothing cached (the next EVAL reports the error again). */
  private checkCompiled(sha: string, reply: Uint8Array): void {
    if (!startsWith(reply, COMPILE_ERROR)) return;
    this.cache.delete(sha);
    for (const s of this.compiled) s.delete(sha);
  }

  /** Run holding every shard; `heldBy` is a transaction that already holds them (EXEC). */
  private runGlobal(run: ScriptRun, heldBy: LockOwner | null, done?: () => void): void {
    const shards = this.server.shards;
    const home = shards.shards[run.numkeys > 0 ? run.keyShards[0] : 0];
    this.globalRuns++;
    run.home = home;
    run.done = done ?? null;
    const start = (owner: LockOwner, release: () => void) => {
      run.release = release;
      // Once the script's own frame is in the ring, every later frame for this shard is one of its
      // steps (see ShardHandle.armScriptRun).
      home.armScriptRun(run, new RemoteCalls(this.server, owner, home, run.inv));
      this.send(home, owner, run, 'global');
    };
    if (heldBy !== null) {
      start(heldBy, () => {});
      return;
    }
    const lock = new ShardLock(
      shards,
      shards.shards.map((s) => s.index),
      () => start(lock, () => lock.release()),
    );
    lock.acquire();
  }

  // ------------------------------------------------------------------------------------ SCRIPT

  /** SCRIPT LOAD: compile on a shard (to report compile errors), then cache. */
  load(body: Buffer, deliver: (reply: Buffer) => void): void {
    const text = body.latin1Slice(0);
    const sha = sha1hex(body);
    if (this.cache.has(sha)) {
      deliver(Buffer.from(`$40\r\n${sha}\r\n`));
      return;
    }
    const flags = parseShebang(text);
    if (flags !== null && 'error' in flags) {
      deliver(Buffer.from(`-${flags.error}\r\n`));
      return;
    }
    const sink: ReplySink = {
      deliver: (bytes, start, end) => {
        const reply = Buffer.from(bytes.subarray(start, end));
        if (reply[0] !== 45) {
          this.cache.set(sha, { body: text, flags: flags as ReadonlySet<string> | null });
          this.compiled[0].add(sha);
        }
        deliver(reply);
      },
    };
    this.server.shards.shards[0].sendSimple(null, sink, commandByName('__script_load').index, 0, 0, 0, 0, ['__script_load', sha, body]);
    this.server.shards.publishAll();
  }

  flush(): void {
    this.cache.clear();
    this.global.clear();
    for (const s of this.compiled) s.clear();
    const spec = commandByName('__script_flush');
    for (const s of this.server.shards.shards) s.sendSimple(null, null, spec.index, 0, 0, 0, 0, ['__script_flush']);
    this.server.shards.publishAll();
  }

  /** The script running now, if any: its shard and request (what KILL, BUSY and STATS look at). */
  running(): { shard: ShardHandle; req: ScriptRun | undefined } | null {
    for (const s of this.server.shards.shards) if (s.scriptState.running()) return { shard: s, req: this.runsOn[s.index][0] };
    return null;
  }

  /** A script has run longer than busy-reply-threshold: the BUSY error for other clients, else null. */
  busyError(now: number): string | null {
    // Asked for every command while scripts are in flight: the threshold is read only once a run
    // has gone on for a millisecond or more (the threshold is a whole number of milliseconds).
    for (const s of this.server.shards.shards) {
      const ms = s.scriptState.runningFor(now);
      if (ms < 1) continue;
      const limit = this.server.config.getInt('busy-reply-threshold');
      if (limit > 0 && ms > limit) return this.runsOn[s.index][0]?.sha.startsWith('@') ? BUSY_FUNCTION : BUSY_EVAL;
    }
    return null;
  }

  /** SCRIPT KILL (eval) / FUNCTION KILL: the reply (scriptKill in script.c). */
  kill(evalKill: boolean): string {
    const r = this.running();
    if (r === null) return '-NOTBUSY No scripts in execution right now.\r\n';
    if (r.shard.scriptState.wrote()) {
      return '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n';
    }
    const isFunction = r.req?.sha.startsWith('@') ?? false;
    if (evalKill && isFunction) return `-${BUSY_FUNCTION}\r\n`;
    if (!evalKill && !isFunction) return `-${BUSY_EVAL}\r\n`;
    r.shard.scriptState.kill();
    return '+OK\r\n';
  }

  /** FUNCTION STATS. */
  stats(w: import('../protocol/reply-writer.js').ReplyWriter): void {
    w.map(2);
    w.bulk('running_script');
    const r = this.running();
    if (r === null || r.req === undefined || !r.req.sha.startsWith('@')) w.nullBulk();
    else {
      const { inv } = r.req;
      w.map(3);
      w.bulk('name');
      w.bulk(r.req.sha.slice(1));
      w.bulk('command');
      w.array(inv.argc);
      w.bulk(inv.spec.name);
      w.bulk(r.req.sha.slice(1));
      for (let i = 0; i < r.req.tailStarts.length; i++) w.bulkBytes(r.req.tail, r.req.tailStarts[i], r.req.tailEnds[i]);
      w.bulk('duration_ms');
      w.int(Math.round(r.shard.scriptState.runningFor(Date.now())));
    }
    w.bulk('engines');
    w.map(1);
    w.bulk('LUA');
    w.map(2);
    const { libraries, functions } = this.libraries.counts();
    w.bulk('libraries_count');
    w.int(libraries);
    w.bulk('functions_count');
    w.int(functions);
  }
}

const BUSY_EVAL = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FUNCTION = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

/** EVALSHA's SHA1 argument as a string, the same string for the same bytes. */
const recentShas = new RecentStrings(16);

let scriptCmdIndex = -1;
/** The __script command's index (looked up once the command table is loaded). */
function scriptCmd(): number {
  if (scriptCmdIndex < 0) scriptCmdIndex = commandByName('__script').index;
  return scriptCmdIndex;
}

/**
 * The commands a global run's home shard sends back: each runs under the script's lock, as one of a
 * transaction's commands would, and its reply goes back to the waiting shard.
 */
class RemoteCalls implements ScriptCallHandler {
  private readonly args = new Args();

  constructor(
    private readonly server: Server,
    private readonly owner: LockOwner,
    private readonly home: ShardHandle,
    private readonly caller: Invocation,
  ) {}

  onScriptCall(body: Uint8Array): void {
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const db = v.getUint16(0, true);
    const resp3 = body[2] === 1;
    const argc = v.getUint32(3, true);
    const starts: number[] = [];
    const ends: number[] = [];
    let p = 7;
    for (let i = 0; i < argc; i++) {
      const len = v.getUint32(p, true);
      starts.push(p + 4);
      ends.push(p + 4 + len);
      p += 4 + len;
    }
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const a = this.args;
    a.bytes = buf;
    a.starts = Int32Array.from(starts);
    a.ends = Int32Array.from(ends);
    a.count = argc;
    const spec = resolve(a);
    const sink: ReplySink = {
      deliver: (bytes, start, end) => {
        this.home.sendCallReply(this.owner, bytes.subarray(start, end));
        this.server.shards.publishAll();
      },
    };
    if (spec === null) {
      // The shard validated the command; this cannot happen unless the tables disagree.
      const err = Buffer.from('-ERR Unknown Redis command called from script\r\n');
      sink.deliver(err, 0, err.length, 0);
      return;
    }
    const inv: Invocation = {
      client: this.caller.client,
      spec,
      src: { buf, starts, ends },
      argc,
      db,
      sink,
      tag: 0,
      owner: this.owner,
      proto: resp3 ? 3 : 2,
    };
    this.server.invoke(inv);
    this.server.shards.publishAll();
  }
}

function resolve(a: Args): CommandSpec | null {
  let spec = lookupCommand(a.lower(0));
  if (spec !== undefined && spec.subcommands.size > 0) spec = a.count > 1 ? spec.subcommands.get(a.lower(1)) : undefined;
  return spec ?? null;
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/** SCRIPT HELP's lines (Redis's, without SCRIPT DEBUG: Ferrous has no Lua debugger). */
export const SCRIPT_HELP = [
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/**
 * Replaying an AOF file (RESP commands) through the normal command path (aof.c loadSingleAppendOnlyFile):
 * a fake client's invocations go to the shards like any client's, pipelined with a bounded window;
 * SELECT is tracked here, MULTI … EXEC blocks are held until their EXEC (an unfinished block at the end
 * is treated as a torn tail). A torn last command is cut off when `allowTruncated`; any other damage
 * stops the start with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../acceptor/client.js';
import type { Invocation, Server } from '../acceptor/server.js';
import type { ReplySink } from '../acceptor/shards.js';
import { Route, lookupCommand } from '../shared/command-table.js';

export interface ReplayResult {
  commands: number;
  /** Offset the file was valid up to, when its tail was torn (null: the whole file was valid). */
  truncatedAt: number | null;
}

/** Parse one command at `p`: its arguments and the offset after it, 'short' when the file ends inside it. */
function parseCommand(b: Buffer, p: number): { argv: Buffer[]; next: number } | 'short' | 'bad' {
  const line = (at: number): { n: number; next: number } | 'short' | 'bad' => {
    const e = b.indexOf(13, at);
    if (e < 0 || e + 1 >= b.length) return 'short';
    if (b[e + 1] !== 10) return 'bad';
    const s = b.latin1Slice(at, e);
    if (!/^-?\d+$/.test(s)) return 'bad';
    return { n: Number(s), next: e + 2 };
  };
  if (b[p] !== 42) return 'bad'; // '*'
  const h = line(p + 1);
  if (typeof h === 'string') return h;
  if (h.n < 1) return 'bad';
  let q = h.next;
  const argv: Buffer[] = [];
  for (let i = 0; i < h.n; i++) {
    if (q >= b.length) return 'short';
    if (b[q] !== 36) return 'bad'; // '$'
    const l = line(q + 1);
    if (typeof l === 'string') return l;
    if (l.n < 0) return 'bad';
    if (l.next + l.n + 2 > b.length) return 'short';
    argv.push(b.subarray(l.next, l.next + l.n));
    if (b[l.next + l.n] !== 13 || b[l.next + l.n + 1] !== 10) return 'bad';
    q = l.next + l.n + 2;
  }
  return { argv, next: q };
}

const WINDOW = 512;

/** FUNCTION LOAD [REPLACE] / DELETE / FLUSH from the file, through the library registry. */
async function replayFunction(server: Server, argv: Buffer[], file: string): Promise<void> {
  const sub = argv.length > 1 ? argv[1].latin1Slice(0).toLowerCase() : '';
  const libs = server.scripting.libraries;
  if (sub === 'load') {
    const replace = argv.length > 3 && argv[2].latin1Slice(0).toLowerCase() === 'replace';
    const res = await libs.load(argv[argv.length - 1].latin1Slice(0), replace);
    if ('error' in res) throw new Error(`Error loading a function library from the append only file ${file}: ${res.error}`);
  } else if (sub === 'delete' && argv.length > 2) libs.delete(argv[2].latin1Slice(0));
  else if (sub === 'flush') libs.flush();
}

export async function replayAofFile(server: Server, file: string, allowTruncated: boolean): Promise<ReplayResult> {
  const b = fs.readFileSync(file);
  const name = path.basename(file);
  // A fake client (Redis's AOF fake client): RESP2, id 0; it reads no socket, so its input never
  // resumes (paused), and scripts may gate it (inputGate, see Client).
  const fake = { id: 0, resp: 2, db: 0, paused: true, inputGate: 0, dispatching: false, multi: null, watched: null } as unknown as Client;
  let outstanding = 0;
  let wake: (() => void) | null = null;
  const sink: ReplySink = {
    deliver: () => {
      outstanding--;
      if (wake !== null && outstanding < WINDOW / 2) {
        const w = wake;
        wake = null;
        w();
      }
    },
  };
  const settled = async (): Promise<void> => {
    while (outstanding > 0) await new Promise<void>((r) => ((wake = r), server.shards.schedulePublish()));
  };
  const selectDb = (arg: Buffer, at: number): number => {
    const n = Number(arg.latin1Slice(0));
    if (!Number.isInteger(n) || n < 0 || n >= server.config.getInt('databases')) {
      throw new Error(`Bad SELECT in the append only file ${name} at offset ${at}`);
    }
    return n;
  };
  let db = 0;
  let commands = 0;
  let p = 0;
  let multi: Buffer[][] | null = null;
  let multiStart = 0;
  let validUpTo = 0;
  const dispatch = async (argv: Buffer[]): Promise<void> => {
    const cmdName = argv[0].latin1Slice(0).toLowerCase();
    const spec = lookupCommand(cmdName);
    if (spec === undefined) throw new Error(`Unknown command '${argv[0].latin1Slice(0)}' reading the append only file ${name}`);
    if (spec.route === Route.Local) {
      // Among the commands the acceptor answers itself, the dataset depends on SELECT (handled by
      // the caller) and the function libraries.
      if (cmdName === 'function') await replayFunction(server, argv, name);
      return;
    }
    const starts: number[] = [];
    const ends: number[] = [];
    let off = 0;
    for (const a of argv) {
      starts.push(off);
      off += a.length;
      ends.push(off);
    }
    const inv: Invocation = { client: fake, spec, src: { buf: Buffer.concat(argv), starts, ends }, argc: argv.length, db, sink, tag: 0, owner: null };
    // A script (AOFs of older Redis versions hold EVAL) may restart holding every shard: it runs
    // alone, after everything before it and before everything after it.
    const alone = spec.route === Route.Script;
    if (alone) await settled();
    outstanding++;
    server.invoke(inv);
    server.shards.schedulePublish();
    if (alone) await settled();
    else if (outstanding >= WINDOW) await new Promise<void>((r) => (wake = r));
  };
  while (p < b.length) {
    const r = parseCommand(b, p);
    if (r === 'bad') throw new Error(`Bad file format reading the append only file ${name} at offset ${p}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
    if (r === 'short') break;
    const cmd = r.argv[0].latin1Slice(0).toLowerCase();
    if (cmd === 'multi') {
      multi = [];
      multiStart = p;
    } else if (cmd === 'exec') {
      if (multi === null) throw new Error(`Unexpected EXEC in the append only file ${name}`);
      const block = multi;
      multi = null;
      for (const argv of block) {
        if (argv[0].latin1Slice(0).toLowerCase() === 'select') db = selectDb(argv[1], p);
        else await dispatch(argv);
        commands++;
      }
    } else if (multi !== null) multi.push(r.argv);
    else if (cmd === 'select') db = selectDb(r.argv[1], p);
    else {
      await dispatch(r.argv);
      commands++;
    }
    p = r.next;
    if (multi === null) validUpTo = p;
  }
  while (outstanding > 0) await new Promise<void>((r) => ((wake = r), server.shards.schedulePublish()));
  if (p < b.length || multi !== null) {
    const at = multi !== null ? multiStart : validUpTo;
    if (!allowTruncated) {
      throw new Error(
        `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
    }
    return { commands, truncatedAt: at };
  }
  return { commands, truncatedAt: null };
}

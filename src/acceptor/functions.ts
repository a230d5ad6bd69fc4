/**
 * FUNCTION LOAD / DELETE / FLUSH / LIST / STATS / DUMP / RESTORE: the acceptor's registry of function
 * libraries (the source of truth for listing, dumping and routing FCALL), kept in step with every
 * shard's Lua engine, which holds the compiled functions.
 *
 * A load is validated by shard 0 first (compile, run the registration code); only when it succeeds do
 * the other shards load it, in the same synchronous step as the registry update, so an FCALL issued
 * after the reply finds the function on whichever shard it is sent to (rings are FIFO).
 */
import type { Server } from './server.js';
import type { ReplySink } from './shards.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { commandByName } from '../shared/command-table.js';
import { globMatchString } from '../shared/glob.js';
import { ByteReader, ByteWriter, RDB_VERSION, readString, writeString } from '../rdb/rdb-io.js';
import { crc64, writeCrc64LE } from '../rdb/crc64.js';
import { verifyDumpPayload } from '../rdb/dump-payload.js';
import { SCRIPT_FLAGS } from './scripting.js';

const RDB_OPCODE_FUNCTION2 = 245;
const RDB_OPCODE_FUNCTION_PRE_GA = 246;

export interface FunctionInfo {
  name: string;
  library: string;
  description: string | null;
  flags: ReadonlySet<string>;
}

interface LibraryInfo {
  name: string;
  code: string;
  functions: FunctionInfo[];
}

/** The library name from a code's metadata line (functionExtractLibMetaData), or Redis's error. */
export function libraryMetadata(code: string): { name: string } | { error: string } {
  if (!code.startsWith('#!')) return { error: 'ERR Missing library metadata' };
  const nl = code.indexOf('\n');
  const line = nl < 0 ? code : code.slice(0, nl);
  const parts = line.split(' ');
  const engine = parts[0].slice(2);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part === '') continue; // runs of spaces
    if (part.startsWith('name=')) {
      if (name !== null) return { error: 'ERR Invalid metadata value, name argument was given multiple times' };
      name = part.slice(5);
    } else return { error: `ERR Invalid metadata value given: ${part}` };
  }
  if (name === null) return { error: 'ERR Library name was not given' };
  if (engine.toUpperCase() !== 'LUA') return { error: `ERR Engine '${engine}' not found` };
  if (name === '' || /[^A-Za-z0-9_]/.test(name)) {
    return { error: 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long' };
  }
  return { name };
}

export class FunctionLibraries {
  private readonly libraries = new Map<string, LibraryInfo>();
  readonly functions = new Map<string, FunctionInfo>();

  constructor(private readonly server: Server) {}

  /** FUNCTION LOAD [REPLACE]: resolves to the library name, or an error line (without '-'). */
  load(code: string, replace: boolean): Promise<{ name: string } | { error: string }> {
    const meta = libraryMetadata(code);
    if ('error' in meta) return Promise.resolve(meta);
    if (!replace && this.libraries.has(meta.name)) return Promise.resolve({ error: `ERR Library '${meta.name}' already exists` });
    const shards = this.server.shards;
    const spec = commandByName('__function_load');
    const args = ['__function_load', meta.name, replace ? '1' : '0', Buffer.from(code, 'latin1')];
    return new Promise((resolve) => {
      const sink: ReplySink = {
        deliver: (bytes, start, end) => {
          const reply = Buffer.from(bytes.subarray(start, end));
          if (reply[0] === 45) {
            resolve({ error: reply.latin1Slice(1, reply.length - 2) });
            return;
          }
          // Shard 0 accepted it: every other shard loads it too, in this same step.
          for (const s of shards.shards) if (s.index !== 0) s.sendSimple(null, null, spec.index, 0, 0, 0, 0, args);
          shards.publishAll();
          this.install(meta.name, code, parseLoadReply(reply));
          this.server.persistence.aof.command(replace ? ['FUNCTION', 'LOAD', 'REPLACE', code] : ['FUNCTION', 'LOAD', code]);
          resolve({ name: meta.name });
        },
      };
      shards.shards[0].sendSimple(null, sink, spec.index, 0, 0, 0, 0, args);
      shards.publishAll();
    });
  }

  private install(name: string, code: string, fns: Array<[string, string | null, string]>): void {
    this.uninstall(name);
    const lib: LibraryInfo = { name, code, functions: [] };
    for (const [fname, description, flags] of fns) {
      const info: FunctionInfo = { name: fname, library: name, description, flags: new Set(flags === '' ? [] : flags.split(',')) };
      lib.functions.push(info);
      this.functions.set(fname, info);
    }
    this.libraries.set(name, lib);
  }

  private uninstall(name: string): void {
    const old = this.libraries.get(name);
    if (old === undefined) return;
    for (const f of old.functions) {
      this.functions.delete(f.name);
      this.server.scripting.forget(`@${f.name}`);
    }
    this.libraries.delete(name);
  }

  private broadcast(args: string[]): void {
    const spec = commandByName(args[0]);
    for (const s of this.server.shards.shards) s.sendSimple(null, null, spec.index, 0, 0, 0, 0, args);
    this.server.shards.publishAll();
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    if (!this.libraries.has(name)) return false;
    this.uninstall(name);
    this.broadcast(['__function_delete', name]);
    this.server.persistence.aof.command(['FUNCTION', 'DELETE', name]);
    return true;
  }

  flush(): void {
    for (const name of [...this.libraries.keys()]) this.uninstall(name);
    this.broadcast(['__function_flush']);
    this.server.persistence.aof.command(['FUNCTION', 'FLUSH']);
  }

  /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern] (arguments already validated). */
  list(w: ReplyWriter, withCode: boolean, pattern: string | null): void {
    const libs = [...this.libraries.values()].filter((l) => pattern === null || globMatchString(pattern, l.name));
    w.array(libs.length);
    for (const lib of libs) {
      w.map(withCode ? 4 : 3);
      w.bulk('library_name');
      w.bulk(lib.name);
      w.bulk('engine');
      w.bulk('LUA');
      w.bulk('functions');
      w.array(lib.functions.length);
      for (const f of lib.functions) {
        w.map(3);
        w.bulk('name');
        w.bulk(f.name);
        w.bulk('description');
        if (f.description === null) w.nullBulk();
        else w.bulk(f.description);
        w.bulk('flags');
        const flags = SCRIPT_FLAGS.filter((x) => f.flags.has(x));
        w.set(flags.length);
        for (const x of flags) w.simple(x);
      }
      if (withCode) {
        w.bulk('library_code');
        w.bulk(lib.code);
      }
    }
  }

  counts(): { libraries: number; functions: number } {
    return { libraries: this.libraries.size, functions: this.functions.size };
  }

  /** FUNCTION DUMP: every library as RDB FUNCTION2 entries plus the DUMP footer (version, CRC64). */
  dump(): Buffer {
    const w = new ByteWriter();
    for (const lib of this.libraries.values()) {
      w.byte(RDB_OPCODE_FUNCTION2);
      writeString(w, lib.code, { compress: true });
    }
    w.u16le(RDB_VERSION);
    w.ensure(8);
    writeCrc64LE(crc64(w.buf, 0, w.pos), w.buf, w.pos);
    w.pos += 8;
    return w.take();
  }

  /**
   * FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]: resolves to null on success, or an error line.
   * Unlike Redis, which checks the whole payload before swapping the library set, the libraries are
   * loaded one by one: a library that fails to load (a function-name clash) leaves the ones before it.
   */
  async restore(payload: Buffer, policy: 'flush' | 'append' | 'replace'): Promise<string | null> {
    if (!verifyDumpPayload(payload)) return 'ERR DUMP payload version or checksum are wrong';
    const codes: string[] = [];
    const r = new ByteReader(payload.subarray(0, payload.length - 10));
    try {
      while (r.remaining > 0) {
        const type = r.byte();
        if (type === RDB_OPCODE_FUNCTION_PRE_GA) return 'ERR Pre-GA function format not supported';
        if (type !== RDB_OPCODE_FUNCTION2) return 'ERR given type is not a function';
        codes.push(readString(r));
      }
    } catch {
      return 'ERR payload is corrupted';
    }
    const names: string[] = [];
    for (const code of codes) {
      const meta = libraryMetadata(code);
      if ('error' in meta) return meta.error;
      names.push(meta.name);
    }
    if (policy === 'append') {
      for (const n of names) if (this.libraries.has(n)) return `ERR Library ${n} already exists`;
    }
    if (policy === 'flush') this.flush();
    for (const code of codes) {
      const res = await this.load(code, policy !== 'append');
      if ('error' in res) return res.error;
    }
    return null;
  }
}

/** __function_load's reply: *n of *3 [name, description|nil, flags]. */
function parseLoadReply(b: Buffer): Array<[string, string | null, string]> {
  const out: Array<[string, string | null, string]> = [];
  let p = b.indexOf('\r\n') + 2;
  const n = Number(b.latin1Slice(1, p - 2));
  const bulk = (): string | null => {
    const e = b.indexOf('\r\n', p);
    const len = Number(b.latin1Slice(p + 1, e));
    p = e + 2;
    if (len < 0) return null;
    const s = b.latin1Slice(p, p + len);
    p += len + 2;
    return s;
  };
  for (let i = 0; i < n; i++) {
    p = b.indexOf('\r\n', p) + 2; // *3
    const name = bulk()!;
    const description = bulk();
    const flags = bulk()!;
    out.push([name, description, flags]);
  }
  return out;
}

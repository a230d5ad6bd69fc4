/**
 * The piscina task that turns a snapshot's encoded entries into the RDB file, off the shard threads
 * and the acceptor's: LZF-compress their strings (rdbcompression), keep the CRC64, write, fsync and
 * rename into place like rdbSave (temp file, fsync, rename). Tasks are stateless: the descriptor and
 * the running checksum travel with each one, and the acceptor runs a save's tasks one at a time, in
 * file order (src/acceptor/snapshot-writer.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strerror } from '../shared/config.js';
import { crc64Update, writeCrc64LE, type Crc64 } from './crc64.js';
import { ByteReader, ByteWriter, passString, readLen, writeLen } from './rdb-io.js';
import { passObject } from './value-codec.js';
import { Opcode } from './rdb-file.js';

/** Bytes to write: file structure as it is, or snapshot entries (recompressed when asked). */
export interface SavePart {
  bytes: Uint8Array;
  entries: boolean;
}

export type SaveTask =
  | { op: 'open'; tmpPath: string }
  | {
      op: 'write';
      fd: number;
      crc: Crc64 | null;
      compress: boolean;
      rdbVersion: number;
      /** rdb-save-incremental-fsync: fsync every AUTOSYNC_BYTES (`unsynced` carries the count over). */
      autosync: boolean;
      unsynced: number;
      parts: SavePart[];
    }
  | { op: 'finish'; fd: number; crc: Crc64 | null; tmpPath: string; path: string }
  | { op: 'abort'; fd: number; tmpPath: string };

export interface SaveTaskResult {
  /** open: the temp file's descriptor. */
  fd?: number;
  /** write: the checksum so far (null when rdbchecksum is off) and bytes not yet fsynced. */
  crc?: Crc64 | null;
  unsynced?: number;
  /** Why the save failed, in Redis's words (the acceptor logs it). */
  error?: string;
}

/** rdb-save-incremental-fsync: fsync every this many bytes (REDIS_AUTOSYNC_BYTES). */
const AUTOSYNC_BYTES = 4 * 1024 * 1024;

/** Nice value of this thread: below the shards and the acceptor, which serve clients. */
const SAVE_THREAD_NICE = 10;

/**
 * Where there is no core to spare, compressing and writing a snapshot must not take CPU time from the
 * threads that answer clients (Redis keeps its fork child off them with bgsave_cpulist). Linux takes
 * a thread id for setpriority(); elsewhere this is skipped.
 */
function lowerPriority(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, SAVE_THREAD_NICE);
  } catch {
    // Not Linux, or not allowed: run at the normal priority.
  }
}
lowerPriority();

function inDir(p: string): string {
  return path.dirname(p);
}

/** Snapshot entries with every string longer than 20 bytes LZF-compressed when that pays. */
function recompress(entries: Uint8Array, rdbVersion: number): Buffer {
  const r = new ByteReader(Buffer.from(entries.buffer, entries.byteOffset, entries.byteLength));
  const w = new ByteWriter(entries.byteLength + 1024);
  while (r.remaining > 0) {
    let type = r.byte();
    // The key's opcodes (rdbSaveKeyValuePair's order: EXPIRETIME_MS, IDLE, FREQ) pass as they are.
    for (;;) {
      if (type === Opcode.ExpireTimeMs) {
        w.byte(type);
        w.bytes(r.slice(8));
      } else if (type === Opcode.Idle) {
        w.byte(type);
        writeLen(w, readLen(r));
      } else if (type === Opcode.Freq) {
        w.byte(type);
        w.byte(r.byte());
      } else break;
      type = r.byte();
    }
    w.byte(type);
    passString(r, w, true);
    passObject(r, type, rdbVersion, w, true);
  }
  return w.view();
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let off = 0; off < b.length; ) off += fs.writeSync(fd, b, off, b.length - off);
}

export default function saveTask(task: SaveTask): SaveTaskResult {
  switch (task.op) {
    case 'open':
      try {
        return { fd: fs.openSync(task.tmpPath, 'w', 0o644) };
      } catch (e) {
        return {
          error: `Failed opening the temp RDB file ${path.basename(task.tmpPath)} (in server root dir ${inDir(task.tmpPath)}) for saving: ${strerror(e)}`,
        };
      }
    case 'write': {
      let crc = task.crc;
      let unsynced = task.unsynced;
      try {
        for (const part of task.parts) {
          const out = part.entries && task.compress ? recompress(part.bytes, task.rdbVersion) : part.bytes;
          if (crc !== null) crc = crc64Update(crc, out);
          writeAll(task.fd, out);
          unsynced += out.length;
          if (task.autosync && unsynced >= AUTOSYNC_BYTES) {
            fs.fdatasyncSync(task.fd);
            unsynced = 0;
          }
        }
      } catch (e) {
        return { error: `Write error saving DB on disk: ${strerror(e)}` };
      }
      return { crc, unsynced };
    }
    case 'finish': {
      // EOF and the checksum (zero when rdbchecksum is off), then make it durable and put it in place.
      const tail = Buffer.alloc(9);
      tail[0] = Opcode.Eof;
      if (task.crc !== null) writeCrc64LE(crc64Update(task.crc, tail, 0, 1), tail, 1);
      try {
        writeAll(task.fd, tail);
        fs.fsyncSync(task.fd);
        fs.closeSync(task.fd);
      } catch (e) {
        fs.rmSync(task.tmpPath, { force: true });
        return { error: `Write error saving DB on disk: ${strerror(e)}` };
      }
      try {
        fs.renameSync(task.tmpPath, task.path);
      } catch (e) {
        fs.rmSync(task.tmpPath, { force: true });
        return {
          error: `Error moving temp DB file ${path.basename(task.tmpPath)} on the final destination ${path.basename(task.path)} (in server root dir ${inDir(task.path)}): ${strerror(e)}`,
        };
      }
      try {
        // The rename itself is durable only once the directory is (what Redis 7.2 added).
        const dirFd = fs.openSync(inDir(task.path), 'r');
        fs.fsyncSync(dirFd);
        fs.closeSync(dirFd);
      } catch {
        // Not every filesystem lets a directory be fsynced; the file itself is.
      }
      return {};
    }
    case 'abort':
      try {
        fs.closeSync(task.fd);
      } catch {
        // Already closed by a failed finish.
      }
      fs.rmSync(task.tmpPath, { force: true });
      return {};
  }
}

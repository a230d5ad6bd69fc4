/**
 * Redis 7.0's multi-part AOF manifest (aof.c aofLoadManifestFromFile / getAofManifestAsString):
 *
 *   file appendonly.aof.1.base.rdb seq 1 type b
 *   file appendonly.aof.1.incr.aof seq 1 type i
 *
 * One base (type b, RDB or AOF format), then the incremental files (type i) in replay order; history
 * files (type h) are old ones waiting to be deleted.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: 'b' | 'i' | 'h';
}

export interface Manifest {
  base: AofFileInfo | null;
  incrs: AofFileInfo[];
  history: AofFileInfo[];
}

export function parseManifest(text: string): Manifest {
  const m: Manifest = { base: null, incrs: [], history: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const kv = new Map<string, string>();
    for (let i = 0; i + 1 < parts.length; i += 2) kv.set(parts[i], parts[i + 1]);
    const name = kv.get('file');
    const seq = Number(kv.get('seq'));
    const type = kv.get('type');
    if (name === undefined || !Number.isInteger(seq) || (type !== 'b' && type !== 'i' && type !== 'h')) {
      throw new Error(`Invalid AOF manifest file format: ${line}`);
    }
    const f: AofFileInfo = { name, seq, type };
    if (type === 'b') {
      if (m.base !== null) throw new Error('Found duplicate base file information');
      m.base = f;
    } else if (type === 'i') m.incrs.push(f);
    else m.history.push(f);
  }
  return m;
}

export function formatManifest(m: Manifest): string {
  const line = (f: AofFileInfo): string => `file ${f.name} seq ${f.seq} type ${f.type}\n`;
  return (m.base !== null ? line(m.base) : '') + m.history.map(line).join('') + m.incrs.map(line).join('');
}

/** Replace the manifest atomically: temp file, fsync, rename, fsync the directory. */
export function writeManifestAtomic(dir: string, name: string, m: Manifest): void {
  const tmp = path.join(dir, `temp-${name}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, formatManifest(m));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform lets a directory be fsynced; the rename is still atomic.
  }
}

/**
 * Persistence as a user meets it through ferrous-server: -LOADING while a big file loads, SHUTDOWN
 * SAVE and signals saving before exit, a failed final save keeping the server up, a damaged file
 * stopping the start, and the save points of the configuration.
 */
import t from 'tap';
import { freshDirs } from './helpers.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConn, freePort, withServer } from '../helpers/server.js';
import { RdbFileWriter } from '../../src/rdb/rdb-file.js';
import { defaultShardConfig } from '../../src/shard-worker/context.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');
const freshDir = freshDirs('ferrous-pcli-');

interface Cli {
  proc: ReturnType<typeof spawn>;
  port: number;
  out: () => string;
  exited: Promise<number | null>;
  /** Resolves when the log has a line matching `re`. */
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
}

async function startCli(dir: string, extra: string[] = []): Promise<Cli> {
  const port = await freePort();
  const proc = spawn(process.execPath, [CLI, '--port', String(port), '--shards', '2', '--dir', dir, '--appendonly', 'no', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const waitFor = async (re: RegExp, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!re.test(out)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`no ${String(re)} in: ${out}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { proc, port, out: () => out, exited, waitFor };
}

async function connect(port: number): Promise<RawConn> {
  for (let i = 0; ; i++) {
    try {
      return await RawConn.connect(port);
    } catch (e) {
      if (i > 1000) throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function writeRdb(file: string, n: number): void {
  const w = new RdbFileWriter({ compress: true, checksum: true, config: defaultShardConfig() });
  const fd = fs.openSync(file, 'w');
  w.begin();
  w.selectDb(0, n, 0);
  for (let i = 0; i < n; i++) {
    w.entry(0, `key:${i}`, `value:${i}`);
    if ((i & 4095) === 0) for (const c of w.take()) fs.writeSync(fd, c);
  }
  w.end();
  for (const c of w.take()) fs.writeSync(fd, c);
  fs.closeSync(fd);
}

t.test('while a big file loads, clients get -LOADING and INFO shows the progress', async (t) => {
  const dir = freshDir();
  writeRdb(path.join(dir, 'dump.rdb'), 2_000_000);
  const s = await startCli(dir, ['--save', '']);
  t.teardown(() => s.proc.kill('SIGKILL'));
  await s.waitFor(/Server initialized/);
  const c = await connect(s.port);
  t.equal(await c.call('PING'), '-LOADING Redis is loading the dataset in memory\r\n');
  t.equal(await c.call('GET', 'key:1'), '-LOADING Redis is loading the dataset in memory\r\n');
  const info = await c.call('INFO', 'persistence');
  t.match(info, /\r\nloading:1\r\n/);
  t.match(info, /\r\nloading_total_bytes:\d+\r\n/);
  t.match(info, /\r\nloading_loaded_perc:[\d.]+\r\n/);
  t.match(info, /\r\nloading_eta_seconds:\d+\r\n/);
  t.match(await c.call('CONFIG', 'GET', 'save'), /^\*2\r\n/, 'commands flagged "loading" are served');
  t.equal(await c.call('CONFIG', 'SET', 'appendonly', 'no'), '-LOADING Redis is loading the dataset in memory\r\n');
  await s.waitFor(/Ready to accept connections/);
  t.equal(await c.call('DBSIZE'), ':2000000\r\n');
  t.equal(await c.call('GET', 'key:1999999'), '$13\r\nvalue:1999999\r\n');
  t.match(await c.call('INFO', 'persistence'), /\r\nloading:0\r\n[^]*rdb_last_load_keys_loaded:2000000\r\n/);
  t.match(s.out(), /Loading RDB produced by version 7\.0\.15/);
  t.match(s.out(), /Done loading RDB, keys loaded: 2000000, keys expired: 0\./);
  t.match(s.out(), /DB loaded from disk: [\d.]+ seconds/);
  c.send('SHUTDOWN', 'NOSAVE');
  t.equal(await s.exited, 0);
  t.equal(fs.statSync(path.join(dir, 'dump.rdb')).size > 2_000_000, true, 'NOSAVE left the file alone');
});

t.test('SHUTDOWN SAVE writes the file and the next start loads it', async (t) => {
  const dir = freshDir();
  const s = await startCli(dir, ['--save', '']);
  await s.waitFor(/Ready to accept connections/);
  const c = await connect(s.port);
  await c.call('SET', 'k', 'v');
  await c.call('RPUSH', 'l', 'a', 'b');
  c.send('SHUTDOWN', 'SAVE');
  t.equal(await s.exited, 0);
  t.match(s.out(), /Saving the final RDB snapshot before exiting\.[^]*DB saved on disk/);
  const s2 = await startCli(dir, ['--save', '']);
  await s2.waitFor(/Ready to accept connections/);
  const d = await connect(s2.port);
  t.equal(await d.call('GET', 'k'), '$1\r\nv\r\n');
  t.equal(await d.call('LRANGE', 'l', '0', '-1'), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
  // Plain SHUTDOWN without save points, and SHUTDOWN NOSAVE, do not save.
  await d.call('SET', 'k', 'changed');
  d.send('SHUTDOWN');
  t.equal(await s2.exited, 0);
  const s3 = await startCli(dir, ['--save', '3600', '1']);
  await s3.waitFor(/Ready to accept connections/);
  const e = await connect(s3.port);
  t.equal(await e.call('GET', 'k'), '$1\r\nv\r\n', 'the change was not saved');
  await e.call('SET', 'k', 'changed again');
  // With save points, SIGTERM saves like SHUTDOWN does.
  s3.proc.kill('SIGTERM');
  t.equal(await s3.exited, 0);
  t.match(s3.out(), /Received SIGTERM scheduling shutdown\.\.\.[^]*DB saved on disk/);
  const s4 = await startCli(dir, ['--save', '']);
  await s4.waitFor(/Ready to accept connections/);
  const f = await connect(s4.port);
  t.equal(await f.call('GET', 'k'), '$13\r\nchanged again\r\n');
  f.send('SHUTDOWN', 'NOSAVE');
  t.equal(await s4.exited, 0);
});

t.test('a final save that fails keeps the server running (unless FORCE)', async (t) => {
  const dir = freshDir();
  const s = await startCli(dir, ['--save', '3600', '1']);
  t.teardown(() => s.proc.kill('SIGKILL'));
  await s.waitFor(/Ready to accept connections/);
  // A directory where the file should go: the rename fails.
  fs.mkdirSync(path.join(dir, 'dump.rdb', 'x'), { recursive: true });
  const c = await connect(s.port);
  await c.call('SET', 'k', 'v');
  t.equal(await c.call('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
  t.equal(await c.call('SHUTDOWN', 'SAVE'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
  t.match(s.out(), /Error moving temp DB file temp-\S+ on the final destination dump\.rdb \(in server root dir [^)]+\): Is a directory/);
  t.match(s.out(), /Error trying to save the DB, can't exit\./);
  t.equal(await c.call('GET', 'k'), '$1\r\nv\r\n', 'still serving');
  s.proc.kill('SIGTERM');
  await s.waitFor(/SIGTERM received but errors trying to shut down the server/);
  t.equal(await c.call('PING'), '+PONG\r\n', 'still up after SIGTERM too');
  t.same(fs.readdirSync(dir), ['dump.rdb'], 'no temp files left behind');
  c.send('SHUTDOWN', 'FORCE');
  t.equal(await s.exited, 0);
  t.match(s.out(), /Error trying to save the DB\. Exit anyway\./);
});

t.test('a damaged file: the server does not start and says why', async (t) => {
  const dir = freshDir();
  const file = path.join(dir, 'dump.rdb');
  writeRdb(file, 1000);
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
  const s = await startCli(dir, ['--save', '']);
  t.not(await s.exited, 0);
  t.match(s.out(), /Terminating server after rdb file reading failure\./);
  t.match(s.out(), /Bad RDB file .*dump\.rdb/);
  t.notMatch(s.out(), /Ready to accept connections/);
});

t.test('save points: a BGSAVE starts once enough changes are old enough', async (t) => {
  const dir = freshDir();
  const srv = await withServer({ shards: 2, dir, save: '1 3', hz: 50 });
  t.teardown(() => srv.close());
  const c = await RawConn.connect(srv.port);
  await c.call('SET', 'a', '1');
  await c.call('SET', 'b', '1');
  await new Promise((r) => setTimeout(r, 1500));
  t.notOk(fs.existsSync(path.join(dir, 'dump.rdb')), 'two changes are not enough');
  await c.call('SET', 'c', '1');
  for (let i = 0; i < 200 && !fs.existsSync(path.join(dir, 'dump.rdb')); i++) await new Promise((r) => setTimeout(r, 20));
  t.ok(fs.existsSync(path.join(dir, 'dump.rdb')), 'the third one is');
  for (let i = 0; i < 100 && !/rdb_changes_since_last_save:0\r\n/.test(await c.call('INFO', 'persistence')); i++) await new Promise((r) => setTimeout(r, 20));
  t.match(await c.call('INFO', 'persistence'), /rdb_changes_since_last_save:0\r\n[^]*rdb_saves:1\r\n/);
  c.close();
});

/**
 * The server as a user runs it: the CLI, its config file and flags, SHUTDOWN and signals, and a shard
 * worker dying.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawConn, freePort, withServer } from '../helpers/server.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');

function startCli(args: string[]): Promise<{ proc: ReturnType<typeof spawn>; out: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Ready line: ${out}`)), 15000);
    const check = () => {
      if (out.includes('Ready to accept connections tcp')) {
        clearTimeout(timer);
        resolve({ proc, out: () => out, exited });
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited early: ${out}`));
    });
  });
}

t.test('CLI: banner, SHUTDOWN exits 0', async (t) => {
  const port = await freePort();
  const s = await startCli(['--port', String(port), '--shards', '2', '--save', '', '--appendonly', 'no']);
  t.match(s.out(), /Ferrous is starting/);
  const c = await RawConn.connect(port);
  t.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
  c.send('SHUTDOWN', 'NOSAVE');
  t.equal(await s.exited, 0);
  t.ok(await c.waitClosed());
});

t.test('CLI: SIGTERM stops cleanly', async (t) => {
  const port = await freePort();
  const s = await startCli(['--port', String(port), '--shards', '1', '--save', '', '--appendonly', 'no']);
  s.proc.kill('SIGTERM');
  t.equal(await s.exited, 0);
  t.match(s.out(), /Received SIGTERM scheduling shutdown/);
});

t.test('CLI: config file first, flags override it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-conf-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const file = path.join(dir, 'test.conf');
  fs.writeFileSync(file, `port 1\nmaxclients 123\nsave ""\nappendonly no\ndatabases 4\n`);
  const s = await startCli([file, '--port', String(port), '--databases', '8']);
  t.teardown(() => s.proc.kill('SIGKILL'));
  const c = await RawConn.connect(port);
  t.equal(await c.call('CONFIG', 'GET', 'maxclients'), '*2\r\n$10\r\nmaxclients\r\n$3\r\n123\r\n');
  t.equal(await c.call('CONFIG', 'GET', 'databases'), '*2\r\n$9\r\ndatabases\r\n$1\r\n8\r\n');
  t.equal(await c.call('SELECT', '7'), '+OK\r\n');
  c.close();
});

t.test('CLI: a bad directive is reported like redis-server and exits non-zero', async (t) => {
  const proc = spawn(process.execPath, [CLI, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => proc.once('exit', r));
  t.not(code, 0);
  t.match(out, /FATAL CONFIG FILE ERROR/);
});

t.test('a shard worker dying takes the server down instead of serving half a keyspace', async (t) => {
  const srv = await withServer({ shards: 2 });
  const c = await RawConn.connect(srv.port);
  await c.call('SET', 'k', 'v');
  void srv.server.shards.shards[1].worker.terminate();
  await srv.closed;
  t.ok(await c.waitClosed(), 'clients are disconnected');
});

t.test('maxclients: the next connection gets Redis error and is closed', async (t) => {
  const srv = await withServer({ shards: 1, maxclients: 2 });
  t.teardown(() => srv.close());
  const a = await RawConn.connect(srv.port);
  const b = await RawConn.connect(srv.port);
  await a.call('PING');
  await b.call('PING');
  const c = await RawConn.connect(srv.port);
  t.equal(await c.read(), '-ERR max number of clients reached\r\n');
  t.ok(await c.waitClosed());
  a.close();
  b.close();
});

t.test('timeout: idle clients are closed', async (t) => {
  const srv = await withServer({ shards: 1, timeout: 1 });
  t.teardown(() => srv.close());
  const c = await RawConn.connect(srv.port);
  await c.call('PING');
  t.ok(await c.waitClosed(3000), 'closed after about a second idle');
});

t.test('proto-max-bulk-len and client-query-buffer-limit', async (t) => {
  const srv = await withServer({ shards: 1, 'proto-max-bulk-len': '1mb', 'client-query-buffer-limit': '1mb' });
  t.teardown(() => srv.close());
  const c = await RawConn.connect(srv.port);
  c.write('*2\r\n$4\r\nECHO\r\n$2000000\r\n');
  t.equal(await c.read(), '-ERR Protocol error: invalid bulk length\r\n');
  t.ok(await c.waitClosed());
  const srv2 = await withServer({ shards: 1, 'client-query-buffer-limit': '1mb' });
  t.teardown(() => srv2.close());
  const d = await RawConn.connect(srv2.port);
  d.write('*2\r\n$4\r\nECHO\r\n$10000000\r\n');
  d.write(Buffer.alloc(2_000_000, 120));
  t.ok(await d.waitClosed(), 'query buffer over the limit closes the connection');
});

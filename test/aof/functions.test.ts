/**
 * FUNCTION LOAD / DELETE / FLUSH are writes: they go to the AOF and come back on restart, and a real
 * redis-server reads them from Ferrous's append-only directory.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { withServer, RawConn, freePort } from '../helpers/server.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferrous-aof-fn-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

const lib = (name: string, fn: string, value: string) => `#!lua name=${name}\nredis.register_function('${fn}', function() return '${value}' end)`;

t.test('function libraries survive a restart through the AOF', async (t) => {
  const dir = path.join(tmp, 'a');
  fs.mkdirSync(dir);
  const opts = { shards: 2, dir, appendonly: 'yes', appendfsync: 'always' };
  let srv = await withServer(opts);
  let c = await RawConn.connect(srv.port);
  t.equal(await c.call('FUNCTION', 'LOAD', lib('keep', 'kf', 'K')), '$4\r\nkeep\r\n');
  t.equal(await c.call('FUNCTION', 'LOAD', lib('gone', 'gf', 'G')), '$4\r\ngone\r\n');
  t.equal(await c.call('FUNCTION', 'LOAD', 'REPLACE', lib('keep', 'kf2', 'K2')), '$4\r\nkeep\r\n');
  t.equal(await c.call('FUNCTION', 'DELETE', 'gone'), '+OK\r\n');
  t.equal(await c.call('SET', 'k', 'v'), '+OK\r\n');
  c.close();
  await srv.close();
  srv = await withServer(opts);
  c = await RawConn.connect(srv.port);
  t.equal(await c.call('FCALL', 'kf2', '0'), '$2\r\nK2\r\n', 'the replaced library is back');
  t.equal(await c.call('FCALL', 'kf', '0'), '-ERR Function not found\r\n', 'its old function is not');
  t.equal(await c.call('FCALL', 'gf', '0'), '-ERR Function not found\r\n', 'the deleted library is not');
  t.equal(await c.call('GET', 'k'), '$1\r\nv\r\n');
  c.close();
  await srv.close();

  // redis-server replays the same directory.
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  t.teardown(() => proc.kill('SIGKILL'));
  let r: RawConn | null = null;
  for (let i = 0; i < 100 && r === null; i++) {
    try {
      r = await RawConn.connect(port);
    } catch {
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  if (r === null) throw new Error('redis-server did not start');
  let reply = '';
  for (let i = 0; i < 100; i++) {
    reply = await r.call('FCALL', 'kf2', '0');
    if (!reply.startsWith('-LOADING')) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  t.equal(reply, '$2\r\nK2\r\n', 'redis-server loads the functions from Ferrous AOF');
  t.equal(await r.call('FCALL', 'gf', '0'), '-ERR Function not found\r\n');
  r.close();
});

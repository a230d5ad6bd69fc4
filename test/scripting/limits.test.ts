/**
 * Script limits: the busy reply after busy-reply-threshold, SCRIPT KILL (and UNKILLABLE once a script
 * wrote), the per-shard Lua memory cap, and SHUTDOWN NOSAVE during a busy script.
 */
import t from 'tap';
import { withServer, RawConn } from '../helpers/server.js';

const BUSY = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n';

/**
 * Commands sent once the script is past the threshold get BUSY; commands sent before that wait for the
 * script (they are already queued behind it), so the tests let the threshold pass before probing.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

t.test('busy script: other clients get BUSY, SCRIPT KILL stops a read-only script even through pcall', async (t) => {
  const srv = await withServer({ shards: 2, 'busy-reply-threshold': 100 });
  t.teardown(() => srv.close());
  const runner = await RawConn.connect(srv.port);
  const other = await RawConn.connect(srv.port);
  t.teardown(() => {
    runner.close();
    other.close();
  });
  t.equal(await other.call('SCRIPT', 'KILL'), '-NOTBUSY No scripts in execution right now.\r\n');
  // pcall cannot swallow the kill: the hook fires again on every instruction once killing.
  const pending = runner.call('EVAL', "while true do pcall(function() local x = 1 end) end", '0');
  await sleep(300);
  t.equal(await other.call('GET', 'x'), BUSY);
  t.equal(await other.call('SET', 'x', '1'), BUSY, 'writes get BUSY too');
  t.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
  const reply = await pending;
  t.match(reply, /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.\r\n$/);
  await until(async () => (await other.call('PING')) === '+PONG\r\n');
  t.equal(await runner.call('EVAL', 'return 1', '0'), ':1\r\n', 'the engine is usable after a kill');
});

t.test('a script that wrote cannot be killed', async (t) => {
  const srv = await withServer({ shards: 2, 'busy-reply-threshold': 100 });
  t.teardown(() => srv.close());
  const runner = await RawConn.connect(srv.port);
  const other = await RawConn.connect(srv.port);
  t.teardown(() => {
    runner.close();
    other.close();
  });
  // Stops by itself after ~600 ms of busy looping.
  const pending = runner.call(
    'EVAL',
    "redis.call('set', KEYS[1], 'v') local t0 = redis.call('time') local n = 0 while true do n = n + 1 if n % 100000 == 0 then local t1 = redis.call('time') if (t1[1] - t0[1]) * 1000000 + (t1[2] - t0[2]) > 600000 then return n end end end",
    '1',
    'w',
  );
  await sleep(300);
  t.equal(await other.call('PING'), BUSY);
  t.equal(
    await other.call('SCRIPT', 'KILL'),
    '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
  );
  t.match(await pending, /^:\d+\r\n$/, 'the script ran to its end');
  t.equal(await other.call('GET', 'w'), '$1\r\nv\r\n');
});

t.test('the Lua memory cap turns into a script error and the engine stays usable', async (t) => {
  const srv = await withServer({ shards: 1, 'lua-memory-limit': 4 * 1024 * 1024 });
  t.teardown(() => srv.close());
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  const hog = "local t = {} for i = 1, 10000000 do t[i] = string.rep('x', 100) .. i end return #t";
  t.match(await c.call('EVAL', hog, '0'), /^-ERR .*not enough memory/);
  t.equal(await c.call('EVAL', "local ok, e = pcall(function() local t = {} for i = 1, 10000000 do t[i] = i .. 'abcdefgh' end end) return tostring(ok)", '0'), '$5\r\nfalse\r\n', 'pcall catches it');
  t.equal(await c.call('EVAL', "return redis.call('set', 'k', string.rep('a', 1000))", '0'), '+OK\r\n', 'usable afterwards');
  t.equal(await c.call('CONFIG', 'SET', 'lua-memory-limit', '64mb'), '+OK\r\n');
  t.equal(await c.call('EVAL', "local t = {} for i = 1, 100000 do t[i] = string.rep('x', 30) .. i end return #t", '0'), ':100000\r\n', 'a raised cap applies');
});

t.test('SHUTDOWN NOSAVE works while a script is busy', async (t) => {
  const srv = await withServer({ shards: 2, 'busy-reply-threshold': 50 });
  const runner = await RawConn.connect(srv.port);
  const other = await RawConn.connect(srv.port);
  void runner.call('EVAL', "redis.call('set','k','v') while true do end", '0').catch(() => {});
  await sleep(200);
  t.equal(await other.call('PING'), BUSY);
  other.send('SHUTDOWN', 'NOSAVE');
  await until(async () => other.closed, 5000);
  t.ok(other.closed, 'the server closed the connection');
  runner.close();
  await srv.close().catch(() => {});
});

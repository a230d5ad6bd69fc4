/**
 * Keys' access tracking through a whole server with two shards: idle times that grow and which
 * commands reset them, CLIENT NO-TOUCH (Redis 7.2: the client's commands touch nothing, except TOUCH),
 * cross-shard commands, and CLIENT SETINFO (7.2) as CLIENT LIST / INFO show it. Redis 7.0 has neither
 * NO-TOUCH nor SETINFO, so their replies are checked against 7.2's (networking.c) rather than a server.
 */
import t from 'tap';
import { withServer, RawConn, keysByShard } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 8, 'at');

/** OBJECT IDLETIME's seconds (a fresh access reads 0, or 1 when the one-second clock ticked meanwhile). */
function idle(r: string): number {
  const m = /^:(\d+)\r\n$/.exec(r);
  if (m === null) throw new Error(`not an idle time: ${JSON.stringify(r)}`);
  return Number(m[1]);
}

function infoField(line: string, field: string): string | undefined {
  return new RegExp(`(?:^|\\s)${field}=(\\S*)`).exec(line)?.[1];
}

t.test('idle times grow; GET resets them, TYPE/EXISTS/TTL/OBJECT/SCAN do not; NO-TOUCH and TOUCH', async (t) => {
  const c = await RawConn.connect(srv.port);
  const other = await RawConn.connect(srv.port);
  t.teardown(() => {
    c.close();
    other.close();
  });
  await c.call('FLUSHALL');
  const keys = [s0[0], s1[0], s0[1], s1[1], s0[2], s1[2], s0[3], s1[3]];
  for (const k of keys) await c.call('SET', k, 'value');
  await c.call('SADD', s0[4], 'm');
  await c.call('SET', s0[6], 'value');
  await new Promise((r) => setTimeout(r, 2100));
  for (const k of keys) t.ok(idle(await c.call('OBJECT', 'IDLETIME', k)) >= 2, `${k} idle for 2 s`);

  const [a, b] = [s0[0], s1[0]];
  await c.call('TYPE', a);
  await c.call('EXISTS', a, b);
  await c.call('TTL', a);
  await c.call('PTTL', b);
  await c.call('EXPIRETIME', a);
  await c.call('OBJECT', 'ENCODING', a);
  await c.call('OBJECT', 'FREQ', a);
  await c.call('SCAN', '0', 'COUNT', '100');
  await c.call('SCAN', '0', 'TYPE', 'string');
  await c.call('KEYS', '*');
  await c.call('RANDOMKEY');
  await c.call('MEMORY', 'USAGE', a);
  await c.call('DBSIZE');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', a)) >= 2, 'no touch by TYPE, EXISTS, TTL, OBJECT, SCAN, KEYS, RANDOMKEY, MEMORY USAGE');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', b)) >= 2);
  t.equal(await c.call('GET', a), '$5\r\nvalue\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', a)) <= 1, 'GET resets the idle time');

  // NO-TOUCH: reads, fan-out reads and writes in place leave the idle time alone; TOUCH still touches.
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'ON'), '+OK\r\n');
  const [d, e, f, g] = [s0[1], s1[1], s0[2], s1[2]];
  await c.call('GET', d);
  await c.call('MGET', d, e, f);
  await c.call('STRLEN', e);
  await c.call('SISMEMBER', s0[4], 'm');
  for (const k of [d, e, f, s0[4]]) t.ok(idle(await c.call('OBJECT', 'IDLETIME', k)) >= 2, `NO-TOUCH: ${k} not touched`);
  t.equal(await c.call('TOUCH', d, e), ':2\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', d)) <= 1, 'TOUCH touches even with NO-TOUCH on');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', e)) <= 1, 'on both shards');
  // Another client is not affected.
  await other.call('GET', f);
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', f)) <= 1, "another client's GET touches");
  // Inside MULTI/EXEC too.
  await c.call('MULTI');
  await c.call('GET', g);
  await c.call('TOUCH', s0[3]);
  t.equal(await c.call('EXEC'), '*2\r\n$5\r\nvalue\r\n:1\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', g)) >= 2, 'GET in EXEC under NO-TOUCH');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', s0[3])) <= 1, 'TOUCH in EXEC');
  // A cross-shard RENAME moves the value with its idle time and touches nothing.
  t.equal(await c.call('RENAME', s1[3], s0[5]), '+OK\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', s0[5])) >= 2, 'RENAME across shards under NO-TOUCH keeps the idle time');
  // A script's lookups are the client's (Redis 7.2 checks server.current_client).
  const getScript = "return redis.call('GET', KEYS[1])";
  t.equal(await c.call('EVAL', getScript, '1', s0[6]), '$5\r\nvalue\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', s0[6])) >= 2, 'a script under NO-TOUCH touches nothing');
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'OFF'), '+OK\r\n');
  await c.call('EVAL', getScript, '1', s0[6]);
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', s0[6])) <= 1, 'a script touches without NO-TOUCH');
  await c.call('GET', g);
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', g)) <= 1, 'NO-TOUCH OFF: GET touches again');
  t.equal(await c.call('RENAME', s0[5], s1[5]), '+OK\r\n');
  t.ok(idle(await c.call('OBJECT', 'IDLETIME', s1[5])) <= 1, 'a cross-shard RENAME touches the source');
});

t.test('LFU across shards: a foreign key read and written back counts once', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(async () => {
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await c.call('CONFIG', 'SET', 'lfu-log-factor', '10');
    await c.call('CONFIG', 'SET', 'lfu-decay-time', '1');
    c.close();
  });
  await c.call('FLUSHALL');
  await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
  await c.call('CONFIG', 'SET', 'lfu-log-factor', '0'); // every counted access increments
  await c.call('CONFIG', 'SET', 'lfu-decay-time', '0');
  const [src, dst] = [s0[6], s1[6]];
  await c.call('SADD', src, 'a', 'b');
  await c.call('SADD', dst, 'x');
  t.equal(await c.call('OBJECT', 'FREQ', dst), ':5\r\n');
  t.equal(await c.call('SMOVE', src, dst, 'a'), ':1\r\n');
  t.equal(await c.call('OBJECT', 'FREQ', src), ':6\r\n', 'the home key: one access');
  t.equal(await c.call('OBJECT', 'FREQ', dst), ':6\r\n', 'the foreign key: one access (its export), not two');
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'ON'), '+OK\r\n');
  t.equal(await c.call('SMOVE', src, dst, 'b'), ':1\r\n');
  t.equal(await c.call('OBJECT', 'FREQ', dst), ':6\r\n', 'NO-TOUCH: the export does not count either');
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'OFF'), '+OK\r\n');
  t.equal(await c.call('SCARD', dst), ':3\r\n');
  t.equal(await c.call('OBJECT', 'FREQ', dst), ':7\r\n');
});

t.test('CLIENT NO-TOUCH arguments and the T flag; RESET clears it', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'maybe'), '-ERR syntax error\r\n');
  t.equal(await c.call('CLIENT', 'NO-TOUCH'), "-ERR wrong number of arguments for 'client|no-touch' command\r\n");
  t.equal(await c.call('CLIENT', 'NO-TOUCH', 'on', 'x'), "-ERR wrong number of arguments for 'client|no-touch' command\r\n");
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'flags'), 'N');
  t.equal(await c.call('CLIENT', 'no-touch', 'On'), '+OK\r\n');
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'flags'), 'T');
  await c.call('CLIENT', 'NO-EVICT', 'ON');
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'flags'), 'eT', "7.2's order: e, then T");
  const id = /^:(\d+)/.exec(await c.call('CLIENT', 'ID'))![1];
  t.equal(infoField(await c.call('CLIENT', 'LIST', 'ID', id), 'flags'), 'eT', 'CLIENT LIST too');
  t.equal(await c.call('RESET'), '+RESET\r\n');
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'flags'), 'N', 'RESET clears NO-TOUCH (and NO-EVICT)');
});

t.test('CLIENT SETINFO (Redis 7.2 replies) and the lib-name / lib-ver fields', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  let info = await c.call('CLIENT', 'INFO');
  t.match(info, / resp=2 lib-name= lib-ver=\n\r\n$/, 'empty fields last, after resp, as 7.2 prints them');
  t.equal(await c.call('CLIENT', 'SETINFO', 'LIB-NAME', 'redis-py(ferrous_v1)'), '+OK\r\n');
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-ver', '5.0.1'), '+OK\r\n');
  info = await c.call('CLIENT', 'INFO');
  t.match(info, / lib-name=redis-py\(ferrous_v1\) lib-ver=5\.0\.1\n\r\n$/);
  const id = /^:(\d+)/.exec(await c.call('CLIENT', 'ID'))![1];
  const list = await c.call('CLIENT', 'LIST', 'ID', id);
  t.equal(infoField(list, 'lib-name'), 'redis-py(ferrous_v1)');
  t.equal(infoField(list, 'lib-ver'), '5.0.1');

  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a b'), '-ERR lib-name cannot contain spaces, newlines or special characters.\r\n');
  t.equal(await c.call('CLIENT', 'SETINFO', 'LIB-VER', '1\n2'), '-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n');
  t.equal(await c.call('CLIENT', 'SETINFO', 'Lib-Name', 'caf\u00e9'), '-ERR Lib-Name cannot contain spaces, newlines or special characters.\r\n', 'bytes above 0x7e');
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', '\u007f'), '-ERR lib-name cannot contain spaces, newlines or special characters.\r\n', 'DEL');
  t.equal(await c.call('CLIENT', 'SETINFO', 'foo', 'bar'), "-ERR Unrecognized option 'foo'\r\n");
  t.equal(await c.call('CLIENT', 'SETINFO', 'a\r\nb', 'bar'), "-ERR Unrecognized option 'a  b'\r\n", 'line breaks in the error become spaces');
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-name'), "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', 'a', 'b'), "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'lib-name'), 'redis-py(ferrous_v1)', 'rejected values change nothing');

  // validateClientAttr stops at a NUL byte, and %s prints up to it.
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-ver', '1.0\u0000 x'), '+OK\r\n');
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'lib-ver'), '1.0');

  // RESET keeps them (they describe the library behind the connection); an empty value clears one.
  t.equal(await c.call('RESET'), '+RESET\r\n');
  t.equal(infoField(await c.call('CLIENT', 'INFO'), 'lib-name'), 'redis-py(ferrous_v1)', 'RESET keeps lib-name');
  t.equal(await c.call('CLIENT', 'SETINFO', 'lib-name', ''), '+OK\r\n');
  t.match(await c.call('CLIENT', 'INFO'), / lib-name= lib-ver=1\.0\n/);
});

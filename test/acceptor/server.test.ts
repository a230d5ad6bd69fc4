import t from 'tap';
import { withServer, client, RawConn, keysByShard } from '../helpers/server.js';

const srv = await withServer({ shards: 2 });
t.teardown(() => srv.close());
const [s0, s1] = keysByShard(2, 4);

t.test('basic commands through a real client library', async (t) => {
  const r = client(srv);
  t.teardown(() => r.disconnect());
  t.equal(await r.ping(), 'PONG');
  t.equal(await r.set('greeting', 'hello'), 'OK');
  t.equal(await r.get('greeting'), 'hello');
  t.equal(await r.incr('counter'), 1);
  t.equal(await r.incrby('counter', 41), 42);
  t.same(await r.mget('greeting', 'counter', 'missing'), ['hello', '42', null]);
});

t.test('binary-safe keys and values, every byte value', async (t) => {
  const r = client(srv);
  t.teardown(() => r.disconnect());
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const key = Buffer.concat([Buffer.from('bin:'), all.subarray(0, 32)]);
  await r.set(key, all);
  t.same(await r.getBuffer(key), all);
  t.equal(await r.strlen(key), 256);
});

t.test('pipelined replies keep request order across shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  let wire = '';
  const expected: string[] = [];
  for (let i = 0; i < 200; i++) {
    const k = i % 2 === 0 ? s0[i % 4] : s1[i % 4];
    wire += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${String(i).length}\r\n${i}\r\n`;
    wire += `*2\r\n$3\r\nGET\r\n$${k.length}\r\n${k}\r\n`;
    wire += 'PING\r\n';
    expected.push('+OK\r\n', `$${String(i).length}\r\n${i}\r\n`, '+PONG\r\n');
  }
  c.write(wire);
  t.equal(await c.read(600), expected.join(''));
});

t.test('MSET/MGET/DEL/EXISTS spanning shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('MSET', s0[0], 'a', s1[0], 'b', s0[1], 'c', s1[1], 'd'), '+OK\r\n');
  t.equal(await c.call('MGET', s1[1], s0[0], 'nokey', s1[0], s0[1]), '*5\r\n$1\r\nd\r\n$1\r\na\r\n$-1\r\n$1\r\nb\r\n$1\r\nc\r\n');
  t.equal(await c.call('EXISTS', s0[0], s1[0], s0[0], 'nokey'), ':3\r\n');
  t.equal(await c.call('DEL', s0[0], s1[0], 'nokey'), ':2\r\n');
  t.equal(await c.call('MSET', s0[0]), "-ERR wrong number of arguments for 'mset' command\r\n");
});

t.test('cross-shard RENAME, COPY, MSETNX, RENAMENX are atomic and exact', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SET', s0[2], 'v1');
  await c.call('PEXPIRE', s0[2], '100000');
  t.equal(await c.call('RENAME', s0[2], s1[2]), '+OK\r\n');
  t.equal(await c.call('EXISTS', s0[2]), ':0\r\n');
  t.equal(await c.call('GET', s1[2]), '$2\r\nv1\r\n');
  const ttl = Number((await c.call('PTTL', s1[2])).slice(1, -2));
  t.ok(ttl > 90000 && ttl <= 100000, `TTL moved with the key (${ttl})`);
  t.equal(await c.call('RENAME', 'nosuch', s1[2]), '-ERR no such key\r\n');
  t.equal(await c.call('COPY', s1[2], s0[3]), ':1\r\n');
  t.equal(await c.call('COPY', s1[2], s0[3]), ':0\r\n');
  t.equal(await c.call('GET', s0[3]), '$2\r\nv1\r\n');
  t.equal(await c.call('RENAMENX', s0[3], s1[2]), ':0\r\n');
  t.equal(await c.call('MSETNX', s0[3], 'x', 'fresh1', 'y'), ':0\r\n');
  t.equal(await c.call('EXISTS', 'fresh1'), ':0\r\n', 'MSETNX wrote nothing');
  await c.call('DEL', 'fresh1', 'fresh2', 'fresh3');
  t.equal(await c.call('MSETNX', 'fresh1', '1', 'fresh2', '2', 'fresh3', '3'), ':1\r\n');
  t.equal(await c.call('MGET', 'fresh1', 'fresh2', 'fresh3'), '*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n');
});

t.test('errors are Redis byte for byte', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('NOSUCH', 'a', 'b'), "-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n");
  t.equal(await c.call('GET'), "-ERR wrong number of arguments for 'get' command\r\n");
  t.equal(await c.call('CONFIG', 'NOPE'), "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n");
  t.equal(await c.call('CONFIG'), "-ERR wrong number of arguments for 'config' command\r\n");
  t.equal(await c.call('CONFIG', 'GET'), "-ERR wrong number of arguments for 'config|get' command\r\n");
  t.equal(await c.call('SELECT', '16'), '-ERR DB index is out of range\r\n');
  t.equal(await c.call('SELECT', 'x'), '-ERR value is not an integer or out of range\r\n');
});

t.test('SELECT isolates databases on every shard', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SET', s0[0], 'db0');
  t.equal(await c.call('SELECT', '3'), '+OK\r\n');
  t.equal(await c.call('GET', s0[0]), '$-1\r\n');
  await c.call('SET', s0[0], 'db3');
  t.equal(await c.call('SELECT', '0'), '+OK\r\n');
  t.equal(await c.call('GET', s0[0]), '$3\r\ndb0\r\n');
});

t.test('protocol error replies then closes, like Redis', async (t) => {
  const c = await RawConn.connect(srv.port);
  c.write('*1\r\n+PING\r\n');
  t.equal(await c.read(), "-ERR Protocol error: expected '$', got '+'\r\n");
  t.ok(await c.waitClosed(), 'connection closed');
});

t.test('QUIT replies OK then closes', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.equal(await c.call('QUIT'), '+OK\r\n');
  t.ok(await c.waitClosed());
});

t.test('HELLO 3 switches to RESP3', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  const hello = await c.call('HELLO', '3');
  t.match(hello, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$6\r\n7\.0\.15\r\n\$5\r\nproto\r\n:3\r\n/);
  t.equal(await c.call('GET', 'nosuchkey'), '_\r\n');
  t.equal(await c.call('HELLO', '4'), '-NOPROTO unsupported protocol version\r\n');
});

t.test('inline commands', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  c.write('SET inline "hello world"\r\nGET inline\r\n');
  t.equal(await c.read(2), '+OK\r\n$11\r\nhello world\r\n');
});

t.test('CLIENT SETNAME/GETNAME/ID and REPLY OFF', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  t.equal(await c.call('CLIENT', 'SETNAME', 'worker-1'), '+OK\r\n');
  t.equal(await c.call('CLIENT', 'GETNAME'), '$8\r\nworker-1\r\n');
  t.equal(await c.call('CLIENT', 'SETNAME', 'a b'), '-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
  t.match(await c.call('CLIENT', 'ID'), /^:\d+\r\n$/);
  c.send('CLIENT', 'REPLY', 'OFF');
  c.send('SET', 'quiet', '1');
  c.send('CLIENT', 'REPLY', 'ON');
  t.equal(await c.read(), '+OK\r\n', 'only the REPLY ON answer arrives');
  t.equal(await c.call('GET', 'quiet'), '$1\r\n1\r\n');
});

t.test('AUTH and NOAUTH with requirepass', async (t) => {
  const sec = await withServer({ shards: 1, requirepass: 'sesame' });
  t.teardown(() => sec.close());
  const c = await RawConn.connect(sec.port);
  t.teardown(() => c.close());
  t.equal(await c.call('GET', 'x'), '-NOAUTH Authentication required.\r\n');
  t.equal(await c.call('AUTH', 'wrong'), '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
  t.equal(await c.call('AUTH', 'sesame'), '+OK\r\n');
  t.equal(await c.call('GET', 'x'), '$-1\r\n');
});

t.test('SCAN walks every shard and returns each key exactly once', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SELECT', '5');
  const want = new Set<string>();
  for (let i = 0; i < 300; i++) {
    want.add(`scan:${i}`);
    c.send('SET', `scan:${i}`, 'x');
  }
  await c.read(300);
  const seen: string[] = [];
  let cursor = '0';
  do {
    const raw = await c.call('SCAN', cursor, 'COUNT', '37');
    const lines = raw.split('\r\n');
    cursor = lines[2];
    for (let i = 5; i < lines.length - 1; i += 2) seen.push(lines[i]);
  } while (cursor !== '0');
  t.equal(seen.length, 300);
  t.same(new Set(seen), want);
});

t.test('KEYS, DBSIZE, FLUSHDB combine every shard', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SELECT', '7');
  await c.call('MSET', s0[0], '1', s1[0], '2');
  t.equal(await c.call('DBSIZE'), ':2\r\n');
  const keys = (await c.call('KEYS', '*')).split('\r\n').filter((l, i) => i % 2 === 0 && i > 0);
  t.same(keys.sort(), [s0[0], s1[0]].sort());
  t.equal(await c.call('FLUSHDB'), '+OK\r\n');
  t.equal(await c.call('DBSIZE'), ':0\r\n');
});

t.test('INFO reports keyspace and stats from all shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SELECT', '9');
  await c.call('MSET', s0[0], '1', s1[0], '2', s1[1], '3');
  const info = await c.call('INFO', 'keyspace');
  t.match(info, /db9:keys=3,expires=0/);
  const all = await c.call('INFO');
  t.match(all, /redis_version:7\.0\.15/);
  t.match(all, /ferrous_version:/);
});

t.test('INFO commandstats: exact calls; fast commands timed as runs never absorb a slow neighbour', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('CONFIG', 'RESETSTAT');
  const key = 'cmdstat:key';
  // A script busy for 30 ms between two runs of fast commands, all in one write to the key's shard.
  const busy = "local s = redis.call('TIME') local t0 = s[1] * 1e6 + s[2] repeat local n = redis.call('TIME') until n[1] * 1e6 + n[2] - t0 >= 30000 return 1";
  c.sock.cork();
  for (let i = 0; i < 100; i++) c.send('INCR', key);
  c.send('EVAL', busy, '1', key);
  for (let i = 0; i < 100; i++) c.send('GET', key);
  c.sock.uncork();
  const replies = await c.read(201);
  t.match(replies, /:100\r\n:1\r\n\$3\r\n100\r\n/);
  const info = await c.call('INFO', 'commandstats');
  const stat = (name: string) => {
    const m = new RegExp(`cmdstat_${name}:calls=(\\d+),usec=(\\d+),`).exec(info);
    return m === null ? null : { calls: Number(m[1]), usec: Number(m[2]) };
  };
  const incr = stat('incr')!;
  const get = stat('get')!;
  const evalStat = stat('eval')!;
  t.equal(incr.calls, 100);
  t.equal(get.calls, 100);
  t.equal(evalStat.calls, 1);
  t.ok(evalStat.usec >= 30000, `EVAL usec ${evalStat.usec}`);
  t.ok(incr.usec < 15000 && get.usec < 15000, `INCR ${incr.usec} usec, GET ${get.usec} usec: the script's time stays with the script`);
  t.ok(get.usec > 0 || incr.usec > 0, 'fast commands are timed');
  // Scripts count under the command that ran them, once, even when a run moves to a global one.
  const [[home], [other]] = keysByShard(2, 1, 'cmdstat:script:');
  await c.call('CONFIG', 'RESETSTAT');
  t.equal(await c.call('EVAL', "redis.call('get', KEYS[1]) return redis.call('incr', ARGV[1])", '1', home, other), ':1\r\n');
  t.match(await c.call('EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'), /^-NOSCRIPT/);
  const sha = (await c.call('SCRIPT', 'LOAD', 'return 1')).split('\r\n')[1];
  t.equal(await c.call('EVALSHA', sha, '0'), ':1\r\n');
  const after = await c.call('INFO', 'commandstats');
  t.match(after, /cmdstat_eval:calls=1,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
  t.match(after, /cmdstat_evalsha:calls=2,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=1/);
  t.match(after, /cmdstat_incr:calls=1,/, 'the call inside the script counts too');
  t.notMatch(after, /__script/);
  t.notMatch(await c.call('INFO', 'errorstats'), /ESCALATE/);
});

t.test('a script calling TIME runs in its own shard: the other shards keep serving meanwhile', async (t) => {
  const [[mine], [theirs]] = keysByShard(2, 1, 'script:time:');
  const runner = await RawConn.connect(srv.port);
  const other = await RawConn.connect(srv.port);
  t.teardown(() => [runner, other].forEach((c) => c.close()));
  t.equal(await other.call('SET', theirs, 'v'), '+OK\r\n');
  // Busy for 400 ms by TIME alone; a run that had to go global would hold every shard that long.
  const busy = "local s = redis.call('TIME') local t0 = s[1] * 1e6 + s[2] repeat local n = redis.call('TIME') until n[1] * 1e6 + n[2] - t0 >= 400000 return redis.call('TIME')";
  runner.send('EVAL', busy, '1', mine);
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  t.equal(await other.call('GET', theirs), '$1\r\nv\r\n');
  const waited = Date.now() - t0;
  const reply = await runner.read(1);
  t.ok(waited < 200, `GET on the other shard answered in ${waited} ms while the script ran`);
  const m = /^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/.exec(reply);
  t.ok(m !== null, `TIME's reply shape: ${JSON.stringify(reply)}`);
  t.ok(Math.abs(Number(m![1]) - Date.now() / 1000) < 5 && Number(m![2]) < 1e6, 'seconds and microseconds of now');
});

t.test('pipelined commands never overtake a blocked pop, a WATCH or a SCAN walking the shards', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  const [[k1, k2], [t1]] = keysByShard(2, 2, 'gate:');
  const pipeline = async (...cmds: string[][]): Promise<string> => {
    c.sock.cork();
    for (const cmd of cmds) c.send(...cmd);
    c.sock.uncork();
    return c.read(cmds.length);
  };
  // A blocked client runs nothing else: its own LPUSH comes after the timeout (Redis: nil, then 1).
  t.equal(await pipeline(['BLPOP', k1, '0.05'], ['LPUSH', k1, 'a'], ['LLEN', k1]), '*-1\r\n:1\r\n:1\r\n');
  // WATCH takes effect before the commands after it: this SET aborts the EXEC.
  t.equal(await pipeline(['WATCH', k2], ['SET', k2, '8'], ['MULTI'], ['GET', k2], ['EXEC']), '+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n');
  // SCAN sees the keyspace as it was when it was sent, not the writes pipelined after it.
  await c.call('FLUSHDB');
  const r = await pipeline(['SET', k1, 'x'], ['SCAN', '0', 'COUNT', '1000'], ['SET', t1, 'y'], ['DEL', k1]);
  t.equal(r, `+OK\r\n*2\r\n$1\r\n0\r\n*1\r\n$${k1.length}\r\n${k1}\r\n+OK\r\n:1\r\n`);
  // A blocking pop that is served at once lets the pipeline go on at once.
  t.equal(await pipeline(['RPUSH', k1, 'v'], ['BLPOP', k1, '0'], ['PING']), `:1\r\n*2\r\n$${k1.length}\r\n${k1}\r\n$1\r\nv\r\n+PONG\r\n`);
});

t.test('values larger than a ring frame take the spill path both ways', async (t) => {
  const r = client(srv);
  t.teardown(() => r.disconnect());
  const big = Buffer.alloc(5 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
  await r.set(s0[3], big);
  t.same(await r.getBuffer(s0[3]), big, '5 MB value round-trips');
  t.equal(await r.strlen(s0[3]), big.length);
  // A big value in the middle of a pipeline keeps its place.
  const p = r.pipeline();
  p.set(s1[3], 'small');
  p.getBuffer(s0[3]);
  p.get(s1[3]);
  const res = await p.exec();
  t.equal(res![0][1], 'OK');
  t.same(res![1][1], big);
  t.equal(res![2][1], 'small');
});

t.test('a pipeline far larger than the rings is back-pressured, nothing lost or reordered', async (t) => {
  const c = await RawConn.connect(srv.port);
  t.teardown(() => c.close());
  await c.call('SELECT', '11');
  const n = 60000;
  const val = 'v'.repeat(100);
  let wire = '';
  for (let i = 0; i < n; i++) {
    const k = `bp:${i}`;
    wire += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${val.length}\r\n${val}\r\n`;
  }
  wire += '*2\r\n$6\r\nEXISTS\r\n$8\r\nbp:59999\r\n';
  c.write(wire);
  const replies = await c.read(n + 1, 60000);
  t.equal(replies, '+OK\r\n'.repeat(n) + ':1\r\n');
  t.equal(await c.call('DBSIZE'), `:${n}\r\n`, 'every write landed');
});

/**
 * Pub/Sub transcripts compared byte for byte with redis-server: subscriber and publisher connections
 * run the same script against both servers.
 */
import t from 'tap';
import { RawConn, startRealRedis, withServer } from '../helpers/server.js';

type Step = [conn: 'a' | 'b', cmd: string[], replies: number];

const scripts: Record<string, Step[]> = {
  'subscribe, publish, unsubscribe': [
    ['a', ['SUBSCRIBE', 'news', 'sport'], 2],
    ['b', ['PUBLISH', 'news', 'hello'], 1],
    ['a', [], 1],
    ['b', ['PUBLISH', 'nobody', 'x'], 1],
    ['b', ['PUBSUB', 'NUMSUB', 'news', 'sport', 'none'], 1],
    ['b', ['PUBSUB', 'CHANNELS'], 1],
    ['a', ['PING'], 1],
    ['a', ['PING', 'hi'], 1],
    ['a', ['GET', 'k'], 1],
    ['a', ['UNSUBSCRIBE', 'news'], 1],
    ['a', ['UNSUBSCRIBE'], 1],
    ['a', ['UNSUBSCRIBE'], 1],
    ['a', ['GET', 'k'], 1],
  ],
  'patterns': [
    ['a', ['PSUBSCRIBE', 'n*', 'x?'], 2],
    ['b', ['PUBLISH', 'news', 'm1'], 1],
    ['a', [], 1],
    ['b', ['PUBSUB', 'NUMPAT'], 1],
    ['a', ['SUBSCRIBE', 'news'], 1],
    ['b', ['PUBLISH', 'news', 'm2'], 1],
    ['a', [], 2],
    ['a', ['PUNSUBSCRIBE', 'n*'], 1],
    ['a', ['PUNSUBSCRIBE'], 1],
    ['a', ['RESET'], 1],
    ['b', ['PUBSUB', 'NUMPAT'], 1],
  ],
  'shard channels': [
    ['a', ['SSUBSCRIBE', 'orders'], 1],
    ['b', ['SPUBLISH', 'orders', 'o1'], 1],
    ['a', [], 1],
    ['b', ['PUBLISH', 'orders', 'not-a-shard-message'], 1],
    ['b', ['PUBSUB', 'SHARDCHANNELS'], 1],
    ['b', ['PUBSUB', 'SHARDNUMSUB', 'orders'], 1],
    ['a', ['SUNSUBSCRIBE'], 1],
  ],
  'RESP3 pushes and normal commands on one connection': [
    ['a', ['HELLO', '3'], 1],
    ['a', ['SUBSCRIBE', 'ch'], 1],
    ['a', ['SET', 'k', 'v'], 1],
    ['a', ['PUBLISH', 'ch', 'self'], 2],
    ['b', ['PUBLISH', 'ch', 'other'], 1],
    ['a', ['GET', 'k'], 2],
  ],
  'errors': [
    ['b', ['PUBSUB', 'CHANNELS', 'a', 'b'], 1],
    ['b', ['PUBSUB', 'NOSUCH'], 1],
    ['b', ['SUBSCRIBE'], 1],
    ['b', ['PUBLISH', 'x'], 1],
  ],
};

function sortedArray(reply: string): string {
  const lines = reply.split('\r\n');
  const items: string[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) items.push(`${lines[i]}\r\n${lines[i + 1]}`);
  return `${lines[0]}\r\n${items.sort().join('\r\n')}\r\n`;
}

async function transcript(port: number, steps: Step[]): Promise<string[]> {
  const a = await RawConn.connect(port);
  const b = await RawConn.connect(port);
  const out: string[] = [];
  try {
    await b.call('FLUSHALL');
    for (const [which, cmd, n] of steps) {
      const c = which === 'a' ? a : b;
      if (cmd.length > 0) c.send(...cmd);
      // HELLO's reply names the server and its id: keep only its shape. PUBSUB CHANNELS lists a hash
      // table in Redis: compare as a sorted list.
      const r = await c.read(n);
      out.push(cmd[0] === 'HELLO' ? r.slice(0, 3) : /CHANNELS$/.test(cmd[1] ?? '') ? sortedArray(r) : r);
    }
  } finally {
    a.close();
    b.close();
  }
  return out;
}

const real = await startRealRedis();
if (real === null) {
  t.test('pub/sub differential', { skip: 'redis-server is not installed' }, () => {});
} else {
  const fer = await withServer({ shards: 2 });
  t.teardown(async () => {
    await fer.close();
    await real.stop();
  });
  for (const [name, steps] of Object.entries(scripts)) {
    t.test(name, async (t) => {
      const want = await transcript(real.port, steps);
      const got = await transcript(fer.port, steps);
      t.same(got, want);
    });
  }
}

import t from 'tap';
import type { Socket } from 'node:net';
import { Client, DISCARD_REPLY, type ClientHost } from '../../src/acceptor/client.js';

/** A Client over a fake socket; `turn()` is the end of an event-loop turn (the server's flushOutput). */
function harness() {
  const writes: string[] = [];
  const socket = {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    localAddress: '127.0.0.1',
    localPort: 2,
    writableLength: 0,
    write(b: Uint8Array) {
      writes.push(Buffer.from(b).latin1Slice(0));
      return true;
    },
    end() {},
    destroy() {},
  } as unknown as Socket;
  const marked: Client[] = [];
  const host: ClientHost = { markOutput: (c) => marked.push(c), afterWrite: () => {}, clientClosed: () => {} };
  const client = new Client(1, socket, { maxBulkLen: 1 << 20, queryBufferLimit: 1 << 20 }, false, host);
  const turn = () => {
    const list = marked.splice(0);
    for (const c of list) c.flush();
  };
  const reply = (s: string, tag: number) => client.deliver(Buffer.from(s), 0, s.length, tag);
  return { client, writes, turn, reply };
}

t.test('replies to one batch go out together once the last one is in', async (t) => {
  const { client, writes, turn, reply } = harness();
  // MULTI, SET (QUEUED), EXEC: the first two are answered at once, EXEC's reply comes a turn later.
  const tags = [client.nextTag(), client.nextTag(), client.nextTag()];
  reply('+OK\r\n', tags[0]);
  reply('+QUEUED\r\n', tags[1]);
  turn();
  t.same(writes, [], 'held while the EXEC reply is still coming');
  reply('*1\r\n+OK\r\n', tags[2]);
  turn();
  t.same(writes, ['+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n'], 'one write with all three');
});

t.test('output is not held for a blocking command', async (t) => {
  const { client, writes, turn, reply } = harness();
  const set = client.nextTag();
  const blpop = client.nextTag();
  client.markBlocking(blpop);
  reply('+OK\r\n', set);
  turn();
  t.same(writes, ['+OK\r\n'], 'written while BLPOP waits');
  reply('*-1\r\n', blpop);
  turn();
  t.same(writes, ['+OK\r\n', '*-1\r\n']);
});

t.test('a hold that reaches a blocking command ends there', async (t) => {
  const { client, writes, turn, reply } = harness();
  const a = client.nextTag();
  const b = client.nextTag();
  const blpop = client.nextTag();
  client.markBlocking(blpop);
  reply('+A\r\n', a);
  turn();
  t.same(writes, [], 'held for b');
  reply('+B\r\n', b);
  turn();
  t.same(writes, ['+A\r\n+B\r\n'], 'not held for the blocked one');
});

t.test('a hold ends when the awaited reply is one that is dropped (CLIENT REPLY SKIP)', async (t) => {
  const { client, writes, turn, reply } = harness();
  const a = client.nextTag();
  const skipped = client.nextTag() | DISCARD_REPLY;
  reply('+A\r\n', a);
  turn();
  t.same(writes, [], 'held');
  reply('+dropped\r\n', skipped);
  turn();
  t.same(writes, ['+A\r\n'], 'written without waiting for more output');
});

t.test('a client that keeps pipelining still gets output every other turn', async (t) => {
  const { client, writes, turn, reply } = harness();
  let next = 0;
  const inFlight: number[] = [];
  for (let round = 0; round < 6; round++) {
    // Each turn: two new commands arrive, and the oldest in flight is answered.
    inFlight.push(client.nextTag(), client.nextTag());
    reply(`:${next++}\r\n`, inFlight.shift()!);
    turn();
  }
  t.ok(writes.length >= 3, `written in ${writes.length} of 6 turns`);
  t.equal(writes.join(''), ':0\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n', 'in order, nothing lost');
});

t.test('QUIT writes what is held before closing', async (t) => {
  const { client, writes, reply } = harness();
  const get = client.nextTag();
  const quit = client.nextTag();
  client.nextTag(); // a command pipelined after QUIT, never answered
  client.closeAfterReply(quit);
  reply('$1\r\nv\r\n', get);
  reply('+OK\r\n', quit);
  t.same(writes, ['$1\r\nv\r\n+OK\r\n']);
  t.ok(client.closed);
});

import t from 'tap';
import { RawConn, withServer } from '../helpers/server.js';

t.test('a subscriber that does not read is disconnected at the output buffer hard limit', async (t) => {
  const srv = await withServer({ shards: 1, 'client-output-buffer-limit': 'pubsub 1mb 512kb 60' });
  t.teardown(() => srv.close());
  const sub = await RawConn.connect(srv.port);
  sub.send('SUBSCRIBE', 'flood');
  await sub.read();
  sub.sock.pause(); // stop reading: the kernel buffers fill, then the server's output queue grows
  const pub = await RawConn.connect(srv.port);
  t.teardown(() => pub.close());
  const payload = 'x'.repeat(64 * 1024);
  let receivers = 1;
  for (let i = 0; i < 400 && receivers === 1; i++) {
    receivers = Number((await pub.call('PUBLISH', 'flood', payload)).slice(1, -2));
  }
  t.equal(receivers, 0, 'the subscriber was dropped, so later messages reach nobody');
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 50; i++) await pub.call('PUBLISH', 'flood', payload);
  t.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'memory stays bounded');
  sub.close();
});

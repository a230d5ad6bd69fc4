import t from 'tap';
import { RawConn, withServer } from '../helpers/server.js';

t.test('expired events are published on __keyevent and __keyspace channels', async (t) => {
  const srv = await withServer({ shards: 2, 'notify-keyspace-events': 'KEx' });
  t.teardown(() => srv.close());
  const sub = await RawConn.connect(srv.port);
  const c = await RawConn.connect(srv.port);
  t.teardown(() => {
    sub.close();
    c.close();
  });
  sub.send('PSUBSCRIBE', '__key*__:*');
  await sub.read();
  await c.call('SET', 'soon', 'v', 'PX', '50');
  const msgs = await sub.read(2, 3000);
  t.match(msgs, /\$10\r\n__key\*__:\*\r\n\$19\r\n__keyspace@0__:soon\r\n\$7\r\nexpired\r\n/);
  t.match(msgs, /\$10\r\n__key\*__:\*\r\n\$22\r\n__keyevent@0__:expired\r\n\$4\r\nsoon\r\n/);
});

t.test('CONFIG SET notify-keyspace-events reaches the shards; off by default', async (t) => {
  const srv = await withServer({ shards: 1 });
  t.teardown(() => srv.close());
  const sub = await RawConn.connect(srv.port);
  const c = await RawConn.connect(srv.port);
  t.teardown(() => {
    sub.close();
    c.close();
  });
  sub.send('SUBSCRIBE', '__keyevent@0__:expired');
  await sub.read();
  await c.call('SET', 'quiet', 'v', 'PX', '20');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(await c.call('EXISTS', 'quiet'), ':0\r\n');
  t.equal(await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex'), '+OK\r\n');
  await new Promise((r) => setTimeout(r, 50));
  await c.call('SET', 'loud', 'v', 'PX', '20');
  t.match(await sub.read(1, 3000), /\$4\r\nloud\r\n$/, 'only the second expiry is announced');
});

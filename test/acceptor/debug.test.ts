import t from 'tap';
import { RawConn, withServer } from '../helpers/server.js';

t.test('DEBUG SLEEP holds every shard for the duration', async (t) => {
  const srv = await withServer({ shards: 2, 'enable-debug-command': 'yes' });
  t.teardown(() => srv.close());
  const a = await RawConn.connect(srv.port);
  const b = await RawConn.connect(srv.port);
  t.teardown(() => {
    a.close();
    b.close();
  });
  t.equal(await a.call('DEBUG', 'SLEEP', '0'), '+OK\r\n');
  t.equal(await a.call('DEBUG', 'SLEEP', 'abc'), '+OK\r\n', 'atof semantics: not a number sleeps 0');
  t.equal(await a.call('DEBUG', 'NOSUCH'), "-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n");
  const start = Date.now();
  a.send('DEBUG', 'SLEEP', '0.3');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(await b.call('SET', 'k', 'v'), '+OK\r\n');
  const waited = Date.now() - start;
  t.ok(waited >= 280, `a keyed command waited for the sleep (${waited} ms)`);
  t.equal(await a.read(), '+OK\r\n');
});

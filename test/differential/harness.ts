/**
 * Differential testing: the same command sequences go to a real redis-server and to Ferrous, and the
 * raw reply bytes must be identical. Cases run with no TTL-dependent output unless they normalise it.
 */
import type { Test } from 'tap';
import { RawConn, startRealRedis, withServer } from '../helpers/server.js';

export type Cmd = Array<string | Buffer>;

export interface DiffCase {
  name: string;
  /** Commands sent in order on one connection; every reply is compared. */
  cmds: Cmd[];
  /** Protocol for the connection (HELLO 3 first when 3). */
  resp?: 2 | 3;
  /** Replace parts of replies that legitimately differ (ids, timings) before comparing. */
  normalize?: (reply: string, cmd: Cmd) => string;
}

/**
 * Runs every case against both servers. When redis-server is missing (a developer machine without it)
 * the whole group is skipped with a message; CI installs it, so there it always runs.
 */
export async function runDifferential(t: Test, cases: DiffCase[], serverOpts: Record<string, string | number> = {}): Promise<void> {
  const real = await startRealRedis();
  if (real === null) {
    await t.test('differential tests', { skip: 'redis-server is not installed (apt-get install redis-server)' }, () => {});
    return;
  }
  const fer = await withServer({ shards: 2, ...serverOpts });
  t.teardown(async () => {
    await fer.close();
    await real.stop();
  });
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const a = await RawConn.connect(real.port);
      const b = await RawConn.connect(fer.port);
      try {
        for (const conn of [a, b]) {
          await conn.call('FLUSHALL');
          if (c.resp === 3) await conn.call('HELLO', '3');
        }
        for (const cmd of c.cmds) {
          const [ra, rb] = await Promise.all([a.call(...cmd), b.call(...cmd)]);
          const norm = c.normalize ?? ((x: string) => x);
          t.equal(norm(rb, cmd), norm(ra, cmd), printable(cmd));
        }
      } finally {
        a.close();
        b.close();
      }
    });
  }
}

function printable(cmd: Cmd): string {
  return cmd.map((x) => (typeof x === 'string' ? x : `<${x.length} bytes>`)).join(' ').slice(0, 200);
}

/** Split a command line on spaces (no quoting) for terse case tables. */
export function c(line: string): Cmd {
  return line.split(' ');
}

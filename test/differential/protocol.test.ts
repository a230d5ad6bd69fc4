/**
 * The request protocol byte for byte: raw input, some of it malformed, goes to a real redis-server and
 * to Ferrous, and everything each sends back before closing (or going quiet) must be identical.
 */
import t, { type Test } from 'tap';
import net from 'node:net';
import { startRealRedis, withServer } from '../helpers/server.js';

/** Write `input`, then collect the reply bytes until the server closes the connection or is quiet. */
function transcript(port: number, input: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.from(input, 'latin1')));
    let got = '';
    let quiet: NodeJS.Timeout | null = null;
    const done = (how: string): void => {
      if (quiet !== null) clearTimeout(quiet);
      sock.destroy();
      resolve(got + how);
    };
    const arm = (): void => {
      if (quiet !== null) clearTimeout(quiet);
      quiet = setTimeout(() => done('<open>'), 250);
    };
    sock.on('data', (d) => {
      got += d.toString('latin1');
      arm();
    });
    sock.on('close', () => done('<closed>'));
    sock.on('error', () => done('<error>'));
    arm();
  });
}

const PING = '*1\r\n$4\r\nPING\r\n';

/** Lengths are read as Redis's string2ll reads them; the line's end is looked for before the '$'. */
const lengthCases: string[] = [
  '*01\r\n' + '$4\r\nPING\r\n',
  '*1\r\n$04\r\nPING\r\n',
  '*1\r\n$-0\r\n' + PING,
  '*-0\r\n' + PING,
  '*00\r\n' + PING,
  '*0\r\n' + PING,
  '*-1\r\n' + PING,
  '*+1\r\n$4\r\nPING\r\n',
  '*1\r\n$+4\r\nPING\r\n',
  '*1\r\n$000000000000000000004\r\nPING\r\n',
  '*-9223372036854775808\r\n' + PING,
  '*-9223372036854775809\r\n' + PING,
  '*2147483648\r\n',
  '*1\r\n$9223372036854775807\r\n',
  '*1\r\n$9223372036854775808\r\n',
  '*1\r\n$-1\r\n',
  '*1\r\n$ 4\r\nPING\r\n',
  '*1\r\nx4\r\nPING\r\n',
  '*1\r\nx4',
  '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4x\r\n',
  PING + PING + 'PING\r\n',
];

/** Inline commands: quoting and escapes as sdssplitargs, bare newlines, empty lines, the 64 KiB limit. */
const inlineCases: string[] = [
  'PING\r\n',
  'PING\n',
  'PING',
  '\r\n   \r\n\n\nPING\r\n',
  'ECHO "a b"\r\n',
  "ECHO 'a b'\r\n",
  'ECHO "unbalanced\r\n',
  'ECHO "a\\x41\\x4g"\r\n',
  'ECHO "a"b\r\n',
  "ECHO 'it\\'s'\r\n",
  'ECHO "\\n\\t\\r\\b\\a\\\\"\r\n',
  'ECHO\ta\r\n',
  'PING\rPING\r\n',
  'ECHO a\x0bb\r\n',
  'ECHO a\x0cb\r\n',
  '""\r\n',
  'ECHO "" \'\'\r\n',
  'PING\r\n' + PING,
  'x'.repeat(70000),
  'x'.repeat(70000) + '\r\n',
  '*\r\nPING\r\n',
  '$4\r\nPING\r\n',
  'QUIT\r\nPING\r\n',
];

/**
 * NUL bytes: Redis finds line ends with strchr(), so a NUL before a line's end hides it (the request
 * never completes), and error messages print names and arguments with %s, up to the first NUL.
 */
const nulCases: string[] = [
  '*1\0\r\n' + PING,
  '*1\r\n$4\0\r\nPING\r\n',
  'ECHO a\0\nPING\r\n',
  'ECHO a\0' + 'b'.repeat(70000),
  '*1\0' + 'b'.repeat(70000),
  '*1\r\n$4\r\nPI\0G\r\n',
  '*2\r\n$4\r\nX\0YZ\r\n$3\r\na\0b\r\n',
  '*2\r\n$6\r\nCONFIG\r\n$3\r\nx\0y\r\n',
  '*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n',
];

/** Before AUTH, at most 10 arguments of 16 KiB each (Redis's authRequired limits). */
const unauthenticatedCases: string[] = [
  '*11\r\n',
  '*10\r\n$4\r\nPING\r\n',
  '*1\r\n$16385\r\n',
  '*1\r\n$16384\r\n',
  '*3\r\n$4\r\nAUTH\r\n$5\r\nwrong\r\n$1\r\nx\r\n*11\r\n',
  '*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*11\r\n',
  '*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*1\r\n$16385\r\n',
  'AUTH secret\r\n*12\r\n',
  PING,
];

async function compare(t: Test, extraArgs: string[], serverOpts: Record<string, string | number>, cases: string[]): Promise<void> {
  const real = await startRealRedis(extraArgs);
  if (real === null) {
    await t.test('against redis-server', { skip: 'redis-server is not installed (apt-get install redis-server)' }, () => {});
    return;
  }
  const fer = await withServer({ shards: 2, ...serverOpts });
  try {
    for (const input of cases) {
      const [want, got]: string[] = await Promise.all([transcript(real.port, input), transcript(fer.port, input)]);
      t.equal(got, want, JSON.stringify(input));
    }
  } finally {
    await fer.close();
    await real.stop();
  }
}

t.test('multibulk and bulk lengths', (t) => compare(t, [], {}, lengthCases));

t.test('inline commands', (t) => compare(t, [], {}, inlineCases));

t.test('NUL bytes in requests', (t) => compare(t, [], {}, nulCases));

t.test('limits before AUTH', (t) => compare(t, ['--requirepass', 'secret'], { requirepass: 'secret' }, unauthenticatedCases));

t.test('clearing requirepass lifts NOAUTH and the limits for clients that never authenticated', async (t) => {
  const fer = await withServer({ shards: 1, requirepass: 'secret' });
  try {
    const waiting = net.connect(fer.port, '127.0.0.1');
    await new Promise((r) => waiting.once('connect', r));
    const reply = (s: net.Socket, input: string): Promise<string> =>
      new Promise((resolve) => {
        s.once('data', (d) => resolve(d.toString('latin1')));
        s.write(input);
      });
    t.equal(await reply(waiting, 'PING\r\n'), '-NOAUTH Authentication required.\r\n');
    t.equal(await transcript(fer.port, 'AUTH secret\r\nCONFIG SET requirepass ""\r\n'), '+OK\r\n+OK\r\n<open>');
    t.equal(await reply(waiting, 'PING\r\n'), '+PONG\r\n', 'as in Redis: authRequired() looks at the password now');
    t.equal(await reply(waiting, `*11\r\n${'$1\r\nx\r\n'.repeat(11)}`), "-ERR unknown command 'x', with args beginning with: 'x' 'x' 'x' 'x' 'x' 'x' 'x' 'x' 'x' 'x' \r\n");
    waiting.destroy();
  } finally {
    await fer.close();
  }
});

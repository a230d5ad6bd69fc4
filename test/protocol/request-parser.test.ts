import t from 'tap';
import { RequestParser, ParseResult } from '../../src/protocol/request-parser.js';
import { splitArgs } from '../../src/protocol/split-args.js';

const limits = { maxBulkLen: 512 * 1024 * 1024, queryBufferLimit: 1024 * 1024 * 1024 };

function parseAll(chunks: Buffer[], l = limits): { cmds: string[][]; error: string } {
  const p = new RequestParser(l);
  const cmds: string[][] = [];
  for (const c of chunks) {
    p.feed(c);
    for (;;) {
      const r = p.next();
      if (r === ParseResult.NeedMore) break;
      if (r === ParseResult.Error) return { cmds, error: p.error };
      const argv: string[] = [];
      for (let i = 0; i < p.argc; i++) argv.push(p.args.latin1Slice(p.starts[i], p.ends[i]));
      cmds.push(argv);
    }
  }
  return { cmds, error: '' };
}

t.test('multibulk, pipelined', (t) => {
  const r = parseAll([Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n')]);
  t.same(r.cmds, [['GET', 'k'], ['SET', 'k', '']]);
  t.end();
});

t.test('split at every byte boundary gives the same commands', (t) => {
  const wire = Buffer.from('*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$11\r\nwor\r\nld\x00\xffxx\r\nPING\r\n*1\r\n$4\r\nPING\r\n', 'latin1');
  for (let cut = 1; cut < wire.length; cut++) {
    const r = parseAll([wire.subarray(0, cut), wire.subarray(cut)]);
    t.same(r.cmds, [['SET', 'hello', 'wor\r\nld\x00\xffxx'], ['PING'], ['PING']], `cut at ${cut}`);
  }
  // One byte at a time.
  const bytes = [...wire].map((b) => Buffer.from([b]));
  t.same(parseAll(bytes).cmds.length, 3);
  t.end();
});

t.test('inline commands with quotes and escapes', (t) => {
  const r = parseAll([Buffer.from('set "a b" \'c d\' "\\x41\\n"\r\n\r\nping\n')]);
  t.same(r.cmds, [['set', 'a b', 'c d', 'A\n'], ['ping']]);
  t.equal(parseAll([Buffer.from('set "abc\r\n')]).error, 'unbalanced quotes in request');
  t.end();
});

t.test('unquoted inline lines split in place exactly as splitArgs splits them', (t) => {
  const many = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
  // (No NUL: a line with one never ends, as with Redis's strchr; see the test below.)
  const lines = ['PING', '  set  k\tv  ', 'get\x02k \xff\x01', 'a\\b c\\nd', '\t \t', many, '\vset k v', 'set k\fv w', 'x\ry z'];
  for (const line of lines) {
    const r = parseAll([Buffer.from(`${line}\n`, 'latin1')]);
    const want = splitArgs(line);
    t.same(r.cmds, want!.length === 0 ? [] : [want], JSON.stringify(line));
  }
  // Several lines in one chunk, then the in-place arguments must not be disturbed by later lines.
  const p = new RequestParser(limits);
  p.feed(Buffer.from('set a 1\r\nget a\r\n'));
  t.equal(p.next(), ParseResult.Command);
  t.same([p.argc, p.args.latin1Slice(p.starts[2], p.ends[2])], [3, '1']);
  t.equal(p.next(), ParseResult.Command);
  t.same([p.argc, p.args.latin1Slice(p.starts[0], p.ends[1])], [2, 'get a']);
  t.end();
});

t.test('protocol errors use Redis wording', (t) => {
  t.equal(parseAll([Buffer.from('*2\r\n+3\r\n')]).error, "expected '$', got '+'");
  t.equal(parseAll([Buffer.from('*x\r\n')]).error, 'invalid multibulk length');
  t.equal(parseAll([Buffer.from('*2147483648\r\n')]).error, 'invalid multibulk length');
  t.same(parseAll([Buffer.from('*2000000000\r\n$4\r\nPING\r\n')]), { cmds: [], error: '' }, 'a huge count waits for its arguments');
  t.equal(parseAll([Buffer.from('*1\r\n$-5\r\n')]).error, 'invalid bulk length');
  t.equal(parseAll([Buffer.from('*1\r\n$100\r\n')], { ...limits, maxBulkLen: 10 }).error, 'invalid bulk length');
  t.equal(parseAll([Buffer.alloc(70 * 1024, 97)]).error, 'too big inline request');
  t.equal(parseAll([Buffer.concat([Buffer.alloc(70 * 1024, 97), Buffer.from(' b\r\n')])]).cmds[0].length, 2, 'a long line with its newline is a command');
  t.end();
});

t.test('*0 and empty lines are skipped', (t) => {
  t.same(parseAll([Buffer.from('*0\r\n\r\n*1\r\n$4\r\nPING\r\n')]).cmds, [['PING']]);
  t.end();
});

t.test('a large bulk arriving in many chunks is joined once and parsed', (t) => {
  const big = Buffer.alloc(1_000_000, 120);
  const wire = Buffer.concat([Buffer.from(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n`), big, Buffer.from('\r\n')]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 65536) chunks.push(wire.subarray(i, i + 65536));
  const r = parseAll(chunks);
  t.equal(r.cmds.length, 1);
  t.equal(r.cmds[0][1].length, big.length);
  t.end();
});

t.test('query buffer limit', (t) => {
  const r = parseAll([Buffer.from('*2\r\n$4\r\nECHO\r\n$1000\r\n'), Buffer.alloc(500)], { ...limits, queryBufferLimit: 100 });
  t.equal(r.error, 'query buffer limit');
  t.end();
});

t.test('splitArgs matches sdssplitargs', (t) => {
  const s = (x: string) => splitArgs(x);
  t.same(s('  a  b  '), ['a', 'b']);
  t.same(s('"a"b'), null, 'closing quote must be followed by space');
  t.same(s("'it\\'s'"), ["it's"]);
  t.same(s('"\\t\\r\\a"'), ['\t\r\x07']);
  t.same(s(''), []);
  t.end();
});

t.test('borrowed chunks: the unparsed rest survives the buffer being reused', (t) => {
  // One read buffer for every socket, as socket-reader.ts does: overwritten after each feed.
  const input = Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nPING\r\n*1\r\n$4\r\nECHO');
  for (let size = 1; size <= input.length; size++) {
    const shared = Buffer.alloc(size);
    const p = new RequestParser(limits);
    const cmds: string[][] = [];
    for (let off = 0; off < input.length; off += size) {
      const n = input.copy(shared, 0, off, Math.min(off + size, input.length));
      p.feed(shared.subarray(0, n), true);
      for (;;) {
        const r = p.next();
        if (r !== ParseResult.Command) break;
        const argv: string[] = [];
        for (let i = 0; i < p.argc; i++) argv.push(p.args.latin1Slice(p.starts[i], p.ends[i]));
        cmds.push(argv);
      }
      p.keepRest();
      shared.fill(0x78); // the next socket's read
    }
    if (JSON.stringify(cmds) !== JSON.stringify([['GET', 'k'], ['SET', 'key', 'value'], ['PING']])) {
      t.fail(`read size ${size}: ${JSON.stringify(cmds)}`);
      return t.end();
    }
    t.equal(p.buffered, 12, `read size ${size}: the partial ECHO request is kept`);
  }
  t.end();
});

t.test("lengths are read as string2ll reads them", (t) => {
  const bad = ['*01\r\n', '*-0\r\n', '*+1\r\n', '*1 \r\n', '*-9223372036854775809\r\n', `*${'1'.repeat(21)}\r\n`];
  for (const s of bad) t.same(parseAll([Buffer.from(s)]), { cmds: [], error: 'invalid multibulk length' }, JSON.stringify(s));
  for (const s of ['$04\r\n', '$-0\r\n', '$+4\r\n', '$000000000000000000004\r\n', '$-1\r\n', '$9223372036854775808\r\n']) {
    t.same(parseAll([Buffer.from(`*1\r\n${s}`)]), { cmds: [], error: 'invalid bulk length' }, JSON.stringify(s));
  }
  t.same(parseAll([Buffer.from('*-9223372036854775808\r\n*0\r\n*1\r\n$4\r\nPING\r\n')]), { cmds: [['PING']], error: '' }, 'LLONG_MIN and 0 are empty requests');
  // The end of the line is looked for first: a bad '$' waits for it, like Redis.
  t.same(parseAll([Buffer.from('*1\r\nx4')]), { cmds: [], error: '' });
  t.same(parseAll([Buffer.from('*1\r\nx4'), Buffer.from('\r\n')]), { cmds: [], error: "expected '$', got 'x'" });
  t.end();
});

t.test('before AUTH: 10 arguments of 16 KiB at most', (t) => {
  const p = new RequestParser(limits);
  p.unauthenticated = true;
  p.feed(Buffer.from('*10\r\n$16384\r\n'));
  t.equal(p.next(), ParseResult.NeedMore, '10 arguments, a 16 KiB one');
  const q = new RequestParser(limits);
  q.unauthenticated = true;
  q.feed(Buffer.from('*11\r\n'));
  t.equal(q.next(), ParseResult.Error);
  t.equal(q.error, 'unauthenticated multibulk length');
  const r = new RequestParser(limits);
  r.unauthenticated = true;
  r.feed(Buffer.from('*1\r\n$16385\r\n'));
  t.equal(r.next(), ParseResult.Error);
  t.equal(r.error, 'unauthenticated bulk length');
  t.end();
});

t.test('a NUL byte before the end of a line hides the end, as strchr() does in Redis', (t) => {
  t.same(parseAll([Buffer.from('get\x00k\r\n')]), { cmds: [], error: '' }, 'inline: waits');
  t.same(parseAll([Buffer.from('*1\x00\r\n$4\r\nPING\r\n')]), { cmds: [], error: '' }, 'count line: waits');
  t.same(parseAll([Buffer.from(`ECHO \x00${'b'.repeat(70000)}`)]), { cmds: [], error: 'too big inline request' }, 'until the 64 KiB limit');
  t.same(parseAll([Buffer.from(`*1\r\n$3\r\na\x00b\r\n`)]), { cmds: [['a\x00b']], error: '' }, 'bulk data may hold NULs');
  t.end();
});

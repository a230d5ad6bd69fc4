import t from 'tap';
import {
  decodeResp,
  encodeResp,
  encodeRespMany,
  formatRespDouble,
  type RespValue,
} from '../../src/protocol/resp-value.js';

const e2 = (v: RespValue): string => encodeResp(v, 2).toString('latin1');
const e3 = (v: RespValue): string => encodeResp(v, 3).toString('latin1');

t.test('scalars', async (t) => {
  t.equal(e2('hello'), '$5\r\nhello\r\n');
  t.equal(e2(''), '$0\r\n\r\n');
  t.equal(encodeResp('é', 2).toString('utf8'), '$2\r\né\r\n');
  t.equal(e2(Buffer.from([0, 255, 13, 10])), '$4\r\n\x00\xff\r\n\r\n');
  t.equal(e2(42), ':42\r\n');
  t.equal(e3(-7), ':-7\r\n');
  t.equal(e2(2n ** 63n - 1n), ':9223372036854775807\r\n');
  t.throws(() => encodeResp(1.5, 2));
  t.equal(e2(['+', 'OK']), '+OK\r\n');
  t.equal(e3(['+', 'OK']), '+OK\r\n');
  t.equal(e2(['-', 'ERR bad\r\nthing']), '-ERR bad thing\r\n');
  t.equal(e3(['!', 'ERR x']), '!5\r\nERR x\r\n');
  t.equal(e2(['!', 'ERR x']), '-ERR x\r\n');
});

t.test('nulls: $-1 vs *-1 in RESP2, _ in RESP3', async (t) => {
  t.equal(e2(['_']), '$-1\r\n');
  t.equal(e2(['_*']), '*-1\r\n');
  t.equal(e3(['_']), '_\r\n');
  t.equal(e3(['_*']), '_\r\n');
});

t.test('aggregates and RESP2 downgrades', async (t) => {
  const map: RespValue = ['%', 'a', 1, 'b', ['~', ['+', 'x'], 'y']];
  t.equal(e3(map), '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n~2\r\n+x\r\n$1\r\ny\r\n');
  t.equal(e2(map), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n+x\r\n$1\r\ny\r\n');
  t.equal(e3(['*']), '*0\r\n');
  t.equal(e3(['~']), '~0\r\n');
  t.equal(e2(['~']), '*0\r\n');
  t.equal(e3(['%']), '%0\r\n');
  t.equal(e2(['%']), '*0\r\n');
  t.equal(e3(['>', 'message', 'ch', 'hi']), '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n');
  t.equal(e2(['>', 'message', 'ch', 'hi']), '*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n');
  t.throws(() => encodeResp(['%', 'a'], 3));
  t.equal(e3(['#', true]), '#t\r\n');
  t.equal(e3(['#', false]), '#f\r\n');
  t.equal(e2(['#', true]), ':1\r\n');
  t.equal(e2(['#', false]), ':0\r\n');
  t.equal(e3(['(', '12345678901234567890']), '(12345678901234567890\r\n');
  t.equal(e2(['(', '12345678901234567890']), '$20\r\n12345678901234567890\r\n');
  t.equal(e3(['=', 'txt', 'hi']), '=6\r\ntxt:hi\r\n');
  t.equal(e2(['=', 'txt', 'hi']), '$2\r\nhi\r\n');
  t.equal(
    encodeRespMany(['a', 1], 2).toString(),
    '$1\r\na\r\n:1\r\n',
  );
});

t.test('doubles are formatted like Redis 7.0 (%.17g)', async (t) => {
  t.equal(e3([',', 1.5]), ',1.5\r\n');
  t.equal(e2([',', 1.5]), '$3\r\n1.5\r\n');
  t.equal(e3([',', Infinity]), ',inf\r\n');
  t.equal(e2([',', -Infinity]), '$4\r\n-inf\r\n');
  const cases: [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-2.5, '-2.5'],
    [0.1, '0.10000000000000001'],
    [1 / 3, '0.33333333333333331'],
    [3.0e-5, '3.0000000000000001e-05'],
    [0.0001, '0.0001'],
    [1e17, '1e+17'],
    [12345678901234567, '12345678901234568'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '4.9406564584124654e-324'],
    [100, '100'],
    [1e16, '10000000000000000'],
    // exact binary value ...799.125: C rounds the tie to even, JS toFixed/toExponential would not
    [362562284390799.1, '362562284390799.12'],
    [-1009113399038367.2, '-1009113399038367.2'],
  ];
  for (const [d, s] of cases) t.equal(formatRespDouble(d), s, String(d));
});

t.test('decode/encode round trip in both protocols', async (t) => {
  const values: RespValue[] = [
    'bulk',
    123,
    -1,
    ['+', 'simple'],
    ['-', 'ERR e'],
    ['_'],
    ['*', 'a', ['*', 1, 2], ['%', 'k', ['~', ['+', 'v']]]],
    ['%', 'x', ['_'], 'y', [',', 2.5]],
    ['#', true],
    ['(', '99999999999999999999'],
    ['=', 'txt', 'hello'],
    ['>', 'pmessage', 'p*', 'ch', 'msg'],
    ['!', 'ERR blob'],
  ];
  for (const v of values) {
    const b3 = encodeResp(v, 3);
    const d3 = decodeResp(b3);
    t.ok(d3, JSON.stringify(v));
    t.same(d3?.value, v, `resp3 ${JSON.stringify(v)}`);
    t.equal(d3?.end, b3.length);
    // RESP2 is lossy, but re-encoding what was decoded must give the same bytes.
    const b2 = encodeResp(v, 2);
    const d2 = decodeResp(b2);
    t.ok(d2);
    if (d2 !== undefined) t.same(encodeResp(d2.value, 2), b2, `resp2 ${JSON.stringify(v)}`);
  }
  t.same(decodeResp(Buffer.from('*-1\r\n'))?.value, ['_*']);
  t.same(decodeResp(Buffer.from('$-1\r\n'))?.value, ['_']);
  t.same(decodeResp(Buffer.from('$3\r\nabc\r\n'), 0, true)?.value, Buffer.from('abc'));
  t.same(decodeResp(Buffer.from(':99999999999999999999\r\n'))?.value, 99999999999999999999n);
});

t.test('decode reports incomplete input', async (t) => {
  const full = encodeResp(['*', 'abc', ['%', 'k', 1]], 3);
  for (let i = 0; i < full.length; i++) t.equal(decodeResp(full.subarray(0, i)), undefined, `prefix ${i}`);
  t.ok(decodeResp(full));
  t.throws(() => decodeResp(Buffer.from('?x\r\n')));
});

/**
 * Args and latin1 (src/shared/frame.ts): every byte value and every length round-trips, on both sides
 * of the short-string path.
 */
import t from 'tap';
import { Args, RecentStrings, latin1 } from '../../src/shared/frame.js';

t.test('latin1 gives one char per byte for every length and byte value', async (t) => {
  for (let n = 0; n <= 40; n++) {
    const bytes = Buffer.alloc(n + 6);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 97 + n * 31) & 0xff;
    bytes[3] = 0;
    if (n > 1) bytes[4] = 255;
    const want = bytes.latin1Slice(3, 3 + n);
    t.equal(latin1(bytes, 3, 3 + n), want, `length ${n} from a Buffer`);
    const plain = new Uint8Array(bytes);
    t.equal(latin1(plain, 3, 3 + n), want, `length ${n} from a Uint8Array`);
  }
});

t.test('Args.str reads the argument it points at', async (t) => {
  const a = new Args();
  a.setFrom(['GET', 'key:000000012345', Uint8Array.of(0, 200, 255)]);
  t.equal(a.str(0), 'GET');
  t.equal(a.str(1), 'key:000000012345');
  t.equal(a.str(2), '\u0000\u00c8\u00ff');
  t.ok(a.is(0, 'get'));
});

t.test('RecentStrings hands out the same string for the same bytes, and keeps the newest few', async (t) => {
  const r = new RecentStrings(2);
  const b = Buffer.from('abcabdxyz');
  const s1 = r.get(b, 0, 3);
  t.equal(s1, 'abc');
  t.equal(r.get(Buffer.from('abc'), 0, 3), 'abc');
  t.equal(r.get(b, 3, 6), 'abd', 'same length, other bytes');
  t.equal(r.get(b, 0, 2), 'ab', 'a prefix is another string');
  t.equal(r.get(b, 6, 9), 'xyz');
  t.equal(r.get(b, 0, 3), 'abc', 'an evicted one is made again');
});

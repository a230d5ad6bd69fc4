import t, { type Test } from 'tap';
import { lzfCompress, lzfDecompress } from '../../src/rdb/lzf.js';

function roundTrip(t: Test, input: Buffer, label: string): void {
  const c = lzfCompress(input, input.length + (input.length >> 4) + 64); // literal runs cost 1 byte per 32
  t.ok(c !== null, `${label}: compresses into a roomy buffer`);
  const d = lzfDecompress(c!, input.length);
  t.ok(d !== null && d.equals(input), `${label}: round trip`);
}

t.test('round trips', (t) => {
  roundTrip(t, Buffer.from('a'), 'one byte');
  roundTrip(t, Buffer.from('ab'), 'two bytes');
  roundTrip(t, Buffer.from('abc'), 'three bytes');
  roundTrip(t, Buffer.from('a'.repeat(1000)), 'a run');
  roundTrip(t, Buffer.from('hello world '.repeat(500)), 'repeated text');
  const all = Buffer.alloc(256 * 20);
  for (let i = 0; i < all.length; i++) all[i] = i & 0xff;
  roundTrip(t, all, 'all byte values');
  const rnd = Buffer.alloc(100000);
  for (let i = 0; i < rnd.length; i++) rnd[i] = Math.floor(Math.random() * 256);
  roundTrip(t, rnd, 'random (incompressible)');
  const mixed = Buffer.concat([rnd.subarray(0, 5000), Buffer.alloc(20000, 7), rnd.subarray(0, 9000), Buffer.from('xyz'.repeat(3000))]);
  roundTrip(t, mixed, 'mixed, long references');
  t.end();
});

t.test('compression limit: null when the output would not fit', (t) => {
  const rnd = Buffer.alloc(1000);
  for (let i = 0; i < rnd.length; i++) rnd[i] = Math.floor(Math.random() * 256);
  t.equal(lzfCompress(rnd, rnd.length - 4), null, 'incompressible data does not shrink by 4 bytes');
  const text = Buffer.from('abcabcabcabcabcabcabcabcabcabc');
  const c = lzfCompress(text, text.length - 4);
  t.ok(c !== null && c.length <= text.length - 4);
  t.equal(lzfCompress(Buffer.alloc(0), 10), null, 'empty input');
  t.end();
});

t.test('known encoding of liblzf (as Redis produces it)', (t) => {
  // Compressed bytes found in redis-server 7.0.15's DUMP of these strings (outLen = len - 4 as rdb.c asks).
  t.equal(lzfCompress(Buffer.from('a'.repeat(32)), 28)!.toString('hex'), '016161e01300016161');
  t.equal(lzfCompress(Buffer.from('hello world '.repeat(10)), 116)!.toString('hex'), '0c68656c6c6f20776f726c642068e0600b016420');
  t.end();
});

t.test('decompression rejects corrupt input', (t) => {
  const good = lzfCompress(Buffer.from('hello hello hello hello hello'), 100)!;
  t.equal(lzfDecompress(good, 28), null, 'wrong length (too short)');
  t.equal(lzfDecompress(good, 30), null, 'wrong length (too long)');
  t.equal(lzfDecompress(Buffer.from([0x05, 0x61]), 6), null, 'literal run past the input');
  t.equal(lzfDecompress(Buffer.from([0x20, 0x10]), 3), null, 'reference before the start');
  t.equal(lzfDecompress(Buffer.from([0x20]), 3), null, 'reference cut short');
  t.equal(lzfDecompress(Buffer.alloc(0), 3), null, 'empty input');
  t.same(lzfDecompress(Buffer.from([0x01, 0x61]), 0), Buffer.alloc(0), 'nothing to produce (Redis accepts any input)');
  t.end();
});

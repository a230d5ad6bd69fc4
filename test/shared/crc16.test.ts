import t from 'tap';
import { CLUSTER_SLOTS, crc16, crc16String, keyHashSlot, keyHashSlotOfString } from '../../src/shared/crc16.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

// Expected slots produced by `CLUSTER KEYSLOT` on a real Redis 7.0.15 in cluster mode.
const ORACLE: Array<[string, number]> = [
  ['foo', 12182],
  ['bar', 5061],
  ['hello', 866],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{}{bar}', 8363],
  ['foo{{bar}}zap', 4015],
  ['foo{bar}{zap}', 5061],
  ['{}', 15257],
  ['', 0],
  ['{', 4092],
  ['}', 12090],
  ['}{', 12793],
  ['{bar', 4015],
  ['a{b}', 3300],
  ['{a}b', 15495],
  ['x{}', 2608],
  ['{}x', 10595],
  ['{{}}', 4092],
  ['{{}', 4092],
  ['{}}', 14790],
  ['}{a}', 15495],
  ['key:1', 6657],
  ['123456789', 12739],
  ['\u0000', 0],
  ['\u00ff\u00fe{\u0080}', 4488],
  ['{\u0000}', 0],
  ['a'.repeat(1000), 6383],
  ['user:{42}:profile', 8000],
  ['user:{42}:cart', 8000],
  ['\r\n{}', 1502],
  ['aaaaaaaaaa', 6352],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['', 0],
  ['aaaaaaaa', 12164],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['', 0],
  ['', 0],
  ['aaaaaaaa', 12164],
  ['', 0],
  ['aaaaaaaa', 12164],
  ['', 0],
  ['aaaaaaaa', 12164],
  ['aaaaaaaa', 12164],
  ['aaaaaaaa', 12164],
  ['aaaa', 1953],
  ['', 0],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['aaaaaaaa', 12164],
  ['', 0],
  ['aaaa', 1953],
  ['aaaaaaaa', 12164],
  ['', 0],
  ['aaaa', 1953],
  ['', 0],
  ['', 0],
  ['aaaa', 1953],
  ['', 0],
  ['', 0],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['aaaa', 1953],
  ['aaaaaaaa', 12164],
  ['aaaa', 1953],
  ['aaaaaaaa', 12164],
  ['aaaa', 1953],
];

t.test('crc16 known vectors (CRC-16/XMODEM)', async (t) => {
  const b = latin1('123456789');
  t.equal(crc16(b, 0, b.length), 0x31c3, 'standard check value');
  t.equal(crc16(b, 0, 0), 0, 'empty range');
  t.equal(crc16String('123456789'), 0x31c3);
  t.equal(crc16String('xx123456789yy', 2, 11), 0x31c3, 'sub-range of string');
  const padded = latin1('__123456789__');
  t.equal(crc16(padded, 2, 11), 0x31c3, 'sub-range of buffer');
  t.equal(crc16(latin1('A'), 0, 1), 0x58e5);
  t.equal(CLUSTER_SLOTS, 16384);
});

t.test('keyHashSlot matches CLUSTER KEYSLOT', async (t) => {
  for (const [k, slot] of ORACLE) {
    t.equal(keyHashSlotOfString(k), slot, `string ${JSON.stringify(k)}`);
    const b = latin1(k);
    t.equal(keyHashSlot(b, 0, b.length), slot, `bytes ${JSON.stringify(k)}`);
    // Same key embedded in a larger buffer whose surrounding bytes contain braces.
    const wrapped = Buffer.concat([latin1('{x}'), b, latin1('}{y}')]);
    t.equal(keyHashSlot(wrapped, 3, 3 + b.length), slot, `embedded ${JSON.stringify(k)}`);
  }
});

t.test('hashtag rules', async (t) => {
  t.equal(keyHashSlotOfString('foo'), 12182);
  t.equal(keyHashSlotOfString('bar'), 5061);
  t.equal(keyHashSlotOfString('hello'), 866);
  t.equal(keyHashSlotOfString('{user1000}.following'), keyHashSlotOfString('{user1000}.followers'));
  t.equal(keyHashSlotOfString('{user1000}.following'), keyHashSlotOfString('user1000'));
  t.equal(keyHashSlotOfString('foo{}{bar}'), crc16String('foo{}{bar}') & 0x3fff, 'empty first tag hashes whole key');
  t.equal(keyHashSlotOfString('foo{{bar}}zap'), keyHashSlotOfString('{bar'), 'tag is "{bar"');
  t.equal(keyHashSlotOfString('foo{bar}{zap}'), keyHashSlotOfString('bar'), 'first tag wins');
  t.equal(keyHashSlotOfString('{}'), crc16String('{}') & 0x3fff);
  t.equal(keyHashSlotOfString('{abc'), crc16String('{abc') & 0x3fff, 'unterminated tag');
  t.equal(keyHashSlotOfString('abc}{'), crc16String('abc}{') & 0x3fff, '} before {');
  for (const [k] of ORACLE) t.ok(keyHashSlotOfString(k) >= 0 && keyHashSlotOfString(k) < 16384);
});

t.test('two-bytes-a-step paths agree with the byte-at-a-time definition', async (t) => {
  // The reference: crc16String walks one char at a time; its slot rule is spelled out here again.
  const refSlot = (k: string): number => {
    const open = k.indexOf('{');
    const close = open < 0 ? -1 : k.indexOf('}', open + 1);
    const tagged = open >= 0 && close > open + 1;
    return (tagged ? crc16String(k, open + 1, close) : crc16String(k)) & 0x3fff;
  };
  const alphabet = 'ab{}x\u00ff\u0000';
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let bad = 0;
  for (let n = 0; n < 5000; n++) {
    let k = '';
    const len = rnd(24);
    for (let i = 0; i < len; i++) k += alphabet[rnd(alphabet.length)];
    const b = latin1(`{${k}}`);
    if (crc16(b, 1, b.length - 1) !== crc16String(k)) bad++;
    if (keyHashSlot(b, 1, b.length - 1) !== refSlot(k)) bad++;
  }
  t.equal(bad, 0, '5000 random keys of odd and even lengths, with and without braces');
});

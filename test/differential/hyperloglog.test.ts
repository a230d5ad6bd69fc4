import t from 'tap';
import { runDifferential, c, type Cmd, type DiffCase } from './harness.js';

/** Elements of varied lengths (every MurmurHash tail length) and some binary bytes. */
function elems(prefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}${i}${'x'.repeat(i % 11)}`);
  return out;
}

function pfadd(key: string, items: string[]): Cmd {
  return ['PFADD', key, ...items];
}

const corruptSparse = Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.from([0x7f, 0xf0])]);
const corruptVal = Buffer.concat([Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1'), Buffer.from([0x7f, 0xfe, 0x83, 0x83])]);
const badEncoding = Buffer.from('HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff', 'latin1');
const shortDense = Buffer.from('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1');

const cases: DiffCase[] = [
  {
    name: 'PFADD/PFCOUNT basics and stored bytes',
    cmds: [
      c('PFADD h'), c('GET h'), c('PFCOUNT h'), c('GET h'), c('PFADD h a b c'), c('GET h'), c('PFADD h a'), c('PFCOUNT h'), c('GET h'),
      c('PFCOUNT h'), c('PFCOUNT nokey'), c('PFADD h2 a'), c('PFADD h2 a'), c('GET h2'), c('TYPE h'), c('STRLEN h'),
      ['PFADD', 'bin', '', '\x00', '\xff\xfe', 'abcdefgh', 'abcdefghi', 'abcdefghijklmnopq'], c('GET bin'), c('PFCOUNT bin'), c('GET bin'),
    ],
  },
  {
    name: 'hundreds of elements (sparse)',
    cmds: [pfadd('s', elems('e', 0, 300)), c('GET s'), c('PFCOUNT s'), c('GET s'), pfadd('s', elems('e', 250, 400)), c('GET s'), c('PFCOUNT s'), c('PFDEBUG ENCODING s'), c('PFDEBUG DECODE s')],
  },
  {
    name: 'thousands of elements (promotion to dense)',
    cmds: [
      pfadd('d', elems('m', 0, 5000)), c('PFDEBUG ENCODING d'), c('GET d'), c('PFCOUNT d'), c('GET d'),
      pfadd('d', elems('m', 4000, 20000)), c('PFCOUNT d'), c('GET d'), c('PFADD d m1'), c('PFCOUNT d'),
    ],
  },
  {
    name: 'incremental growth across hll-sparse-max-bytes',
    cmds: [0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [pfadd('g', elems('g', k * 400, (k + 1) * 400)), c('GET g'), c('PFCOUNT g'), c('PFDEBUG ENCODING g')]),
  },
  {
    name: 'single elements one by one',
    cmds: Array.from({ length: 200 }, (_, i) => ['PFADD', 'one', `el:${i * 7}`] as Cmd).concat([c('GET one'), c('PFCOUNT one'), c('GET one')]),
  },
  {
    name: 'PFMERGE and multi-key PFCOUNT',
    cmds: [
      pfadd('{t}a', elems('a', 0, 200)), pfadd('{t}b', elems('b', 0, 300)), pfadd('{t}c', elems('c', 0, 6000)),
      c('PFCOUNT {t}a {t}b'), c('GET {t}a'), c('PFCOUNT {t}a {t}b {t}nokey'), c('PFMERGE {t}m {t}a {t}b'), c('GET {t}m'), c('PFCOUNT {t}m'),
      c('PFMERGE {t}a {t}b'), c('GET {t}a'), c('PFCOUNT {t}a'), c('PFMERGE {t}n {t}a {t}c'), c('GET {t}n'), c('PFCOUNT {t}n'),
      c('PFMERGE {t}b {t}c'), c('GET {t}b'), c('PFCOUNT {t}a {t}b {t}c'), c('PFMERGE {t}e'), c('GET {t}e'), c('PFMERGE {t}e {t}none'), c('GET {t}e'),
      c('PFMERGE {t}a {t}a'), c('GET {t}a'), c('PFCOUNT {t}c {t}c'),
    ],
  },
  {
    name: 'PFMERGE across shards',
    cmds: [pfadd('x1', elems('x', 0, 100)), pfadd('y2', elems('y', 0, 3000)), c('PFMERGE z3 x1 y2'), c('GET z3'), c('PFCOUNT x1 y2 z3'), c('PFCOUNT z3')],
  },
  {
    name: 'errors and corrupt values',
    cmds: [
      c('SET s foo'), c('PFADD s a'), c('PFCOUNT s'), c('PFMERGE s'), c('PFMERGE d s'), c('EXISTS d'), c('LPUSH l a'), c('PFADD l a'), c('PFCOUNT l'), c('PFCOUNT l s'),
      c('PFADD h a'), c('PFCOUNT h s'), c('PFCOUNT h l'), c('PFMERGE h l'), c('SET i 12345'), c('PFCOUNT i'),
      ['SET', 'cs', corruptSparse], c('PFCOUNT cs'), c('PFADD cs a b'), c('PFCOUNT cs h'), c('PFMERGE d2 cs'), c('EXISTS d2'), c('GET cs'),
      ['SET', 'cv', corruptVal], c('PFCOUNT cv'), c('PFADD cv x'),
      ['SET', 'be', badEncoding], c('PFCOUNT be'), ['SET', 'sd', shortDense], c('PFADD sd a'),
      c('PFDEBUG ENCODING nokey'), c('PFDEBUG FOO h'), c('PFDEBUG ENCODING s'), c('PFDEBUG ENCODING l'), c('PFDEBUG DECODE cs'),
    ],
  },
  {
    name: 'TTL survives PFADD, PFCOUNT and PFMERGE',
    cmds: [c('PFADD k a'), c('EXPIRE k 1000'), c('PFADD k b'), c('TTL k'), c('PFCOUNT k'), c('TTL k'), c('PFMERGE k'), c('TTL k')],
  },
  {
    name: 'PFDEBUG',
    cmds: [
      c('PFADD p a b c d e f g'), c('PFDEBUG ENCODING p'), c('PFDEBUG DECODE p'), c('PFDEBUG TODENSE p'), c('PFDEBUG TODENSE p'), c('PFDEBUG ENCODING p'),
      c('GET p'), c('PFDEBUG DECODE p'), c('PFADD q x y'), c('PFDEBUG GETREG q'), c('GET q'), c('PFDEBUG encoding q'),
    ],
  },
  {
    // A run past register 16383 (Redis's CVE-2025-32023 check) and a cached count past 2^53.
    name: 'hand-edited values: overflowing sparse run in merges, huge cached count',
    cmds: [
      c('PFMERGE ov'), ['SETRANGE', 'ov', '18', Buffer.from([0xff, 0xff])], c('PFCOUNT ov ov'), c('PFMERGE d ov'), c('PFCOUNT ov'),
      c('PFADD big a'), ['SETRANGE', 'big', '8', Buffer.from([1, 0, 0, 0, 0, 0, 0x20, 0])], c('PFCOUNT big'),
      ['SETRANGE', 'big', '8', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x70])], c('PFCOUNT big'),
    ],
  },
  { name: 'RESP3', resp: 3, cmds: [c('PFADD r a b'), c('PFCOUNT r'), c('PFMERGE r'), c('PFDEBUG ENCODING r')] },
];

await runDifferential(t, cases);

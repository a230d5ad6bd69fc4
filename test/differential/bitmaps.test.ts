import t from 'tap';
import { runDifferential, c, type Cmd, type DiffCase } from './harness.js';

const bin = (...bytes: number[]): Buffer => Buffer.from(bytes);
const setb = (key: string, ...bytes: number[]): Cmd => ['SET', key, bin(...bytes)];

const cases: DiffCase[] = [
  // Redis 7.0 answers 0 for a negative range that ends before it starts before it reads BYTE/BIT.
  { name: 'BITCOUNT order of checks', cmds: [c('SET k 5e-1'), c('BITCOUNT k -2 -5 BAD'), c('BITCOUNT k 1 0 BAD'), c('BITCOUNT nokey 0 -1 BAD'), c('BITCOUNT k 0 x BAD'), c('BITCOUNT k -1 -2 BIT')] },
  {
    name: 'SETBIT GETBIT',
    cmds: [
      c('SETBIT k 7 1'), c('GET k'), c('SETBIT k 7 1'), c('SETBIT k 7 0'), c('GETBIT k 7'), c('SETBIT k 100 1'), c('STRLEN k'), c('GET k'),
      c('GETBIT k 100'), c('GETBIT k 101'), c('GETBIT k 100000'), c('GETBIT nokey 3'), c('SETBIT k -1 1'), c('SETBIT k x 1'), c('SETBIT k 1 2'),
      c('SETBIT k 1 -1'), c('SETBIT k 1 x'), c('SETBIT k 4294967296 1'), c('SETBIT k 4294967295 x'), c('GETBIT k -1'), c('GETBIT k 4294967296'),
      c('GETBIT k #1'), c('SET n 1234'), c('GETBIT n 2'), c('SETBIT n 6 1'), c('GET n'), c('RPUSH l a'), c('SETBIT l 0 1'), c('GETBIT l 0'),
      c('GETBIT l x'), c('SETBIT l 0 5'), c('SET e 1 EX 100'), c('SETBIT e 3 1'), c('TTL e'),
    ],
  },
  {
    name: 'BITCOUNT ranges',
    cmds: [
      setb('s', 0xff, 0xf0, 0x00, 0x0f, 0x55, 0xaa), c('BITCOUNT s'), c('BITCOUNT s 0 0'), c('BITCOUNT s 1 -1'), c('BITCOUNT s -2 -1'),
      c('BITCOUNT s -1 -2'), c('BITCOUNT s -100 100'), c('BITCOUNT s 3 1'), c('BITCOUNT s 0 -100'), c('BITCOUNT s 5 100'),
      c('BITCOUNT s 0 7 BIT'), c('BITCOUNT s 4 11 BIT'), c('BITCOUNT s 5 5 BIT'), c('BITCOUNT s -5 -1 BIT'), c('BITCOUNT s -1 -5 BIT'),
      c('BITCOUNT s 3 12 bit'), c('BITCOUNT s 0 1 byte'), c('BITCOUNT s 0 1 foo'), c('BITCOUNT s 0'), c('BITCOUNT s 0 1 bit x'),
      c('BITCOUNT s a 1'), c('BITCOUNT s 0 b'), c('BITCOUNT s a b foo'), c('BITCOUNT nokey'), c('BITCOUNT nokey a b'), c('BITCOUNT nokey 1'),
      c('BITCOUNT s -9223372036854775808 -9223372036854775807'), c('BITCOUNT s -9223372036854775807 -9223372036854775808'),
      c('BITCOUNT s 0 9223372036854775807 BIT'), c('BITCOUNT s 9223372036854775808 1'), c('SET e ""'), c('BITCOUNT e'), c('BITCOUNT e 0 -1'),
      c('BITCOUNT e 0 -1 BIT'), c('RPUSH l a'), c('BITCOUNT l'), c('BITCOUNT l 1'), c('SET n 12'), c('BITCOUNT n'), c('BITCOUNT s 47 47 BIT'),
      c('BITCOUNT s 48 100 BIT'),
    ],
  },
  {
    name: 'BITPOS',
    cmds: [
      setb('s', 0xff, 0xf0, 0x00), c('BITPOS s 0'), c('BITPOS s 1'), c('BITPOS s 0 1'), c('BITPOS s 1 2'), c('BITPOS s 0 2'), c('BITPOS s 1 1 1'),
      c('BITPOS s 0 0 0'), c('BITPOS s 1 2 2'), c('BITPOS s 0 -1'), c('BITPOS s 1 -1'), c('BITPOS s 0 3'), c('BITPOS s 0 5 2'),
      c('BITPOS s 0 0 -1 BIT'), c('BITPOS s 0 0 11 BIT'), c('BITPOS s 0 0 12 BIT'), c('BITPOS s 1 12 23 BIT'), c('BITPOS s 1 3 5 bit'),
      c('BITPOS s 0 3 bit'), c('BITPOS s 0 0 7 bit'), c('BITPOS s 1 9 9 bit'), c('BITPOS s 0 9 9 bit'), c('BITPOS s 0 -5 -1 bit'),
      c('BITPOS s 1 -20 -10 bit'), c('BITPOS s 0 1 2 byte'), c('BITPOS s 0 1 2 foo'), c('BITPOS s 0 a'), c('BITPOS s 0 1 b'), c('BITPOS s 0 a b foo'),
      c('BITPOS s 0 1 b foo'), c('BITPOS s 0 1 2 bit x'), c('BITPOS s 2'), c('BITPOS s x'), c('BITPOS s -1'), c('BITPOS nokey 0'), c('BITPOS nokey 1'),
      c('BITPOS nokey 1 a'), c('BITPOS nokey 2'), setb('f', 0xff, 0xff), c('BITPOS f 0'), c('BITPOS f 0 0'), c('BITPOS f 0 0 -1'), c('BITPOS f 0 1 1'),
      c('BITPOS f 0 3 bit'), c('BITPOS f 0 3 15 bit'), c('BITPOS f 0 3 -1 bit'), c('BITPOS f 0 3 100 bit'), c('BITPOS f 1 3 bit'),
      setb('z', 0, 0, 0), c('BITPOS z 1'), c('BITPOS z 0'), c('BITPOS z 1 0 -1 bit'), c('BITPOS z 0 5 bit'), c('SET e ""'), c('BITPOS e 0'),
      c('BITPOS e 1'), c('BITPOS e 0 0'), c('BITPOS e 0 0 -1 bit'), c('RPUSH l a'), c('BITPOS l 1'), c('BITPOS l 3'), c('BITPOS l 1 x'),
      c('BITPOS s 0 -9223372036854775808 9223372036854775807 bit'), c('BITPOS s 0 9223372036854775807'), c('BITPOS s 0 3 2'),
    ],
  },
  {
    name: 'BITOP',
    cmds: [
      setb('a', 0xff, 0x0f, 0x35), setb('b', 0xf0, 0xf0), c('SET d old EX 100'),
      c('BITOP AND d a b'), c('GET d'), c('TTL d'), c('BITOP OR d a b'), c('GET d'), c('BITOP XOR d a b'), c('GET d'), c('BITOP NOT d a'), c('GET d'),
      c('BITOP and d a b nokey'), c('GET d'), c('BITOP or d nokey a'), c('GET d'), c('BITOP xor d a a'), c('GET d'), c('BITOP NOT d a b'),
      c('BITOP FOO d a'), c('BITOP AND d nokey'), c('EXISTS d'), c('BITOP NOT d nokey'), c('EXISTS d'), c('BITOP OR d a'), c('GET d'),
      c('RPUSH l x'), c('BITOP AND d a l'), c('BITOP AND l a'), c('TYPE l'), c('BITOP AND d2 nokey nokey2'), c('EXISTS d2'),
      c('SET n 123'), c('BITOP XOR d n a'), c('GET d'), c('BITOP NOT a a'), c('GET a'),
    ],
  },
  {
    name: 'BITFIELD basics',
    cmds: [
      c('BITFIELD k SET u8 0 255 GET u8 0 INCRBY u8 0 1 GET i8 0'), c('GET k'), c('BITFIELD k SET i5 #1 -3 GET i5 #1 GET u5 #1 GET u4 0'),
      c('BITFIELD k INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1 INCRBY u2 102 1 INCRBY u2 102 1'), c('STRLEN k'),
      c('BITFIELD k OVERFLOW FAIL INCRBY u2 102 1 OVERFLOW WRAP INCRBY u2 102 1'), c('BITFIELD k GET i64 0 GET u63 1 GET i1 0 GET u1 0'),
      c('BITFIELD k SET i64 0 -9223372036854775808 GET i64 0 INCRBY i64 0 -1 OVERFLOW SAT INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807 INCRBY i64 0 1'),
      c('BITFIELD k OVERFLOW FAIL INCRBY i64 0 1 SET i8 0 200 SET i8 0 -129 SET u8 0 256 SET u8 0 -1 OVERFLOW SAT SET i8 0 200 SET i8 0 -200 SET u8 0 -1 SET u8 0 300'),
      c('BITFIELD k OVERFLOW WRAP SET i8 0 200 SET u8 0 -1 SET i8 0 -9223372036854775808 SET u8 0 9223372036854775807 OVERFLOW SAT SET i8 0 -9223372036854775808 SET u4 0 -9223372036854775808'),
      c('BITFIELD k SET u63 0 9223372036854775807 GET u63 0 INCRBY u63 0 1 OVERFLOW SAT INCRBY u63 0 -1 INCRBY u63 0 -9223372036854775808'),
      c('BITFIELD k SET i16 3 -300 GET i16 3 INCRBY i16 3 -40000 OVERFLOW SAT INCRBY i16 3 -40000 INCRBY i16 3 80000'),
      c('BITFIELD new OVERFLOW FAIL INCRBY u2 10 8'), c('GET new'), c('BITFIELD new2 GET u8 0'), c('EXISTS new2'), c('BITFIELD k'), c('BITFIELD nokey'),
      c('BITFIELD k get u8 0 set u8 0 1 incrby u8 0 1 overflow sat'), c('GET k'),
    ],
  },
  {
    name: 'BITFIELD errors',
    cmds: [
      c('BITFIELD k GET u64 0'), c('BITFIELD k GET i65 0'), c('BITFIELD k GET i0 0'), c('BITFIELD k GET x8 0'), c('BITFIELD k GET u 0'), c('BITFIELD k GET u8 -1'),
      c('BITFIELD k GET u8 x'), c('BITFIELD k GET u8 #-1'), c('BITFIELD k GET u8 #'), c('BITFIELD k GET u8 4294967296'), c('BITFIELD k GET u8 #536870912'),
      c('BITFIELD k GET u8 #536870911'), c('BITFIELD k GET i64 #1152921504606846976'), c('BITFIELD k SET u8 0 x'), c('BITFIELD k SET u8 0'), c('BITFIELD k GET u8'),
      c('BITFIELD k FOO'), c('BITFIELD k OVERFLOW'), c('BITFIELD k OVERFLOW FOO GET u8 0'), c('BITFIELD k GET u8 0 OVERFLOW FOO'), c('BITFIELD k INCRBY u8 0 9223372036854775808'),
      c('BITFIELD k GET u08 0'), c('BITFIELD k GET u+8 0'), c('BITFIELD k GET U8 0'), c('BITFIELD k GET u8 +1'),
      c('RPUSH l a'), c('BITFIELD l GET u8 0'), c('BITFIELD l SET u8 0 1'), c('BITFIELD l GET u8 x'), c('BITFIELD l'), c('BITFIELD_RO l GET u8 0'),
      c('BITFIELD_RO k GET u8 0 SET u8 0 1'), c('BITFIELD_RO k SET u8 x 1'), c('BITFIELD_RO k GET u8 0 OVERFLOW SAT'), c('SETBIT k 0 1'), c('BITFIELD_RO k GET u8 0 GET i4 #1'),
      c('BITFIELD_RO k'), c('BITFIELD_RO l SET u8 0 1'),
    ],
  },
  {
    name: 'BITFIELD with binary and unaligned values',
    cmds: [
      setb('b', 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11),
      c('BITFIELD b GET u63 3 GET i64 5 GET i64 8 GET u7 61 GET i33 17 GET u32 #1 GET i3 #20 GET u8 70'),
      c('BITFIELD b SET i33 17 -1234567890 GET i33 17 INCRBY u13 #3 5000 SET u50 9 1125899906842623 GET u50 9'), c('GET b'),
      c('BITFIELD b INCRBY i64 0 9223372036854775807 INCRBY i64 0 9223372036854775807'), c('GET b'),
    ],
  },
  {
    name: 'offsets limited by proto-max-bulk-len',
    cmds: [
      c('CONFIG SET proto-max-bulk-len 1048576'), c('SETBIT k 8388608 1'), c('SETBIT k 8388607 1'), c('STRLEN k'), c('GETBIT k 8388608'),
      c('BITFIELD k SET u8 8388607 1'), c('BITFIELD k GET u8 #1048576'), c('BITFIELD k GET u8 #1048575'), c('STRLEN k'),
      c('CONFIG SET proto-max-bulk-len 536870912'),
    ],
  },
  {
    name: 'RESP3 nulls from BITFIELD FAIL',
    resp: 3,
    cmds: [c('BITFIELD k OVERFLOW FAIL SET i4 0 100 INCRBY u1 0 3 GET u4 0')],
  },
];

t.test('bitmap commands match redis-server', async (t) => {
  await runDifferential(t, cases);
});

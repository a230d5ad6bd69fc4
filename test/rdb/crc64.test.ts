import t from 'tap';
import { crc64, crc64Hex, crc64Update, CRC64_INIT, readCrc64LE, writeCrc64LE } from '../../src/rdb/crc64.js';

/** Bit-by-bit reference (Redis's _crc64 reflected loop) over BigInt: slow but obviously right. */
function referenceCrc64(data: Uint8Array): bigint {
  const POLY = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const b of data) {
    crc ^= BigInt(b);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  }
  return crc;
}

const hex = (n: bigint): string => n.toString(16).padStart(16, '0');

t.test('check value of CRC-64/Jones (src/crc64.c test)', (t) => {
  t.equal(crc64Hex(crc64(Buffer.from('123456789'))), 'e9c6d914c4b8d9ca');
  // crc64.c's own test: the lorem-ipsum sentence.
  const li =
    'This is a test of the emergency broadcast system. This is only a test. If this had been an actual emergency, ' +
    'you would have been instructed where to tune in your area for news and official information.';
  t.equal(crc64Hex(crc64(Buffer.from('This is a test of the emergency broadcast system.'))), hex(referenceCrc64(Buffer.from('This is a test of the emergency broadcast system.'))));
  t.equal(crc64Hex(crc64(Buffer.from(li))), hex(referenceCrc64(Buffer.from(li))));
  t.equal(crc64Hex(crc64(Buffer.alloc(0))), '0000000000000000');
  t.end();
});

t.test('slice-by-8 matches the bitwise reference at every length and alignment', (t) => {
  const data = Buffer.alloc(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (let start = 0; start < 9; start++) {
    for (let end = start; end <= 120; end += 7) {
      t.equal(crc64Hex(crc64(data, start, end)), hex(referenceCrc64(data.subarray(start, end))), `[${start}, ${end})`);
    }
  }
  t.end();
});

t.test('incremental updates equal one pass', (t) => {
  const data = Buffer.alloc(10000);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(Math.random() * 256);
  let c = CRC64_INIT;
  for (let p = 0; p < data.length; p += 333) c = crc64Update(c, data, p, Math.min(p + 333, data.length));
  t.same(c, crc64(data));
  const out = Buffer.alloc(8);
  writeCrc64LE(c, out, 0);
  t.same(readCrc64LE(out, 0), c);
  t.equal(out.readBigUInt64LE(0).toString(16).padStart(16, '0'), crc64Hex(c), 'little-endian on disk');
  t.end();
});

t.test('throughput: hundreds of MB/s', (t) => {
  const data = Buffer.alloc(64 * 1024 * 1024, 0x5a);
  crc64(data, 0, 1 << 20); // warm up
  const t0 = process.hrtime.bigint();
  crc64(data);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const mbps = 64 / secs;
  t.comment(`crc64: ${mbps.toFixed(0)} MB/s`);
  t.ok(mbps > 150, `at least 150 MB/s (got ${mbps.toFixed(0)})`);
  t.end();
});

import t from 'tap';
import { Ring } from '../../src/shared/ring.js';

function writeFrame(r: Ring, payload: Uint8Array): boolean {
  const off = r.reserve(payload.length);
  if (off < 0) return false;
  r.bytes.set(payload, off);
  return true;
}

function readFrame(r: Ring): Uint8Array | null {
  const off = r.next();
  if (off < 0) return null;
  return r.bytes.slice(off, off + r.frameLength(off));
}

t.test('frames round-trip in order and are invisible until published', (t) => {
  const bufs = Ring.create(1024);
  const prod = new Ring(bufs);
  const cons = new Ring(bufs);
  t.ok(writeFrame(prod, Uint8Array.of(1, 2, 3)));
  t.ok(writeFrame(prod, Uint8Array.of(4)));
  t.equal(readFrame(cons), null, 'nothing visible before publish');
  prod.publish();
  t.same([...readFrame(cons)!], [1, 2, 3]);
  t.same([...readFrame(cons)!], [4]);
  t.equal(readFrame(cons), null);
  t.end();
});

t.test('wrap-around keeps every frame contiguous and intact', (t) => {
  const bufs = Ring.create(1024);
  const prod = new Ring(bufs);
  const cons = new Ring(bufs);
  let sent = 0;
  let got = 0;
  // Sizes chosen so frames land on every possible offset relative to the end.
  for (let round = 0; round < 2000; round++) {
    const len = 1 + ((round * 37) % 300);
    const p = new Uint8Array(len).fill(round & 0xff);
    if (writeFrame(prod, p)) {
      prod.publish();
      sent++;
    }
    if (round % 3 !== 0) {
      let f: Uint8Array | null;
      while ((f = readFrame(cons)) !== null) {
        const want = got;
        t.ok(f.every((b) => b === f![0]), `frame ${want} uniform`);
        got++;
      }
      cons.release();
    }
  }
  while (readFrame(cons) !== null) got++;
  t.equal(got, sent, 'every published frame was read');
  t.end();
});

t.test('a full ring refuses frames until the consumer releases space (back-pressure)', (t) => {
  const bufs = Ring.create(1024);
  const prod = new Ring(bufs);
  const cons = new Ring(bufs);
  let n = 0;
  while (writeFrame(prod, new Uint8Array(100))) n++;
  t.ok(n >= 8 && n <= 10, `${n} frames of 104 bytes fit in 1024`);
  prod.publish();
  t.equal(prod.reserve(100), -1, 'still full');
  readFrame(cons);
  t.equal(prod.reserve(100), -1, 'read but not released: still full');
  cons.release();
  t.ok(prod.reserve(100) >= 0, 'released space is reusable');
  t.end();
});

t.test('shrinkLast trims an over-sized reservation', (t) => {
  const bufs = Ring.create(1024);
  const prod = new Ring(bufs);
  const cons = new Ring(bufs);
  const off = prod.reserve(200);
  prod.bytes.set([9, 8, 7], off);
  prod.shrinkLast(off, 3);
  writeFrame(prod, Uint8Array.of(5));
  prod.publish();
  t.same([...readFrame(cons)!], [9, 8, 7]);
  t.same([...readFrame(cons)!], [5]);
  t.end();
});

t.test('free-running positions survive u32 wrap', (t) => {
  const bufs = Ring.create(1024);
  const ctl = new Int32Array(bufs.control);
  // Start both counters just below 2^32.
  ctl[0] = (0xffffff00 | 0);
  ctl[1] = (0xffffff00 | 0);
  const prod = new Ring(bufs);
  const cons = new Ring(bufs);
  for (let i = 0; i < 50; i++) {
    t.ok(writeFrame(prod, Uint8Array.of(i, i, i)));
    prod.publish();
    t.same([...readFrame(cons)!], [i, i, i]);
    cons.release();
  }
  t.end();
});

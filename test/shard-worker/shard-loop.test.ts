/**
 * ShardLoop over real rings: a shard gives back the request space of the frames it has run before it
 * publishes their replies, also when slow frames make it hand replies over in the middle of a batch.
 * The acceptor retries frames it held back for want of room only when it drains replies; a reply seen
 * before its space (found once as a 2M-key RDB load that parked for good) would leave them waiting.
 */
import t from 'tap';
import { MessageChannel } from 'node:worker_threads';
import { makeShard } from '../helpers/shard-harness.js';
import { ShardLoop } from '../../src/shard-worker/shard.js';
import { Ring } from '../../src/shared/ring.js';
import { REQ_HEADER } from '../../src/shared/frame.js';
import { commandByName } from '../../src/shared/command-table.js';

/** Write one Command frame (the layout of src/shared/frame.ts) with latin1 arguments. */
function writeCommand(ring: Ring, argv: string[]): void {
  let size = REQ_HEADER;
  for (const a of argv) size += 4 + a.length;
  const off = ring.reserve(size);
  if (off < 0) throw new Error('request ring full');
  const b = ring.bytes;
  const v = ring.view;
  b[off] = 1; // FrameKind.Command
  b[off + 1] = 0;
  v.setUint16(off + 2, 0, true);
  v.setUint32(off + 4, 1, true);
  v.setUint32(off + 8, 0, true);
  v.setUint16(off + 12, commandByName(argv[0].toLowerCase()).index, true);
  v.setUint16(off + 14, 0, true);
  v.setUint32(off + 16, argv.length, true);
  let p = off + REQ_HEADER;
  for (const a of argv) {
    v.setUint32(p, a.length, true);
    p += 4;
    p += b.latin1Write(a, p);
  }
}

t.test('request space is released before the replies that answer it are published', async (t) => {
  const req = new Ring(Ring.create(1 << 20));
  const rep = new Ring(Ring.create(1 << 20));
  const { port1, port2 } = new MessageChannel();
  t.teardown(() => {
    port1.close();
    port2.close();
  });
  const loop = new ShardLoop(makeShard(), req, rep, port1);
  // The shard's view of the request ring is a second Ring over the same buffers: watch its TAIL.
  const ctl = (req as unknown as { ctl: Int32Array }).ctl;
  const readPos = () => (loop as unknown as { req: { readPos: number } }).req.readPos;
  const shardRep = (loop as unknown as { rep: Ring }).rep;
  const publish = shardRep.publish.bind(shardRep);
  let publishes = 0;
  const unreleased: number[] = [];
  shardRep.publish = () => {
    publishes++;
    const tail = Atomics.load(ctl, 1) >>> 0;
    if (tail !== readPos()) unreleased.push(publishes);
    return publish();
  };
  // Slow frames (each well over the 50 µs after which replies are handed over mid-batch) then quick ones.
  const items = Array.from({ length: 3000 }, (_, i) => `element-${i}`);
  for (let i = 0; i < 6; i++) writeCommand(req, ['RPUSH', `list${i}`, ...items]);
  for (let i = 0; i < 20; i++) writeCommand(req, ['SET', `k${i}`, 'v']);
  req.publish();
  const handled = (loop as unknown as { drain(): number }).drain();
  t.equal(handled, 26);
  t.ok(publishes >= 2, `replies were handed over mid-batch (${publishes} publishes)`);
  t.same(unreleased, [], 'every publish came after the space of the frames run so far was released');
  // And every reply is there, in order.
  let replies = 0;
  while (rep.next() >= 0) replies++;
  t.equal(replies, 26);
});

import t from 'tap';
import { HLL_DENSE, HLL_DENSE_SIZE, HLL_SPARSE, Hll, isValidHllString, patternOf } from '../../../src/shard-worker/ds/hyperloglog.js';

/** Reference MurmurHash64A on BigInt, straight from Redis's C. */
function murmurRef(data: Uint8Array, seed: bigint): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = data.length;
  let h = (seed ^ (BigInt(len) * M)) & mask;
  const end = len - (len & 7);
  for (let i = 0; i < end; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(data[i + b]);
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rem = len & 7;
  if (rem) {
    for (let b = rem - 1; b >= 0; b--) h ^= BigInt(data[end + b]) << BigInt(8 * b);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

t.test('MurmurHash64A matches the reference for every tail length', async (t) => {
  const { index, count } = patternOf(Buffer.from('a'));
  t.ok(index >= 0 && index < 16384 && count >= 1 && count <= 51);
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) & 0xff;
  for (let len = 0; len < 40; len++) {
    const data = Uint8Array.from({ length: len }, rnd);
    const want = murmurRef(data, 0xadc83b19n);
    // The helper leaves the hash in module state; patternOf exposes the low 14 bits.
    const p = patternOf(data);
    t.equal(p.index, Number(want & 0x3fffn), `index, length ${len}`);
    let rest = want >> 14n;
    let c = 1;
    while (c <= 50 && (rest & 1n) === 0n) {
      rest >>= 1n;
      c++;
    }
    t.equal(p.count, c, `count, length ${len}`);
  }
});

t.test('a new HLL is sparse XZERO:16384 and counts 0', async (t) => {
  const h = Hll.create();
  t.equal(h.toString(), 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
  t.equal(h.encoding, HLL_SPARSE);
  t.equal(h.count(), 0);
  t.equal(h.decodeSparse(), 'Z:16384');
});

t.test('sparse adds give Redis bytes (captured from redis-server 7.0.15)', async (t) => {
  const h = Hll.create();
  for (const e of ['a', 'b', 'c']) t.equal(h.add(Buffer.from(e), 3000), 1);
  h.invalidateCache();
  t.equal(h.toString(), 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ');
  t.equal(h.add(Buffer.from('a'), 3000), 0);
  t.equal(h.count(), 3);
});

t.test('sparse and dense agree; promotion at the size limit', async (t) => {
  const sparse = Hll.create();
  const dense = Hll.create();
  t.ok(dense.sparseToDense());
  t.equal(dense.encoding, HLL_DENSE);
  t.equal(dense.len, HLL_DENSE_SIZE);
  for (let i = 0; i < 1000; i++) {
    const e = Buffer.from(`e${i}`);
    sparse.add(e, 1_000_000);
    dense.add(e, 1_000_000);
  }
  t.equal(sparse.encoding, HLL_SPARSE);
  t.equal(sparse.len, 1906);
  t.equal(sparse.count(), 1008);
  t.equal(dense.count(), 1008);
  const max = new Uint8Array(16384);
  t.ok(sparse.mergeInto(max));
  let same = true;
  for (let j = 0; j < 16384; j++) if (max[j] !== dense.denseGet(j)) same = false;
  t.ok(same, 'every register equal');
  const small = Hll.create();
  for (let i = 0; i < 30; i++) small.add(Buffer.from(`e${i}`), 100);
  t.equal(small.encoding, HLL_DENSE, 'promoted past hll-sparse-max-bytes');
  const big = Hll.create();
  for (let i = 0; i < 10000; i++) big.add(Buffer.from(`e${i}`), 3000);
  t.equal(big.count(), 9973);
});

t.test('validation and corrupt data', async (t) => {
  t.notOk(isValidHllString('short'));
  t.notOk(isValidHllString('HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'));
  t.notOk(isValidHllString('HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'));
  t.notOk(isValidHllString('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'));
  t.ok(isValidHllString('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'));
  const bad = Hll.fromString('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xf0');
  t.equal(bad.count(), -1);
  t.notOk(bad.mergeInto(new Uint8Array(16384)));
  t.notOk(bad.sparseToDense());
  t.equal(bad.encoding, HLL_SPARSE);
});

t.test('cached cardinality round trip', async (t) => {
  const h = Hll.create();
  t.ok(h.validCache());
  h.invalidateCache();
  t.notOk(h.validCache());
  h.setCachedCard(123456789012);
  t.ok(h.validCache());
  t.equal(h.cachedCard(), 123456789012);
});

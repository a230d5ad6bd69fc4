import t from 'tap';
import { IntSet } from '../../../src/shard-worker/ds/intset.js';
import { IndexedDict } from '../../../src/shard-worker/ds/indexed-dict.js';
import { HashValue } from '../../../src/shard-worker/ds/hash.js';
import { SetValue, memberAsInt } from '../../../src/shard-worker/ds/set.js';

t.test('IntSet keeps members sorted and distinct over the int64 range', async (t) => {
  const s = new IntSet(1);
  const vals = [5n, -3n, 9223372036854775807n, -9223372036854775808n, 0n, 5n, 2n];
  let added = 0;
  for (const v of vals) if (s.add(v)) added++;
  t.equal(added, 6);
  t.same(Array.from({ length: s.size }, (_, i) => s.at(i)), [-9223372036854775808n, -3n, 0n, 2n, 5n, 9223372036854775807n]);
  t.ok(s.has(2n));
  t.notOk(s.has(3n));
  t.ok(s.delete(2n));
  t.notOk(s.delete(2n));
  t.equal(s.removeAt(0), -9223372036854775808n);
  const c = s.clone();
  c.add(100n);
  t.equal(s.size, 4);
  t.equal(c.size, 5);
});

t.test('IntSet matches a reference model under random operations', async (t) => {
  const s = new IntSet();
  const ref = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const v = Math.floor(Math.random() * 200) - 100;
    if (Math.random() < 0.6) t.equal(s.add(BigInt(v)), !ref.has(v) && ref.add(v) !== undefined);
    else t.equal(s.delete(BigInt(v)), ref.delete(v));
  }
  const sorted = [...ref].sort((a, b) => a - b);
  t.same(Array.from({ length: s.size }, (_, i) => Number(s.at(i))), sorted);
});

t.test('IndexedDict swap-removal keeps the index consistent and live iterators working', async (t) => {
  const d = new IndexedDict(true);
  for (let i = 0; i < 100; i++) d.set(`k${i}`, `v${i}`);
  const it = d.index.keys();
  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) seen.add(it.next().value as string);
  // Delete some unseen and some seen entries, add new ones.
  for (let i = 0; i < 100; i += 3) d.delete(`k${i}`);
  for (let i = 100; i < 120; i++) d.set(`k${i}`, `v${i}`);
  for (let r = it.next(); !r.done; r = it.next()) seen.add(r.value);
  for (const k of d.keys) if (Number(k.slice(1)) < 100) t.ok(seen.has(k), `${k} present throughout was seen`);
  for (let i = 0; i < d.keys.length; i++) {
    t.equal(d.index.get(d.keys[i]), i);
    t.equal(d.get(d.keys[i]), 'v' + d.keys[i].slice(1));
  }
  const first = d.keys[0];
  t.equal(d.deleteAt(0), first);
  t.notOk(d.has(first));
  t.equal(d.index.size, d.keys.length);
});

t.test('HashValue: listpack order, conversions, clone and codec', async (t) => {
  const h = new HashValue();
  t.ok(h.set('a', '1', 3, 5));
  t.ok(h.set('b', '2', 3, 5));
  t.notOk(h.set('a', '10', 3, 5));
  t.equal(h.encoding(), 'listpack');
  t.same([h.fieldAt(0), h.valueAt(0), h.fieldAt(1), h.valueAt(1)], ['a', '10', 'b', '2']);
  t.ok(h.delete('a'));
  t.notOk(h.delete('a'));
  t.equal(h.fieldAt(0), 'b');
  h.set('c', '3', 3, 5);
  h.set('d', '4', 3, 5);
  t.equal(h.encoding(), 'listpack');
  h.set('e', '5', 3, 5);
  t.equal(h.encoding(), 'hashtable', 'too many entries');
  h.delete('e');
  t.equal(h.encoding(), 'hashtable', 'one-way');
  const k = new HashValue();
  k.set('f', '123456', 3, 5);
  t.equal(k.encoding(), 'hashtable', 'value too long');
  const small = new HashValue();
  small.set('x', '\u0000\u00ff', 128, 64);
  small.set('y', '', 128, 64);
  for (const v of [h, k, small]) {
    const back = HashValue.decode(v.encode());
    t.equal(back.encoding(), v.encoding());
    t.equal(back.size(), v.size());
    for (let i = 0; i < v.size(); i++) t.equal(back.get(v.fieldAt(i)), v.valueAt(i));
    const c = v.clone();
    c.set('zz', 'new', 128, 64);
    t.equal(v.has('zz'), false, 'clone is independent');
  }
  t.equal(HashValue.decode(small.encode()).fieldAt(0), 'x', 'listpack order survives the codec');
});

t.test('SetValue: intset rules, conversions, clone and codec', async (t) => {
  t.equal(memberAsInt('12'), 12n);
  t.equal(memberAsInt('-9223372036854775808'), -9223372036854775808n);
  for (const s of ['01', '-0', '+1', ' 1', '', '9223372036854775808', '1.0']) t.equal(memberAsInt(s), null, s);
  const s = new SetValue();
  t.ok(s.add('3', 3));
  t.ok(s.add('-1', 3));
  t.notOk(s.add('3', 3));
  t.equal(s.encoding(), 'intset');
  t.same(s.members(), ['-1', '3']);
  t.ok(s.has('3'));
  t.notOk(s.has('03'));
  s.add('7', 3);
  t.equal(s.encoding(), 'intset');
  s.add('8', 3);
  t.equal(s.encoding(), 'hashtable', 'too many entries');
  s.delete('8');
  t.equal(s.encoding(), 'hashtable', 'one-way');
  t.ok(s.has('7'));
  const m = new SetValue();
  m.add('1', 512);
  m.add('x', 512);
  t.equal(m.encoding(), 'hashtable');
  t.ok(m.has('1'));
  for (const v of [s, m, new SetValue()]) {
    const back = SetValue.decode(v.encode());
    t.equal(back.encoding(), v.encoding());
    t.same(back.members().sort(), v.members().sort());
    const c = v.clone();
    c.add('new', 512);
    t.notOk(v.has('new'));
  }
  const r = new SetValue();
  for (let i = 0; i < 10; i++) r.add(String(i), 512);
  const popped = new Set<string>();
  while (r.size() > 0) popped.add(r.removeAt(Math.floor(Math.random() * r.size())));
  t.equal(popped.size, 10);
});

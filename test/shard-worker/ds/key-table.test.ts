import t from 'tap';
import { KeyTable, PAGE_BITS } from '../../../src/shard-worker/ds/key-table.js';
import type { Value } from '../../../src/shard-worker/keyspace.js';

const PAGE = 1 << PAGE_BITS;

t.test('Map-like surface', async (t) => {
  const kt = new KeyTable();
  t.equal(kt.size, 0);
  t.equal(kt.get('a'), undefined);
  t.notOk(kt.has('a'));
  kt.set('a', '1').set('b', '2', 77);
  t.equal(kt.size, 2);
  t.equal(kt.get('a'), '1');
  t.ok(kt.has('b'));
  t.equal(kt.metaAt(kt.slotOf('b')!), 77, 'a new key gets the given field');
  kt.set('b', 'two', 5);
  t.equal(kt.get('b'), 'two');
  t.equal(kt.metaAt(kt.slotOf('b')!), 77, 'an existing key keeps its field and slot');
  t.same([...kt.keys()], ['a', 'b']);
  t.same([...kt.entries()], [['a', '1'], ['b', 'two']]);
  t.same([...kt.values()], ['1', 'two']);
  t.same([...kt], [['a', '1'], ['b', 'two']]);
  t.same([...kt.slots()].map(([k]) => k), ['a', 'b']);
  t.ok(kt.delete('a'));
  t.notOk(kt.delete('a'));
  t.equal(kt.size, 1);
  kt.clear();
  t.equal(kt.size, 0);
  t.equal(kt.capacity, 0);
  t.same([...kt.keys()], []);
});

t.test('a counter stored as a number reads back as its string everywhere but storedAt', async (t) => {
  const kt = new KeyTable();
  const slot = kt.add('n', 42, 0);
  kt.add('big', -9007199254740991, 0);
  t.equal(kt.storedAt(slot), 42, 'storedAt keeps the number');
  t.equal(kt.valueAt(slot), '42');
  t.equal(kt.get('n'), '42');
  t.same([...kt.values()], ['42', '-9007199254740991']);
  t.same([...kt.entries()], [['n', '42'], ['big', '-9007199254740991']]);
  kt.setValueAt(slot, 'text');
  t.equal(kt.storedAt(slot), 'text');
});

t.test('deleted slots are reused, and their values released', async (t) => {
  const kt = new KeyTable();
  for (let i = 0; i < 10; i++) kt.add(`k${i}`, `v${i}`, i);
  const s3 = kt.slotOf('k3')!;
  const s7 = kt.slotOf('k7')!;
  kt.delete('k3');
  kt.delete('k7');
  // LIFO: the last slot freed is the first reused.
  t.equal(kt.add('n1', 'x', 100), s7);
  t.equal(kt.add('n2', 'y', 101), s3);
  t.equal(kt.add('n3', 'z', 102), 10, 'then fresh slots');
  t.equal(kt.metaAt(s7), 100, 'a reused slot gets the new field (not the free-list link)');
  t.equal(kt.get('n2'), 'y');
  t.equal(kt.size, 11);
  for (let i = 0; i < 10; i++) if (i !== 3 && i !== 7) t.equal(kt.get(`k${i}`), `v${i}`);
});

t.test('growth: page 0 doubles, then whole pages; values and fields survive', async (t) => {
  const kt = new KeyTable();
  const n = 3 * PAGE + 123;
  const caps = new Set<number>();
  for (let i = 0; i < n; i++) {
    kt.add(`key:${i}`, `val:${i}`, i & 0xffffff);
    caps.add(kt.capacity);
  }
  t.ok(caps.has(16) && caps.has(32) && caps.has(PAGE) && caps.has(2 * PAGE), 'capacities seen');
  t.equal(kt.capacity, 4 * PAGE, 'at most one page of slack');
  t.equal(kt.size, n);
  let ok = true;
  for (let i = 0; i < n; i++) {
    const s = kt.slotOf(`key:${i}`)!;
    if (kt.valueAt(s) !== `val:${i}` || kt.metaAt(s) !== i) ok = false;
  }
  t.ok(ok, 'every value and field in place');
  kt.setMetaAt(kt.slotOf('key:5')!, 0xabcdef);
  t.equal(kt.metaAt(kt.slotOf('key:5')!), 0xabcdef);
});

t.test('value pages stay packed (null in free slots, no holes)', async (t) => {
  const kt = new KeyTable();
  for (let i = 0; i < PAGE + 10; i++) kt.add(`k${i}`, `v${i}`, 0);
  for (let i = 0; i < PAGE + 10; i += 2) kt.delete(`k${i}`);
  const pages = (kt as unknown as { valPages: (Value | null)[][] }).valPages;
  let holes = 0;
  let nulls = 0;
  for (const p of pages) {
    for (let i = 0; i < p.length; i++) {
      if (!(i in p)) holes++;
      else if (p[i] === null) nulls++;
    }
  }
  t.equal(holes, 0, 'no holes');
  t.ok(nulls >= (PAGE + 10) / 2, 'freed slots hold null');
});

t.test('iteration while deleting and adding (live, each key once)', async (t) => {
  const kt = new KeyTable();
  for (let i = 0; i < 1000; i++) kt.add(`k${i}`, `v${i}`, 0);
  const seen = new Set<string>();
  let added = 0;
  for (const key of kt.keys()) {
    t.notOk(seen.has(key), `${key} once`);
    seen.add(key);
    const i = Number(key.slice(1));
    // Delete the next key (not yet visited) and every visited odd one; add a few new keys.
    if (i < 999 && i % 10 === 0) kt.delete(`k${i + 1}`);
    if (i % 2 === 1) kt.delete(key);
    if (i % 100 === 0 && added < 5) {
      kt.add(`new${added}`, 'n', 0);
      added++;
    }
  }
  for (let i = 0; i < 999; i += 10) t.notOk(seen.has(`k${i + 1}`), `deleted k${i + 1} never visited`);
  for (let j = 0; j < added; j++) t.ok(seen.has(`new${j}`), `added new${j} visited`);
  for (const [key, value] of kt.entries()) t.equal(value, key.startsWith('new') ? 'n' : `v${key.slice(1)}`);
});

t.test('compaction keeps every key, value and field, and iterators in flight', async (t) => {
  const kt = new KeyTable();
  const n = 6 * PAGE;
  for (let i = 0; i < n; i++) kt.add(`k${i}`, `v${i}`, i);
  const it = kt.keys();
  const first: string[] = [];
  for (let i = 0; i < 10; i++) first.push(it.next().value as string);
  // Delete most keys (beyond the first 10 the iterator has passed): the table compacts itself.
  for (let i = 10; i < n; i++) if (i % 8 !== 0) kt.delete(`k${i}`);
  t.ok(kt.capacity < 6 * PAGE, `capacity shrank (${kt.capacity})`);
  const rest: string[] = [];
  for (let r = it.next(); r.done !== true; r = it.next()) rest.push(r.value);
  const expected: string[] = [];
  for (let i = 10; i < n; i++) if (i % 8 === 0) expected.push(`k${i}`);
  t.same(rest, expected, 'the iterator goes on with the remaining keys');
  let ok = true;
  for (const key of [...first, ...expected]) {
    const s = kt.slotOf(key)!;
    const i = Number(key.slice(1));
    if (kt.valueAt(s) !== `v${i}` || kt.metaAt(s) !== i) ok = false;
  }
  t.ok(ok, 'values and fields moved with their keys');
  t.equal(kt.size, first.length + expected.length);
  const s = kt.add('fresh', 'f', 1);
  t.ok(s < kt.capacity, 'a new key lands inside the compacted pages');
  t.equal(kt.get('fresh'), 'f');
});

t.test('clear() and reuse', async (t) => {
  const kt = new KeyTable();
  for (let i = 0; i < 5000; i++) kt.add(`k${i}`, `v${i}`, 1);
  kt.clear();
  t.equal(kt.size, 0);
  t.equal(kt.get('k1'), undefined);
  t.equal(kt.add('a', 'b', 9), 0, 'slots start over');
  t.equal(kt.metaAt(0), 9);
});

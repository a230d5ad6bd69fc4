import t from 'tap';
import { ZSet } from '../../../src/shard-worker/ds/zset.js';
import { Pred, SkipList } from '../../../src/shard-worker/ds/skiplist.js';

type E = [string, number];
const cmp = (a: E, b: E): number => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

t.test('SkipList against a sorted-array model', (t) => {
  const r = rng(42);
  const zsl = new SkipList();
  let model: E[] = [];
  for (let step = 0; step < 4000; step++) {
    const op = r();
    const m = `m${Math.floor(r() * 300)}`;
    const s = Math.floor(r() * 50);
    const i = model.findIndex((e) => e[0] === m);
    if (op < 0.5) {
      if (i < 0) {
        zsl.insert(s, m);
        model.push([m, s]);
      } else {
        zsl.updateScore(model[i][1], m, s);
        model[i] = [m, s];
      }
    } else if (op < 0.8) {
      if (i >= 0) {
        t.ok(zsl.delete(model[i][1], m));
        model.splice(i, 1);
      } else t.notOk(zsl.delete(s, m));
    } else if (op < 0.83 && model.length > 0) {
      model.sort(cmp);
      const a = Math.floor(r() * model.length);
      const b = Math.min(model.length - 1, a + Math.floor(r() * 10));
      const removed: string[] = [];
      t.equal(zsl.deleteRange(a, b, (x) => removed.push(x)), b - a + 1);
      t.same(removed, model.slice(a, b + 1).map((e) => e[0]));
      model = model.slice(0, a).concat(model.slice(b + 1));
    }
    model.sort(cmp);
    t.equal(zsl.length, model.length);
    if (step % 50 === 0) {
      const walked: E[] = [];
      for (let n = zsl.header.forward[0]; n !== null; n = n.forward[0]) walked.push([n.member, n.score]);
      t.same(walked, model);
      const back: E[] = [];
      for (let n = zsl.tail; n !== null; n = n.backward) back.push([n.member, n.score]);
      t.same(back.reverse(), model);
      model.forEach((e, k) => {
        if (zsl.rank(e[1], e[0]) !== k + 1) t.fail(`rank of ${e[0]}`);
        if (zsl.at(k).member !== e[0]) t.fail(`at ${k}`);
      });
      const v = Math.floor(r() * 50);
      t.equal(zsl.countWhile(Pred.ScoreLt, v, ''), model.filter((e) => e[1] < v).length);
      t.equal(zsl.countWhile(Pred.ScoreLe, v, ''), model.filter((e) => e[1] <= v).length);
    }
  }
  t.end();
});

t.test('ZSet in both encodings against a model', (t) => {
  for (const maxEntries of [0, 8, 128]) {
    const r = rng(maxEntries + 7);
    const z = new ZSet(maxEntries === 0);
    const model = new Map<string, number>();
    for (let step = 0; step < 1500; step++) {
      const m = `k${Math.floor(r() * 60)}`;
      const s = Math.floor(r() * 20) - 10;
      const cur = z.score(m);
      t.equal(cur, model.get(m));
      if (r() < 0.6) {
        if (cur === undefined) z.insert(m, s, maxEntries, 64);
        else z.update(m, cur, s);
        model.set(m, s);
      } else {
        t.equal(z.remove(m), model.delete(m));
      }
      const sorted = [...model.entries()].sort(cmp);
      t.equal(z.size(), sorted.length);
      if (step % 25 === 0) {
        const got: E[] = [];
        z.forEach((mm, ss) => got.push([mm, ss]));
        t.same(got, sorted);
        sorted.forEach((e, k) => {
          if (z.rank(e[0]) !== k) t.fail(`rank ${e[0]}`);
          if (z.memberAt(k) !== e[0]) t.fail(`memberAt ${k}`);
        });
        const lo = Math.floor(r() * 20) - 10;
        const range = { min: lo, max: lo + 5, minex: r() < 0.5, maxex: r() < 0.5 };
        const inRange = sorted.filter((e) => (range.minex ? e[1] > range.min : e[1] >= range.min) && (range.maxex ? e[1] < range.max : e[1] <= range.max));
        t.equal(Math.max(0, z.scoreEnd(range) - z.scoreStart(range)), inRange.length);
        const c = z.clone();
        t.equal(c.size(), z.size());
        t.equal(c.encoding(), z.encoding());
      }
    }
    if (maxEntries === 8) t.equal(z.encoding(), 'skiplist', 'converted once past the threshold');
  }
  t.end();
});

t.test('lex ranges over equal scores', (t) => {
  const z = new ZSet();
  for (const m of ['a', 'b', 'c', 'd', 'e']) z.insert(m, 0, 128, 64);
  const inf = (i: number) => ({ inf: i, value: '', ex: false });
  t.equal(z.lexStart(inf(-1)), 0);
  t.equal(z.lexEnd(inf(1)), 5);
  t.equal(z.lexStart({ inf: 0, value: 'b', ex: true }), 2);
  t.equal(z.lexEnd({ inf: 0, value: 'd', ex: false }), 4);
  z.convertToSkiplist();
  t.equal(z.lexStart({ inf: 0, value: 'b', ex: true }), 2);
  t.equal(z.lexEnd({ inf: 0, value: 'd', ex: true }), 3);
  t.equal(z.deleteRange(1, 2), 2);
  const got: string[] = [];
  z.forEach((m) => got.push(m));
  t.same(got, ['a', 'd', 'e']);
  t.end();
});

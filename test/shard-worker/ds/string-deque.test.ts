import t from 'tap';
import { StringDeque } from '../../../src/shard-worker/ds/string-deque.js';

t.test('push/pop at both ends and indexing across wrap-around and growth', async (t) => {
  const d = new StringDeque();
  const model: string[] = [];
  for (let i = 0; i < 100; i++) {
    if (i % 3 === 0) {
      d.pushHead(`h${i}`);
      model.unshift(`h${i}`);
    } else {
      d.pushTail(`t${i}`);
      model.push(`t${i}`);
    }
  }
  t.equal(d.length, 100);
  t.same(d.toArray(), model);
  for (let i = 0; i < 100; i++) t.equal(d.at(i), model[i]);
  t.equal(d.popHead(), model.shift());
  t.equal(d.popTail(), model.pop());
  d.setAt(5, 'X');
  model[5] = 'X';
  t.same(d.toArray(), model);
});

t.test('random operations against an array model', async (t) => {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const d = new StringDeque();
  let model: string[] = [];
  for (let step = 0; step < 20000; step++) {
    const op = rnd(10);
    const v = String.fromCharCode(97 + rnd(4));
    if (op < 3) {
      d.pushTail(v);
      model.push(v);
    } else if (op < 5) {
      d.pushHead(v);
      model.unshift(v);
    } else if (op === 5 && model.length > 0) {
      t.equal(d.popHead(), model.shift());
    } else if (op === 6 && model.length > 0) {
      t.equal(d.popTail(), model.pop());
    } else if (op === 7) {
      const i = rnd(model.length + 1);
      d.insertAt(i, v);
      model.splice(i, 0, v);
    } else if (op === 8) {
      const limit = rnd(3);
      const fromTail = rnd(2) === 1;
      let removed = 0;
      if (!fromTail) {
        model = model.filter((x) => !(x === v && (limit === 0 || removed++ < limit)));
      } else {
        model = model.reverse().filter((x) => !(x === v && (limit === 0 || removed++ < limit))).reverse();
      }
      const before = d.length;
      t.equal(d.removeMatches(v, limit, fromTail), before - model.length);
    } else if (op === 9 && model.length > 0) {
      const a = rnd(Math.min(3, model.length + 1));
      const b = rnd(Math.min(3, model.length - a + 1));
      d.dropHead(a);
      d.dropTail(b);
      model = model.slice(a, model.length - b);
    }
    if (d.length !== model.length) {
      t.fail(`length differs at step ${step}`);
      break;
    }
  }
  t.same(d.toArray(), model);
  // Shrinks back after growing large.
  const big = new StringDeque();
  for (let i = 0; i < 10000; i++) big.pushTail('x');
  const cap = big.capacity;
  big.dropHead(9990);
  t.ok(big.capacity < cap, 'capacity shrinks');
  t.equal(big.length, 10);
  t.same(big.toArray(), Array(10).fill('x'));
});

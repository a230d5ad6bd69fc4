import t from 'tap';
import { unixTimeMicros } from '../../src/shared/clock.js';

t.test('unixTimeMicros: the wall clock in microseconds, never stepping back', async (t) => {
  let prev = unixTimeMicros();
  t.ok(Math.abs(prev / 1000 - Date.now()) < 1000, 'within a second of Date.now()');
  let back = 0;
  for (let i = 0; i < 100_000; i++) {
    const now = unixTimeMicros();
    if (now < prev) back++;
    prev = now;
  }
  t.equal(back, 0);
  t.ok(Number.isSafeInteger(prev));
});

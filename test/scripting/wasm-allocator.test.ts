/**
 * The hand-assembled lua_Alloc module (src/scripting/wasm-allocator.ts), driven with a JS stand-in for
 * the heap's realloc/free so every call it makes can be checked.
 */
import t from 'tap';
import { cappedAllocator } from '../../src/scripting/wasm-allocator.js';

function fakeHeap() {
  const live = new Map<number, number>();
  const calls: string[] = [];
  let next = 8;
  let failNext = false;
  return {
    live,
    calls,
    failOnce(): void {
      failNext = true;
    },
    realloc(ptr: number, size: number): number {
      calls.push(`realloc(${ptr},${size})`);
      if (failNext) {
        failNext = false;
        return 0;
      }
      if (ptr !== 0) live.delete(ptr);
      const p = next;
      next += 8;
      live.set(p, size);
      return p;
    },
    free(ptr: number): void {
      calls.push(`free(${ptr})`);
      live.delete(ptr);
    },
  };
}

t.test('counts what Lua holds through new blocks, growth, shrinking and frees', async (t) => {
  const h = fakeHeap();
  const a = cappedAllocator(h.realloc, h.free);
  // A new block: ptr NULL, osize is the object's type tag (4 = string), not a size.
  const p = a.alloc(0, 0, 4, 100);
  t.ok(p > 0);
  t.equal(a.used(), 100);
  const q = a.alloc(0, p, 100, 300);
  t.equal(a.used(), 300);
  const r = a.alloc(0, q, 300, 50);
  t.equal(a.used(), 50);
  t.equal(a.alloc(0, r, 50, 0), 0, 'a free answers NULL');
  t.equal(a.used(), 0);
  t.same(h.calls, ['realloc(0,100)', `realloc(${p},300)`, `realloc(${q},50)`, `free(${r})`]);
  t.equal(h.live.size, 0);
  // Freeing NULL does nothing.
  t.equal(a.alloc(0, 0, 0, 0), 0);
  t.equal(h.calls.length, 4);
});

t.test('the cap refuses growth past it, never shrinking or freeing', async (t) => {
  const h = fakeHeap();
  const a = cappedAllocator(h.realloc, h.free);
  a.setMax(1000);
  const p = a.alloc(0, 0, 5, 600);
  t.equal(a.used(), 600);
  t.equal(a.alloc(0, 0, 5, 401), 0, 'a new block past the cap fails');
  t.equal(a.alloc(0, p, 600, 1001), 0, 'growth past the cap fails');
  t.equal(a.used(), 600, 'a refused call changes nothing');
  t.equal(h.calls.length, 1, 'and never reaches realloc');
  const q = a.alloc(0, 0, 5, 400);
  t.ok(q > 0, 'up to the cap exactly is allowed');
  t.equal(a.used(), 1000);
  a.setMax(500);
  const p2 = a.alloc(0, p, 600, 100);
  t.ok(p2 > 0, 'shrinking works even above a lowered cap');
  t.equal(a.used(), 500);
  a.alloc(0, q, 400, 0);
  t.equal(a.used(), 100);
  a.setMax(0);
  t.ok(a.alloc(0, 0, 5, 10_000_000) > 0, 'max 0 means no cap');
  a.setMax(2 ** 32);
  t.ok(a.alloc(0, 0, 5, 10_000_000) > 0, '4 GiB and up mean no cap');
});

t.test('a failed realloc leaves the count alone', async (t) => {
  const h = fakeHeap();
  const a = cappedAllocator(h.realloc, h.free);
  a.setUsed(1234);
  h.failOnce();
  t.equal(a.alloc(0, 0, 4, 64), 0);
  t.equal(a.used(), 1234);
});

t.test('counts above 2 GiB compare unsigned against the cap', async (t) => {
  const h = fakeHeap();
  const a = cappedAllocator(h.realloc, h.free);
  a.setUsed(2 ** 31 + 10);
  t.equal(a.used(), 2 ** 31 + 10);
  a.setMax(2 ** 31 + 100);
  t.ok(a.alloc(0, 0, 4, 90) > 0);
  t.equal(a.alloc(0, 0, 4, 1), 0);
});

import { expect, it } from 'vitest';
import { createSourceCache } from './source-cache.ts';

it('keeps at most maxEntries texts, least recently used out first', () => {
  const cache = createSourceCache({ maxEntries: 2, maxChars: 1000 });
  cache.add('a');
  cache.add('b');
  expect(cache.has('a')).toBe(true); // a is now the most recent
  cache.add('c');
  expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
  expect(cache.size).toBe(2);
});

it('keeps at most maxChars characters in all, and never a text longer than that', () => {
  const cache = createSourceCache({ maxEntries: 100, maxChars: 10 });
  cache.add('12345');
  cache.add('67890');
  cache.add('xyz');
  expect([cache.has('12345'), cache.has('67890'), cache.has('xyz')]).toEqual([false, true, true]);
  cache.add('x'.repeat(11));
  expect(cache.has('x'.repeat(11))).toBe(false);
  expect(cache.size).toBe(2);
});

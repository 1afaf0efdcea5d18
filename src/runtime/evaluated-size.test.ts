// jsonBytesOver against the exact measure (UTF-8 bytes of JSON.stringify) at and around the bound.
import { describe, expect, it } from 'vitest';
import { jsonBytesOver } from './evaluated-size.ts';

const exact = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('jsonBytesOver', () => {
  it('is false at the limit and true one byte past it', () => {
    const value = 'x'.repeat(998); // "…" is 1,000 bytes of JSON
    expect(exact(value)).toBe(1000);
    expect(jsonBytesOver(value, 1000)).toBe(false);
    expect(jsonBytesOver(value, 999)).toBe(true);
  });

  it('counts UTF-8 bytes and JSON escapes, not UTF-16 units', () => {
    const value = { text: 'é😀\n"' }; // 2 + 4 + 2 + 2 bytes inside the quotes
    const bytes = exact(value);
    expect(jsonBytesOver(value, bytes)).toBe(false);
    expect(jsonBytesOver(value, bytes - 1)).toBe(true);
  });

  it('agrees with the exact measure on nested values around their own size', () => {
    const values: unknown[] = [
      { items: Array.from({ length: 50 }, (_, i) => ({ id: `m-${i}`, body: 'hello '.repeat(i), n: i / 3 })) },
      [null, true, false, 0, -1.7976931348623157e308, '', [], {}],
      { when: new Date(0), nested: { deep: [[['x']]] } },
      { skipped: undefined, kept: 1 },
    ];
    for (const value of values) {
      const bytes = exact(value);
      for (const limit of [0, bytes - 1, bytes, bytes + 1]) expect(jsonBytesOver(value, limit)).toBe(bytes > limit);
    }
  });

  it('treats a value that is not JSON (cyclic) as not over, and terminates', () => {
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(jsonBytesOver(cyclic, 10_000)).toBe(false);
  });
});

// The token bucket with a stepped clock: burst, sustained rate, Retry-After arithmetic, and the key bound.
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

function clocked(options: { capacity: number; refillPerSecond: number; maxKeys?: number }) {
  let t = 1_000_000;
  const limiter = createRateLimiter({ maxKeys: 100, ...options, now: () => t });
  return { limiter, advance: (ms: number) => void (t += ms) };
}

describe('createRateLimiter', () => {
  it('allows a burst of `capacity`, then refuses with the time until the next token', () => {
    const { limiter } = clocked({ capacity: 3, refillPerSecond: 2 });
    expect([1, 2, 3].map(() => limiter.take('u').ok)).toEqual([true, true, true]);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 500 });
  });

  it('refills at refillPerSecond, never above capacity', () => {
    const { limiter, advance } = clocked({ capacity: 3, refillPerSecond: 2 });
    for (let i = 0; i < 3; i += 1) limiter.take('u');
    advance(499);
    expect(limiter.take('u').ok).toBe(false);
    advance(1);
    expect(limiter.take('u').ok).toBe(true);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 500 });
    advance(60_000); // a long pause refills to capacity, not to 120
    expect([1, 2, 3, 4].map(() => limiter.take('u').ok)).toEqual([true, true, true, false]);
  });

  it('keeps keys apart', () => {
    const { limiter } = clocked({ capacity: 1, refillPerSecond: 1 });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  it('charges a cost; one over capacity costs a full bucket instead of never passing', () => {
    const { limiter, advance } = clocked({ capacity: 10, refillPerSecond: 5 });
    expect(limiter.take('u', 4).ok).toBe(true);
    expect(limiter.take('u', 7)).toEqual({ ok: false, retryAfterMs: 200 }); // 6 left, 1 more token in 200 ms
    advance(800); // 6 + 4 = 10
    expect(limiter.take('u', 1000).ok).toBe(true);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 200 });
  });

  it('peek says what take would, and takes nothing', () => {
    const { limiter } = clocked({ capacity: 1, refillPerSecond: 1 });
    expect(limiter.peek('u')).toEqual({ ok: true });
    expect(limiter.peek('u')).toEqual({ ok: true });
    expect(limiter.size).toBe(0);
    limiter.take('u');
    expect(limiter.peek('u')).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it('keeps at most maxKeys buckets, dropping full ones first', () => {
    const { limiter, advance } = clocked({ capacity: 2, refillPerSecond: 1, maxKeys: 3 });
    limiter.take('old'); // refills to full while the others are used
    advance(2000);
    limiter.take('a', 2);
    limiter.take('b', 2);
    expect(limiter.size).toBe(3);
    limiter.take('c', 2);
    expect(limiter.size).toBe(3);
    // 'old' was full and dropped; a and b keep their empty buckets (their limits still hold).
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(false);
  });

  it('with no full bucket, drops the fullest of the least recently used', () => {
    const { limiter } = clocked({ capacity: 10, refillPerSecond: 1, maxKeys: 3 });
    limiter.take('a', 9);
    limiter.take('b', 2); // fullest: 8 left
    limiter.take('c', 9);
    limiter.take('d', 9);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a', 2).ok).toBe(false); // a kept: 1 left
    expect(limiter.take('b', 10).ok).toBe(true); // b was dropped, so it starts full again
  });

  it('stays bounded under 100,000 distinct keys, at constant cost per key', () => {
    const { limiter, advance } = clocked({ capacity: 5, refillPerSecond: 1, maxKeys: 1000 });
    const started = performance.now();
    for (let i = 0; i < 100_000; i += 1) {
      limiter.take(`k${i}`);
      if (i % 1000 === 0) advance(1);
    }
    expect(limiter.size).toBe(1000);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('ignores a clock that steps back', () => {
    let t = 10_000;
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 10, now: () => t });
    limiter.take('u');
    t = 0;
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it('refuses nonsensical options', () => {
    expect(() => createRateLimiter({ capacity: 0, refillPerSecond: 1, maxKeys: 1 })).toThrow(/positive/);
  });
});

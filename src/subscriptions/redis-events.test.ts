// The Redis wire format and its bounds: what is read back is checked once (a foreign or broken entry is skipped
// with its reason), the reconnect backoff is bounded, and appends keep order, refuse an event over the byte bound
// (appending nothing of that batch) and cap the stream near its length bound. The appends run on the machine's Redis.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisSkipReason, TEST_REDIS_URL } from '../../test/redis.ts';
import { createRedisEventLog, decodeEvent, MAX_EVENT_BYTES, reconnectDelayMs } from './redis-events.ts';

describe('decodeEvent', () => {
  it('accepts both event kinds and says what is wrong with anything else', () => {
    const mutation = { kind: 'mutation', mutation: 'createMessage', payload: { id: 'm1' } };
    const invalidate = { kind: 'invalidate', subscriptionField: 'onMessage', payload: { g: 'g1' } };
    expect(decodeEvent(JSON.stringify(mutation))).toEqual({ ok: true, event: mutation });
    expect(decodeEvent(JSON.stringify(invalidate))).toEqual({ ok: true, event: invalidate });
    expect(decodeEvent('{not json')).toEqual({ ok: false, reason: 'not JSON' });
    expect(decodeEvent('[1]')).toEqual({ ok: false, reason: 'expected an object, got an array' });
    expect(decodeEvent('"text"')).toEqual({ ok: false, reason: 'expected an object, got string' });
    expect(decodeEvent(JSON.stringify({ kind: 'mutation', payload: {} }))).toEqual({
      ok: false,
      reason: 'mutation: expected a string',
    });
    expect(decodeEvent(JSON.stringify({ kind: 'invalidate', payload: {} }))).toEqual({
      ok: false,
      reason: 'subscriptionField: expected a string',
    });
    expect(decodeEvent(JSON.stringify({ kind: 'delete', payload: {} }))).toEqual({
      ok: false,
      reason: `kind: expected 'mutation' or 'invalidate', got "delete"`,
    });
    // Extra fields are dropped, not passed on.
    expect(decodeEvent(JSON.stringify({ ...mutation, extra: 1 }))).toEqual({ ok: true, event: mutation });
  });
});

it('backs off from 50 ms, doubling, to at most 2 s plus jitter under 100 ms', () => {
  const none = () => 0;
  expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => reconnectDelayMs(n, none))).toEqual([
    50, 100, 200, 400, 800, 1600, 2000, 2000, 2000,
  ]);
  expect(reconnectDelayMs(100, () => 0.999)).toBe(2099);
});

const skip = await redisSkipReason();
describe.skipIf(skip !== null)(`appending to Redis${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const redis = new Redis(TEST_REDIS_URL);
  const key = `cruddur:test-${randomUUID()}:events`;
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });
  const event = (id: string, body = 'b') => ({
    kind: 'mutation' as const,
    mutation: 'createMessage',
    payload: { id, body },
  });
  const read = async () =>
    ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(([, f]) => {
      const decoded = decodeEvent(f[1]!);
      return decoded.ok ? decoded.event.payload.id : decoded.reason;
    });

  it('appends a batch in order and refuses a batch holding an event over the byte bound, appending none of it', async () => {
    const log = createRedisEventLog({ redis, key });
    await log.append([event('a'), event('b'), event('c')]);
    expect(await read()).toEqual(['a', 'b', 'c']);
    // At the bound exactly: appended; one byte over: refused.
    const base = JSON.stringify(event('d', '')).length;
    await log.append([event('d', 'x'.repeat(MAX_EVENT_BYTES - base))]);
    await expect(log.append([event('e'), event('f', 'x'.repeat(MAX_EVENT_BYTES - base + 1))])).rejects.toThrow(
      `an event of ${MAX_EVENT_BYTES + 1} bytes is over ${MAX_EVENT_BYTES}`,
    );
    expect(await read()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the stream near its length bound (XADD MAXLEN ~)', async () => {
    const capped = `${key}:capped`;
    const log = createRedisEventLog({ redis, key: capped, maxLen: 100 });
    for (let i = 0; i < 10; i += 1) await log.append(Array.from({ length: 100 }, (_, j) => event(`${i}-${j}`)));
    const length = await redis.xlen(capped);
    await redis.del(capped);
    // Approximate trimming removes whole nodes (100 entries each by default): at most one node over.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
  });
});

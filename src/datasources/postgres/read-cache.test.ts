// The users read cache on its own: bounds, expiry, invalidation races, what may be cached.
import { describe, expect, it } from 'vitest';
import { copyRdsResponse, toStatementResult } from './rds-response.ts';
import { createReadCache, isCacheable } from './read-cache.ts';

const settings = { ttlMs: 1_000, maxEntries: 3, maxBytes: 10_000, maxEntryBytes: 200 };

describe('read cache', () => {
  it('serves a copy of what was stored, so a resolver changing its result changes nothing cached', () => {
    const cache = createReadCache(settings);
    cache.set('k', cache.generation(), { rows: [1] });
    const first = cache.get('k') as { rows: number[] };
    first.rows.push(2);
    expect(cache.get('k')).toEqual({ rows: [1] });
    expect(cache.stats).toMatchObject({ hits: 2, misses: 0 });
  });

  it('with the RDS copier, serves and stores fresh copies of every part of a response', () => {
    const cache = createReadCache({ ...settings, maxEntryBytes: 2_000 }, performance, copyRdsResponse);
    const stored = { sqlStatementResults: [toStatementResult(['uuid', 'n'], [{ uuid: 'u1', n: 2 }], 0)] };
    cache.set('k', cache.generation(), stored);
    stored.sqlStatementResults[0]!.records[0]![0] = { stringValue: 'changed after set' };
    const served = cache.get('k') as typeof stored;
    expect(served).toEqual({ sqlStatementResults: [toStatementResult(['uuid', 'n'], [{ uuid: 'u1', n: 2 }], 0)] });
    (served.sqlStatementResults[0]!.records[0]![0] as { stringValue: string }).stringValue = 'changed by a resolver';
    served.sqlStatementResults[0]!.columnMetadata[0]!.name = 'renamed';
    served.sqlStatementResults[0]!.records.push([]);
    expect(cache.get('k')).toEqual({
      sqlStatementResults: [toStatementResult(['uuid', 'n'], [{ uuid: 'u1', n: 2 }], 0)],
    });
  });

  it('drops a result whose read began before an invalidation (a write or a change notice in between)', () => {
    const cache = createReadCache(settings);
    const before = cache.generation();
    cache.invalidate();
    cache.set('k', before, 'stale');
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', cache.generation(), 'fresh');
    expect(cache.get('k')).toBe('fresh');
  });

  it('holds at most maxEntries (least recently used go first) and no entry over maxEntryBytes', () => {
    const cache = createReadCache(settings);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, cache.generation(), key);
    expect(cache.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((k) => cache.get(k))).toEqual(['b', 'c', 'd']);
    cache.set('big', cache.generation(), 'x'.repeat(300));
    expect(cache.get('big')).toBeUndefined();
  });

  it('holds at most maxBytes in all', () => {
    const cache = createReadCache({ ...settings, maxEntries: 100, maxBytes: 500 });
    for (let i = 0; i < 10; i += 1) cache.set(`k${i}`, cache.generation(), 'y'.repeat(150));
    const kept = Array.from({ length: 10 }, (_, i) => cache.get(`k${i}`)).filter(Boolean);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length * 152).toBeLessThanOrEqual(500);
  });

  it('expires entries after the TTL', () => {
    let now = 10_000;
    const cache = createReadCache(settings, { now: () => now });
    cache.set('k', cache.generation(), 'v');
    now += 999;
    expect(cache.get('k')).toBe('v');
    now += 2;
    expect(cache.get('k')).toBeUndefined();
  });

  it('serves and stores nothing while disabled, and starts empty when enabled again', () => {
    const cache = createReadCache(settings);
    cache.set('k', cache.generation(), 'v');
    cache.setEnabled(false);
    expect(cache.get('k')).toBeUndefined();
    cache.set('k2', cache.generation(), 'v2');
    cache.setEnabled(true);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.get('k2')).toBeUndefined();
  });
});

describe('isCacheable', () => {
  it.each([
    ['SELECT uuid, handle FROM users WHERE cognito_user_id = :P0', true],
    ['  with u as (select * from users) select * from u', true],
    ['UPDATE users SET handle = :P0', false],
    ['INSERT INTO users (handle) VALUES (:P0) RETURNING *', false],
    ['SELECT now()', false],
    ['SELECT gen_random_uuid()', false],
    ['SELECT random() FROM users', false],
    ['SELECT pg_sleep(1)', false],
    ['SELECT nextval(:P0)', false],
  ])('%s → %s', (sql, expected) => {
    expect(isCacheable([sql])).toBe(expected);
  });

  it('two statements (a transaction) are never cached', () => {
    expect(isCacheable(['SELECT 1 FROM users', 'SELECT 2 FROM users'])).toBe(false);
  });
});

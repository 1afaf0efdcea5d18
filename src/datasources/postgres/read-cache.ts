// A bounded cache of read-only statement results for one Postgres data source. Entries expire after a TTL and
// are all dropped whenever the data source's tables may have changed: a write through this data source, a change
// notification from the tables' trigger (which reaches every instance), or a gap in those notifications.
import { LRUCache } from 'lru-cache';
import { isReadOnlySelect } from './statement.ts';

export interface ReadCacheSettings {
  /** How long an entry may be served without any change notice: the bound on staleness when notices are lost. */
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Total size of the cached results (their JSON text). */
  readonly maxBytes: number;
  /** A larger result is not cached. */
  readonly maxEntryBytes: number;
}

export const DEFAULT_READ_CACHE: ReadCacheSettings = {
  ttlMs: 5_000,
  maxEntries: 10_000,
  maxBytes: 8 * 1024 * 1024,
  maxEntryBytes: 64 * 1024,
};

/** SQL that may give another answer without any table changing is never cached. */
const VOLATILE =
  /\b(now|random|clock_timestamp|statement_timestamp|timeofday|current_timestamp|current_date|current_time|localtime|localtimestamp|current_user|session_user|nextval|currval|setval|gen_random_uuid|uuid_generate_v\d|txid_current|pg_\w+)\b/i;

export function isCacheable(statements: readonly string[]): boolean {
  return statements.length === 1 && isReadOnlySelect(statements[0]!) && !VOLATILE.test(statements[0]!);
}

export interface ReadCache {
  /** A copy of the cached result (a resolver may change what it gets), or undefined. */
  get(key: string): unknown;
  /** Taken before a statement runs; `set` drops the result if anything was invalidated in between. */
  generation(): number;
  set(key: string, generation: number, result: unknown): void;
  /** Drops every entry, and every result still in flight. */
  invalidate(): void;
  /** Off while change notices may be missed (their connection is down); turning it back on starts empty. */
  setEnabled(enabled: boolean): void;
  readonly stats: { readonly hits: number; readonly misses: number; readonly invalidations: number };
}

/** A deep copy through JSON: right for any result, and what a result's size is measured in anyway. */
const jsonCopy = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

interface Entry {
  readonly value: unknown;
  /** Its JSON text's length, counted against maxBytes. */
  readonly size: number;
}

/**
 * `clock` is for tests (expiry without waiting). `copy` makes the copies served and stored: a copier that knows
 * the results' shape (copyRdsResponse) is several times faster than JSON's round trip, and a page of inbox rows
 * makes one hit per row.
 */
export function createReadCache(
  settings: ReadCacheSettings = DEFAULT_READ_CACHE,
  clock: { now(): number } = performance,
  copy: (value: unknown) => unknown = jsonCopy,
): ReadCache {
  const entries = new LRUCache<string, Entry>({
    perf: clock,
    // Read the clock on every check (cheap) rather than caching it for a millisecond behind a timer.
    ttlResolution: 0,
    max: settings.maxEntries,
    maxSize: settings.maxBytes,
    sizeCalculation: (entry, key) => entry.size + key.length,
    ttl: settings.ttlMs,
    // Expired entries are dropped when read or pushed out, not by timers: no timer per entry.
    ttlAutopurge: false,
  });
  let current = 0;
  let enabled = true;
  const stats = { hits: 0, misses: 0, invalidations: 0 };
  return {
    get(key) {
      if (!enabled) return undefined;
      const entry = entries.get(key);
      if (entry === undefined) {
        stats.misses += 1;
        return undefined;
      }
      stats.hits += 1;
      return copy(entry.value);
    },
    generation: () => current,
    set(key, generation, result) {
      if (!enabled || generation !== current) return;
      const size = JSON.stringify(result).length;
      if (size + key.length > settings.maxEntryBytes) return;
      // Stored as a copy too: the caller goes on to hand `result` to a resolver, which may change it.
      entries.set(key, { value: copy(result), size });
    },
    invalidate() {
      current += 1;
      stats.invalidations += 1;
      entries.clear();
    },
    setEnabled(on) {
      if (on !== enabled) this.invalidate();
      enabled = on;
    },
    stats,
  };
}

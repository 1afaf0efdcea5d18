// Remembers document texts that already passed the size and token check, so a client repeating its few
// operations costs a map lookup per request instead of a second parse (Apollo parses and caches on its own).

export interface SourceCache {
  has(source: string): boolean;
  add(source: string): void;
  readonly size: number;
}

/** Bounded in entries and in total characters; the least recently used text goes first. */
export function createSourceCache(options: { maxEntries: number; maxChars: number }): SourceCache {
  // Map order is recency order: a hit re-inserts its key.
  const entries = new Map<string, true>();
  let chars = 0;
  return {
    has(source) {
      if (!entries.has(source)) return false;
      entries.delete(source);
      entries.set(source, true);
      return true;
    },
    add(source) {
      if (entries.has(source) || source.length > options.maxChars) return;
      entries.set(source, true);
      chars += source.length;
      for (const key of entries.keys()) {
        if (entries.size <= options.maxEntries && chars <= options.maxChars) break;
        entries.delete(key);
        chars -= key.length;
      }
    },
    get size() {
      return entries.size;
    },
  };
}

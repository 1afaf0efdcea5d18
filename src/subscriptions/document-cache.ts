// Prepared (parsed and validated) subscription documents by source text, bounded in entries and in estimated heap
// bytes: a parsed AST costs about 100 bytes of heap per byte of source (measured with graphql 16, locations kept),
// so a cache bounded only by count let a few hundred large documents exhaust the heap.
import type { DocumentNode, GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';

export type PreparedDocument = DocumentNode | readonly GraphQLError[];

export interface DocumentCacheOptions {
  /** Parses and validates one document, with every size and token bound applied before parsing. */
  readonly prepare: (source: string) => PreparedDocument;
  readonly maxEntries?: number;
  /** Estimated heap the cached entries may hold (default 16 MiB). */
  readonly maxBytes?: number;
}

/** Heap bytes per source byte of a parsed document (see above); errors are small whatever their source. */
export const AST_BYTES_PER_SOURCE_BYTE = 100;

export interface DocumentCache {
  get(source: string): PreparedDocument;
  readonly size: number;
  /** Estimated heap bytes held. */
  readonly bytes: number;
}

export function createDocumentCache(options: DocumentCacheOptions): DocumentCache {
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const cache = new LRUCache<string, { value: PreparedDocument }>({
    max: options.maxEntries ?? 1000,
    maxSize: maxBytes,
    // An entry larger than the whole budget is simply not kept (lru-cache refuses it), so nothing is evicted for it.
    sizeCalculation: (entry, source) =>
      Math.max(1, 'kind' in entry.value ? source.length * AST_BYTES_PER_SOURCE_BYTE : 200 + 2 * source.length),
  });
  return {
    get(source) {
      const hit = cache.get(source);
      if (hit) return hit.value;
      const value = options.prepare(source);
      cache.set(source, { value });
      return value;
    },
    get size() {
      return cache.size;
    },
    get bytes() {
      return cache.calculatedSize;
    },
  };
}

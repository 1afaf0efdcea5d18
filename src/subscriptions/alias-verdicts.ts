// Remembers that a document passed validation under a key that ignores its free alias names, so a client that
// makes up aliases per subscribe (`n1a2b3c4: onMessage(...)`) pays parsing only, not validation, for each new one.
//
// Why that is sound: of all validation rules (graphql-js's specified rules and graphql-armor's), only two read an
// alias: OverlappingFieldsCanBeMerged compares response names for equality, and max-aliases counts aliases other
// than `__typename` (its default allowList, which document-limits.ts keeps). The key keeps every alias verbatim that
// equals a field name of the document or starts with `__`, and replaces each other ("free") alias by its
// first-occurrence number; so two documents with one key have the same text everywhere else, the same field names
// and the same pattern of equal response names, and validity is the same for both. Only "valid" is remembered:
// errors name aliases, so an invalid document is always validated itself (the document cache keeps its errors).
import type { DocumentNode, FieldNode, GraphQLError, SelectionSetNode } from 'graphql';
import { Kind } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * A lone surrogate cannot occur anywhere in a document graphql-js parses (not even in strings or comments), so
 * a placeholder built from one never meets a character of the source and keys cannot be confused.
 */
const MARK = '\uDC00';

/** The document's text with each free alias replaced by a placeholder; null when it has no free alias (or no locations). */
export function aliasFreeKey(source: string, document: DocumentNode): string | null {
  const aliased: FieldNode[] = [];
  const fieldNames = new Set<string>();
  const sets: SelectionSetNode[] = [];
  for (const definition of document.definitions)
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION)
      sets.push(definition.selectionSet);
  for (let set = sets.pop(); set; set = sets.pop())
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        fieldNames.add(selection.name.value);
        if (selection.alias) aliased.push(selection);
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) sets.push(selection.selectionSet);
    }
  const free = aliased
    .map((field) => field.alias!)
    .filter((alias) => !fieldNames.has(alias.value) && !alias.value.startsWith('__'));
  if (free.length === 0) return null;
  free.sort((a, b) => (a.loc?.start ?? 0) - (b.loc?.start ?? 0));
  const numbers = new Map<string, number>();
  let key = '';
  let at = 0;
  for (const alias of free) {
    if (!alias.loc || alias.loc.source.body !== source) return null;
    let n = numbers.get(alias.value);
    if (n === undefined) numbers.set(alias.value, (n = numbers.size));
    key += source.slice(at, alias.loc.start) + MARK + n + MARK;
    at = alias.loc.end;
  }
  return key + source.slice(at);
}

export interface AliasVerdicts {
  /** The document's validation errors; [] without validating when a document with its key was valid. */
  validate(source: string, document: DocumentNode): readonly GraphQLError[];
  readonly size: number;
}

export function createAliasVerdicts(options: {
  readonly validate: (document: DocumentNode) => readonly GraphQLError[];
  readonly maxEntries?: number;
  /** Characters of all keys together (default 4 Mi, ~8 MiB of heap). */
  readonly maxChars?: number;
}): AliasVerdicts {
  const valid = new LRUCache<string, true>({
    max: options.maxEntries ?? 1000,
    maxSize: options.maxChars ?? 4 * 1024 * 1024,
    sizeCalculation: (_value, key) => Math.max(1, key.length),
  });
  return {
    validate(source, document) {
      const key = aliasFreeKey(source, document);
      if (key !== null && valid.get(key)) return [];
      const errors = options.validate(document);
      if (key !== null && errors.length === 0) valid.set(key, true);
      return errors;
    },
    get size() {
      return valid.size;
    },
  };
}

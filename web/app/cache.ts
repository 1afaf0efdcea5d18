// The Apollo cache: every object is normalised by `id` (no keyFields needed); the only policies are the two
// paginated lists. Each merge keeps one entry per id and each read sorts, so pages, live events and catch-up
// results can arrive in any order and in any overlap and the lists still show each item once, in order.
import { InMemoryCache, type FieldPolicy, type Reference } from '@apollo/client';

interface Page {
  readonly items: readonly Reference[];
  readonly nextToken: string | null;
}

type ReadField = (field: string, from: Reference) => unknown;

function union(existing: readonly Reference[], incoming: readonly Reference[], readField: ReadField): Reference[] {
  const byId = new Map<string, Reference>();
  for (const ref of [...existing, ...incoming]) byId.set(String(readField('id', ref)), ref);
  return [...byId.values()];
}

/** The inbox: newest activity first (ties by id), so a live event that moves a conversation re-sorts it. */
const messageGroups: FieldPolicy<Page> = {
  keyArgs: false,
  merge(existing, incoming, { args, readField }) {
    // A later page brings the next token; re-reading the first page keeps the token of the deepest page held.
    const nextToken = !existing || args?.nextToken ? incoming.nextToken : existing.nextToken;
    return { ...incoming, items: union(existing?.items ?? [], incoming.items, readField as ReadField), nextToken };
  },
  read(existing, { readField }) {
    if (!existing) return undefined;
    const key = (ref: Reference) => `${String(readField('lastMessageAt', ref))}#${String(readField('id', ref))}`;
    return { ...existing, items: [...existing.items].sort((a, b) => key(b).localeCompare(key(a))) };
  },
};

/** One conversation: oldest first by cursor (the message's sort key), one list per conversation. */
const messages: FieldPolicy<Page> = {
  keyArgs: ['messageGroupUuid'],
  merge(existing, incoming, { args, readField }) {
    // Only "load older" pages move the token; catch-up (`after`) and re-reading the newest page do not.
    const nextToken = !existing || (args?.nextToken && !args?.after) ? incoming.nextToken : existing.nextToken;
    return { ...incoming, items: union(existing?.items ?? [], incoming.items, readField as ReadField), nextToken };
  },
  read(existing, { readField }) {
    if (!existing) return undefined;
    const key = (ref: Reference) => String(readField('cursor', ref));
    return { ...existing, items: [...existing.items].sort((a, b) => key(a).localeCompare(key(b))) };
  },
};

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies: { Query: { fields: { messageGroups, messages } } } });
}

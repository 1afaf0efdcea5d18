// Deterministic in-memory data shared by the reference servers and the lead's in-memory stub of our own API,
// so every server in a ratio returns byte-identical JSON for the same query (a validity gate compares bytes).

export interface BenchUser {
  id: string;
  handle: string;
  displayName: string;
}

export interface BenchMessage {
  id: string;
  messageGroupUuid: string;
  body: string;
  createdAt: string;
  clientMessageId: string | null;
  memberIds: string[];
  cursor: string;
  sender: BenchUser;
}

/** The two members of every bench conversation; USER_A is also `me`. */
export const BENCH_USER_A: BenchUser = {
  id: '00000000-0000-4000-8000-00000000000a',
  handle: 'bench_alice',
  displayName: 'Bench Alice',
};
export const BENCH_USER_B: BenchUser = {
  id: '00000000-0000-4000-8000-00000000000b',
  handle: 'bench_bob',
  displayName: 'Bench Bob',
};

/** The fixed user `Query.me` returns. */
export function benchMe(): BenchUser {
  return { ...BENCH_USER_A };
}

// Newest message's timestamp; older ones step back one second each, so createdAt and cursor stay fixed-width
// and sort like the API's sort keys (`{created_at}#{uuid}`).
const NEWEST_MS = Date.UTC(2025, 0, 1, 12, 0, 0, 0);
const BODY_LENGTH = 100;
const FILLER = ' The quick brown fox jumps over the lazy dog while the bench measures every byte it sends.';

/** `index` → a uuid-shaped id, unique per index, so ids match the schema's `[0-9a-fA-F-]{36}` cursor rule. */
function messageId(index: number): string {
  return `00000000-0000-4000-9000-${index.toString(16).padStart(12, '0')}`;
}

/** A ~100-character deterministic body: a distinguishing prefix, padded with filler to a fixed length. */
export function benchBody(label: string): string {
  return (label + FILLER + FILLER).slice(0, Math.max(BODY_LENGTH, label.length));
}

/**
 * Message number `index` (0 = newest) of conversation `groupUuid`; `body` overrides the default body (the
 * broadcast reference uses it to carry the publish's correlation text).
 */
export function benchMessage(groupUuid: string, index: number, body?: string): BenchMessage {
  const id = messageId(index);
  const createdAt = new Date(NEWEST_MS - index * 1000).toISOString();
  const sender = index % 2 === 0 ? BENCH_USER_A : BENCH_USER_B;
  return {
    id,
    messageGroupUuid: groupUuid,
    body: body ?? benchBody(`Message ${index} of ${groupUuid}.`),
    createdAt,
    clientMessageId: null,
    memberIds: [BENCH_USER_A.id, BENCH_USER_B.id],
    cursor: `${createdAt}#${id}`,
    sender: { ...sender },
  };
}

/** The newest `count` messages of `groupUuid`, newest first (the order `Query.messages` returns). */
export function benchMessages(groupUuid: string, count: number): BenchMessage[] {
  const n = Math.max(0, Math.min(Math.floor(count), 10_000));
  return Array.from({ length: n }, (_, i) => benchMessage(groupUuid, i));
}

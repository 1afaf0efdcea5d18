// Demo conversations, written through the API itself (so seed data takes the same path as real messages).
// Idempotent: skipped when andrewbrown already has conversations; clientMessageIds make a re-run harmless.

export interface SeedTarget {
  readonly url: string;
  tokenFor(handle: string): string;
}

const CONVERSATIONS: readonly { between: [string, string]; lines: string[] }[] = [
  {
    between: ['andrewbrown', 'bayko'],
    lines: [
      'Have you deployed the messaging stack yet?',
      'Almost. The table is up, the stream is on.',
      'Did the inbox update after your first message?',
      'Instantly. The conversation rows are written in the same transaction now.',
      'No more stale inbox, then.',
      'None. And paging works past the first twenty messages.',
    ],
  },
  {
    between: ['londo', 'andrewbrown'],
    lines: [
      'Mr. Brown, I hear you have built a messaging system.',
      'We have. Want to try it?',
      'Only if no one else can read my conversations.',
      'Members only, checked on every read and write.',
    ],
  },
];

async function call(target: SeedTarget, handle: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.tokenFor(handle)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
  if (body.errors?.length)
    throw new Error(`Seeding failed for ${handle}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data ?? {};
}

const CREATE = `mutation Seed($input: CreateMessageInput!) { createMessage(input: $input) { id messageGroupUuid } }`;

/** Returns the number of messages written (0 when the demo data was already there). */
export async function seedConversations(target: SeedTarget): Promise<number> {
  const existing = await call(target, 'andrewbrown', '{ messageGroups(limit: 1) { items { id } } }', {});
  if (existing.messageGroups.items.length > 0) return 0;
  let written = 0;
  for (const [c, conversation] of CONVERSATIONS.entries()) {
    const [first, second] = conversation.between;
    let groupUuid: string | undefined;
    for (const [i, body] of conversation.lines.entries()) {
      const sender = i % 2 === 0 ? first : second;
      const input = groupUuid
        ? { messageGroupUuid: groupUuid, body, clientMessageId: `seed-v1-${c}-${i}` }
        : { handle: second, body, clientMessageId: `seed-v1-${c}-${i}` };
      const data = await call(target, sender, CREATE, { input });
      groupUuid = data.createMessage.messageGroupUuid;
      written += 1;
    }
  }
  return written;
}

import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { PubSubEvent } from './pubsub.ts';
import { MESSAGE_EVENTS } from '../data/message-events.ts';
import { createStreamHandler } from './stream-consumer.ts';

const message = (id: string, body: string) =>
  marshall({
    pk: 'MSG#g1',
    sk: `2026-11-25T00:00:00.000Z#${id}`,
    message_uuid: id,
    user_uuid: 'u1',
    user_handle: 'h1',
    user_display_name: 'H One',
    message: body,
    created_at: '2026-11-25T00:00:00.000Z',
    member_uuids: ['u1', 'u2'],
  });

describe('the Lambda-compatible stream handler', () => {
  it('publishes every new message record in order and ignores everything else', async () => {
    const events: PubSubEvent[] = [];
    const handler = createStreamHandler(MESSAGE_EVENTS.eventFromItem, (e) => void events.push(...e));
    await handler({
      Records: [
        { eventName: 'INSERT', dynamodb: { NewImage: message('m1', 'one') } },
        { eventName: 'INSERT', dynamodb: { NewImage: marshall({ pk: 'MSG#g1', sk: 'MEMBER#u1', user_uuid: 'u1' }) } },
        { eventName: 'MODIFY', dynamodb: { NewImage: marshall({ pk: 'GRP#u1', sk: 'g1', message: 'x' }) } },
        { eventName: 'REMOVE', dynamodb: {} },
        { eventName: 'INSERT', dynamodb: { NewImage: message('m2', 'two') } },
      ],
    });
    expect(events).toEqual([
      {
        kind: 'mutation',
        mutation: 'createMessage',
        payload: {
          id: 'm1',
          messageGroupUuid: 'g1',
          body: 'one',
          createdAt: '2026-11-25T00:00:00.000Z',
          clientMessageId: null,
          memberIds: ['u1', 'u2'],
          cursor: '2026-11-25T00:00:00.000Z#m1',
          sender: { id: 'u1', handle: 'h1', displayName: 'H One' },
        },
      },
      expect.objectContaining({ payload: expect.objectContaining({ id: 'm2', body: 'two' }) }),
    ]);
  });
});

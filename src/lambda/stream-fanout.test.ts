// The table's Lambda trigger against the machine's Redis: a batch of stream records becomes the app's events on the
// table's Redis stream, in record order, other items ignored; Redis unreachable makes the invocation fail (so
// Lambda retries the batch) within its bound instead of hanging.
import { marshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../embedded/dynamodb-local.ts';
import { decodeEvent, redisEventsKey } from '../subscriptions/redis-events.ts';
import { redisSkipReason, TEST_REDIS_URL } from '../../test/redis.ts';
import { createStreamFanout } from './stream-fanout.ts';

const skip = await redisSkipReason();
const table = `fanout-${randomUUID().slice(0, 8)}`;
const arn = `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/stream/2026-12-01T00:00:00.000`;

const message = (id: string, body: string) => ({
  eventName: 'INSERT',
  eventSourceARN: arn,
  dynamodb: {
    NewImage: marshall({
      pk: 'MSG#g1',
      sk: `2026-12-01T00:00:00.000Z#${id}`,
      message_uuid: id,
      user_uuid: 'u1',
      user_handle: 'h1',
      user_display_name: 'H One',
      message: body,
      created_at: '2026-12-01T00:00:00.000Z',
      member_uuids: ['u1', 'u2'],
    }),
  },
});

describe.skipIf(skip !== null)(`the stream-fanout Lambda handler${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const redis = new Redis(TEST_REDIS_URL);
  const fanout = createStreamFanout({ redisUrl: TEST_REDIS_URL });
  afterAll(async () => {
    await redis.del(redisEventsKey(table));
    redis.disconnect();
    fanout.close();
  });

  it("appends each new message of a batch to the table's Redis stream, in order, and nothing else", async () => {
    await fanout.handler({
      Records: [
        message('m1', 'one'),
        {
          eventName: 'INSERT',
          eventSourceARN: arn,
          dynamodb: { NewImage: marshall({ pk: 'MSG#g1', sk: 'MEMBER#u1' }) },
        },
        { eventName: 'MODIFY', eventSourceARN: arn, dynamodb: { NewImage: marshall({ pk: 'GRP#u1', sk: 'g1' }) } },
        { eventName: 'REMOVE', eventSourceARN: arn, dynamodb: {} },
        message('m2', 'two'),
      ],
    });
    const entries = (await redis.xrange(redisEventsKey(table), '-', '+')) as [string, string[]][];
    const events = entries.map(([, fields]) => decodeEvent(fields[1]!));
    expect(
      events.map((d) => (d.ok && d.event.kind === 'mutation' ? [d.event.mutation, d.event.payload.id] : d)),
    ).toEqual([
      ['createMessage', 'm1'],
      ['createMessage', 'm2'],
    ]);
    expect(events[0]).toMatchObject({ ok: true, event: { payload: { body: 'one', sender: { handle: 'h1' } } } });
  });

  it('fails the invocation (Lambda retries the batch) when Redis cannot be reached, within its bound', async () => {
    const down = createStreamFanout({ redisUrl: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 500 });
    const started = Date.now();
    await expect(down.handler({ Records: [message('m3', 'three')] })).rejects.toThrow(/did not answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
    down.close();
  });

  it('does not connect at all for a batch with no events', async () => {
    const down = createStreamFanout({ redisUrl: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 500 });
    await expect(down.handler({ Records: [{ eventName: 'REMOVE', dynamodb: {} }] })).resolves.toBeUndefined();
    down.close();
  });
});

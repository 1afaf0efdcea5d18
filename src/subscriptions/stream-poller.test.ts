// The poller's shard bookkeeping, driven by a scripted streams API (DynamoDB Local never rolls shards over or
// expires iterators, so this is where those paths are exercised; the real stream is covered by the contract
// and two-instance tests).
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { expect, it } from 'vitest';
import { createStreamPoller } from './stream-poller.ts';

const record = (seq: string): _Record => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq } });

it('reads every open shard, recovers from an expired iterator, and follows a closed shard to its child', async () => {
  let shardsListed = 0;
  const iteratorRequests: string[] = [];
  const getRecords: Record<string, () => { Records: _Record[]; NextShardIterator?: string }> = {
    'it-1a': () => ({ Records: [record('1')], NextShardIterator: 'it-1b' }),
    'it-1b': () => {
      throw new ExpiredIteratorException({ message: 'expired', $metadata: {} });
    },
    'it-1c': () => ({ Records: [record('2')] }), // no next iterator: the shard is closed
    'it-2a': () => ({ Records: [record('3')], NextShardIterator: 'it-2b' }),
    'it-2b': () => ({ Records: [], NextShardIterator: 'it-2b' }),
  };
  const streams = {
    async send(command: unknown) {
      if (command instanceof DescribeStreamCommand) {
        shardsListed += 1;
        const shards = [
          { ShardId: 'shard-0', SequenceNumberRange: { StartingSequenceNumber: '0', EndingSequenceNumber: '0' } },
          {
            ShardId: 'shard-1',
            SequenceNumberRange: {
              StartingSequenceNumber: '1',
              ...(shardsListed > 1 ? { EndingSequenceNumber: '2' } : {}),
            },
          },
          ...(shardsListed > 1
            ? [{ ShardId: 'shard-2', ParentShardId: 'shard-1', SequenceNumberRange: { StartingSequenceNumber: '3' } }]
            : []),
        ];
        return { StreamDescription: { Shards: shards } };
      }
      if (command instanceof GetShardIteratorCommand) {
        const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
        iteratorRequests.push(`${ShardId}:${ShardIteratorType}${SequenceNumber ? `:${SequenceNumber}` : ''}`);
        if (ShardId === 'shard-1') return { ShardIterator: ShardIteratorType === 'LATEST' ? 'it-1a' : 'it-1c' };
        return { ShardIterator: 'it-2a' };
      }
      if (command instanceof GetRecordsCommand) return getRecords[command.input.ShardIterator!]!();
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBStreamsClient;
  const dynamodb = {
    async send(command: unknown) {
      if (command instanceof DescribeTableCommand) return { Table: { LatestStreamArn: 'arn:stream' } };
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBClient;

  const seen: string[] = [];
  const poller = createStreamPoller({
    dynamodb,
    streams,
    tableName: 't',
    pollIntervalMs: 5,
    discoverEveryMs: 60_000,
    logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
    onRecords: (records) => void seen.push(...records.map((r) => r.dynamodb!.SequenceNumber!)),
  });
  await poller.start();
  const deadline = Date.now() + 5_000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await poller.stop();
  expect(seen).toEqual(['1', '2', '3']);
  expect(iteratorRequests).toEqual(['shard-1:LATEST', 'shard-1:AFTER_SEQUENCE_NUMBER:1', 'shard-2:TRIM_HORIZON']);
});

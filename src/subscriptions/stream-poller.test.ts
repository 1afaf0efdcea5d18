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
import { createStreamPoller, SHARD_END } from './stream-poller.ts';

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

it('resumes from checkpoints: after the checkpoint, from the start skipping records older than `since`, never a finished shard', async () => {
  const at = (seq: string, ms: number): _Record => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: seq, ApproximateCreationDateTime: new Date(ms) },
  });
  const since = 1_000_000;
  const iteratorRequests: string[] = [];
  const getRecords: Record<string, () => { Records: _Record[]; NextShardIterator?: string }> = {
    'after-10': () => ({ Records: [at('11', since - 60_000)], NextShardIterator: 'a-idle' }),
    'a-idle': () => ({ Records: [], NextShardIterator: 'a-idle' }),
    // Older than since by more than the second of slack: skipped; within it or after: kept.
    'b-start': () => ({
      Records: [at('20', since - 5_000), at('21', since - 500), at('22', since + 10)],
      NextShardIterator: 'b-idle',
    }),
    'b-idle': () => ({ Records: [], NextShardIterator: 'b-idle' }),
  };
  const streams = {
    async send(command: unknown) {
      if (command instanceof DescribeStreamCommand)
        return {
          StreamDescription: {
            Shards: ['done', 'a', 'b'].map((ShardId) => ({
              ShardId,
              SequenceNumberRange: { StartingSequenceNumber: '0' },
            })),
          },
        };
      if (command instanceof GetShardIteratorCommand) {
        const { ShardId, ShardIteratorType, SequenceNumber } = command.input;
        iteratorRequests.push(`${ShardId}:${ShardIteratorType}${SequenceNumber ? `:${SequenceNumber}` : ''}`);
        return { ShardIterator: ShardId === 'a' ? `after-${SequenceNumber}` : 'b-start' };
      }
      if (command instanceof GetRecordsCommand) return getRecords[command.input.ShardIterator!]!();
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBStreamsClient;
  const dynamodb = {
    send: async () => ({ Table: { LatestStreamArn: 'arn:stream' } }),
  } as unknown as DynamoDBClient;
  const seen: string[] = [];
  const poller = createStreamPoller({
    dynamodb,
    streams,
    tableName: 't',
    pollIntervalMs: 5,
    discoverEveryMs: 60_000,
    logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
    from: { checkpoints: { done: SHARD_END, a: '10', gone: '99' }, since },
    onRecords: (records) => void seen.push(...records.map((r) => r.dynamodb!.SequenceNumber!)),
  });
  await poller.start();
  const deadline = Date.now() + 5_000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await poller.stop();
  expect(seen.sort()).toEqual(['11', '21', '22']);
  expect(iteratorRequests.sort()).toEqual(['a:AFTER_SEQUENCE_NUMBER:10', 'b:TRIM_HORIZON']);
  // A shard the stream no longer lists drops out; a finished one it still lists stays finished.
  expect(poller.checkpoints()).toEqual({ done: SHARD_END, a: '11', b: '22' });
});

it('keeps a shard where it was when onRecords rejects, and offers the same records again', async () => {
  let calls = 0;
  const streams = {
    async send(command: unknown) {
      if (command instanceof DescribeStreamCommand)
        return {
          StreamDescription: { Shards: [{ ShardId: 's', SequenceNumberRange: { StartingSequenceNumber: '0' } }] },
        };
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: 'it-s' };
      if (command instanceof GetRecordsCommand)
        return command.input.ShardIterator === 'it-s'
          ? { Records: [record('1'), record('2')], NextShardIterator: 'it-next' }
          : { Records: [], NextShardIterator: 'it-next' };
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBStreamsClient;
  const dynamodb = { send: async () => ({ Table: { LatestStreamArn: 'arn:stream' } }) } as unknown as DynamoDBClient;
  const accepted: string[] = [];
  const poller = createStreamPoller({
    dynamodb,
    streams,
    tableName: 't',
    pollIntervalMs: 5,
    logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
    from: { checkpoints: {}, since: 0 },
    onRecords: async (records) => {
      calls += 1;
      if (calls <= 2) throw new Error('redis is down');
      accepted.push(...records.map((r) => r.dynamodb!.SequenceNumber!));
    },
  });
  await poller.start();
  const deadline = Date.now() + 5_000;
  while (accepted.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(poller.checkpoints()).toEqual({ s: '2' });
  await poller.stop();
  expect(calls).toBe(3);
  expect(accepted).toEqual(['1', '2']);
});

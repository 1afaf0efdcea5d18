// Polls a DynamoDB table's stream the way a Lambda trigger would: every shard, child shards after a split or
// roll-over, fresh iterators when one expires. Records go to `onRecords` in shard order.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';

export interface StreamPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly pollIntervalMs: number;
  /** How often to look for new shards (roll-over happens about every 4 hours on AWS). */
  readonly discoverEveryMs?: number;
  readonly onRecords: (records: _Record[]) => Promise<void> | void;
  readonly logger: Logger;
  /** Sees each batch of records read (logs and metrics); must not throw. */
  readonly onBatch?: (batch: StreamBatch) => void;
}

/** One GetRecords batch with records in it, as a stream Lambda's log line reports one invocation. */
export interface StreamBatch {
  readonly shardId: string;
  readonly records: number;
  /** Age of the batch's newest record when read (Lambda's IteratorAge); DynamoDB gives its time to the second. */
  readonly lagMs: number;
  /** Records not processed because handling the batch threw (the poll then retries from the same iterator). */
  readonly failures: number;
}

/** Milliseconds between the newest record's ApproximateCreationDateTime and `nowMs` (0 when it has none). */
export function batchLag(records: readonly _Record[], nowMs: number): number {
  let newest = 0;
  for (const record of records) {
    const at = record.dynamodb?.ApproximateCreationDateTime;
    const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at * 1000 : 0;
    if (ms > newest) newest = ms;
  }
  return newest === 0 ? 0 : Math.max(0, nowMs - newest);
}

interface ShardState {
  iterator: string | undefined;
  lastSequence: string | undefined;
}

export interface StreamPoller {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { dynamodb, streams, tableName, logger } = options;
  const discoverEveryMs = options.discoverEveryMs ?? 10_000;
  const shards = new Map<string, ShardState>();
  const finished = new Set<string>();
  let streamArn = '';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastDiscovery = 0;

  async function listShards(): Promise<Shard[]> {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      all.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return all;
  }

  async function iterator(
    shardId: string,
    type: 'LATEST' | 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER',
    sequence?: string,
  ) {
    const res = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        SequenceNumber: sequence,
      }),
    );
    return res.ShardIterator;
  }

  /** At start: open shards from now on. Later: any new shard (a child of one we read) from its beginning. */
  async function discover(initial: boolean): Promise<void> {
    lastDiscovery = Date.now();
    for (const shard of await listShards()) {
      const id = shard.ShardId!;
      if (shards.has(id) || finished.has(id)) continue;
      const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
      if (initial && closed) {
        finished.add(id);
        continue;
      }
      shards.set(id, { iterator: await iterator(id, initial ? 'LATEST' : 'TRIM_HORIZON'), lastSequence: undefined });
    }
  }

  async function pollShard(id: string, state: ShardState): Promise<void> {
    if (!state.iterator) return;
    try {
      const res = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
      const records = res.Records ?? [];
      if (records.length) {
        const batch = { shardId: id, records: records.length, lagMs: batchLag(records, Date.now()) };
        try {
          await options.onRecords(records);
        } catch (error) {
          options.onBatch?.({ ...batch, failures: records.length });
          throw error;
        }
        options.onBatch?.({ ...batch, failures: 0 });
        state.lastSequence = records[records.length - 1]!.dynamodb?.SequenceNumber ?? state.lastSequence;
      }
      state.iterator = res.NextShardIterator;
      if (!state.iterator) {
        // The shard is closed: its children carry on, found by the next discovery.
        shards.delete(id);
        finished.add(id);
        lastDiscovery = 0;
      }
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        state.iterator = state.lastSequence
          ? await iterator(id, 'AFTER_SEQUENCE_NUMBER', state.lastSequence)
          : await iterator(id, 'LATEST');
      } else if (error instanceof TrimmedDataAccessException) {
        state.iterator = await iterator(id, 'TRIM_HORIZON');
      } else {
        throw error;
      }
    }
  }

  async function tick(): Promise<void> {
    try {
      if (Date.now() - lastDiscovery >= discoverEveryMs) await discover(false);
      for (const [id, state] of shards) await pollShard(id, state);
    } catch (error) {
      logger.warn('[cruddur] stream poll failed; retrying', (error as Error).message);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.pollIntervalMs);
  }

  return {
    async start() {
      const table = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      streamArn = table.Table?.LatestStreamArn ?? '';
      if (!streamArn)
        throw new Error(
          `PUBSUB=dynamodb-stream needs a stream on table ${tableName} (npm run table:create enables it)`,
        );
      await discover(true);
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

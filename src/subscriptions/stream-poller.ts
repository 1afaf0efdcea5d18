// Polls a DynamoDB table's stream the way a Lambda trigger would: every shard, child shards after a split or
// roll-over, fresh iterators when one expires. Records go to `onRecords` in shard order; a shard's position moves
// past a batch only once `onRecords` resolved, so a failed batch is offered again. With `from`, reading resumes
// from checkpoints (the lease holder of PUBSUB=redis); without, it starts at the stream's end.
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
  /** Resume here instead of at the stream's end (see Checkpoints). */
  readonly from?: StartPositions;
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

/** Per shard: the sequence number of the last record handled, or SHARD_END once a closed shard was read to its end. */
export type Checkpoints = Readonly<Record<string, string>>;
export const SHARD_END = 'SHARD_END';

export interface StartPositions {
  readonly checkpoints: Checkpoints;
  /**
   * A shard without a checkpoint is read from its oldest record, skipping records created before this time (ms
   * since the epoch): the stream has no iterator by time, and a reader that died before its first checkpoint
   * must not lose what came after it started.
   */
  readonly since: number;
}

interface ShardState {
  iterator: string | undefined;
  lastSequence: string | undefined;
  /** Skip records created before this (ms), until the first one after it. */
  skipBefore: number | undefined;
}

export interface StreamPoller {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Where each shard stands now (only records `onRecords` accepted count). */
  checkpoints(): Checkpoints;
}

export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { dynamodb, streams, tableName, logger } = options;
  const discoverEveryMs = options.discoverEveryMs ?? 10_000;
  const shards = new Map<string, ShardState>();
  const finished = new Set<string>();
  /** Closed shards this poller read to their end (checkpointed as SHARD_END). */
  const ended = new Set<string>();
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

  /**
   * At start: open shards from now on, or from their checkpoints. Later: any new shard (a child of one we read)
   * from its beginning.
   */
  async function discover(initial: boolean): Promise<void> {
    lastDiscovery = Date.now();
    const from = options.from;
    for (const shard of await listShards()) {
      const id = shard.ShardId!;
      if (shards.has(id) || finished.has(id)) continue;
      const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
      const checkpoint = initial ? from?.checkpoints[id] : undefined;
      if ((initial && closed && !from) || checkpoint === SHARD_END) {
        finished.add(id);
        // Still listed, so still checkpointed; a shard the stream no longer lists drops out of the checkpoints.
        if (checkpoint === SHARD_END) ended.add(id);
        continue;
      }
      if (checkpoint) {
        const state = { iterator: await iterator(id, 'AFTER_SEQUENCE_NUMBER', checkpoint), skipBefore: undefined };
        shards.set(id, { ...state, lastSequence: checkpoint });
      } else if (initial && !from) {
        shards.set(id, { iterator: await iterator(id, 'LATEST'), lastSequence: undefined, skipBefore: undefined });
      } else {
        const skipBefore = initial ? from?.since : undefined;
        shards.set(id, { iterator: await iterator(id, 'TRIM_HORIZON'), lastSequence: undefined, skipBefore });
      }
    }
  }

  /**
   * Drops the records created before a shard's `skipBefore`, until the first one after it. The record time has a
   * precision of one second on AWS, so a second more is kept (what is repeated is dropped by id downstream).
   */
  function fresh(state: ShardState, records: _Record[]): _Record[] {
    if (state.skipBefore === undefined) return records;
    const from = state.skipBefore - 1_000;
    const first = records.findIndex((r) => (r.dynamodb?.ApproximateCreationDateTime?.getTime() ?? Infinity) >= from);
    if (first === -1) return [];
    state.skipBefore = undefined;
    return records.slice(first);
  }

  async function pollShard(id: string, state: ShardState): Promise<void> {
    if (!state.iterator) return;
    try {
      const res = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
      const records = res.Records ?? [];
      if (records.length) {
        const wanted = fresh(state, records);
        const batch = { shardId: id, records: wanted.length, lagMs: batchLag(records, Date.now()) };
        if (wanted.length) {
          try {
            await options.onRecords(wanted);
          } catch (error) {
            options.onBatch?.({ ...batch, failures: wanted.length });
            throw error;
          }
        }
        options.onBatch?.({ ...batch, failures: 0 });
        state.lastSequence = records[records.length - 1]!.dynamodb?.SequenceNumber ?? state.lastSequence;
      }
      state.iterator = res.NextShardIterator;
      if (!state.iterator) {
        // The shard is closed: its children carry on, found by the next discovery.
        shards.delete(id);
        finished.add(id);
        ended.add(id);
        lastDiscovery = 0;
      }
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        state.iterator = state.lastSequence
          ? await iterator(id, 'AFTER_SEQUENCE_NUMBER', state.lastSequence)
          : await iterator(id, options.from ? 'TRIM_HORIZON' : 'LATEST');
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
          `PUBSUB=${options.from ? 'redis' : 'dynamodb-stream'} needs a stream on table ${tableName} (npm run table:create enables it)`,
        );
      await discover(true);
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    checkpoints() {
      const out: Record<string, string> = {};
      for (const id of ended) out[id] = SHARD_END;
      for (const [id, state] of shards) if (state.lastSequence) out[id] = state.lastSequence;
      return out;
    },
  };
}

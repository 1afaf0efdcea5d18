// The table's stream read by whichever instance holds the stream lease: the lease's owner polls from the stored
// checkpoints and hands records on; losing the lease stops the poller. Every instance runs one, so when the
// owner dies a peer takes over within the lease time and resumes where the last checkpoint says.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient, _Record } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from '../plugins/errors.ts';
import { createStreamLease } from './stream-lease.ts';
import { createStreamPoller, type Checkpoints, type StreamBatch, type StreamPoller } from './stream-poller.ts';

/** The lease item: not a message (the app's mapping ignores it), and its stream records are ignored too. */
export const STREAM_LEASE_KEY = { pk: 'LEASE#stream-reader', sk: 'LEASE' } as const;

export interface LeasedStreamReaderOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  /** Unique per process. */
  readonly owner: string;
  readonly logger: Logger;
  /** Rejecting keeps the shard's position: the same records are offered again on the next poll. */
  readonly onRecords: (records: _Record[]) => Promise<void>;
  /** Sees each batch read while this instance holds the lease (logs and metrics). */
  readonly onBatch?: (batch: StreamBatch) => void;
}

export interface LeasedStreamReader {
  start(): void;
  stop(): Promise<void>;
  /** Whether this instance reads the stream now. */
  readonly reading: boolean;
}

export function createLeasedStreamReader(options: LeasedStreamReaderOptions): LeasedStreamReader {
  let poller: StreamPoller | undefined;
  let last: Checkpoints = {};
  const lease = createStreamLease({
    dynamodb: options.dynamodb,
    tableName: options.tableName,
    key: STREAM_LEASE_KEY,
    owner: options.owner,
    leaseMs: options.leaseMs,
    logger: options.logger,
    async onAcquired({ checkpoints, since }) {
      last = checkpoints;
      const next = createStreamPoller({
        dynamodb: options.dynamodb,
        streams: options.streams,
        tableName: options.tableName,
        pollIntervalMs: options.pollIntervalMs,
        logger: options.logger,
        from: { checkpoints, since },
        onRecords: options.onRecords,
        onBatch: options.onBatch,
      });
      await next.start();
      poller = next;
    },
    async onLost() {
      const stopping = poller;
      poller = undefined;
      if (!stopping) return;
      await stopping.stop();
      last = stopping.checkpoints();
    },
    checkpoints: () => poller?.checkpoints() ?? last,
  });
  return {
    start: () => lease.start(),
    stop: () => lease.stop(),
    get reading() {
      return poller !== undefined;
    },
  };
}

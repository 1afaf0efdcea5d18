// One reader of the table's stream among many instances, as the Kinesis Client Library elects one: a lease item in
// the table holds the owner, a counter the owner bumps on every renewal, and the stream checkpoints. All writes are
// conditional. A peer takes over once the counter has stood still for `leaseMs` by the peer's own clock (no clocks
// are compared across machines); the owner stops reading once it has not renewed for `leaseMs - renewMs`, so two
// readers overlap only if a clock runs that much slow. A peer that takes over resumes from the checkpoints.
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Logger } from '../plugins/errors.ts';
import type { Checkpoints } from './stream-poller.ts';

export interface LeaseGrant {
  readonly checkpoints: Checkpoints;
  /** When the first owner ever started reading (ms): see StartPositions.since. */
  readonly since: number;
}

export interface StreamLeaseOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** The lease item's key; it must not be an item the app's mapping turns into an event. */
  readonly key: { readonly pk: string; readonly sk: string };
  /** Unique per process (a restarted process is a new owner). */
  readonly owner: string;
  /** A dead owner's lease is taken over after this long (default 10 s, the KCL's failover time). */
  readonly leaseMs?: number;
  readonly logger: Logger;
  /** Became the owner: start reading from these. Awaited before the first renewal. */
  readonly onAcquired: (grant: LeaseGrant) => Promise<void> | void;
  /** No longer the owner (taken over, or could not renew in time): stop reading now. */
  readonly onLost: () => Promise<void> | void;
  /** The owner's checkpoints, written with each renewal. */
  readonly checkpoints: () => Checkpoints;
}

export interface StreamLease {
  start(): void;
  /** Stops trying; an owner writes its checkpoints and gives the lease up, so a peer takes over at once. */
  stop(): Promise<void>;
  readonly holding: boolean;
}

interface LeaseItem {
  readonly owner?: string;
  readonly counter: number;
  readonly since: number;
  readonly checkpoints?: Record<string, string>;
}

export function createStreamLease(options: StreamLeaseOptions): StreamLease {
  const { dynamodb, tableName, key, owner, logger } = options;
  const leaseMs = options.leaseMs ?? 10_000;
  const renewMs = Math.max(10, Math.floor(leaseMs / 3));
  let holding = false;
  let lastRenewed = 0;
  /** What a follower last saw of the lease, and when by its own clock. */
  let seen: { owner: string | undefined; counter: number; at: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const isLost = (error: unknown) => error instanceof ConditionalCheckFailedException;

  async function read(): Promise<LeaseItem | undefined> {
    const res = await dynamodb.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return res.Item ? (unmarshall(res.Item) as LeaseItem) : undefined;
  }

  async function acquired(item: LeaseItem): Promise<void> {
    holding = true;
    lastRenewed = Date.now();
    seen = undefined;
    logger.info(`[cruddur] stream lease acquired by ${owner}`);
    try {
      await options.onAcquired({ checkpoints: item.checkpoints ?? {}, since: item.since });
    } catch (error) {
      // Holding a lease without reading would stall every instance until it expires: give it back.
      holding = false;
      await options.onLost();
      await release(item.checkpoints ?? {});
      throw error;
    }
  }

  /** Gives the lease up (with these checkpoints), so a peer takes over at once. */
  async function release(checkpoints: Checkpoints): Promise<void> {
    await dynamodb
      .send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: 'SET #checkpoints = :checkpoints REMOVE #owner',
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: { '#owner': 'owner', '#checkpoints': 'checkpoints' },
          ExpressionAttributeValues: marshall({ ':me': owner, ':checkpoints': checkpoints }),
        }),
      )
      .catch((error: unknown) => {
        if (!isLost(error)) logger.warn('[cruddur] could not give the stream lease up', (error as Error).message);
      });
  }

  async function lose(why: string): Promise<void> {
    holding = false;
    logger.warn(`[cruddur] stream lease lost by ${owner}: ${why}`);
    await options.onLost();
  }

  /** Takes the lease on condition that nobody renewed it since we looked. */
  async function takeOver(item: LeaseItem): Promise<void> {
    try {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: 'SET #owner = :me, #counter = #counter + :one',
          ConditionExpression: '#counter = :seen',
          ExpressionAttributeNames: { '#owner': 'owner', '#counter': 'counter' },
          ExpressionAttributeValues: marshall({ ':me': owner, ':one': 1, ':seen': item.counter }),
        }),
      );
    } catch (error) {
      if (isLost(error)) return; // a peer was quicker, or the owner renewed after all
      throw error;
    }
    await acquired(item);
  }

  async function follow(): Promise<void> {
    const item = await read();
    if (!item) {
      const first: LeaseItem = { owner, counter: 0, since: Date.now(), checkpoints: {} };
      try {
        await dynamodb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: marshall({ ...key, ...first }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isLost(error)) return;
        throw error;
      }
      return acquired(first);
    }
    if (item.owner === undefined) return takeOver(item); // given up by its owner: no need to wait
    const now = Date.now();
    if (!seen || seen.owner !== item.owner || seen.counter !== item.counter) {
      seen = { owner: item.owner, counter: item.counter, at: now };
      return;
    }
    if (now - seen.at >= leaseMs) return takeOver(item);
  }

  async function renew(): Promise<void> {
    try {
      await dynamodb.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(key),
          UpdateExpression: 'SET #counter = #counter + :one, #checkpoints = :checkpoints',
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: { '#owner': 'owner', '#counter': 'counter', '#checkpoints': 'checkpoints' },
          ExpressionAttributeValues: marshall({ ':me': owner, ':one': 1, ':checkpoints': options.checkpoints() }),
        }),
      );
      lastRenewed = Date.now();
    } catch (error) {
      if (isLost(error)) return lose('a peer took it over');
      // A peer may take over after leaseMs without a renewal: stop reading before that can happen.
      if (Date.now() - lastRenewed >= leaseMs - renewMs) return lose(`could not renew: ${(error as Error).message}`);
      throw error;
    }
  }

  async function tick(): Promise<void> {
    try {
      await (holding ? renew() : follow());
    } catch (error) {
      logger.warn('[cruddur] stream lease check failed; retrying', (error as Error).message);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, renewMs);
  }

  return {
    start() {
      running = tick().finally(schedule);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (!holding) return;
      holding = false;
      await options.onLost();
      await release(options.checkpoints());
    },
    get holding() {
      return holding;
    },
  };
}

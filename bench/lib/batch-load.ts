// Bulk loader for the data-scale ratios: BatchWriteItem in batches of 25 (DynamoDB's limit), a few in flight,
// UnprocessedItems retried with jittered exponential backoff, and the whole load bounded in time and retries.
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/** DynamoDB's per-call limit for BatchWriteItem. */
export const BATCH_SIZE = 25;

export interface LoadOptions {
  /** Batches in flight at once (default 8). */
  readonly concurrency?: number;
  /** The load fails once this much time has passed (default 10 minutes). */
  readonly deadlineMs?: number;
  /** Retries of one batch's unprocessed items before the load fails (default 8). */
  readonly maxRetries?: number;
  /** First backoff delay, doubled per retry of the same batch (default 20 ms). */
  readonly backoffMs?: number;
  readonly onProgress?: (written: number) => void;
}

export interface LoadResult {
  readonly written: number;
  readonly ms: number;
  readonly itemsPerSecond: number;
  /** BatchWriteItem calls that came back with UnprocessedItems and were retried. */
  readonly retries: number;
}

export class LoadTimeout extends Error {}

/** Groups items into batches of `size` (the last one may be shorter); lazy, so a million items never sit in one array. */
export function* batches<T>(items: Iterable<T>, size: number = BATCH_SIZE): Generator<T[]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Backoff before retry `attempt` (0-based): `base · 2^attempt`, full jitter, at most 2 s. */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.min(2000, baseMs * 2 ** attempt) * random();
}

/** Writes every item of `items` into `table`; rejects (with what it had written) past the deadline or the retry bound. */
export async function loadItems(
  client: DynamoDBClient,
  table: string,
  items: Iterable<Item>,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const concurrency = options.concurrency ?? 8;
  const deadlineMs = options.deadlineMs ?? 600_000;
  const maxRetries = options.maxRetries ?? 8;
  const backoffMs = options.backoffMs ?? 20;
  const start = Date.now();
  const deadline = start + deadlineMs;
  const source = batches(items);
  let written = 0;
  let retries = 0;
  let lastReport = 0;
  const checkDeadline = () => {
    if (Date.now() > deadline)
      throw new LoadTimeout(`loading ${table} took over ${deadlineMs} ms (${written} items written)`);
  };
  const writeBatch = async (batch: Item[]) => {
    let pending: Item[] = batch;
    for (let attempt = 0; pending.length; attempt += 1) {
      checkDeadline();
      const out = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: pending.map((Item) => ({ PutRequest: { Item } })) } }),
      );
      const unprocessed = out.UnprocessedItems?.[table] ?? [];
      written += pending.length - unprocessed.length;
      pending = unprocessed.map((request) => request.PutRequest!.Item!);
      if (!pending.length) break;
      if (attempt >= maxRetries)
        throw new Error(`${pending.length} items still unprocessed after ${maxRetries} retries (${table})`);
      retries += 1;
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, backoffMs)));
    }
    if (options.onProgress && written - lastReport >= 50_000) {
      lastReport = written;
      options.onProgress(written);
    }
  };
  // `concurrency` workers share one lazy batch source, so at most that many batches are built and in flight;
  // after one fails the others stop at their next batch instead of writing on.
  let failed = false;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      try {
        for (let next = source.next(); !next.done && !failed; next = source.next()) await writeBatch(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
  );
  const ms = Date.now() - start;
  return { written, ms, itemsPerSecond: Math.round((written / Math.max(1, ms)) * 1000), retries };
}

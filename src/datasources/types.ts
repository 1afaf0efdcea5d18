// The data-source contract: what a resolver's request handler may return, and what comes back.
// Requests are AppSync's own request objects; a result either carries `result` or an AppSync-style `error`.
import type {
  DynamoDBBatchDeleteItemRequest,
  DynamoDBBatchGetItemRequest,
  DynamoDBBatchPutItemRequest,
  DynamoDBDeleteItemRequest,
  DynamoDBGetItemRequest,
  DynamoDBPutItemRequest,
  DynamoDBQueryRequest,
  DynamoDBScanRequest,
  DynamoDBTransactGetItemsRequest,
  DynamoDBTransactWriteItemsRequest,
  DynamoDBUpdateItemRequest,
  RDSRequest,
} from '@aws-appsync/utils';

import type { KnownErrorType } from '../runtime/errors.ts';

export type DynamoDbRequest =
  | DynamoDBGetItemRequest
  | DynamoDBPutItemRequest
  | DynamoDBUpdateItemRequest
  | DynamoDBDeleteItemRequest
  | DynamoDBQueryRequest
  | DynamoDBScanRequest
  | DynamoDBBatchGetItemRequest
  | DynamoDBBatchPutItemRequest
  | DynamoDBBatchDeleteItemRequest
  | DynamoDBTransactGetItemsRequest
  | DynamoDBTransactWriteItemsRequest;

/** An AppSync-style data-source error, as the response handler sees it in `ctx.error`. */
export interface DataSourceError {
  readonly message: string;
  /** e.g. `DynamoDB:ConditionalCheckFailedException`, `Postgres:23505`, `BadRequest`: one of the closed list. */
  readonly type: KnownErrorType;
}

/** What a data source returns: `result` becomes `ctx.result`, `error` becomes `ctx.error` (both may be set). */
export interface DataSourceOutcome {
  readonly result?: unknown;
  readonly error?: DataSourceError;
}

/** Per-GraphQL-request state a data source may keep (batching, call counters). */
export interface RequestScope {
  /** Keyed by data-source name; each data source stores its own per-request object here. */
  readonly perDataSource: Map<string, unknown>;
  /** Incremented by every data source for every call it makes to its backend (tests and benchmarks read it). */
  readonly calls: { dynamodb: number; postgres: number };
  /** The request's id (its trace's), so a data source's failure log line names the request it failed. */
  readonly requestId?: string;
}

/** Where a data source reports what its backend said when a call failed (callers only get a safe message). */
export interface DataSourceLogger {
  error(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
}

export interface DataSource {
  readonly name: string;
  readonly kind: 'AMAZON_DYNAMODB' | 'RELATIONAL_DATABASE' | 'NONE';
  invoke(request: unknown, scope: RequestScope): Promise<DataSourceOutcome>;
}

export type { RDSRequest };

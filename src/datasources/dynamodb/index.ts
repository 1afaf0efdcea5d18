// The AMAZON_DYNAMODB data source: runs an AppSync DynamoDB request object against one table and answers the way
// AppSync does (plain JSON in `result`, `{type: 'DynamoDB:...', message}` in `error`). It never throws for a
// bad request or a failing database; both come back as outcome errors for the response handler.
//
// The client is injected. Recommended settings (see client.ts, which applies them): maxAttempts 2, a connection
// timeout of ~1 s and a request timeout of ~5 s, keep-alive sockets. SDK defaults (3 attempts, no timeouts) would
// let a request hang on a dead endpoint far longer than a GraphQL client waits.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DataSource, DataSourceLogger, DataSourceOutcome, RequestScope } from '../types.ts';
import { batchDeleteItem, batchGetItem, batchPutItem } from './batch.ts';
import { invocation } from './context.ts';
import type { Invocation } from './context.ts';
import { MappingTemplateError, describe, isPlainObject } from './convert.ts';
import { describeForLog, isExpected, toDataSourceError } from './errors.ts';
import { deleteItem, getItem, putItem, updateItem } from './items.ts';
import { InvalidNextTokenError } from './next-token.ts';
import { query, scan } from './query.ts';
import type { Fields } from './request.ts';
import { transactGetItems, transactWriteItems } from './transact.ts';
import { ErrorType } from '../../runtime/errors.ts';

export { createDynamoDbClient } from './client.ts';
export type { DynamoDbClientOptions } from './client.ts';

export interface DynamoDbDataSourceOptions {
  readonly name: string;
  readonly client: DynamoDBClient;
  /** The table for single-item operations, Query/Scan, and transact items that name no table. */
  readonly tableName: string;
  /** 32 bytes; seals nextTokens (AES-256-GCM). Rotating it invalidates outstanding tokens. */
  readonly nextTokenKey: Buffer;
  /** How often a transaction cancelled only by TransactionConflict is retried (default 8). */
  readonly maxConflictRetries?: number;
  /** Gets DynamoDB's own error text, which callers never see (default console). */
  readonly logger?: DataSourceLogger;
}

const OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchPutItem',
  'BatchDeleteItem',
  'TransactGetItems',
  'TransactWriteItems',
] as const;
type Operation = (typeof OPERATIONS)[number];

function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && (OPERATIONS as readonly string[]).includes(value);
}

function run(ctx: Invocation, operation: Operation, req: Fields): Promise<DataSourceOutcome> {
  switch (operation) {
    case 'GetItem':
      return getItem(ctx, req);
    case 'PutItem':
      return putItem(ctx, req);
    case 'UpdateItem':
      return updateItem(ctx, req);
    case 'DeleteItem':
      return deleteItem(ctx, req);
    case 'Query':
      return query(ctx, req);
    case 'Scan':
      return scan(ctx, req);
    case 'BatchGetItem':
      return batchGetItem(ctx, req);
    case 'BatchPutItem':
      return batchPutItem(ctx, req);
    case 'BatchDeleteItem':
      return batchDeleteItem(ctx, req);
    case 'TransactGetItems':
      return transactGetItems(ctx, req);
    case 'TransactWriteItems':
      return transactWriteItems(ctx, req);
    default: {
      const unreachable: never = operation;
      throw new MappingTemplateError(`operation: unsupported ${String(unreachable)}`);
    }
  }
}

export function createDynamoDbDataSource(options: DynamoDbDataSourceOptions): DataSource {
  if (options.nextTokenKey.length !== 32) throw new Error(`${options.name}: nextTokenKey must be 32 bytes`);
  const settings = {
    tableName: options.tableName,
    nextTokenKey: options.nextTokenKey,
    maxConflictRetries: options.maxConflictRetries ?? 8,
  };
  const logger = options.logger ?? console;
  return {
    name: options.name,
    kind: 'AMAZON_DYNAMODB',
    async invoke(request: unknown, scope: RequestScope): Promise<DataSourceOutcome> {
      try {
        if (!isPlainObject(request)) {
          throw new MappingTemplateError(`The request object must be an object, got ${describe(request)}`);
        }
        if (!isOperation(request.operation)) {
          throw new MappingTemplateError(
            `operation: expected one of ${OPERATIONS.join(', ')}, got ${describe(request.operation)}`,
          );
        }
        return await run(invocation(options.client, scope, settings), request.operation, request);
      } catch (error) {
        if (error instanceof MappingTemplateError)
          return { error: { type: ErrorType.MappingTemplate, message: error.message } };
        if (error instanceof InvalidNextTokenError)
          return { error: { type: ErrorType.BadRequest, message: error.message } };
        const outcome = toDataSourceError(error);
        if (!isExpected(error)) {
          const operation = isPlainObject(request) ? String(request.operation) : 'request';
          const log = outcome.type === 'DynamoDB:ServiceUnavailable' ? logger.warn : logger.error;
          log.call(logger, `[cruddur] ${options.name}: DynamoDB ${operation} failed`, {
            reqId: scope.requestId,
            ...describeForLog(error),
          });
        }
        return { error: outcome };
      }
    },
  };
}

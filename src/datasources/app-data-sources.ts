// This API's data sources by the names its resolver files use: `messages` (the DynamoDB table) and `users`
// (Postgres).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import { createDynamoDbDataSource } from './dynamodb/index.ts';
import { createPostgresDataSource } from './postgres/index.ts';
import type { ReadCache } from './postgres/read-cache.ts';
import type { DataSource, DataSourceLogger } from './types.ts';

export interface AppDataSourcesOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly nextTokenKey: Buffer;
  readonly pool: pg.Pool;
  readonly batching: boolean;
  /** Serves repeated users reads from memory (the caller keeps it current). */
  readonly usersReadCache?: ReadCache;
  readonly logger: DataSourceLogger;
}

export function createAppDataSources(options: AppDataSourcesOptions): ReadonlyMap<string, DataSource> {
  const { logger } = options;
  return new Map<string, DataSource>([
    [
      'messages',
      createDynamoDbDataSource({
        name: 'messages',
        client: options.dynamodb,
        tableName: options.tableName,
        nextTokenKey: options.nextTokenKey,
        logger,
      }),
    ],
    [
      'users',
      createPostgresDataSource({
        name: 'users',
        pool: options.pool,
        batching: options.batching,
        readCache: options.usersReadCache,
        logger,
      }),
    ],
  ]);
}

// Starts one DynamoDB Local (in memory) for the whole run, and uses TEST_DATABASE_URL's Postgres or else an
// embedded PGlite; creates the users table once. Test files get the endpoints through `inject()`.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { loadUsersSchema } from '../src/data/users.ts';
import { startDynamoDbLocal } from '../src/embedded/dynamodb-local.ts';
import { startEmbeddedPostgres } from '../src/embedded/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const ddb = await startDynamoDbLocal();
  const embedded = process.env.TEST_DATABASE_URL ? null : await startEmbeddedPostgres({ maxConnections: 200 });
  const databaseUrl = process.env.TEST_DATABASE_URL || embedded!.url;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await loadUsersSchema(pool);
  await pool.end();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  project.provide('databaseUrl', databaseUrl);
  return async () => {
    await embedded?.stop();
    await ddb.stop();
  };
}

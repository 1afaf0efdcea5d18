// What every operation module gets for one invocation: the table, the secrets, and a `send` that counts calls.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RequestScope } from '../types.ts';

export interface Invocation {
  readonly tableName: string;
  readonly nextTokenKey: Buffer;
  readonly maxConflictRetries: number;
  /** `client.send`, but every call is counted in `scope.calls.dynamodb` (tests and benchmarks read it). */
  readonly send: DynamoDBClient['send'];
}

export function invocation(
  client: DynamoDBClient,
  scope: RequestScope,
  settings: Omit<Invocation, 'send'>,
): Invocation {
  const send = ((...args: Parameters<DynamoDBClient['send']>) => {
    scope.calls.dynamodb += 1;
    return client.send(...args);
  }) as DynamoDBClient['send'];
  return { ...settings, send };
}

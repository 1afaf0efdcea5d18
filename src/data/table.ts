// The single DynamoDB table (DESIGN.md §4): definition, and idempotent create / drop.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { INBOX_INDEX } from '../../resolvers/lib/keys.ts';

// The key formats and index names resolvers use live in resolvers/lib/keys.ts; the table is built to match.
export { INBOX_INDEX };
export const GROUP_INDEX = 'message-group-sk-index';
/** Idempotency rows carry their expiry (epoch seconds) here; the table's TTL deletes them after a day. */
export const TTL_ATTRIBUTE = 'expires_at';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'message_group_uuid', AttributeType: 'S' },
      { AttributeName: 'last_activity', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    // Sparse: only inbox rows carry message_group_uuid, so this finds every member row of a conversation.
    GlobalSecondaryIndexes: [
      {
        IndexName: GROUP_INDEX,
        KeySchema: [
          { AttributeName: 'message_group_uuid', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    // Inbox rows keep a stable sort key (the group uuid) and are ordered by last activity through this LSI,
    // which is strongly consistent: the inbox is never stale.
    LocalSecondaryIndexes: [
      {
        IndexName: INBOX_INDEX,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'last_activity', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  };
}

export async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** Creates the table unless it exists; returns whether it created it. */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  if (await tableExists(client, tableName)) return false;
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  // Idempotency rows expire after a day.
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
    }),
  );
  return true;
}

export async function dropTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

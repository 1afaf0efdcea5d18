// `npm run conversations:list -- <handle>`: a user's inbox (access pattern B) as a table, newest first: the
// user from Postgres by handle, then their conversation rows through the last-activity LSI.
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { INBOX_INDEX } from '../src/data/table.ts';
import { inboxPk } from '../resolvers/lib/keys.ts';
import type { InboxItem } from '../resolvers/lib/shapes.ts';
import { intOption, runCli, table, type CliSpec } from './lib/cli.ts';
import { formatTime, oneLine } from './lib/format.ts';

const spec: CliSpec = {
  name: 'conversations:list',
  positionals: ['<handle>'],
  summary:
    "Lists a user's conversations, most recent activity first: the other member, the last message, its time and the message group uuid.",
  options: [
    { name: 'limit', type: 'string', value: '<n>', description: 'at most this many conversations (default 20)' },
  ],
  services: ['dynamodb', 'postgres'],
  env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION', 'DATABASE_URL'],
};

async function inbox(
  client: DynamoDBDocumentClient,
  tableName: string,
  userUuid: string,
  limit: number,
): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INBOX_INDEX,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': inboxPk(userUuid) },
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as InboxItem[]));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

await runCli(spec, async (ctx) => {
  const handle = ctx.positionals[0]!;
  const limit = intOption(ctx.values, 'limit', 20);
  const found = await ctx
    .postgres()
    .query<{ uuid: string; handle: string; display_name: string }>(
      'SELECT uuid, handle, display_name FROM users WHERE handle = $1',
      [handle],
    );
  const user = found.rows[0];
  if (!user) throw new Error(`no user with handle '${handle}' in Postgres (DATABASE_URL)`);
  const items = await inbox(DynamoDBDocumentClient.from(ctx.dynamodb()), ctx.config().dynamodbTable, user.uuid, limit);
  console.log(`Conversations of @${user.handle} (${user.display_name}), newest first: ${items.length}`);
  if (!items.length) return;
  const rows = items.map((item) => [
    `@${item.user_handle}`,
    oneLine(`${item.last_sender_uuid === user.uuid ? 'you: ' : ''}${item.message}`, 50),
    formatTime(item.last_message_at),
    item.message_group_uuid,
  ]);
  console.log(table(['WITH', 'LAST MESSAGE', 'AT', 'MESSAGE GROUP'], rows));
});

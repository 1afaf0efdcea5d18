// `npm run conversation:print -- <messageGroupUuid>`: a conversation's latest messages, printed oldest to newest
// (what the Cruddur bootcamp's bin/ddb/patterns/get-conversation showed), straight from the table.
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { MEMBER_PREFIX, messagesPk } from '../resolvers/lib/keys.ts';
import type { MessageItem } from '../resolvers/lib/shapes.ts';
import { intOption, runCli, table, type CliSpec } from './lib/cli.ts';
import { formatTime, oneLine } from './lib/format.ts';

const spec: CliSpec = {
  name: 'conversation:print',
  positionals: ['<messageGroupUuid>'],
  summary: "Prints a conversation's most recent messages, oldest first: time, sender handle, text.",
  options: [{ name: 'limit', type: 'string', value: '<n>', description: 'the newest n messages (default 20)' }],
  services: ['dynamodb'],
  env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION'],
};

/** Newest first. Messages sort before the member rows (`{iso}#…` < `MEMBER#…`), so `sk < MEMBER#` is just messages. */
async function latestMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  groupUuid: string,
  limit: number,
): Promise<MessageItem[]> {
  const items: MessageItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk < :members',
        ExpressionAttributeValues: { ':pk': messagesPk(groupUuid), ':members': MEMBER_PREFIX },
        ScanIndexForward: false,
        Limit: limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as MessageItem[]));
    start = page.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

await runCli(spec, async (ctx) => {
  const groupUuid = ctx.positionals[0]!;
  const limit = intOption(ctx.values, 'limit', 20);
  const newestFirst = await latestMessages(
    DynamoDBDocumentClient.from(ctx.dynamodb()),
    ctx.config().dynamodbTable,
    groupUuid,
    limit,
  );
  if (!newestFirst.length)
    throw new Error(`no messages in message group '${groupUuid}' (table ${ctx.config().dynamodbTable})`);
  const messages = newestFirst.reverse();
  console.log(`Message group ${groupUuid}: the latest ${messages.length} message(s), oldest first`);
  console.log(
    table(
      ['TIME', 'HANDLE', 'MESSAGE'],
      messages.map((m) => [formatTime(m.created_at), `@${m.user_handle}`, oneLine(m.message, 200)]),
    ),
  );
});

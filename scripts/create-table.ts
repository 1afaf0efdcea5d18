// `npm run table:create`: creates the messages table (DESIGN.md §4) with its indexes and stream, unless it exists.
import { createTable } from '../src/data/table.ts';
import { runCli, type CliSpec } from './lib/cli.ts';

const spec: CliSpec = {
  name: 'table:create',
  summary:
    'Creates the DynamoDB table (keys, GSI message-group-sk-index, LSI last-activity-index, stream) if absent. Idempotent.',
  services: ['dynamodb'],
  env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION'],
};

await runCli(spec, async (ctx) => {
  const { dynamodbTable, dynamodbEndpoint } = ctx.config();
  const created = await createTable(ctx.dynamodb(), dynamodbTable);
  console.log(`${created ? 'Created' : 'Already exists:'} table ${dynamodbTable} at ${dynamodbEndpoint}`);
});

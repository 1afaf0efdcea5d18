// `npm run table:drop`: deletes the messages table if it exists (all conversations go with it).
import { dropTable } from '../src/data/table.ts';
import { runCli, type CliSpec } from './lib/cli.ts';

const spec: CliSpec = {
  name: 'table:drop',
  summary: 'Deletes the DynamoDB table and everything in it, if it exists. Idempotent.',
  services: ['dynamodb'],
  env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION'],
};

await runCli(spec, async (ctx) => {
  const { dynamodbTable, dynamodbEndpoint } = ctx.config();
  const dropped = await dropTable(ctx.dynamodb(), dynamodbTable);
  console.log(`${dropped ? 'Dropped' : 'Nothing to drop: no'} table ${dynamodbTable} at ${dynamodbEndpoint}`);
});

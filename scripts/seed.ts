// `npm run seed`: the table, the users schema and the demo users; with --conversations also the demo
// conversations, written through a running API (so they take the same path as real messages).
import { createLocalIssuer, localSubForHandle } from '../src/auth/local-issuer.ts';
import { seedConversations } from '../src/data/seed.ts';
import { createTable } from '../src/data/table.ts';
import { DEMO_USERS, loadUsersSchema, seedDemoUsers } from '../src/data/users.ts';
import { runCli, UsageError, type CliSpec } from './lib/cli.ts';

const DEFAULT_URL = 'http://localhost:4000/graphql';

const spec: CliSpec = {
  name: 'seed',
  summary: [
    `Creates the DynamoDB table and the users table if absent, and the demo users (${DEMO_USERS.map((u) => u.handle).join(', ')}).`,
    'With --conversations, also writes the demo conversations through the API at --url, with local tokens',
    "signed by DATA_DIR's key: the API must run with AUTH_MODE=local and the same DATA_DIR, DYNAMODB_TABLE and",
    'databases. Skipped when andrewbrown already has conversations. Idempotent.',
  ].join('\n'),
  options: [
    { name: 'conversations', type: 'boolean', description: 'also seed the demo conversations through a running API' },
    {
      name: 'url',
      type: 'string',
      value: '<graphql url>',
      description: `the API for --conversations (default ${DEFAULT_URL})`,
    },
  ],
  services: ['dynamodb', 'postgres'],
  env: ['DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE', 'AWS_REGION', 'DATABASE_URL', 'DATA_DIR'],
};

await runCli(spec, async (ctx) => {
  const config = ctx.config();
  const url = ctx.values.url as string | undefined;
  if (url && !ctx.values.conversations) throw new UsageError('--url only makes sense with --conversations');
  const created = await createTable(ctx.dynamodb(), config.dynamodbTable);
  console.log(`${created ? 'Created' : 'Already exists:'} table ${config.dynamodbTable}`);
  const pool = ctx.postgres();
  await loadUsersSchema(pool);
  await seedDemoUsers(pool);
  console.log(`Demo users ready: ${DEMO_USERS.map((u) => u.handle).join(', ')}`);
  if (!ctx.values.conversations) return;
  const issuer = createLocalIssuer(config.dataDir);
  const target = {
    url: url ?? DEFAULT_URL,
    tokenFor: (handle: string) => issuer.sign({ sub: localSubForHandle(handle), username: handle }, 600),
  };
  const written = await seedConversations(target).catch((error: unknown) => {
    throw new Error(
      `could not seed conversations through ${target.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  console.log(
    written
      ? `Wrote ${written} demo messages through ${target.url}`
      : 'Demo conversations already there: nothing written',
  );
});

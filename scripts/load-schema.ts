// `npm run db:schema`: creates the Postgres users table (DESIGN.md §5) if absent.
import { loadUsersSchema } from '../src/data/users.ts';
import { runCli, type CliSpec } from './lib/cli.ts';

const spec: CliSpec = {
  name: 'db:schema',
  summary: 'Creates the users table in Postgres (CREATE TABLE IF NOT EXISTS). Idempotent.',
  services: ['postgres'],
  env: ['DATABASE_URL'],
};

await runCli(spec, async (ctx) => {
  const pool = ctx.postgres();
  const before = await pool.query<{ exists: boolean }>(`SELECT to_regclass('public.users') IS NOT NULL AS exists`);
  await loadUsersSchema(pool);
  console.log(before.rows[0]?.exists ? 'Already exists: table users' : 'Created table users');
});

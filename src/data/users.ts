// The Postgres side (DESIGN.md §5): the users table and the demo users.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { localSubForHandle } from '../auth/local-issuer.ts';
import { CHANGE_CHANNEL } from '../datasources/postgres/change-feed.ts';

/**
 * The table, and a statement trigger that tells every listening server when users change (the Postgres data
 * source's read cache drops what it holds; src/datasources/postgres/change-feed.ts). The advisory lock makes
 * concurrent loads (several instances or test servers starting at once) take turns: CREATE OR REPLACE of a function
 * that another session is replacing fails with "tuple concurrently updated". One string is one transaction.
 */
export const USERS_SCHEMA = `
SELECT pg_advisory_xact_lock(7263846501);
CREATE TABLE IF NOT EXISTS users (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name text NOT NULL,
  handle text NOT NULL UNIQUE,
  email text,
  cognito_user_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION cruddur_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION cruddur_notify_change();`;

export interface DemoUser {
  readonly handle: string;
  readonly displayName: string;
  readonly email: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { handle: 'andrewbrown', displayName: 'Andrew Brown', email: 'andrew@exampro.co' },
  { handle: 'bayko', displayName: 'Andrew Bayko', email: 'bayko@exampro.co' },
  { handle: 'londo', displayName: 'Londo Mollari', email: 'lmollari@centari.com' },
];

export async function loadUsersSchema(pool: pg.Pool): Promise<void> {
  await pool.query(USERS_SCHEMA);
}

/**
 * A demo user's uuid, derived from the handle (an RFC 9562 version-8 uuid): re-seeding a lost or recreated users
 * table gives every demo user the uuid it had, so its conversations in DynamoDB (keyed by user uuid) are still its.
 */
export function demoUuidForHandle(handle: string): string {
  const hex = createHash('sha256').update(`cruddur-demo-user:${handle}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Inserts a user unless the handle exists; returns the stored row either way. `uuid` unset: the table's default. */
export async function upsertUser(
  pool: pg.Pool,
  user: { handle: string; displayName: string; email?: string | null; cognitoUserId: string; uuid?: string },
): Promise<{ uuid: string; handle: string; display_name: string; cognito_user_id: string }> {
  const res = await pool.query(
    `INSERT INTO users (uuid, display_name, handle, email, cognito_user_id)
     VALUES (COALESCE($5::uuid, gen_random_uuid()), $1, $2, $3, $4)
     ON CONFLICT (handle) DO UPDATE SET handle = EXCLUDED.handle
     RETURNING uuid, handle, display_name, cognito_user_id`,
    [user.displayName, user.handle, user.email ?? null, user.cognitoUserId, user.uuid ?? null],
  );
  return res.rows[0];
}

/** Demo users get the Cognito sub that local tokens for their handle carry, and a uuid derived from the handle. */
export async function seedDemoUsers(pool: pg.Pool): Promise<void> {
  for (const user of DEMO_USERS)
    await upsertUser(pool, {
      ...user,
      cognitoUserId: localSubForHandle(user.handle),
      uuid: demoUuidForHandle(user.handle),
    });
}

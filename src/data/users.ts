// The Postgres side (DESIGN.md §5): the users table and the demo users.
import type pg from 'pg';
import { localSubForHandle } from '../auth/local-issuer.ts';

export const USERS_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name text NOT NULL,
  handle text NOT NULL UNIQUE,
  email text,
  cognito_user_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);`;

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

/** Inserts a user unless the handle exists; returns the stored row either way. */
export async function upsertUser(
  pool: pg.Pool,
  user: { handle: string; displayName: string; email?: string | null; cognitoUserId: string },
): Promise<{ uuid: string; handle: string; display_name: string; cognito_user_id: string }> {
  const res = await pool.query(
    `INSERT INTO users (display_name, handle, email, cognito_user_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (handle) DO UPDATE SET handle = EXCLUDED.handle
     RETURNING uuid, handle, display_name, cognito_user_id`,
    [user.displayName, user.handle, user.email ?? null, user.cognitoUserId],
  );
  return res.rows[0];
}

/** Demo users get the Cognito sub that local tokens for their handle carry. */
export async function seedDemoUsers(pool: pg.Pool): Promise<void> {
  for (const user of DEMO_USERS) await upsertUser(pool, { ...user, cognitoUserId: localSubForHandle(user.handle) });
}

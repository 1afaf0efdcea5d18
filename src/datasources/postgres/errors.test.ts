// Postgres failures as callers see them: typed, actionable, and free of what Postgres said (which is logged).
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RequestScope } from '../types.ts';
import { postgresError, UNREACHABLE_MESSAGE } from './errors.ts';
import { createPostgresDataSource } from './index.ts';

const pgError = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

describe('postgresError', () => {
  it.each([
    ['a dropped database', pgError('3D000', 'database "cruddur_x" does not exist')],
    ['a terminated connection', pgError('57P01', 'terminating connection due to administrator command')],
    ['a connection failure', pgError('08006', 'connection failure')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['refused credentials', pgError('28P01', 'password authentication failed for user "app"')],
    ['a refused socket', pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.1.2.3:5432')],
    ['an ended socket', pgError(undefined, 'Connection terminated unexpectedly')],
    ['a pool connect timeout', pgError(undefined, 'timeout exceeded when trying to connect')],
  ])('%s is Postgres:ServiceUnavailable', (_name, error) => {
    expect(postgresError(error)).toEqual({ type: 'Postgres:ServiceUnavailable', message: UNREACHABLE_MESSAGE });
  });

  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00', /refused a value/],
    ['23505', 'duplicate key value violates unique constraint "users_handle_key"', /conflicts with data/],
    ['57014', 'canceling statement due to statement timeout', /took too long/],
    ['40P01', 'deadlock detected', /busy/],
    ['42P01', 'relation "users" does not exist', /could not run the request/],
  ])('SQLSTATE %s keeps its type and gets a safe message', (code, text, message) => {
    const outcome = postgresError(pgError(code, text));
    expect(outcome.type).toBe(`Postgres:${code}`);
    expect(outcome.message).toMatch(message);
    expect(outcome.message).not.toContain(text);
    expect(outcome.message).not.toMatch(/users_handle_key|relation|UTF8|"/);
  });

  it('an error without a SQLSTATE is Postgres:Error', () => {
    expect(postgresError(new Error('Cannot use a pool after calling end on the pool')).type).toBe('Postgres:Error');
  });
});

describe('the data source', () => {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  afterAll(() => pool.end());
  const scope = (): RequestScope => ({ perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 } });

  it("logs Postgres's own text and returns the safe outcome (a NUL byte in a real statement)", async () => {
    const logged: unknown[][] = [];
    const source = createPostgresDataSource({
      name: 'users',
      pool,
      logger: { error: (...args) => logged.push(args), warn: (...args) => logged.push(args) },
    });
    const outcome = await source.invoke(
      { statements: ['SELECT :P0::text AS v'], variableMap: { ':P0': 'a\u0000b' }, variableTypeHintMap: {} },
      scope(),
    );
    expect(outcome.error?.type).toBe('Postgres:22021');
    expect(outcome.error?.message).toBe(
      'The users database refused a value in the request as invalid; it has been logged on the server.',
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('[cruddur] users: Postgres statement failed');
    expect(JSON.stringify(logged[0]![1])).toMatch(/22021.*invalid byte sequence/);
  });
});

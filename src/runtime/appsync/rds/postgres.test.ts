// The rds helpers against real Postgres (TEST_DATABASE_URL or the embedded one) through the real RDS data source:
// AWS-shaped statements run, injection attempts in every identifier position reach the database as harmless
// names, and a helper's rejection reaches the client as AWS reports it (errorType Code, the field null).
import { ApolloServer } from '@apollo/server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNoneDataSource } from '../../../datasources/none.ts';
import { createPostgresDataSource } from '../../../datasources/postgres/index.ts';
import type { DataSource, DataSourceOutcome, RequestScope } from '../../../datasources/types.ts';
import { appendedErrorsPlugin, createErrorFormatter } from '../../../plugins/errors.ts';
import { createTrace } from '../../../observability/trace.ts';
import type { RequestContext } from '../../context.ts';
import { ErrorType } from '../../errors.ts';
import { buildSchema } from '../../schema.ts';
import { agg, createPgStatement, insert, remove, select, toJsonObject, update } from '../rds-helpers.ts';

const probe = `rds_probe_${process.pid}_${Date.now().toString(36)}`;
let pool: pg.Pool;
let users: DataSource;

const scope = (): RequestScope => ({ perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 } });

async function run(request: unknown): Promise<DataSourceOutcome> {
  return users.invoke(request, scope());
}

async function rows(request: unknown): Promise<Record<string, unknown>[]> {
  const outcome = await run(request);
  expect(outcome.error).toBeUndefined();
  return toJsonObject(outcome.result as never)[0] ?? [];
}

async function probeRowCount(): Promise<number> {
  const res = await pool.query(`SELECT count(*)::int AS n FROM "${probe}"`);
  return (res.rows[0] as { n: number }).n;
}

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  await pool.query(`CREATE TABLE "${probe}" (id int PRIMARY KEY, name text, country text, active boolean)`);
  await pool.query(
    `INSERT INTO "${probe}" VALUES (1, 'ann', 'de', true), (2, 'bob', NULL, false), (3, 'cy', 'fr', true)`,
  );
  // batching off: each request runs as its own statement, the path every write takes.
  users = createPostgresDataSource({ name: 'users', pool, batching: false });
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS "${probe}"`);
  await pool.end();
});

describe('AWS-shaped statements run on Postgres', () => {
  it('table alias, != , LENGTH, beginsWith, notContains, a numeric-string limit and ORDER BY', async () => {
    const found = await rows(
      createPgStatement(
        select({
          table: { p: probe },
          columns: ['p.id', 'p.name'],
          where: { id: { ne: 2 }, name: { size: { le: 3 }, beginsWith: 'a' }, country: { notContains: 'fr' } },
          orderBy: [{ column: 'p.id', dir: 'desc' }],
          limit: '5',
        }),
      ),
    );
    expect(found).toEqual([{ id: 1, name: 'ann' }]);
  });

  it('null values are the NULL literal in insert and update; RETURNING reads them back', async () => {
    const inserted = await rows(
      createPgStatement(insert({ table: probe, values: { id: 10, name: 'dee', country: null }, returning: '*' })),
    );
    expect(inserted).toEqual([{ id: 10, name: 'dee' }]); // country and active are NULL: left out
    const updated = await rows(
      createPgStatement(
        update({ table: probe, values: { name: null }, where: { id: { eq: 10 } }, returning: ['id', 'name'] }),
      ),
    );
    expect(updated).toEqual([{ id: 10 }]); // toJsonObject leaves the null column out, as AWS does
    await rows(createPgStatement(remove({ table: probe, where: { id: { eq: 10 } }, returning: ['id'] })));
  });

  it('an aggregate with GROUP BY and HAVING', async () => {
    const found = await rows(
      createPgStatement(
        select({
          table: probe,
          columns: ['active', agg.count('id')],
          groupBy: ['active'],
          having: { id: { count: { gt: 1 } } },
        }),
      ),
    );
    // pg hands int8 back as a string, and the data source passes it on as one (its mapping, not this module's).
    expect(found).toEqual([{ active: true, count: '2' }]);
  });

  it('AWS renders an empty values object as `SET WHERE`; Postgres refuses it as a syntax error', async () => {
    const outcome = await run(createPgStatement(update({ table: probe, values: {}, where: { id: { eq: 1 } } })));
    expect(outcome.error?.type).toBe('Postgres:42601');
  });
});

describe('injection attempts reach Postgres as names, never as SQL', () => {
  const evil = `x" ; DROP TABLE "${probe}"; --`;
  // An alias is a name we define, so a hostile one simply works; everywhere else the name does not exist.
  const UNKNOWN = /^Postgres:(42P01|42703)$/;
  const attempts: [string, () => unknown, RegExp | 'runs'][] = [
    ['table', () => select({ table: evil }), UNKNOWN],
    ['from', () => select({ from: evil }), UNKNOWN],
    ['table alias value', () => select({ table: { p: evil } }), UNKNOWN],
    ['table alias key', () => select({ table: { [evil]: probe } }), 'runs'],
    ['column', () => select({ table: probe, columns: [evil] }), UNKNOWN],
    ['column alias', () => select({ table: probe, columns: [{ [evil]: 'id' }] }), 'runs'],
    ['where column', () => select({ table: probe, where: { [evil]: { eq: 1 } } }), UNKNOWN],
    ['size column', () => select({ table: probe, where: { [evil]: { size: { gt: 1 } } } }), UNKNOWN],
    ['orderBy column', () => select({ table: probe, orderBy: [{ column: evil }] }), UNKNOWN],
    ['groupBy column', () => select({ table: probe, groupBy: [evil] }), UNKNOWN],
    ['insert column', () => insert({ table: probe, values: { [evil]: 1 } }), UNKNOWN],
    ['update column', () => update({ table: probe, values: { [evil]: 1 }, where: { id: { eq: 1 } } }), UNKNOWN],
    ['returning column', () => remove({ table: probe, where: { id: { eq: 999 } }, returning: [evil] }), UNKNOWN],
  ];

  it.each(attempts)('%s: reaches Postgres as a name, and the table is still there', async (_where, build, expected) => {
    const outcome = await run(createPgStatement(build()));
    if (expected === 'runs') expect(outcome.error).toBeUndefined();
    else expect(outcome.error?.type).toMatch(expected);
    expect(await probeRowCount()).toBe(3);
  });

  it('a hostile where value is a bound variable', async () => {
    const found = await rows(
      createPgStatement(select({ table: probe, where: { name: { eq: `'; DROP TABLE "${probe}"; --` } } })),
    );
    expect(found).toEqual([]);
    expect(await probeRowCount()).toBe(3);
  });
});

describe('a rejected helper input fails the field as on AWS', () => {
  let apollo: ApolloServer<RequestContext>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-rds-'));
    writeFileSync(path.join(dir, 'schema.graphql'), 'type Query { probe(payload: String!): String }\n');
    writeFileSync(
      path.join(dir, 'Query.probe.users.ts'),
      [
        "import { util } from '@aws-appsync/utils';",
        "import { createPgStatement, select, toJsonObject } from '@aws-appsync/utils/rds';",
        'export function request(ctx) { return createPgStatement(select(JSON.parse(ctx.args.payload))); }',
        'export function response(ctx) {',
        '  if (ctx.error) util.error(ctx.error.message, ctx.error.type);',
        '  return JSON.stringify(toJsonObject(ctx.result)[0]);',
        '}',
        '',
      ].join('\n'),
    );
    const schema = await buildSchema({
      schemaPath: path.join(dir, 'schema.graphql'),
      resolversDir: dir,
      dataSources: new Map([['users', users]]),
      noneDataSource: createNoneDataSource(),
    });
    const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
    const formatError = createErrorFormatter(quiet);
    apollo = new ApolloServer<RequestContext>({ schema, formatError, plugins: [appendedErrorsPlugin(formatError)] });
    await apollo.start();
  });

  afterAll(async () => {
    await apollo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(payload: unknown) {
    const res = await apollo.executeOperation(
      { query: 'query($p: String!) { probe(payload: $p) }', variables: { p: JSON.stringify(payload) } },
      {
        contextValue: {
          identity: null,
          headers: {},
          scope: scope(),
          appendedErrors: [],
          extensions: { invalidations: [] },
          env: {},
          trace: createTrace(false),
        } as unknown as RequestContext,
      },
    );
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    return res.body.singleResult as { data?: Record<string, unknown> | null; errors?: Record<string, unknown>[] };
  }

  it('a valid payload runs', async () => {
    const res = await query({ table: probe, columns: ['id'], where: { id: { eq: 3 } } });
    expect(res.errors).toBeUndefined();
    expect(JSON.parse(res.data!.probe as string)).toEqual([{ id: 3 }]);
  });

  it("an invalid orderBy dir: errorType Code with AWS's message, the field null, no SQL sent", async () => {
    const res = await query({ table: probe, orderBy: [{ column: 'id', dir: `; DROP TABLE "${probe}"` }] });
    expect(res.data).toEqual({ probe: null });
    expect(res.errors).toMatchObject([
      {
        message: `orderBy dir can have either ASC or DESC found ; DROP TABLE "${probe}".`,
        errorType: ErrorType.Code,
        path: ['probe'],
        extensions: { errorType: ErrorType.Code },
      },
    ]);
    expect(await probeRowCount()).toBe(3);
  });
});

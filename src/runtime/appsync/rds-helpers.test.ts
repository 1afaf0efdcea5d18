// Table-driven tests of '@aws-appsync/utils/rds'. Each row names the AWS behaviour it pins:
//   "snapshot: <name>"  — AWS EvaluateCode output recorded in localstack/appsync-utils
//                         (__tests__/__snapshots__/resolvers.test.js.snap, test named <name>);
//   "docs: <page>"      — docs.aws.amazon.com/appsync/latest/devguide/<page>.html;
//   "security: …"       — an injection attempt, which must stay inside one quoted identifier or be rejected;
//   "ours: …"           — not recorded from AWS: our choice, said why.
import { describe, expect, it } from 'vitest';
import type { RDSRequest } from '@aws-appsync/utils';
import { ErrorType } from '../errors.ts';
import {
  agg,
  createMySQLStatement,
  createPgStatement,
  insert,
  remove,
  select,
  sql,
  toJsonObject,
  typeHint,
  update,
} from './rds-helpers.ts';
import { MAX_CONDITION_DEPTH } from './rds/conditions.ts';
import { util } from './util.ts';
import { MAX_IDENTIFIER_LENGTH } from './rds/identifiers.ts';
import { MAX_STATEMENT_LENGTH } from './rds/render.ts';

type Outcome = RDSRequest | { error: string; errorType: unknown };

interface Row {
  /** The AWS behaviour (or security property) this row pins. */
  readonly aws: string;
  readonly run: () => unknown;
  readonly expected: Outcome;
}

/** What a resolver would see: the request object, or the error the helper threw out of the handler. */
function outcome(run: () => unknown): Outcome {
  try {
    return run() as RDSRequest;
  } catch (thrown) {
    const e = thrown as { message?: unknown; entry?: { errorType?: unknown } };
    if (!e.entry) throw thrown;
    return { error: String(e.message), errorType: e.entry.errorType };
  }
}

const req = (
  statements: string | string[],
  variableMap: Record<string, unknown> = {},
  variableTypeHintMap: Record<string, string> = {},
): RDSRequest => ({
  statements: Array.isArray(statements) ? statements : [statements],
  variableMap,
  variableTypeHintMap,
});
const rejects = (message: string): Outcome => ({ error: message, errorType: ErrorType.Code });

const pg = (build: () => unknown) => () => createPgStatement(build());
const my = (build: () => unknown) => () => createMySQLStatement(build());
const S = (name: string) => `snapshot: ${name}`;

function table(title: string, rows: readonly Row[]) {
  describe(title, () => {
    it.each(rows.map((row) => [row.aws, row] as const))('%s', (_aws, row) => {
      expect(outcome(row.run)).toEqual(row.expected);
    });
  });
}

// ---- createPgStatement / createMySQLStatement / sql ----------------------------------------------------------

const ID = 'adb626eb-4ce5-452a-a917-3943a37f202b';

table('createPgStatement, createMySQLStatement and sql', [
  {
    aws: S('postgresql sql tagged template'),
    run: () =>
      createPgStatement(
        sql`insert into Post(id, text) values(${typeHint.UUID(ID)}, ${'hello world'})`,
        sql`select * from Post where id = ${ID}`,
      ),
    expected: req(
      ['insert into Post(id, text) values(:P0, :P1)', 'select * from Post where id = :P2'],
      { ':P0': ID, ':P1': 'hello world', ':P2': ID },
      { ':P0': 'UUID' },
    ),
  },
  {
    aws: S('mysql sql tagged template'),
    run: () => createMySQLStatement(sql`select * from Post where id = ${typeHint.UUID(ID)}`),
    expected: req('select * from Post where id = :P0', { ':P0': ID }, { ':P0': 'UUID' }),
  },
  {
    aws: S('postgresql raw string'),
    run: () => createPgStatement(`UPDATE "document" set "data" = 10 WHERE id = ${ID}`),
    expected: req(`UPDATE "document" set "data" = 10 WHERE id = ${ID}`),
  },
  {
    aws: S('mysql raw string'),
    run: () => createMySQLStatement(`UPDATE "document" set "data" = 10 WHERE id = ${ID}`),
    expected: req(`UPDATE "document" set "data" = 10 WHERE id = ${ID}`),
  },
  {
    aws: S('postgresql json functions in raw string') + ' (a raw string is sent exactly as written)',
    run: () => createPgStatement(`UPDATE "document" set "data" = jsonb_set("data", '{key}', '"value" WHERE id = ${ID}`),
    expected: req(`UPDATE "document" set "data" = jsonb_set("data", '{key}', '"value" WHERE id = ${ID}`),
  },
  {
    aws: S('input validation statement arguments rejects a call with no statement'),
    run: () => createPgStatement(),
    expected: rejects('An argument is expected to be passed to createPgStatement'),
  },
  {
    aws: S('input validation statement arguments rejects a call with no statement in mysql'),
    run: () => createMySQLStatement(),
    expected: rejects('An argument is expected to be passed to createMySQLStatement'),
  },
  {
    aws: S('input validation statement arguments rejects a number as a statement'),
    run: () => createPgStatement(123),
    expected: rejects('Unsupported type is passed as argument to createPgStatement'),
  },
  {
    aws: S('input validation statement arguments rejects an object that is not a statement'),
    run: () => createPgStatement({}),
    expected: rejects('Unsupported type is passed as argument to createPgStatement'),
  },
  {
    aws: S('input validation statement arguments rejects an unknown statement type'),
    run: () => createPgStatement({ type: 'BOGUS', properties: {} }),
    expected: rejects('Unsupported type is passed as argument to createPgStatement'),
  },
  {
    aws: 'ours: a forged copy of a statement is not a statement (it could carry unquoted identifiers)',
    run: () => createPgStatement(JSON.parse(JSON.stringify(select({ table: 'persons' })))),
    expected: rejects('Unsupported type is passed as argument to createPgStatement'),
  },
  {
    aws: 'ours: an invalid second statement is rejected like the first',
    run: () => createPgStatement(select({ table: 'persons' }), 5),
    expected: rejects('Unsupported type is passed as argument to createPgStatement'),
  },
  {
    // AWS says "java.lang.IllegalArgumentException: Unexpected argument …"; we leave out the Java class name.
    aws: S('input validation statement arguments rejects a malformed sql tagged template'),
    run: () => createPgStatement(sql(['a'], 1, 2)),
    expected: rejects('Unexpected argument passed to sql tagged template'),
  },
  {
    aws: 'docs: resolver-reference-rds-js (a statement nested in a sql template shares the numbering)',
    run: () => createPgStatement(sql`${select({ table: 'persons', where: { id: { eq: 1 } } })} LIMIT ${2}`),
    expected: req('SELECT * FROM "persons" WHERE "id" = :P0 LIMIT :P1', { ':P0': 1, ':P1': 2 }),
  },
  {
    aws: S('postgresql type hints') + ' (a Date is sent as its ISO string)',
    run: () => createPgStatement(sql`x = ${typeHint.TIMESTAMP(new Date(Date.UTC(2022, 2, 2)) as never)}`),
    expected: req('x = :P0', { ':P0': '2022-03-02T00:00:00.000Z' }, { ':P0': 'TIMESTAMP' }),
  },
]);

// ---- select ----------------------------------------------------------------------------------------------------

table('select', [
  {
    aws: S('postgresql select'),
    run: pg(() =>
      select({
        table: 'UserGroup',
        where: { or: [{ name: { eq: 'Stephane' } }, { id: { gt: 10 } }] },
        limit: 10,
        offset: 1,
        columns: ['id', 'name'],
        orderBy: [{ column: 'name' }, { column: 'id', dir: 'DESC' }],
      }),
    ),
    expected: req(
      'SELECT "id", "name" FROM "UserGroup" WHERE ("name" = :P0) OR ("id" > :P1) ORDER BY "name" ASC, "id" DESC LIMIT :P2 OFFSET :P3',
      { ':P0': 'Stephane', ':P1': 10, ':P2': 10, ':P3': 1 },
    ),
  },
  {
    aws: S('mysql select'),
    run: my(() =>
      select({
        table: 'UserGroup',
        where: { or: [{ name: { eq: 'Stephane' } }, { id: { gt: 10 } }] },
        limit: 10,
        offset: 1,
        columns: ['id', 'name'],
        orderBy: [{ column: 'name' }, { column: 'id', dir: 'DESC' }],
      }),
    ),
    expected: req(
      'SELECT `id`, `name` FROM `UserGroup` WHERE (`name` = :P0) OR (`id` > :P1) ORDER BY `name` ASC, `id` DESC LIMIT :P2 OFFSET :P3',
      { ':P0': 'Stephane', ':P1': 10, ':P2': 10, ':P3': 1 },
    ),
  },
  {
    aws: S('schema-qualified identifiers postgresql select qualified columns'),
    run: pg(() => select({ table: 'private.persons', columns: ['id', 'persons.name'] })),
    expected: req('SELECT "id", "persons"."name" FROM "private"."persons"'),
  },
  {
    aws: S('schema-qualified identifiers mysql select qualified table'),
    run: my(() => select({ table: 'domain.item' })),
    expected: req('SELECT * FROM `domain`.`item`'),
  },
  {
    aws: S('select statement edge cases qualified star column'),
    run: pg(() => select({ table: 'private.persons', columns: ['id', 'persons.*'] })),
    expected: req('SELECT "id", "persons"."*" FROM "private"."persons"'),
  },
  {
    aws: S('input validation column lists a star inside the column array is left unquoted'),
    run: pg(() => select({ table: 'persons', columns: ['*'] })),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('input validation column lists a star column list selects everything'),
    run: pg(() => select({ table: 'persons', columns: '*' })),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('input validation column lists a null column list selects everything'),
    run: pg(() => select({ table: 'persons', columns: null })),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty column list'),
    run: pg(() => select({ table: 'domain.color', columns: [] })),
    expected: req('SELECT FROM "domain"."color"'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty column list with limit'),
    run: pg(() => select({ table: 'domain.color', columns: [], limit: 3 })),
    expected: req('SELECT FROM "domain"."color" LIMIT :P0', { ':P0': 3 }),
  },
  {
    aws: S('input validation column lists rejects a column list given as a plain string'),
    run: pg(() => select({ table: 'persons', columns: 'name' })),
    expected: rejects('Expected column to be * or an array.'),
  },
  {
    aws: S('input validation column lists rejects a null column name'),
    run: pg(() => select({ table: 'persons', columns: ['name', null] })),
    expected: rejects('Invalid type in column array.'),
  },
  {
    aws: S('input validation column lists rejects a non-string column name'),
    run: pg(() => select({ table: 'persons', columns: [1] })),
    expected: rejects('Invalid type in column array.'),
  },
  {
    aws: 'ours: aggregates and column aliases (typings only; aliases rendered like AWS renders table aliases)',
    run: pg(() => select({ table: 't', columns: [agg.count('id'), agg.maxDistinct('n'), { total: 'sum_col' }] })),
    expected: req('SELECT COUNT("id"), MAX(DISTINCT "n"), "sum_col" as "total" FROM "t"'),
  },
  {
    aws: 'ours: GROUP BY names and positions, HAVING with an aggregate condition (typings only)',
    run: pg(() =>
      select({ table: 't', columns: ['a', agg.count('id')], groupBy: ['a', 2], having: { id: { count: { gt: 1 } } } }),
    ),
    expected: req('SELECT "a", COUNT("id") FROM "t" GROUP BY "a", 2 HAVING COUNT ("id") > :P0', { ':P0': 1 }),
  },
  {
    aws: 'ours: a groupBy position is written into the SQL, so only a positive integer is accepted',
    run: pg(() => select({ table: 't', groupBy: [1.5] })),
    expected: rejects('groupBy expects column names or positive column positions.'),
  },
  {
    aws: S('schema-qualified identifiers postgresql select qualified table'),
    run: pg(() => select({ table: 'domain.item' })),
    expected: req('SELECT * FROM "domain"."item"'),
  },
  {
    aws: S('schema-qualified identifiers unqualified name is quoted as one segment'),
    run: pg(() => select({ table: 'item' })),
    expected: req('SELECT * FROM "item"'),
  },
  {
    aws: S('select statement edge cases postgresql star column'),
    run: pg(() => select({ table: 'domain.color', columns: ['*'] })),
    expected: req('SELECT * FROM "domain"."color"'),
  },
  {
    aws: S('select statement edge cases mysql star column'),
    run: my(() => select({ table: 'domain.color', columns: ['*'] })),
    expected: req('SELECT * FROM `domain`.`color`'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty column list in mysql'),
    run: my(() => select({ table: 'domain.color', columns: [] })),
    expected: req('SELECT FROM `domain`.`color`'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty orderBy array in mysql'),
    run: my(() => select({ table: 'domain.color', orderBy: [] })),
    expected: req('SELECT * FROM `domain`.`color`'),
  },
  {
    aws: S('select statement edge cases limit provided in args'),
    run: pg(() => select({ table: 'domain.color', columns: ['*'], limit: 3, offset: null })),
    expected: req('SELECT * FROM "domain"."color" LIMIT :P0', { ':P0': 3 }),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias select with a qualified from'),
    run: pg(() => select({ from: 'domain.color', columns: ['id'] })),
    expected: req('SELECT "id" FROM "domain"."color"'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias select with from in mysql'),
    run: my(() => select({ from: 'persons' })),
    expected: req('SELECT * FROM `persons`'),
  },
  // tables
  {
    aws: S('additional conditions and the from alias from as a table alias select with from'),
    run: pg(() => select({ from: 'persons' })),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias select with from and the other clauses'),
    run: pg(() => select({ from: 'domain.color', columns: ['id'], where: { id: { eq: 1 } }, limit: 2 })),
    expected: req('SELECT "id" FROM "domain"."color" WHERE "id" = :P0 LIMIT :P1', { ':P0': 1, ':P1': 2 }),
  },
  {
    aws: S('input validation table names and aliases select with a table alias'),
    run: pg(() => select({ table: { persons: 'p' } })),
    expected: req('SELECT * FROM "p" as "persons"'),
  },
  {
    aws: S('input validation table names and aliases select with a table alias in mysql'),
    run: my(() => select({ table: { persons: 'p' } })),
    expected: req('SELECT * FROM `p` as `persons`'),
  },
  {
    aws: S('input validation table names and aliases select with a qualified table alias'),
    run: pg(() => select({ table: { 'public.persons': 'p' } })),
    expected: req('SELECT * FROM "p" as "public"."persons"'),
  },
  {
    aws: S('input validation table names and aliases from accepts an alias as well'),
    run: pg(() => select({ from: { persons: 'p' } })),
    expected: req('SELECT * FROM "p" as "persons"'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias rejects from and table together in select'),
    run: pg(() => select({ from: 'a', table: 'b' })),
    expected: rejects("'from' and 'table' keys cannot be used together"),
  },
  {
    aws: S(
      'additional conditions and the from alias from as a table alias rejects a select with neither table nor from',
    ),
    run: pg(() => select({ columns: ['id'] })),
    expected: rejects("'table' or 'from' key is required."),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias rejects a null table'),
    run: pg(() => select({ table: null })),
    expected: rejects("'table' or 'from' key is required."),
  },
  {
    aws: S('input validation table names and aliases rejects an alias with more than one entry'),
    run: pg(() => select({ table: { a: 'x', b: 'y' } })),
    expected: rejects('table alias is allowed only one key-value pair.'),
  },
  {
    // AWS leaks "java.util.NoSuchElementException" here; we name the rule that was broken instead.
    aws: S('input validation table names and aliases rejects an empty alias') + ' (message differs on purpose)',
    run: pg(() => select({ table: {} })),
    expected: rejects('table alias is allowed only one key-value pair.'),
  },
  {
    aws: S('input validation table names and aliases rejects a non-string alias value'),
    run: pg(() => select({ table: { persons: 1 } })),
    expected: rejects('Table alias value is expected to be a string.'),
  },
  {
    aws: S('input validation table names and aliases rejects a table that is neither a string nor an alias'),
    run: pg(() => select({ table: 1 })),
    expected: rejects('table name is expected to be a string or alias.'),
  },
  {
    aws: S('input validation table names and aliases rejects a table given as an array'),
    run: pg(() => select({ table: ['persons'] })),
    expected: rejects('table name is expected to be a string or alias.'),
  },
  {
    aws: S('input validation table names and aliases rejects a from that is neither a string nor an object'),
    run: pg(() => select({ from: 1 })),
    expected: rejects("'from' value is expected to be string or object."),
  },
  {
    aws: 'ours: joins are in the typings but not built here yet; refused rather than silently dropped',
    run: pg(() => select({ table: 'a', join: [{ table: 'b', using: ['id'] }] })),
    expected: rejects('select({ join }) is not supported by this runtime yet; write the join with sql`…`.'),
  },
  // payload
  {
    aws: S('input validation statement arguments rejects a select called with no payload'),
    run: pg(() => (select as () => unknown)()),
    expected: rejects('An argument is expected to be passed to select'),
  },
  {
    aws: S('input validation statement arguments rejects a null payload'),
    run: pg(() => select(null as never)),
    expected: rejects('Expected payload to be an Object.'),
  },
  {
    aws: S('input validation statement arguments rejects a payload that is not an object'),
    run: pg(() => select('persons' as never)),
    expected: rejects('Expected payload to be an Object.'),
  },
  {
    aws: S('input validation statement arguments rejects a payload given as an array'),
    run: pg(() => select([] as never)),
    expected: rejects('Expected payload to be an Object.'),
  },
  // order by, limit, offset
  {
    aws: S('empty, null and repeated clause inputs lowercase orderBy dir is uppercased'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'name', dir: 'desc' }] })),
    expected: req('SELECT * FROM "persons" ORDER BY "name" DESC'),
  },
  {
    aws: S('empty, null and repeated clause inputs null orderBy dir defaults to ascending'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'name', dir: null }] })),
    expected: req('SELECT * FROM "persons" ORDER BY "name" ASC'),
  },
  {
    aws: S('input validation order by, limit and offset a numeric orderBy dir sorts ascending'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'name', dir: 1 }] })),
    expected: req('SELECT * FROM "persons" ORDER BY "name" ASC'),
  },
  {
    aws: S('input validation order by, limit and offset an object orderBy dir sorts ascending'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'name', dir: {} }] })),
    expected: req('SELECT * FROM "persons" ORDER BY "name" ASC'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty orderBy array with limit'),
    run: pg(() => select({ table: 'domain.color', orderBy: [], limit: 3 })),
    expected: req('SELECT * FROM "domain"."color" LIMIT :P0', { ':P0': 3 }),
  },
  {
    aws: S('empty, null and repeated clause inputs rejects an empty orderBy dir'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'id', dir: '' }] })),
    expected: rejects('orderBy dir can have either ASC or DESC found .'),
  },
  {
    aws: S('input validation order by, limit and offset rejects an orderBy that is not an array'),
    run: pg(() => select({ table: 'persons', orderBy: { column: 'name' } })),
    expected: rejects('orderBy expects an array.'),
  },
  {
    aws: S('input validation order by, limit and offset rejects a null orderBy item'),
    run: pg(() => select({ table: 'persons', orderBy: [null] })),
    expected: rejects('orderBy item expected to be an object.'),
  },
  {
    aws: S('input validation order by, limit and offset rejects an orderBy item with no column'),
    run: pg(() => select({ table: 'persons', orderBy: [{}] })),
    expected: rejects('orderBy item expected to have property column.'),
  },
  {
    aws: S('input validation order by, limit and offset rejects a non-string orderBy column'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 1 }] })),
    expected: rejects('orderBy item expected to have property column.'),
  },
  {
    aws: S('input validation order by, limit and offset a numeric string limit binds a number'),
    run: pg(() => select({ table: 'persons', limit: '5' })),
    expected: req('SELECT * FROM "persons" LIMIT :P0', { ':P0': 5 }),
  },
  {
    aws: S('input validation order by, limit and offset a numeric string offset binds a number'),
    run: pg(() => select({ table: 'persons', offset: '5' })),
    expected: req('SELECT * FROM "persons" OFFSET :P0', { ':P0': 5 }),
  },
  {
    aws: S('select statement edge cases limit and offset zero'),
    run: pg(() => select({ table: 'domain.color', limit: 0, offset: 0 })),
    expected: req('SELECT * FROM "domain"."color" LIMIT :P0 OFFSET :P1', { ':P0': 0, ':P1': 0 }),
  },
  {
    aws: S('select statement edge cases limit and offset absent from args'),
    run: pg(() => select({ table: 'domain.color', columns: ['*'], limit: undefined, offset: null })),
    expected: req('SELECT * FROM "domain"."color"'),
  },
  {
    aws: S('input validation order by, limit and offset rejects a limit that is not numeric'),
    run: pg(() => select({ table: 'persons', limit: 'abc' })),
    expected: rejects('limit expects a number.'),
  },
  {
    aws: S('input validation order by, limit and offset rejects an empty string limit'),
    run: pg(() => select({ table: 'persons', limit: '' })),
    expected: rejects('limit expects a number.'),
  },
  {
    aws: S('input validation order by, limit and offset rejects an object offset'),
    run: pg(() => select({ table: 'persons', offset: {} })),
    expected: rejects('offset expects a number.'),
  },
]);

// ---- where (select, update and remove share it) ----------------------------------------------------------------

const where = (w: unknown) => pg(() => select({ table: 'persons', where: w }));

table('where conditions', [
  {
    aws: S('where single value in and'),
    run: pg(() => select({ table: 'supplier', where: { and: [{ id: { eq: 123456 } }] } })),
    expected: req('SELECT * FROM "supplier" WHERE ("id" = :P0)', { ':P0': 123456 }),
  },
  {
    aws: S('where mixed inline and'),
    run: pg(() =>
      select({
        table: 'supplier',
        where: { count: { le: 10 }, and: [{ id: { eq: 123456 } }], deleted: { attributeExists: false } },
      }),
    ),
    expected: req('SELECT * FROM "supplier" WHERE "count" <= :P0 AND ("id" = :P1) AND "deleted" IS NULL', {
      ':P0': 10,
      ':P1': 123456,
    }),
  },
  {
    aws: S('where mixed or/and multiple or') + ' (AWS wraps members, never the group)',
    run: pg(() =>
      select({
        table: 'supplier',
        where: {
          and: [{ id: { eq: 'and eq' } }],
          or: [{ id: { eq: 'or eq 1' } }, { id: { eq: 'or eq 2' } }],
          id: { eq: 'id eq' },
        },
      }),
    ),
    expected: req('SELECT * FROM "supplier" WHERE ("id" = :P0) AND ("id" = :P1) OR ("id" = :P2) AND "id" = :P3', {
      ':P0': 'and eq',
      ':P1': 'or eq 1',
      ':P2': 'or eq 2',
      ':P3': 'id eq',
    }),
  },
  {
    aws: S('where nested ors with ands'),
    run: pg(() =>
      select({
        table: 'supplier',
        where: {
          id: { eq: 'id eq' },
          or: [
            { id: { eq: 'or 1' } },
            { or: [{ id: { eq: 'or nested 1' } }, { id: { eq: 'or nested 2' } }] },
            { id: { eq: 'final or' } },
          ],
        },
      }),
    ),
    expected: req(
      'SELECT * FROM "supplier" WHERE "id" = :P0 AND ("id" = :P1) OR (("id" = :P2) OR ("id" = :P3)) OR ("id" = :P4)',
      { ':P0': 'id eq', ':P1': 'or 1', ':P2': 'or nested 1', ':P3': 'or nested 2', ':P4': 'final or' },
    ),
  },
  {
    aws: S('attributeExists nested or'),
    run: pg(() =>
      select({
        table: 'supplier',
        where: {
          id: { eq: '123456' },
          and: [{ or: [{ deleted: { eq: false } }, { deleted: { attributeExists: false } }] }],
        },
      }),
    ),
    expected: req('SELECT * FROM "supplier" WHERE "id" = :P0 AND (("deleted" = :P1) OR ("deleted" IS NULL))', {
      ':P0': '123456',
      ':P1': false,
    }),
  },
  {
    aws: S('attributeExists true false'),
    run: where({ created: { attributeExists: true }, deleted: { attributeExists: false } }),
    expected: req('SELECT * FROM "persons" WHERE "created" IS NOT NULL AND "deleted" IS NULL'),
  },
  {
    aws: S('empty, null and repeated clause inputs multiple conditions on one column') + ' (ne renders !=)',
    run: where({ id: { ge: 1, le: 9, ne: 5 } }),
    expected: req('SELECT * FROM "persons" WHERE "id" >= :P0 AND "id" <= :P1 AND "id" != :P2', {
      ':P0': 1,
      ':P1': 9,
      ':P2': 5,
    }),
  },
  {
    aws: S('empty, null and repeated clause inputs multiple conditions on one column inside a group'),
    run: where({ and: [{ id: { eq: 1, gt: 0 } }, { name: { eq: 'test' } }] }),
    expected: req('SELECT * FROM "persons" WHERE ("id" = :P0 AND "id" > :P1) AND ("name" = :P2)', {
      ':P0': 1,
      ':P1': 0,
      ':P2': 'test',
    }),
  },
  {
    aws: S('schema-qualified identifiers postgresql qualified column in where clause'),
    run: pg(() => select({ table: 'private.persons', where: { 'persons.id': { eq: 123 } } })),
    expected: req('SELECT * FROM "private"."persons" WHERE "persons"."id" = :P0', { ':P0': 123 }),
  },
  {
    aws: S('select statement edge cases empty where object'),
    run: pg(() => select({ table: 'domain.color', where: {}, limit: 3 })),
    expected: req('SELECT * FROM "domain"."color" LIMIT :P0', { ':P0': 3 }),
  },
  {
    aws: S('select statement edge cases empty and condition in where'),
    run: where({ and: [] }),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty nested or group'),
    run: where({ and: [{ or: [] }] }),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S('empty, null and repeated clause inputs empty condition object for a column'),
    run: where({ id: {} }),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    // AWS itself emits invalid SQL for these; reproduced byte for byte so a query that breaks on AWS breaks here.
    aws: S('empty, null and repeated clause inputs empty condition object alongside a real condition'),
    run: where({ name: { eq: 'test' }, id: {} }),
    expected: req('SELECT * FROM "persons" WHERE "name" = :P0 AND', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs empty objects in an or array'),
    run: where({ or: [{}, {}] }),
    expected: req('SELECT * FROM "persons" WHERE  OR'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size empty size object alongside a real condition in a group',
    ),
    run: where({ and: [{ name: { size: {} } }, { id: { eq: 1 } }] }),
    expected: req('SELECT * FROM "persons" WHERE  AND ("id" = :P0)', { ':P0': 1 }),
  },
  {
    aws: S('input validation where clauses where as a sql template'),
    run: where(sql`id = ${1}`),
    expected: req('SELECT * FROM "persons" WHERE id = :P0', { ':P0': 1 }),
  },
  {
    aws: S('input validation where clauses where as a sql template in mysql'),
    run: my(() => select({ table: 'persons', where: sql`id = ${1}` })),
    expected: req('SELECT * FROM `persons` WHERE id = :P0', { ':P0': 1 }),
  },
  {
    aws: S('postgresql type hints'),
    run: pg(() =>
      select({
        table: 'UserGroup',
        where: {
          and: [
            { id: { eq: typeHint.UUID('1232') } },
            { started: { lt: typeHint.TIMESTAMP('2022-03-02T00:00:00.000Z') } },
          ],
        },
      }),
    ),
    expected: req(
      'SELECT * FROM "UserGroup" WHERE ("id" = :P0) AND ("started" < :P1)',
      { ':P0': '1232', ':P1': '2022-03-02T00:00:00.000Z' },
      { ':P0': 'UUID', ':P1': 'TIMESTAMP' },
    ),
  },
  // operators
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size beginsWith keeps a wildcard already in the value',
    ),
    run: where({ name: { beginsWith: 'a%b' } }),
    expected: req('SELECT * FROM "persons" WHERE "name" LIKE :P0', { ':P0': 'a%b%' }),
  },
  {
    aws: S('empty, null and repeated clause inputs contains wraps the value in wildcards'),
    run: where({ name: { contains: 'test' } }),
    expected: req('SELECT * FROM "persons" WHERE "name" LIKE :P0', { ':P0': '%test%' }),
  },
  {
    aws: S('empty, null and repeated clause inputs notContains does not wrap the value'),
    run: where({ name: { notContains: 'test' } }),
    expected: req('SELECT * FROM "persons" WHERE "name" NOT LIKE :P0', { ':P0': 'test' }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between two type hints'),
    run: where({ birthday: { between: [typeHint.DATE('2020-01-01'), typeHint.DATE('2020-12-31')] } }),
    expected: req(
      'SELECT * FROM "persons" WHERE "birthday" BETWEEN :P0 AND :P1',
      { ':P0': '2020-01-01', ':P1': '2020-12-31' },
      { ':P0': 'DATE', ':P1': 'DATE' },
    ),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between a null bound'),
    run: where({ age: { between: [null, 65] } }),
    expected: req('SELECT * FROM "persons" WHERE "age" BETWEEN NULL AND :P0', { ':P0': 65 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size with each comparison operator'),
    run: where({ a: { size: { ne: 1 } }, b: { size: { gt: 2 } }, c: { size: { ge: 3 } }, d: { size: { lt: 4 } } }),
    expected: req(
      'SELECT * FROM "persons" WHERE LENGTH ("a") != :P0 AND LENGTH ("b") > :P1 AND LENGTH ("c") >= :P2 AND LENGTH ("d") < :P3',
      { ':P0': 1, ':P1': 2, ':P2': 3, ':P3': 4 },
    ),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size with a nested between'),
    run: where({ name: { size: { between: [2, 8] } } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") BETWEEN :P0 AND :P1', { ':P0': 2, ':P1': 8 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size with a null value'),
    run: where({ name: { size: { eq: null } } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") = NULL'),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size nested in an or of an and'),
    run: where({ or: [{ and: [{ name: { size: { eq: 3 } } }] }] }),
    expected: req('SELECT * FROM "persons" WHERE ((LENGTH ("name") = :P0))', { ':P0': 3 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size in mysql'),
    run: my(() => select({ table: 'persons', where: { name: { size: { eq: 3 } } } })),
    expected: req('SELECT * FROM `persons` WHERE LENGTH (`name`) = :P0', { ':P0': 3 }),
  },
  {
    aws: 'ours: not (typings only) negates its members, each wrapped like and/or members',
    run: where({ not: [{ e: { ne: 5 } }, { f: { eq: 6 } }] }),
    expected: req('SELECT * FROM "persons" WHERE NOT (("e" != :P0) AND ("f" = :P1))', { ':P0': 5, ':P1': 6 }),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size beginsWith renders a trailing wildcard',
    ),
    run: where({ name: { beginsWith: 'te' } }),
    expected: req('SELECT * FROM "persons" WHERE "name" LIKE :P0', { ':P0': 'te%' }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size beginsWith with an empty string'),
    run: where({ name: { beginsWith: '' } }),
    expected: req('SELECT * FROM "persons" WHERE "name" LIKE :P0', { ':P0': '%' }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size beginsWith in mysql'),
    run: my(() => select({ table: 'persons', where: { name: { beginsWith: 'te' } } })),
    expected: req('SELECT * FROM `persons` WHERE `name` LIKE :P0', { ':P0': 'te%' }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between two numbers'),
    run: where({ age: { between: [18, 65] } }),
    expected: req('SELECT * FROM "persons" WHERE "age" BETWEEN :P0 AND :P1', { ':P0': 18, ':P1': 65 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between two strings'),
    run: where({ name: { between: ['a', 'm'] } }),
    expected: req('SELECT * FROM "persons" WHERE "name" BETWEEN :P0 AND :P1', { ':P0': 'a', ':P1': 'm' }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between in mysql'),
    run: my(() => select({ table: 'persons', where: { age: { between: [18, 65] } } })),
    expected: req('SELECT * FROM `persons` WHERE `age` BETWEEN :P0 AND :P1', { ':P0': 18, ':P1': 65 }),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size between and beginsWith in an or group',
    ),
    run: where({ or: [{ age: { between: [18, 65] } }, { name: { beginsWith: 'te' } }] }),
    expected: req('SELECT * FROM "persons" WHERE ("age" BETWEEN :P0 AND :P1) OR ("name" LIKE :P2)', {
      ':P0': 18,
      ':P1': 65,
      ':P2': 'te%',
    }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size compares the column length'),
    run: where({ name: { size: { eq: 3 } } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") = :P0', { ':P0': 3 }),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size size with two comparisons on one column',
    ),
    run: where({ name: { size: { eq: 3, gt: 1 } } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") = :P0 AND LENGTH ("name") > :P1', {
      ':P0': 3,
      ':P1': 1,
    }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size on a qualified column'),
    run: pg(() => select({ table: 'private.persons', where: { 'persons.name': { size: { eq: 3 } } } })),
    expected: req('SELECT * FROM "private"."persons" WHERE LENGTH ("persons"."name") = :P0', { ':P0': 3 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size and beginsWith in a group'),
    run: where({ and: [{ name: { size: { eq: 3 } } }, { country: { beginsWith: 'de' } }] }),
    expected: req('SELECT * FROM "persons" WHERE (LENGTH ("name") = :P0) AND ("country" LIKE :P1)', {
      ':P0': 3,
      ':P1': 'de%',
    }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size and beginsWith on one column'),
    run: where({ name: { size: { eq: 3 }, beginsWith: 'te' } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") = :P0 AND "name" LIKE :P1', {
      ':P0': 3,
      ':P1': 'te%',
    }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size with order by and limit'),
    run: pg(() =>
      select({
        table: 'persons',
        where: { name: { size: { gt: 2 } } },
        orderBy: [{ column: 'name', dir: 'desc' }],
        limit: 5,
      }),
    ),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") > :P0 ORDER BY "name" DESC LIMIT :P1', {
      ':P0': 2,
      ':P1': 5,
    }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size empty size object in a group'),
    run: where({ and: [{ name: { size: {} } }] }),
    expected: req('SELECT * FROM "persons"'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size empty size object alongside a real condition on one column',
    ),
    run: where({ name: { size: {}, eq: 'test' } }),
    expected: req('SELECT * FROM "persons" WHERE  AND "name" = :P0', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs empty object in an and array'),
    run: where({ and: [{ id: { eq: 1 } }, {}] }),
    expected: req('SELECT * FROM "persons" WHERE ("id" = :P0) AND', { ':P0': 1 }),
  },
  {
    aws: S('empty, null and repeated clause inputs attributeExists alongside another condition'),
    run: where({ id: { eq: 1, attributeExists: true } }),
    expected: req('SELECT * FROM "persons" WHERE "id" = :P0 AND "id" IS NOT NULL', { ':P0': 1 }),
  },
  {
    aws: S('input validation where clauses where as a sql template with nothing interpolated'),
    run: where(sql`id = 1`),
    expected: req('SELECT * FROM "persons" WHERE id = 1'),
  },
  {
    aws: S('mysql type hints'),
    run: my(() =>
      select({
        table: 'UserGroup',
        where: {
          and: [
            { id: { eq: typeHint.UUID('1232') } },
            { started: { lt: typeHint.TIMESTAMP('2022-03-02T00:00:00.000Z') } },
          ],
        },
      }),
    ),
    expected: req(
      'SELECT * FROM `UserGroup` WHERE (`id` = :P0) AND (`started` < :P1)',
      { ':P0': '1232', ':P1': '2022-03-02T00:00:00.000Z' },
      { ':P0': 'UUID', ':P1': 'TIMESTAMP' },
    ),
  },
  {
    aws: S('input validation condition values a null size comparison renders a null literal'),
    run: where({ name: { size: { eq: null } } }),
    expected: req('SELECT * FROM "persons" WHERE LENGTH ("name") = NULL'),
  },
  {
    aws: S('input validation condition values attributeExists true renders is not null'),
    run: where({ name: { attributeExists: true } }),
    expected: req('SELECT * FROM "persons" WHERE "name" IS NOT NULL'),
  },
  // rejections
  {
    aws: S('input validation where clauses rejects the in operator'),
    run: where({ id: { in: [1, 2] } }),
    expected: rejects('Unsupported condition id.in.'),
  },
  {
    aws: S('input validation where clauses rejects an unsupported condition'),
    run: where({ name: { bogus: 1 } }),
    expected: rejects('Unsupported condition name.bogus.'),
  },
  {
    aws: S('input validation condition values rejects a null equality value'),
    run: where({ id: { eq: null } }),
    expected: rejects("Value for id.eq can't be null."),
  },
  {
    aws: S('input validation condition values rejects an undefined equality value'),
    run: where({ id: { eq: undefined } }),
    expected: rejects("Value for id.eq can't be null."),
  },
  {
    aws: S('input validation condition values rejects a null greater-than value'),
    run: where({ id: { gt: null } }),
    expected: rejects("Value for id.gt can't be null."),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size rejects null for beginsWith'),
    run: where({ name: { beginsWith: null } }),
    expected: rejects("Value for name.beginsWith can't be null."),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size rejects a non-string for beginsWith'),
    run: where({ name: { beginsWith: 5 } }),
    expected: rejects('name.beginsWith expects a string value to be passed.'),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size rejects a non-string for contains'),
    run: where({ name: { contains: 5 } }),
    expected: rejects('name.contains expects a string value to be passed.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects a non-string for notContains',
    ),
    run: where({ name: { notContains: 5 } }),
    expected: rejects('name.notContains expects a string value to be passed.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects between with the wrong number of values',
    ),
    run: where({ age: { between: [1] } }),
    expected: rejects('age.between condition expects an array with 2 values but received an array with length 1.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects between with a value that is not an array',
    ),
    run: where({ age: { between: 5 } }),
    expected: rejects('age.between condition expects an array with length of 2.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects a nested between with the wrong number of values',
    ),
    run: where({ name: { size: { between: [1] } } }),
    expected: rejects('name.size condition expects an array with 2 values but received an array with length 1.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects an unsupported size operator',
    ),
    run: where({ name: { size: { contains: 'x' } } }),
    expected: rejects('name.size has invalid size operator.'),
  },
  {
    aws: S(
      'additional conditions and the from alias beginsWith, between and size rejects a size that is not an object',
    ),
    run: where({ name: { size: 3 } }),
    expected: rejects('Expected name.size to be an Object.'),
  },
  {
    aws: S('input validation condition values rejects a null attributeExists value'),
    run: where({ name: { attributeExists: null } }),
    expected: rejects("Value for name.attributeExists can't be null."),
  },
  {
    aws: S('input validation condition values rejects a non-boolean attributeExists value'),
    run: where({ name: { attributeExists: 'yes' } }),
    expected: rejects('name.attributeExists expects a boolean value to be passed.'),
  },
  {
    aws: S('input validation condition values rejects zero for attributeExists'),
    run: where({ name: { attributeExists: 0 } }),
    expected: rejects('name.attributeExists expects a boolean value to be passed.'),
  },
  {
    aws: S('input validation where clauses rejects a sql template inside an and group'),
    run: where({ and: [sql`id = ${1}`] }),
    expected: rejects('Expected and to be an Object.'),
  },
  {
    aws: S('input validation where clauses rejects a where given as a plain string'),
    run: where('id = 1'),
    expected: rejects('WHERE values are expected to be SQL templates or a condition object.'),
  },
  {
    aws: S('input validation where clauses rejects a where given as an array'),
    run: where([]),
    expected: rejects('WHERE values are expected to be SQL templates or a condition object.'),
  },
  {
    aws: S('input validation where clauses rejects a null condition for a column'),
    run: where({ name: null }),
    expected: rejects('Expected condition to be an Object.'),
  },
  {
    aws: S('input validation where clauses rejects a bare value as a condition'),
    run: where({ name: 'test' }),
    expected: rejects('Expected condition to be an Object.'),
  },
  {
    aws: S('input validation where clauses rejects an and that is not an array'),
    run: where({ and: 'nope' }),
    expected: rejects('and expects conditions to be an array'),
  },
  {
    aws: S('input validation where clauses rejects an or that is not an array'),
    run: where({ or: 'nope' }),
    expected: rejects('or expects conditions to be an array'),
  },
  {
    aws: S('input validation where clauses rejects a null entry in an and group'),
    run: where({ and: [null] }),
    expected: rejects('Expected and to be an Object.'),
  },
  {
    aws: S('input validation where clauses rejects a string entry in an or group'),
    run: where({ or: ['id = 1'] }),
    expected: rejects('Expected or to be an Object.'),
  },
]);

// ---- insert / update / remove ----------------------------------------------------------------------------------

table('insert', [
  {
    aws: S('postgresql insert'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: '*' })),
    expected: req('INSERT INTO "persons" ("name") VALUES (:P0) RETURNING *', { ':P0': 'test' }),
  },
  {
    aws: S('mysql insert'),
    run: my(() => insert({ table: 'persons', values: { name: 'test' } })),
    expected: req('INSERT INTO `persons` (`name`) VALUES (:P0)', { ':P0': 'test' }),
  },
  {
    aws: S('schema-qualified identifiers postgresql insert into qualified table'),
    run: pg(() => insert({ table: 'private.persons', values: { name: 'test' } })),
    expected: req('INSERT INTO "private"."persons" ("name") VALUES (:P0)', { ':P0': 'test' }),
  },
  {
    aws: S('input validation table names and aliases insert with a table alias'),
    run: pg(() => insert({ table: { persons: 'p' }, values: { name: 'test' } })),
    expected: req('INSERT INTO "p" as "persons" ("name") VALUES (:P0)', { ':P0': 'test' }),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias insert uses table and ignores from'),
    run: pg(() => insert({ from: 'ignored', table: 'persons', values: { name: 'test' } })),
    expected: req('INSERT INTO "persons" ("name") VALUES (:P0)', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs null alongside a type hint'),
    run: pg(() =>
      insert({
        table: 'persons',
        values: { id: typeHint.UUID('0e0d0c0b-0a09-0807-0605-040302010000'), country: null },
      }),
    ),
    expected: req(
      'INSERT INTO "persons" ("id", "country") VALUES (:P0, NULL)',
      { ':P0': '0e0d0c0b-0a09-0807-0605-040302010000' },
      { ':P0': 'UUID' },
    ),
  },
  {
    aws: S('empty, null and repeated clause inputs returning star in insert'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: '*' })),
    expected: req('INSERT INTO "persons" ("name") VALUES (:P0) RETURNING *', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs null value in insert values'),
    run: pg(() => insert({ table: 'persons', values: { name: null } })),
    expected: req('INSERT INTO "persons" ("name") VALUES (NULL)'),
  },
  {
    aws: S('empty, null and repeated clause inputs null mixed with bound values in insert'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test', country: null } })),
    expected: req('INSERT INTO "persons" ("name", "country") VALUES (:P0, NULL)', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs undefined value in insert values'),
    run: pg(() => insert({ table: 'persons', values: { name: undefined } })),
    expected: req('INSERT INTO "persons" ("name") VALUES (NULL)'),
  },
  {
    aws: S('empty, null and repeated clause inputs false and zero values are bound'),
    run: pg(() => insert({ table: 'persons', values: { active: false, score: 0 } })),
    expected: req('INSERT INTO "persons" ("active", "score") VALUES (:P0, :P1)', { ':P0': false, ':P1': 0 }),
  },
  {
    aws: S('empty, null and repeated clause inputs returning column array in insert'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: ['id', 'name'] })),
    expected: req('INSERT INTO "persons" ("name") VALUES (:P0) RETURNING "id", "name"', { ':P0': 'test' }),
  },
  {
    aws: S('empty, null and repeated clause inputs empty returning array in insert'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: [] })),
    expected: req('INSERT INTO "persons" ("name") VALUES (:P0) RETURNING', { ':P0': 'test' }),
  },
  {
    aws: S(
      'empty, null and repeated clause inputs rejects a returning value that is neither a column array nor a star',
    ),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: 'id' })),
    expected: rejects('Expected column to be * or an array.'),
  },
  {
    aws: S('input validation column lists rejects a null column name in returning'),
    run: pg(() => insert({ table: 'persons', values: { name: 'test' }, returning: [null] })),
    expected: rejects('Invalid type in column array.'),
  },
  {
    aws: S('input validation column lists a malformed returning in mysql reports the column list'),
    run: my(() => insert({ table: 'persons', values: { name: 'test' }, returning: 'id' })),
    expected: rejects('Expected column to be * or an array.'),
  },
  {
    aws: S('input validation column lists rejects a star returning in mysql'),
    run: my(() => insert({ table: 'persons', values: { name: 'test' }, returning: '*' })),
    expected: rejects('returning is not supported in MySQL.'),
  },
  {
    aws: S('input validation insert and update values rejects an insert with no values'),
    run: pg(() => insert({ table: 'persons' } as never)),
    expected: rejects('values are expected to be passed to insert'),
  },
  {
    aws: S('input validation insert and update values rejects null insert values'),
    run: pg(() => insert({ table: 'persons', values: null } as never)),
    expected: rejects('values are expected to be passed to insert'),
  },
  {
    aws: S('input validation insert and update values rejects insert values given as an array'),
    run: pg(() => insert({ table: 'persons', values: [1] } as never)),
    expected: rejects('Expected values to an Object.'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias rejects an insert given only from'),
    run: pg(() => insert({ from: 'persons', values: { name: 'test' } } as never)),
    expected: rejects("'table' or 'from' key is required."),
  },
  {
    aws: S('input validation table names and aliases rejects a non-string table in insert'),
    run: pg(() => insert({ table: 1, values: { name: 'test' } } as never)),
    expected: rejects('table name is expected to be a string or alias.'),
  },
]);

table('update', [
  {
    aws: S('postgresql update'),
    run: pg(() =>
      update({
        table: 'persons',
        values: { name: 'name', birthday: 'today', country: 'home' },
        where: { id: { eq: 'abc123' } },
      }),
    ),
    expected: req('UPDATE "persons" SET "name" = :P0, "birthday" = :P1, "country" = :P2 WHERE "id" = :P3', {
      ':P0': 'name',
      ':P1': 'today',
      ':P2': 'home',
      ':P3': 'abc123',
    }),
  },
  {
    aws: S('mysql update'),
    run: my(() => update({ table: 'persons', values: { name: 'name' }, where: { id: { eq: 'abc123' } } })),
    expected: req('UPDATE `persons` SET `name` = :P0 WHERE `id` = :P1', { ':P0': 'name', ':P1': 'abc123' }),
  },
  {
    aws: S('empty, null and repeated clause inputs null value in update values'),
    run: pg(() => update({ table: 'persons', values: { country: null }, where: { id: { eq: 1 } } })),
    expected: req('UPDATE "persons" SET "country" = NULL WHERE "id" = :P0', { ':P0': 1 }),
  },
  {
    aws: S('empty, null and repeated clause inputs empty values object in update'),
    run: pg(() => update({ table: 'persons', values: {}, where: { id: { eq: 1 } } })),
    expected: req('UPDATE "persons" SET WHERE "id" = :P0', { ':P0': 1 }),
  },
  {
    aws: S('select statement edge cases empty where object in update'),
    run: pg(() => update({ table: 'persons', values: { name: 'test' }, where: {} })),
    expected: req('UPDATE "persons" SET "name" = :P0', { ':P0': 'test' }),
  },
  {
    aws: S('input validation table names and aliases update with a table alias'),
    run: pg(() => update({ table: { persons: 'p' }, values: { name: 'test' } })),
    expected: req('UPDATE "p" as "persons" SET "name" = :P0', { ':P0': 'test' }),
  },
  {
    aws: S('input validation where clauses where as a sql template in an update'),
    run: pg(() => update({ table: 'persons', values: { name: 'test' }, where: sql`id = ${1}` })),
    expected: req('UPDATE "persons" SET "name" = :P0 WHERE id = :P1', { ':P0': 'test', ':P1': 1 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size size in an update statement'),
    run: pg(() => update({ table: 'persons', values: { active: false }, where: { name: { size: { eq: 3 } } } })),
    expected: req('UPDATE "persons" SET "active" = :P0 WHERE LENGTH ("name") = :P1', { ':P0': false, ':P1': 3 }),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size between in an update statement'),
    run: pg(() => update({ table: 'persons', values: { active: false }, where: { age: { between: [18, 65] } } })),
    expected: req('UPDATE "persons" SET "active" = :P0 WHERE "age" BETWEEN :P1 AND :P2', {
      ':P0': false,
      ':P1': 18,
      ':P2': 65,
    }),
  },
  {
    aws: S('input validation insert and update values rejects an update with no values'),
    run: pg(() => update({ table: 'persons', where: { id: { eq: 1 } } } as never)),
    expected: rejects('values are expected to be passed to update'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias rejects an update given only from'),
    run: pg(() => update({ from: 'persons', values: { name: 'test' }, where: { id: { eq: 1 } } } as never)),
    expected: rejects("'table' or 'from' key is required."),
  },
]);

table('remove', [
  {
    aws: S('postgresql remove'),
    run: pg(() => remove({ table: 'persons', where: { id: { eq: '1232' } }, returning: ['id', 'name'] })),
    expected: req('DELETE FROM "persons" WHERE "id" = :P0 RETURNING "id", "name"', { ':P0': '1232' }),
  },
  {
    aws: S('mysql remove'),
    run: my(() => remove({ table: 'persons', where: { id: { eq: '1232' } } })),
    expected: req('DELETE FROM `persons` WHERE `id` = :P0', { ':P0': '1232' }),
  },
  {
    aws: S('empty, null and repeated clause inputs returning star in remove'),
    run: pg(() => remove({ table: 'persons', where: { id: { eq: 1 } }, returning: '*' })),
    expected: req('DELETE FROM "persons" WHERE "id" = :P0 RETURNING *', { ':P0': 1 }),
  },
  {
    aws: S('empty, null and repeated clause inputs empty returning array in remove'),
    run: pg(() => remove({ table: 'persons', where: { id: { eq: 1 } }, returning: [] })),
    expected: req('DELETE FROM "persons" WHERE "id" = :P0 RETURNING', { ':P0': 1 }),
  },
  {
    aws: S('select statement edge cases empty where object in remove'),
    run: pg(() => remove({ table: 'persons', where: {} })),
    expected: req('DELETE FROM "persons"'),
  },
  {
    aws: S('input validation table names and aliases delete with a table alias'),
    run: pg(() => remove({ table: { persons: 'p' } })),
    expected: req('DELETE FROM "p" as "persons"'),
  },
  {
    aws: S('additional conditions and the from alias beginsWith, between and size beginsWith in a delete statement'),
    run: pg(() => remove({ table: 'persons', where: { name: { beginsWith: 'te' } } })),
    expected: req('DELETE FROM "persons" WHERE "name" LIKE :P0', { ':P0': 'te%' }),
  },
  {
    aws: S('input validation where clauses where as a sql template in a delete'),
    run: pg(() => remove({ table: 'persons', where: sql`id = ${1}` })),
    expected: req('DELETE FROM "persons" WHERE id = :P0', { ':P0': 1 }),
  },
  {
    aws: S('empty, null and repeated clause inputs rejects returning in mysql'),
    run: my(() => remove({ table: 'persons', where: { id: { eq: 1 } }, returning: ['id'] })),
    expected: rejects('returning is not supported in MySQL.'),
  },
  {
    aws: S('input validation statement arguments rejects a remove called with no payload'),
    run: pg(() => (remove as () => unknown)()),
    expected: rejects('An argument is expected to be passed to remove'),
  },
  {
    aws: S('additional conditions and the from alias from as a table alias rejects a remove given only from'),
    run: pg(() => remove({ from: 'persons', where: { id: { eq: 1 } } } as never)),
    expected: rejects("'table' or 'from' key is required."),
  },
]);

// ---- injection: every place a string reaches SQL text ----------------------------------------------------------

// Each attempt must come out as one quoted identifier with its quote characters doubled: the database then
// reads it as a (non-existent) name, never as SQL. The Postgres test in rds/postgres.test.ts runs these.
const EVIL = 'x" ; DROP TABLE persons; --';
const EVIL_PG = '"x"" ; DROP TABLE persons; --"';
const EVIL_MY_SRC = 'x` ; DROP TABLE persons; --';
const EVIL_MY = '`x`` ; DROP TABLE persons; --`';

table('injection', [
  {
    aws: 'security: table name',
    run: pg(() => select({ table: EVIL })),
    expected: req(`SELECT * FROM ${EVIL_PG}`),
  },
  {
    aws: 'security: table name (MySQL backticks)',
    run: my(() => select({ table: EVIL_MY_SRC })),
    expected: req(`SELECT * FROM ${EVIL_MY}`),
  },
  {
    aws: 'security: a Postgres quote means nothing special in MySQL, and the reverse',
    run: () => [createMySQLStatement(select({ table: EVIL })), createPgStatement(select({ table: EVIL_MY_SRC }))],
    expected: [req(`SELECT * FROM \`${EVIL}\``), req(`SELECT * FROM "${EVIL_MY_SRC}"`)] as never,
  },
  {
    aws: 'security: table alias key and value',
    run: pg(() => select({ table: { [EVIL]: EVIL } })),
    expected: req(`SELECT * FROM ${EVIL_PG} as ${EVIL_PG}`),
  },
  {
    aws: 'security: from',
    run: pg(() => select({ from: EVIL })),
    expected: req(`SELECT * FROM ${EVIL_PG}`),
  },
  {
    aws: 'security: select column, column alias and aggregate column',
    run: pg(() => select({ table: 't', columns: [EVIL, { [EVIL]: 'a' }, agg.sum(EVIL)] })),
    expected: req(`SELECT ${EVIL_PG}, "a" as ${EVIL_PG}, SUM(${EVIL_PG}) FROM "t"`),
  },
  {
    aws: 'security: where column (direct, in a group and under size)',
    run: pg(() => select({ table: 't', where: { [EVIL]: { eq: 1 }, or: [{ [EVIL]: { size: { gt: 1 } } }] } })),
    expected: req(`SELECT * FROM "t" WHERE ${EVIL_PG} = :P0 AND (LENGTH (${EVIL_PG}) > :P1)`, { ':P0': 1, ':P1': 1 }),
  },
  {
    aws: 'security: a where value is always a variable, never text',
    run: pg(() => select({ table: 't', where: { a: { eq: "'; DROP TABLE persons; --" } } })),
    expected: req('SELECT * FROM "t" WHERE "a" = :P0', { ':P0': "'; DROP TABLE persons; --" }),
  },
  {
    aws: 'security: orderBy column',
    run: pg(() => select({ table: 't', orderBy: [{ column: EVIL, dir: 'desc' }] })),
    expected: req(`SELECT * FROM "t" ORDER BY ${EVIL_PG} DESC`),
  },
  {
    aws: S('empty, null and repeated clause inputs rejects an orderBy dir that is neither ascending nor descending'),
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'id', dir: '; DROP TABLE persons' }] })),
    expected: rejects('orderBy dir can have either ASC or DESC found ; DROP TABLE persons.'),
  },
  {
    aws: 'security: orderBy dir with a valid word and more is still rejected',
    run: pg(() => select({ table: 'persons', orderBy: [{ column: 'id', dir: 'ASC; DROP TABLE persons' }] })),
    expected: rejects('orderBy dir can have either ASC or DESC found ASC; DROP TABLE persons.'),
  },
  {
    aws: 'security: groupBy column',
    run: pg(() => select({ table: 't', groupBy: [EVIL] })),
    expected: req(`SELECT * FROM "t" GROUP BY ${EVIL_PG}`),
  },
  {
    aws: 'security: limit is bound, and a non-numeric one is rejected',
    run: pg(() => select({ table: 't', limit: '1; DROP TABLE persons' })),
    expected: rejects('limit expects a number.'),
  },
  {
    aws: 'security: insert column names',
    run: pg(() => insert({ table: 't', values: { [EVIL]: 1 } })),
    expected: req(`INSERT INTO "t" (${EVIL_PG}) VALUES (:P0)`, { ':P0': 1 }),
  },
  {
    aws: 'security: update column names',
    run: pg(() => update({ table: 't', values: { [EVIL]: 1 } })),
    expected: req(`UPDATE "t" SET ${EVIL_PG} = :P0`, { ':P0': 1 }),
  },
  {
    aws: 'security: returning columns',
    run: pg(() => remove({ table: 't', returning: [EVIL] })),
    expected: req(`DELETE FROM "t" RETURNING ${EVIL_PG}`),
  },
  {
    aws: 'security: a NUL in an identifier is refused (neither database can hold it)',
    run: pg(() => select({ table: 'persons\u0000; DROP TABLE persons' })),
    expected: rejects('Table "persons\\0; DROP TABLE persons" contains a NUL character.'),
  },
  {
    aws: 'security: an empty name part is refused rather than rendered as a zero-length identifier',
    run: pg(() => select({ table: 'persons', columns: ['a..b'] })),
    expected: rejects('Column "a..b" has an empty name part.'),
  },
  {
    aws: `security: bound — an identifier over ${MAX_IDENTIFIER_LENGTH} characters is refused`,
    run: pg(() => select({ table: 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1) })),
    expected: rejects(`Table "${'x'.repeat(64)}…" is longer than ${MAX_IDENTIFIER_LENGTH} characters.`),
  },
  {
    aws: `security: bound — an identifier of exactly ${MAX_IDENTIFIER_LENGTH} characters is accepted`,
    run: pg(() => select({ table: 'x'.repeat(MAX_IDENTIFIER_LENGTH) })),
    expected: req(`SELECT * FROM "${'x'.repeat(MAX_IDENTIFIER_LENGTH)}"`),
  },
]);

describe('bounds', () => {
  const nested = (depth: number): Record<string, unknown> =>
    depth === 0 ? { id: { eq: 1 } } : { and: [nested(depth - 1)] };

  it(`accepts and/or/not nesting up to ${MAX_CONDITION_DEPTH} levels and refuses one more`, () => {
    const ok = outcome(where(nested(MAX_CONDITION_DEPTH))) as RDSRequest;
    expect(ok.statements[0]).toContain('"id" = :P0');
    expect(outcome(where(nested(MAX_CONDITION_DEPTH + 1)))).toEqual(
      rejects(`Conditions nest deeper than ${MAX_CONDITION_DEPTH} levels.`),
    );
  });

  it(`refuses a statement over ${MAX_STATEMENT_LENGTH} characters and accepts one at the limit`, () => {
    const fits = 'x'.repeat(MAX_STATEMENT_LENGTH);
    expect(outcome(() => createPgStatement(fits))).toEqual(req(fits));
    expect(outcome(() => createPgStatement(`${fits}y`))).toEqual(
      rejects(`A statement is ${MAX_STATEMENT_LENGTH + 1} characters long; the limit is ${MAX_STATEMENT_LENGTH}.`),
    );
  });
});

// ---- toJsonObject, typeHint ------------------------------------------------------------------------------------

const columnMetadata = [
  { label: 'id', typeName: 'serial' },
  { name: 'author', label: 'author' },
  { name: 'optional_double' },
  { name: 'tags' },
  { name: 'is_active', label: 'IS ACTIVE' },
  { name: 'blob_value' },
];
const records = [
  [
    { longValue: 12345 },
    { stringValue: 'Mark Twain' },
    { isNull: true },
    { arrayValue: { stringValues: ['a', 'b'] } },
    { booleanValue: true },
    { blobValue: 'aGVsbG8=' },
  ],
  [
    { longValue: 67890 },
    { stringValue: 'Jack London' },
    { doubleValue: 12.34 },
    { arrayValue: { arrayValues: [{ booleanValues: [true, false] }, { longValues: [1, 2] }] } },
    { booleanValue: false },
    { blobValue: 'd29ybGQ=' },
  ],
];

table('toJsonObject', [
  {
    aws: S('rds resolvers toJsonObject') + ' (an isNull column is left out; label before name; nested arrays)',
    run: () =>
      toJsonObject(JSON.stringify({ sqlStatementResults: [{ numberOfRecordsUpdated: 0, records, columnMetadata }] })),
    expected: [
      [
        { id: 12345, author: 'Mark Twain', tags: ['a', 'b'], 'IS ACTIVE': true, blob_value: 'aGVsbG8=' },
        {
          id: 67890,
          author: 'Jack London',
          optional_double: 12.34,
          tags: [
            [true, false],
            [1, 2],
          ],
          'IS ACTIVE': false,
          blob_value: 'd29ybGQ=',
        },
      ],
    ] as never,
  },
  {
    aws: S('rds resolvers toJsonObject update and select') + ' (a statement without records is [{}])',
    run: () =>
      toJsonObject({
        sqlStatementResults: [
          { numberOfRecordsUpdated: 1 } as never,
          { records: [records[0]!.slice(0, 2)], columnMetadata },
        ],
      }),
    expected: [[{}], [{ id: 12345, author: 'Mark Twain' }]] as never,
  },
  {
    aws: S('rds resolvers toJsonObject insert or update'),
    run: () =>
      toJsonObject(JSON.stringify({ sqlStatementResults: [{ numberOfRecordsUpdated: 1, generatedFields: [] }] })),
    expected: [[{}]] as never,
  },
  {
    aws: S('rds resolvers toJsonObject import paths default') + ' and "fully qualified" (util.rds.toJsonObject)',
    run: () => {
      const result = JSON.stringify({ sqlStatementResults: [{ records: [records[0]!.slice(0, 2)], columnMetadata }] });
      return [toJsonObject(result), util.rds.toJsonObject(result)];
    },
    expected: [[[{ id: 12345, author: 'Mark Twain' }]], [[{ id: 12345, author: 'Mark Twain' }]]] as never,
  },
  {
    aws: 'ours: an empty result set is an empty list',
    run: () => toJsonObject({ sqlStatementResults: [{ records: [], columnMetadata }] }),
    expected: [[]] as never,
  },
]);

table('typeHint', [
  {
    aws: S('rds resolvers typehints UUID'),
    run: () => JSON.parse(JSON.stringify(typeHint.UUID('abc123'))),
    expected: { type: 'UUID', value: 'abc123' } as never,
  },
  {
    aws: S('rds resolvers typehints TIMESTAMP'),
    run: () => JSON.parse(JSON.stringify(typeHint.TIMESTAMP('2023-02-01T00:00:00.000Z'))),
    expected: { type: 'TIMESTAMP', value: '2023-02-01T00:00:00.000Z' } as never,
  },
  {
    aws: 'ours: a values entry that merely looks like a hint is bound as a plain value',
    run: pg(() => insert({ table: 't', values: { doc: { type: 'UUID', value: 'x' } } })),
    expected: req('INSERT INTO "t" ("doc") VALUES (:P0)', { ':P0': { type: 'UUID', value: 'x' } }),
  },
]);

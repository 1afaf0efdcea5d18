// Cases marked "AWS" reproduce EvaluateCode output recorded against AppSync (localstack/appsync-utils snapshots).
import { describe, expect, it } from 'vitest';
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

describe('statements (AWS)', () => {
  it('sql templates number variables across both statements, with hints', () => {
    const id = 'adb626eb-4ce5-452a-a917-3943a37f202b';
    const s1 = sql`insert into Post(id, text) values(${typeHint.UUID(id)}, ${'hello world'})`;
    const s2 = sql`select * from Post where id = ${id}`;
    expect(createPgStatement(s1, s2)).toEqual({
      statements: ['insert into Post(id, text) values(:P0, :P1)', 'select * from Post where id = :P2'],
      variableMap: { ':P0': id, ':P1': 'hello world', ':P2': id },
      variableTypeHintMap: { ':P0': 'UUID' },
    });
  });

  it('a plain string statement is taken as-is', () => {
    const raw = `UPDATE "document" set "data" = jsonb_set("data", '{key}', '"value"') WHERE id = 1`;
    expect(createPgStatement(raw)).toEqual({ statements: [raw], variableMap: {}, variableTypeHintMap: {} });
  });

  it('select with or-where, columns, order, limit and offset', () => {
    const statement = select({
      table: 'UserGroup',
      where: { or: [{ name: { eq: 'Stephane' } }, { id: { gt: 10 } }] },
      limit: 10,
      offset: 1,
      columns: ['id', 'name'],
      orderBy: [{ column: 'name' }, { column: 'id', dir: 'DESC' }],
    });
    const values = { ':P0': 'Stephane', ':P1': 10, ':P2': 10, ':P3': 1 };
    expect(createPgStatement(statement)).toEqual({
      statements: [
        'SELECT "id", "name" FROM "UserGroup" WHERE ("name" = :P0) OR ("id" > :P1) ORDER BY "name" ASC, "id" DESC LIMIT :P2 OFFSET :P3',
      ],
      variableMap: values,
      variableTypeHintMap: {},
    });
    expect(createMySQLStatement(statement).statements).toEqual([
      'SELECT `id`, `name` FROM `UserGroup` WHERE (`name` = :P0) OR (`id` > :P1) ORDER BY `name` ASC, `id` DESC LIMIT :P2 OFFSET :P3',
    ]);
  });

  it('type hints in where clauses; dates become ISO strings', () => {
    const where = {
      and: [
        { id: { eq: typeHint.UUID('1232') } },
        { started: { lt: typeHint.TIMESTAMP(new Date(Date.UTC(2022, 2, 2)) as never) } },
      ],
    };
    expect(createPgStatement(select({ table: 'UserGroup', where }))).toEqual({
      statements: ['SELECT * FROM "UserGroup" WHERE ("id" = :P0) AND ("started" < :P1)'],
      variableMap: { ':P0': '1232', ':P1': '2022-03-02T00:00:00.000Z' },
      variableTypeHintMap: { ':P0': 'UUID', ':P1': 'TIMESTAMP' },
    });
  });

  it('insert, update and remove', () => {
    expect(
      createPgStatement(insert({ table: 'persons', values: { name: 'test' }, returning: '*' })).statements,
    ).toEqual(['INSERT INTO "persons" ("name") VALUES (:P0) RETURNING *']);
    expect(
      createPgStatement(
        update({ table: 'persons', values: { name: 'n', birthday: 'b' }, where: { id: { eq: 'abc123' } } }),
      ),
    ).toEqual({
      statements: ['UPDATE "persons" SET "name" = :P0, "birthday" = :P1 WHERE "id" = :P2'],
      variableMap: { ':P0': 'n', ':P1': 'b', ':P2': 'abc123' },
      variableTypeHintMap: {},
    });
    expect(
      createPgStatement(remove({ table: 'persons', where: { id: { eq: '1232' } }, returning: ['id', 'name'] }))
        .statements,
    ).toEqual(['DELETE FROM "persons" WHERE "id" = :P0 RETURNING "id", "name"']);
    expect(createMySQLStatement(remove({ table: 'persons', where: { id: { eq: '1232' } } })).statements).toEqual([
      'DELETE FROM `persons` WHERE `id` = :P0',
    ]);
  });

  it('typeHint serialises as {type, value}', () => {
    expect(JSON.parse(JSON.stringify(typeHint.UUID('abc123')))).toEqual({ type: 'UUID', value: 'abc123' });
  });
});

describe('statements (our rendering of the unrecorded operators)', () => {
  it('several fields, in, between, null, LIKE and not', () => {
    const where = {
      a: { in: [1, 2] },
      b: { between: [3, 4] },
      c: { eq: null },
      d: { beginsWith: 'x' },
      not: [{ e: { ne: 5 } }],
    };
    expect(createPgStatement(select({ table: 'public.t', columns: [agg.count('id')], where }))).toEqual({
      statements: [
        'SELECT COUNT("id") FROM "public"."t" WHERE "a" IN (:P0, :P1) AND "b" BETWEEN :P2 AND :P3 AND "c" IS NULL AND "d" LIKE :P4 AND NOT (("e" <> :P5))',
      ],
      variableMap: { ':P0': 1, ':P1': 2, ':P2': 3, ':P3': 4, ':P4': 'x%', ':P5': 5 },
      variableTypeHintMap: {},
    });
  });

  it('an or beside another field is parenthesised so precedence holds', () => {
    expect(
      createPgStatement(select({ table: 't', where: { a: { eq: 1 }, or: [{ b: { eq: 2 } }, { c: { eq: 3 } }] } }))
        .statements,
    ).toEqual(['SELECT * FROM "t" WHERE "a" = :P0 AND (("b" = :P1) OR ("c" = :P2))']);
  });

  it('identifiers with quotes are escaped', () => {
    expect(createPgStatement(select({ table: 'we"ird' })).statements).toEqual(['SELECT * FROM "we""ird"']);
  });

  it('refuses more than two statements or none', () => {
    expect(() => createPgStatement(null as never)).toThrow(/one or two statements/);
  });
});

describe('toJsonObject (AWS)', () => {
  const columnMetadata = [
    { name: 'author', label: 'author', typeName: 'VARCHAR' },
    { name: 'n', label: 'n', typeName: 'int8' },
    { name: 'ok', label: 'ok', typeName: 'bool' },
    { name: 'gone', label: 'gone', typeName: 'text' },
  ];
  const select = {
    numberOfRecordsUpdated: 0,
    records: [
      [{ stringValue: 'Mark Twain' }, { longValue: 7 }, { booleanValue: true }, { isNull: true }],
      [{ stringValue: 'Jack London' }, { doubleValue: 1.5 }, { booleanValue: false }, { stringValue: 'x' }],
    ],
    columnMetadata,
  };

  it('turns each statement into row objects, from a string or an object', () => {
    const rows = [
      { author: 'Mark Twain', n: 7, ok: true, gone: null },
      { author: 'Jack London', n: 1.5, ok: false, gone: 'x' },
    ];
    expect(toJsonObject(JSON.stringify({ sqlStatementResults: [select] }))).toEqual([rows]);
    expect(toJsonObject({ sqlStatementResults: [{ numberOfRecordsUpdated: 1 } as never, select] })).toEqual([
      [{}],
      rows,
    ]);
  });

  it('an empty result set is an empty list', () => {
    expect(toJsonObject({ sqlStatementResults: [{ records: [], columnMetadata } as never] })).toEqual([[]]);
  });

  it('array values become arrays', () => {
    const result = { records: [[{ arrayValue: { stringValues: ['a', 'b'] } }]], columnMetadata: [{ name: 'tags' }] };
    expect(toJsonObject({ sqlStatementResults: [result as never] })).toEqual([[{ tags: ['a', 'b'] }]]);
  });
});

// The '@aws-appsync/utils/rds' module: SQL statements with named `:P<n>` variables for the RDS data source,
// and toJsonObject for its Data API-shaped results. Output shapes follow AWS EvaluateCode recordings in
// localstack/appsync-utils (placeholder numbering across statements, `("a" = :P0) OR ("b" > :P1)` where clauses).

import type { RDSRequest } from '@aws-appsync/utils';

type Obj = Record<string, unknown>;
type Dialect = 'pg' | 'mysql';

const HINTED = Symbol('rdsTypeHint');
const AGGREGATE = Symbol('rdsAggregate');

interface TypeHinted {
  type: string;
  value: unknown;
}

function isTypeHinted(value: unknown): value is TypeHinted {
  return typeof value === 'object' && value !== null && HINTED in value;
}

const hint =
  (type: string) =>
  (value: unknown): TypeHinted =>
    Object.defineProperty({ type, value }, HINTED, { value: true, enumerable: false });

export const typeHint = {
  DECIMAL: hint('DECIMAL'),
  JSON: hint('JSON'),
  TIMESTAMP: hint('TIMESTAMP'),
  TIME: hint('TIME'),
  UUID: hint('UUID'),
  DATE: hint('DATE'),
};

// ---- statements -----------------------------------------------------------------------------------------------

/** A statement fragment: raw SQL, an identifier quoted per dialect, or a bound variable. */
type Part = { sql: string } | { ident: string } | { param: unknown };

/** Dialect-neutral until createPgStatement/createMySQLStatement renders it (quoting and numbering happen then). */
export class SQLStatement {
  constructor(readonly parts: readonly Part[]) {}
}

export function sql(literals: TemplateStringsArray, ...args: unknown[]): SQLStatement {
  const parts: Part[] = [];
  literals.forEach((literal, i) => {
    parts.push({ sql: literal });
    if (i < args.length) {
      const arg = args[i];
      if (arg instanceof SQLStatement) parts.push(...arg.parts);
      else parts.push({ param: arg });
    }
  });
  return new SQLStatement(parts);
}

interface RenderContext {
  dialect: Dialect;
  next: number;
  variableMap: Record<string, unknown>;
  variableTypeHintMap: Record<string, string>;
}

function quoteIdentifier(name: string, dialect: Dialect): string {
  if (name === '*') return name;
  const q = dialect === 'pg' ? '"' : '`';
  return name
    .split('.')
    .map((segment) => (segment === '*' ? segment : `${q}${segment.split(q).join(q + q)}${q}`))
    .join('.');
}

function bindVariable(value: unknown, ctx: RenderContext): string {
  const name = `:P${ctx.next++}`;
  const raw = isTypeHinted(value) ? value.value : value;
  ctx.variableMap[name] = raw instanceof Date ? raw.toISOString() : (raw ?? null);
  if (isTypeHinted(value)) ctx.variableTypeHintMap[name] = value.type;
  return name;
}

function render(statement: SQLStatement | string, ctx: RenderContext): string {
  if (typeof statement === 'string') return statement;
  return statement.parts
    .map((part) => {
      if ('sql' in part) return part.sql;
      if ('ident' in part) return quoteIdentifier(part.ident, ctx.dialect);
      return bindVariable(part.param, ctx);
    })
    .join('');
}

function createStatement(dialect: Dialect, statements: (SQLStatement | string | null | undefined)[]): RDSRequest {
  const ctx: RenderContext = { dialect, next: 0, variableMap: {}, variableTypeHintMap: {} };
  const present = statements.filter((s): s is SQLStatement | string => s !== null && s !== undefined);
  if (present.length === 0 || present.length > 2) throw new Error('An RDS request takes one or two statements');
  const rendered = present.map((statement) => render(statement, ctx));
  return { statements: rendered, variableMap: ctx.variableMap, variableTypeHintMap: ctx.variableTypeHintMap };
}

export function createPgStatement(statement1: SQLStatement | string, statement2?: SQLStatement | string | null) {
  return createStatement('pg', [statement1, statement2]);
}

export function createMySQLStatement(statement1: SQLStatement | string, statement2?: SQLStatement | string | null) {
  return createStatement('mysql', [statement1, statement2]);
}

// ---- builders -------------------------------------------------------------------------------------------------

/** Accumulates parts; `text` for SQL, `id` for identifiers, `value` for variables. */
class Builder {
  readonly parts: Part[] = [];
  text(sqlText: string): this {
    this.parts.push({ sql: sqlText });
    return this;
  }
  id(name: string): this {
    this.parts.push({ ident: name });
    return this;
  }
  value(value: unknown): this {
    this.parts.push({ param: value });
    return this;
  }
  embed(statement: SQLStatement): this {
    this.parts.push(...statement.parts);
    return this;
  }
  list<T>(items: readonly T[], each: (item: T) => void, separator = ', '): this {
    items.forEach((item, i) => {
      if (i > 0) this.text(separator);
      each(item);
    });
    return this;
  }
  build(): SQLStatement {
    return new SQLStatement(this.parts);
  }
}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

function writeOperator(b: Builder, column: string, op: string, operand: unknown): void {
  b.id(column);
  const comparator = COMPARATORS[op];
  if ((op === 'eq' || op === 'ne') && operand === null) b.text(op === 'eq' ? ' IS NULL' : ' IS NOT NULL');
  else if (comparator) b.text(` ${comparator} `).value(operand);
  else if (op === 'in' || op === 'notIn') {
    b.text(op === 'in' ? ' IN (' : ' NOT IN (')
      .list(operand as unknown[], (v) => b.value(v))
      .text(')');
  } else if (op === 'between') {
    const [from, to] = operand as unknown[];
    b.text(' BETWEEN ').value(from).text(' AND ').value(to);
  } else if (op === 'beginsWith') b.text(' LIKE ').value(`${String(operand)}%`);
  else if (op === 'contains') b.text(' LIKE ').value(`%${String(operand)}%`);
  else if (op === 'notContains') b.text(' NOT LIKE ').value(`%${String(operand)}%`);
  else if (op === 'attributeExists') b.text(operand ? ' IS NOT NULL' : ' IS NULL');
  else throw new Error(`rds: unsupported where operator "${op}" on column "${column}"`);
}

/** Top-level keys are ANDed; and/or members are each parenthesised; a lone group stays unwrapped (as AWS does). */
function writeCondition(b: Builder, condition: Obj): Builder {
  const entries = Object.entries(condition).filter(([, value]) => value !== undefined);
  b.list(
    entries,
    ([key, value]) => {
      if (key === 'and' || key === 'or' || key === 'not') {
        const members = (Array.isArray(value) ? value : [value]) as Obj[];
        const wrap = entries.length > 1 || key === 'not';
        if (key === 'not') b.text('NOT ');
        if (wrap) b.text('(');
        b.list(members, (member) => writeCondition(b.text('('), member).text(')'), key === 'or' ? ' OR ' : ' AND ');
        if (wrap) b.text(')');
      } else {
        const ops = Object.entries(value as Obj);
        b.list(ops, ([op, operand]) => writeOperator(b, key, op, operand), ' AND ');
      }
    },
    ' AND ',
  );
  return b;
}

function writeWhere(b: Builder, where: unknown): void {
  if (where instanceof SQLStatement) b.text(' WHERE ').embed(where);
  else if (where && typeof where === 'object' && Object.keys(where).length > 0) {
    writeCondition(b.text(' WHERE '), where as Obj);
  }
}

function writeReturning(b: Builder, returning: unknown): void {
  if (returning === '*') b.text(' RETURNING *');
  else if (Array.isArray(returning) && returning.length) {
    b.text(' RETURNING ').list(returning as unknown[], (column) => writeColumn(b, column));
  }
}

function writeColumn(b: Builder, column: unknown): void {
  if (typeof column === 'string') b.id(column);
  else if (column && typeof column === 'object' && AGGREGATE in column) {
    const { fn, distinct, column: target } = column as unknown as { fn: string; distinct: boolean; column: string };
    b.text(`${fn}(${distinct ? 'DISTINCT ' : ''}`)
      .id(target)
      .text(')');
  } else if (column instanceof SQLStatement) b.embed(column);
  else if (column && typeof column === 'object') {
    b.list(Object.entries(column as Obj), ([alias, source]) => {
      if (source instanceof SQLStatement) b.text('(').embed(source).text(')');
      else b.id(String(source));
      b.text(' AS ').id(alias);
    });
  } else throw new Error(`rds: unsupported column ${JSON.stringify(column)}`);
}

function tableOf(payload: Obj): string {
  const table = payload.table ?? payload.from;
  if (typeof table !== 'string') throw new Error('rds: only a table name string is supported as table/from');
  return table;
}

export function select(payload: Obj): SQLStatement {
  const b = new Builder().text('SELECT ');
  const columns = payload.columns;
  if (Array.isArray(columns) && columns.length) b.list(columns as unknown[], (column) => writeColumn(b, column));
  else b.text('*');
  b.text(' FROM ').id(tableOf(payload));
  writeWhere(b, payload.where);
  if (Array.isArray(payload.groupBy) && payload.groupBy.length) {
    b.text(' GROUP BY ').list(payload.groupBy as unknown[], (g) =>
      typeof g === 'number' ? b.text(String(g)) : b.id(String(g)),
    );
  }
  if (payload.having && typeof payload.having === 'object') writeCondition(b.text(' HAVING '), payload.having as Obj);
  const orderBy = payload.orderBy as { column: string; dir?: string }[] | undefined;
  if (orderBy?.length) {
    b.text(' ORDER BY ').list(orderBy, (o) => b.id(o.column).text(` ${(o.dir ?? 'ASC').toUpperCase()}`));
  }
  if (payload.limit !== undefined && payload.limit !== null) b.text(' LIMIT ').value(payload.limit);
  if (payload.offset !== undefined && payload.offset !== null) b.text(' OFFSET ').value(payload.offset);
  return b.build();
}

export function insert(payload: Obj): SQLStatement {
  const entries = Object.entries(payload.values as Obj).filter(([, v]) => v !== undefined);
  const b = new Builder().text('INSERT INTO ').id(tableOf(payload)).text(' (');
  b.list(entries, ([column]) => b.id(column)).text(') VALUES (');
  b.list(entries, ([, value]) => b.value(value)).text(')');
  writeReturning(b, payload.returning);
  return b.build();
}

export function update(payload: Obj): SQLStatement {
  const entries = Object.entries(payload.values as Obj).filter(([, v]) => v !== undefined);
  const b = new Builder().text('UPDATE ').id(tableOf(payload)).text(' SET ');
  b.list(entries, ([column, value]) => b.id(column).text(' = ').value(value));
  writeWhere(b, payload.where);
  writeReturning(b, payload.returning);
  return b.build();
}

export function remove(payload: Obj): SQLStatement {
  const b = new Builder().text('DELETE FROM ').id(tableOf(payload));
  writeWhere(b, payload.where);
  writeReturning(b, payload.returning);
  return b.build();
}

const aggregate = (fn: string, distinct: boolean) => (column: string) =>
  Object.defineProperty({ fn, distinct, column }, AGGREGATE, { value: true, enumerable: false });

export const agg = {
  max: aggregate('MAX', false),
  maxDistinct: aggregate('MAX', true),
  min: aggregate('MIN', false),
  minDistinct: aggregate('MIN', true),
  count: aggregate('COUNT', false),
  countDistinct: aggregate('COUNT', true),
  avg: aggregate('AVG', false),
  avgDistinct: aggregate('AVG', true),
  sum: aggregate('SUM', false),
  sumDistinct: aggregate('SUM', true),
};

// ---- results --------------------------------------------------------------------------------------------------

interface StatementResult {
  records?: Obj[][];
  columnMetadata?: { name?: string; label?: string }[];
}

/** One array of row objects per statement. A statement without `records` (an INSERT) yields `[{}]`, as AWS does. */
export function toJsonObject(data: string | { sqlStatementResults?: StatementResult[] }): Obj[][] {
  const parsed = (typeof data === 'string' ? JSON.parse(data) : data) as { sqlStatementResults?: StatementResult[] };
  return (parsed.sqlStatementResults ?? []).map((result) => {
    if (!result.records) return [{}];
    const columns = (result.columnMetadata ?? []).map((c, i) => c.label ?? c.name ?? `column${i}`);
    return result.records.map((record) =>
      Object.fromEntries(record.map((field, i) => [columns[i] ?? `column${i}`, fieldValue(field)])),
    );
  });
}

/** Data API field -> JS: the one `*Value`/`*Values` member it carries, `isNull` -> null, arrays recursively. */
function fieldValue(field: Obj): unknown {
  if (field.isNull === true) return null;
  for (const [key, value] of Object.entries(field)) {
    if (key === 'isNull') continue;
    if (key === 'arrayValue' || key === 'arrayValues') return arrayValue(value);
    return value;
  }
  return null;
}

function arrayValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' ? fieldValue(v as Obj) : v));
  if (value && typeof value === 'object') {
    const [key, inner] = Object.entries(value as Obj)[0] ?? [];
    return key === 'arrayValues' ? (inner as unknown[]).map(arrayValue) : inner;
  }
  return value;
}

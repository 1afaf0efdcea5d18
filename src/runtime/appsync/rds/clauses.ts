// The clauses other than conditions — table, columns, RETURNING, ORDER BY, GROUP BY, LIMIT/OFFSET — each
// validated with AWS's messages (localstack/appsync-utils' EvaluateCode recordings) before it becomes parts.
import { isConditionObject } from './conditions.ts';
import { rdsError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import { ident, isStatement, join, text, value, type Part } from './statement.ts';

const AGGREGATE = new WeakSet<object>();

interface Aggregate {
  readonly fn: string;
  readonly distinct: boolean;
  readonly column: string;
}

const aggregate = (fn: string, distinct: boolean) => (column: string) => {
  if (typeof column !== 'string') rdsError(`agg.${fn.toLowerCase()} expects a column name.`);
  const made: Aggregate = { fn, distinct, column: checkIdentifier(column, 'Column') };
  AGGREGATE.add(made);
  return made;
};

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

const isAggregate = (candidate: unknown): candidate is Aggregate =>
  typeof candidate === 'object' && candidate !== null && AGGREGATE.has(candidate);

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** `{ alias: source }` → `"source" as "alias"` (AWS reads the value as the source, the key as the alias). */
function aliasParts(alias: string, source: Part[]): Part[] {
  return [...source, text(' as '), ident(checkIdentifier(alias, 'Alias'))];
}

/** `table` / `from`: a name or a one-entry alias object. */
export function tableParts(table: unknown, key: 'table' | 'from'): Part[] {
  if (typeof table === 'string') return [ident(checkIdentifier(table, 'Table'))];
  if (isConditionObject(table)) {
    const entries = Object.entries(table);
    // AWS answers `{}` with a leaked java.util.NoSuchElementException; we give the message for the rule broken.
    if (entries.length !== 1) rdsError('table alias is allowed only one key-value pair.');
    const [alias, source] = entries[0] as [string, unknown];
    if (typeof source !== 'string') rdsError('Table alias value is expected to be a string.');
    return aliasParts(alias, [ident(checkIdentifier(source, 'Table'))]);
  }
  if (key === 'from' && isStatement(table)) rdsError("A sub-query as 'from' is not supported here; name a table.");
  return rdsError(
    key === 'from'
      ? "'from' value is expected to be string or object."
      : 'table name is expected to be a string or alias.',
  );
}

/** select() takes `table` or `from`; insert/update/remove only `table` (AWS ignores `from` there). */
export function statementTable(payload: Record<string, unknown>, allowFrom: boolean): Part[] {
  const hasTable = present(payload.table);
  const hasFrom = allowFrom && present(payload.from);
  if (hasTable && hasFrom) rdsError("'from' and 'table' keys cannot be used together");
  if (!hasTable && !hasFrom) rdsError("'table' or 'from' key is required.");
  return hasTable ? tableParts(payload.table, 'table') : tableParts(payload.from, 'from');
}

function columnParts(column: unknown): Part[] {
  // A bare `*` stays unquoted; `persons.*` is quoted segment by segment (`"persons"."*"`), as AWS renders it.
  if (column === '*') return [text('*')];
  if (typeof column === 'string') return [ident(checkIdentifier(column, 'Column'))];
  if (isAggregate(column)) {
    return [text(`${column.fn}(${column.distinct ? 'DISTINCT ' : ''}`), ident(column.column), text(')')];
  }
  if (isStatement(column)) return [...column.parts];
  if (isConditionObject(column) && Object.keys(column).length > 0) {
    return join(
      Object.entries(column).map(([alias, source]) => {
        if (typeof source === 'string') return aliasParts(alias, [ident(checkIdentifier(source, 'Column'))]);
        if (isStatement(source)) return aliasParts(alias, [text('('), ...source.parts, text(')')]);
        return rdsError('Invalid type in column array.');
      }),
      ', ',
    );
  }
  return rdsError('Invalid type in column array.');
}

/** `columns` / `returning`: `*` or an array of names, aliases or aggregates (`[]` renders nothing, as on AWS). */
export function columnList(columns: unknown): Part[] {
  if (columns === '*') return [text('*')];
  if (!Array.isArray(columns)) rdsError('Expected column to be * or an array.');
  return join(columns.map(columnParts), ', ');
}

/** RETURNING (Postgres only: createMySQLStatement rejects a statement that has one). */
export function returningClause(returning: unknown): Part[] {
  if (!present(returning)) return [];
  return [text('RETURNING '), ...columnList(returning)];
}

export function orderByClause(orderBy: unknown): Part[] {
  if (!present(orderBy)) return [];
  if (!Array.isArray(orderBy)) rdsError('orderBy expects an array.');
  if (orderBy.length === 0) return [];
  const items = orderBy.map((item: unknown) => {
    if (!isConditionObject(item)) rdsError('orderBy item expected to be an object.');
    const { column, dir } = item;
    if (typeof column !== 'string') rdsError('orderBy item expected to have property column.');
    // Only a string dir is checked (and must be ASC or DESC in any case); any other value sorts ascending.
    let direction = 'ASC';
    if (typeof dir === 'string') {
      direction = dir.toUpperCase();
      if (direction !== 'ASC' && direction !== 'DESC')
        rdsError(`orderBy dir can have either ASC or DESC found ${dir}.`);
    }
    return [ident(checkIdentifier(column, 'Column')), text(` ${direction}`)];
  });
  return [text('ORDER BY '), ...join(items, ', ')];
}

export function groupByClause(groupBy: unknown): Part[] {
  if (!present(groupBy)) return [];
  if (!Array.isArray(groupBy)) rdsError('groupBy expects an array.');
  if (groupBy.length === 0) return [];
  const items = groupBy.map((item: unknown) => {
    if (typeof item === 'string') return [ident(checkIdentifier(item, 'Column'))];
    // A position is written into the SQL text, so only a positive integer is accepted.
    if (typeof item === 'number' && Number.isSafeInteger(item) && item > 0) return [text(String(item))];
    return rdsError('groupBy expects column names or positive column positions.');
  });
  return [text('GROUP BY '), ...join(items, ', ')];
}

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

/** LIMIT / OFFSET, bound as a variable: a number, or a numeric string (AWS binds `"5"` as 5). */
export function countClause(keyword: 'LIMIT' | 'OFFSET', count: unknown): Part[] {
  if (!present(count)) return [];
  let n: number | undefined;
  if (typeof count === 'number' && Number.isFinite(count)) n = count;
  else if (typeof count === 'string' && NUMERIC.test(count.trim())) n = Number(count.trim());
  if (n === undefined) rdsError(`${keyword.toLowerCase()} expects a number.`);
  return [text(`${keyword} `), value(n)];
}

// select / insert / update / remove: validate the payload, then assemble the clauses in SQL order.
import { columnList, countClause, groupByClause, orderByClause, returningClause, statementTable } from './clauses.ts';
import { conditionClause, isConditionObject } from './conditions.ts';
import { rdsError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import { assemble, ident, join, text, value, type Part, type SQLStatement } from './statement.ts';

type Payload = Record<string, unknown>;

/** AWS's select() also builds joins; ours does not yet, and says so rather than silently dropping them. */
const JOIN_KEYS = [
  'join',
  'innerJoin',
  'leftJoin',
  'leftOuterJoin',
  'rightJoin',
  'rightOuterJoin',
  'fullOuterJoin',
  'crossJoin',
  'joinNatural',
  'innerJoinNatural',
  'leftJoinNatural',
  'leftOuterJoinNatural',
  'rightJoinNatural',
  'rightOuterJoinNatural',
  'fullOuterJoinNatural',
];

function payloadOf(args: readonly unknown[], helper: string): Payload {
  const [payload] = args;
  if (args.length === 0 || payload === undefined) rdsError(`An argument is expected to be passed to ${helper}`);
  if (!isConditionObject(payload)) rdsError('Expected payload to be an Object.');
  return payload;
}

function valuesOf(payload: Payload, helper: string): [string, unknown][] {
  const values = payload.values;
  if (values === undefined || values === null) rdsError(`values are expected to be passed to ${helper}`);
  if (!isConditionObject(values)) rdsError('Expected values to an Object.');
  return Object.entries(values).map(([column, v]) => [checkIdentifier(column, 'Column'), v]);
}

/** A value in a values list: null and undefined are the literal NULL (AWS binds no variable for them). */
const valuePart = (v: unknown): Part => (v === null || v === undefined ? text('NULL') : value(v));

const hasReturning = (payload: Payload) => payload.returning !== undefined && payload.returning !== null;

export function select(...args: unknown[]): SQLStatement {
  const payload = payloadOf(args, 'select');
  const joinKey = JOIN_KEYS.find((key) => payload[key] !== undefined && payload[key] !== null);
  if (joinKey) rdsError(`select({ ${joinKey} }) is not supported by this runtime yet; write the join with sql\`…\`.`);
  const columns = payload.columns === undefined || payload.columns === null ? '*' : payload.columns;
  return assemble([
    [text('SELECT')],
    columnList(columns),
    [text('FROM '), ...statementTable(payload, true)],
    conditionClause('WHERE', payload.where),
    groupByClause(payload.groupBy),
    conditionClause('HAVING', payload.having),
    orderByClause(payload.orderBy),
    countClause('LIMIT', payload.limit),
    countClause('OFFSET', payload.offset),
  ]);
}

export function insert(...args: unknown[]): SQLStatement {
  const payload = payloadOf(args, 'insert');
  const table = statementTable(payload, false);
  const entries = valuesOf(payload, 'insert');
  return assemble(
    [
      [text('INSERT INTO '), ...table],
      [
        text('('),
        ...join(
          entries.map(([column]) => [ident(column)]),
          ', ',
        ),
        text(')'),
      ],
      [
        text('VALUES ('),
        ...join(
          entries.map(([, v]) => [valuePart(v)]),
          ', ',
        ),
        text(')'),
      ],
      returningClause(payload.returning),
    ],
    hasReturning(payload),
  );
}

export function update(...args: unknown[]): SQLStatement {
  const payload = payloadOf(args, 'update');
  const table = statementTable(payload, false);
  const entries = valuesOf(payload, 'update');
  return assemble(
    [
      [text('UPDATE '), ...table],
      [
        text('SET '),
        ...join(
          entries.map(([column, v]) => [ident(column), text(' = '), valuePart(v)]),
          ', ',
        ),
      ],
      conditionClause('WHERE', payload.where),
      returningClause(payload.returning),
    ],
    hasReturning(payload),
  );
}

export function remove(...args: unknown[]): SQLStatement {
  const payload = payloadOf(args, 'remove');
  return assemble(
    [
      [text('DELETE FROM '), ...statementTable(payload, false)],
      conditionClause('WHERE', payload.where),
      returningClause(payload.returning),
    ],
    hasReturning(payload),
  );
}

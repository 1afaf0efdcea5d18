// Condition objects (`where`, `having`) rendered as AWS renders them: keys joined by AND in the order given;
// each and/or member wrapped in parentheses once, the group itself never; a member that renders to nothing is
// not wrapped but keeps its separator (AWS's own output for `{ or: [{}, {}] }` is `WHERE  OR`).
import { rdsError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import { ident, isEmpty, isStatement, join, text, value, type Part } from './statement.ts';
import { isTypeHinted } from './type-hints.ts';

/** How deep and/or/not groups may nest: far past any real filter, well before the stack would give out. */
export const MAX_CONDITION_DEPTH = 32;

const COMPARATORS: Readonly<Record<string, string>> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const GROUPS: Readonly<Record<string, string>> = { and: ' AND ', or: ' OR ', not: ' AND ' };
/** `size` is recorded from AWS (`LENGTH ("col")`); the aggregates follow the same shape (typings only). */
const FUNCTIONS: Readonly<Record<string, string>> = {
  size: 'LENGTH (',
  max: 'MAX (',
  min: 'MIN (',
  avg: 'AVG (',
  sum: 'SUM (',
  count: 'COUNT (',
  maxDistinct: 'MAX (DISTINCT ',
  minDistinct: 'MIN (DISTINCT ',
  avgDistinct: 'AVG (DISTINCT ',
  sumDistinct: 'SUM (DISTINCT ',
  countDistinct: 'COUNT (DISTINCT ',
};

/** A condition object: a plain object, not an array, a statement or a type hint. */
export function isConditionObject(candidate: unknown): candidate is Record<string, unknown> {
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    !Array.isArray(candidate) &&
    !isStatement(candidate) &&
    !isTypeHinted(candidate) &&
    !(candidate instanceof Date)
  );
}

const orNull = (v: unknown): Part => (v === null || v === undefined ? text('NULL') : value(v));

function between(target: readonly Part[], operand: unknown, label: string): Part[] {
  if (!Array.isArray(operand)) rdsError(`${label} condition expects an array with length of 2.`);
  if (operand.length !== 2) {
    rdsError(`${label} condition expects an array with 2 values but received an array with length ${operand.length}.`);
  }
  return [...target, text(' BETWEEN '), orNull(operand[0]), text(' AND '), orNull(operand[1])];
}

/** `size: { gt: 2 }` and the like: the column wrapped in a function, compared per operator (null → NULL). */
function functionCondition(column: string, fn: string, operand: unknown): Part[] {
  const label = `${column}.${fn}`;
  if (!isConditionObject(operand)) rdsError(`Expected ${label} to be an Object.`);
  const target = [text(FUNCTIONS[fn] as string), ident(column), text(')')];
  return join(
    Object.entries(operand).map(([op, v]) => {
      if (op === 'between') return between(target, v, label);
      const comparator = COMPARATORS[op];
      if (!comparator) rdsError(`${label} has invalid ${fn} operator.`);
      return [...target, text(` ${comparator} `), orNull(v)];
    }),
    ' AND ',
  );
}

function operatorCondition(column: string, op: string, operand: unknown): Part[] {
  if (Object.hasOwn(FUNCTIONS, op)) return functionCondition(column, op, operand);
  const label = `${column}.${op}`;
  if (operand === null || operand === undefined) rdsError(`Value for ${label} can't be null.`);
  const comparator = COMPARATORS[op];
  if (comparator) return [ident(column), text(` ${comparator} `), value(operand)];
  switch (op) {
    case 'between':
      return between([ident(column)], operand, label);
    case 'beginsWith':
    case 'contains':
    case 'notContains': {
      if (typeof operand !== 'string') rdsError(`${label} expects a string value to be passed.`);
      // AWS wraps contains in wildcards and beginsWith at the end; notContains binds the value as given.
      const pattern = op === 'beginsWith' ? `${operand}%` : op === 'contains' ? `%${operand}%` : operand;
      return [ident(column), text(op === 'notContains' ? ' NOT LIKE ' : ' LIKE '), value(pattern)];
    }
    case 'attributeExists':
      if (typeof operand !== 'boolean') rdsError(`${label} expects a boolean value to be passed.`);
      return [ident(column), text(operand ? ' IS NOT NULL' : ' IS NULL')];
    default:
      return rdsError(`Unsupported condition ${label}.`);
  }
}

function columnCondition(column: string, operators: unknown): Part[] {
  if (!isConditionObject(operators)) rdsError('Expected condition to be an Object.');
  checkIdentifier(column, 'Column');
  return join(
    Object.entries(operators).map(([op, operand]) => operatorCondition(column, op, operand)),
    ' AND ',
  );
}

function groupCondition(key: string, members: unknown, depth: number): Part[] {
  if (depth >= MAX_CONDITION_DEPTH) rdsError(`Conditions nest deeper than ${MAX_CONDITION_DEPTH} levels.`);
  if (!Array.isArray(members)) rdsError(`${key} expects conditions to be an array`);
  const rendered = members.map((member: unknown) => {
    if (!isConditionObject(member)) rdsError(`Expected ${key} to be an Object.`);
    const parts = renderCondition(member, depth + 1);
    return isEmpty(parts) ? parts : [text('('), ...parts, text(')')];
  });
  const inner = join(rendered, GROUPS[key] as string);
  if (key !== 'not' || isEmpty(inner)) return inner;
  return [text('NOT ('), ...inner, text(')')];
}

/** One condition object; an empty result means "no condition" (the caller then leaves out WHERE). */
export function renderCondition(condition: Record<string, unknown>, depth = 0): Part[] {
  return join(
    Object.entries(condition).map(([key, operand]) =>
      Object.hasOwn(GROUPS, key) ? groupCondition(key, operand, depth) : columnCondition(key, operand),
    ),
    ' AND ',
  );
}

/** `WHERE …` / `HAVING …` from a condition object or a `sql` template; nothing for null, undefined or `{}`. */
export function conditionClause(keyword: 'WHERE' | 'HAVING', condition: unknown): Part[] {
  if (condition === undefined || condition === null) return [];
  if (isStatement(condition)) return [text(`${keyword} `), ...condition.parts];
  if (!isConditionObject(condition)) {
    rdsError(`${keyword} values are expected to be SQL templates or a condition object.`);
  }
  const parts = renderCondition(condition);
  return isEmpty(parts) ? [] : [text(`${keyword} `), ...parts];
}

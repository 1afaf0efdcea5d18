// util.transform: filter objects -> DynamoDB expressions, OpenSearch DSL and subscription filters. The DynamoDB
// output (parenthesisation, `:and_0_field_op` value names, null for unreadable input) follows AWS EvaluateCode
// recordings in localstack/appsync-utils' transform snapshots, quirks included.
import { isPlainObject, toDynamoDB, type TypedValue } from './dynamodb-values.ts';

export interface RenderedExpression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, TypedValue>;
}

class Unrenderable extends Error {}

const COMPARATORS: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };
const ATTRIBUTE_TYPES: Record<string, string> = {
  _null: 'NULL',
  string: 'S',
  stringSet: 'SS',
  number: 'N',
  numberSet: 'NS',
  binary: 'B',
  binarySet: 'BS',
  boolean: 'BOOL',
  list: 'L',
  map: 'M',
};

/** The object form of toDynamoDBFilterExpression; null when AWS would answer null (unreadable filter). */
export function renderFilterObject(filter: unknown): RenderedExpression | null {
  const out: RenderedExpression = { expression: '', expressionNames: {}, expressionValues: {} };
  try {
    out.expression = renderGroupMembers(filter, '', out);
    return out;
  } catch (error) {
    if (error instanceof Unrenderable) return null;
    throw error;
  }
}

/** Every key of one filter object, each rendered and joined with AND, unwrapped (AWS leaves joiners dangling). */
function renderGroupMembers(filter: unknown, prefix: string, out: RenderedExpression): string {
  if (!isPlainObject(filter)) throw new Unrenderable();
  return Object.entries(filter)
    .map(([key, value]) => renderKey(key, value, prefix, out))
    .join(' AND ');
}

function renderKey(key: string, value: unknown, prefix: string, out: RenderedExpression): string {
  if (key === 'and' || key === 'or') {
    if (!Array.isArray(value)) throw new Unrenderable();
    const parts = value.map((member, i) => renderGroupMembers(member, `${prefix}${key}_${i}_`, out));
    return parts.length > 1 ? `(${parts.join(key === 'and' ? ' AND ' : ' OR ')})` : (parts[0] ?? '');
  }
  if (key === 'not') return `(NOT ${renderGroupMembers(value, `${prefix}not_`, out)})`;
  if (!isPlainObject(value)) throw new Unrenderable();
  out.expressionNames[`#${key}`] = key;
  return renderOperators(`#${key}`, `${prefix}${key}`, value, out);
}

function renderOperators(path: string, valueName: string, ops: Record<string, unknown>, out: RenderedExpression) {
  const parts = Object.entries(ops).map(([op, operand]) => renderOperator(path, valueName, op, operand, out));
  return parts.length > 1 ? `(${parts.join(' AND ')})` : (parts[0] ?? '');
}

function renderOperator(path: string, name: string, op: string, operand: unknown, out: RenderedExpression): string {
  const bind = (suffix: string, value: unknown) => {
    const placeholder = `:${name}_${suffix}`;
    out.expressionValues[placeholder] = toDynamoDB(value);
    return placeholder;
  };
  const comparator = COMPARATORS[op];
  if (comparator) return `(${path} ${comparator} ${bind(op, operand)})`;
  switch (op) {
    case 'contains':
      return `(contains(${path},${bind(op, operand)}))`;
    case 'notContains':
      return `(NOT contains(${path},${bind(op, operand)}))`;
    case 'beginsWith':
      return `(begins_with(${path},${bind(op, operand)}))`;
    case 'between': {
      if (!Array.isArray(operand) || operand.length < 2) throw new Unrenderable();
      return `(${path} BETWEEN ${bind('between_start', operand[0])} AND ${bind('between_end', operand[1])})`;
    }
    case 'in': {
      if (!Array.isArray(operand)) throw new Unrenderable();
      // AWS renders an empty list as "(null)"; kept so expressions match byte for byte.
      const list = operand.length ? operand.map((v, i) => bind(`in_${i}`, v)).join(', ') : null;
      return list === null ? '(null)' : `(${path} IN (${list}))`;
    }
    case 'attributeExists':
      if (typeof operand !== 'boolean') throw new Unrenderable();
      return `(${operand ? 'attribute_exists' : 'attribute_not_exists'}(${path}))`;
    case 'attributeType': {
      const code = typeof operand === 'string' ? ATTRIBUTE_TYPES[operand] : undefined;
      if (!code) throw new Unrenderable();
      return `(attribute_type(${path},${bind(op, code)}))`;
    }
    case 'size':
      if (!isPlainObject(operand)) throw new Unrenderable();
      return renderOperators(path.startsWith('size(') ? path : `size(${path})`, `${name}_size`, operand, out);
    default:
      throw new Unrenderable();
  }
}

export function toDynamoDBFilterExpression(filter: unknown): string | null {
  const rendered = renderFilterObject(filter);
  return rendered && JSON.stringify(rendered);
}

/** AWS renders conditions exactly like filters (identical output for every recorded input). */
export const toDynamoDBConditionExpression = toDynamoDBFilterExpression;

// ---- subscription filters -------------------------------------------------------------------------------------

interface FilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}
type Disjunction = FilterEntry[][];

/**
 * Disjunctive normal form: every operator of a field, every `or` member and every rule is an alternative, so the
 * groups multiply out. `not` is not special here: AWS reads it as a field name.
 */
export function toSubscriptionFilter(filter: unknown, ignoredFields: string[] = [], rules?: unknown) {
  if (!isPlainObject(filter)) return null;
  const ignored = new Set(ignoredFields);
  let groups = filterAlternatives(filter, ignored);
  if (isPlainObject(rules) && Object.keys(rules).length > 0) {
    groups = crossProduct(groups, filterAlternatives(rules, new Set()).flatMap(splitEntries));
  }
  return { filterGroup: groups.filter((g) => g.length > 0).map((filters) => ({ filters })) };
}

function filterAlternatives(filter: Record<string, unknown>, ignored: Set<string>): Disjunction {
  let groups: Disjunction = [[]];
  for (const [key, value] of Object.entries(filter)) {
    if (ignored.has(key)) continue;
    if ((key === 'and' || key === 'or') && Array.isArray(value)) {
      const members = value.filter(isPlainObject).map((member) => filterAlternatives(member, ignored));
      groups = key === 'and' ? members.reduce(crossProduct, groups) : crossProduct(groups, members.flat());
    } else if (isPlainObject(value)) {
      const alternatives = Object.entries(value).map(([operator, operand]) => [
        { fieldName: key, operator, value: operand },
      ]);
      groups = crossProduct(groups, alternatives);
    }
  }
  return groups;
}

/** Rules are "at least one holds", so each single rule entry is its own alternative. */
function splitEntries(group: FilterEntry[]): Disjunction {
  return group.map((entry) => [entry]);
}

function crossProduct(left: Disjunction, right: Disjunction): Disjunction {
  return left.flatMap((a) => right.map((b) => [...a, ...b]));
}

// ---- OpenSearch ---------------------------------------------------------------------------------------------

const OPENSEARCH_TEXT_OPS: Record<string, string> = {
  match: 'match',
  matchPhrase: 'match_phrase',
  matchPhrasePrefix: 'match_phrase_prefix',
  wildcard: 'wildcard',
  regexp: 'regexp',
};

/** Follows the AWS doc example (top level is a bool/must of per-field clauses); other shapes unverified. */
export function toElasticsearchQueryDSL(query: unknown): string | null {
  if (!isPlainObject(query)) return null;
  return JSON.stringify(openSearchObject(query));
}

function openSearchObject(query: Record<string, unknown>): unknown {
  const clauses = Object.entries(query).map(([key, value]) => openSearchKey(key, value));
  return { bool: { must: clauses } };
}

function openSearchKey(key: string, value: unknown): unknown {
  const members = Array.isArray(value) ? value.filter(isPlainObject).map(openSearchObject) : [];
  if (key === 'and') return { bool: { must: members } };
  if (key === 'or') return { bool: { should: members } };
  if (key === 'not') return { bool: { must_not: isPlainObject(value) ? openSearchObject(value) : members } };
  const ops = isPlainObject(value) ? Object.entries(value) : [];
  const clauses = ops.map(([op, operand]) => openSearchClause(key, op, operand));
  return clauses.length === 1 ? clauses[0] : { bool: { must: clauses } };
}

function openSearchClause(field: string, op: string, operand: unknown): unknown {
  const textOp = OPENSEARCH_TEXT_OPS[op];
  if (textOp) return { [textOp]: { [field]: operand } };
  switch (op) {
    case 'eq':
      return { term: { [field]: operand } };
    case 'ne':
      return { bool: { must_not: { term: { [field]: operand } } } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { range: { [field]: { [op]: operand } } };
    case 'range': {
      const [from, to] = Array.isArray(operand) ? operand : [];
      return { range: { [field]: { gte: from, lte: to } } };
    }
    case 'exists':
      return operand ? { exists: { field } } : { bool: { must_not: { exists: { field } } } };
    case 'multiMatch':
      return { multi_match: { query: operand, fields: [field] } };
    default:
      throw new Error(`Unsupported OpenSearch operator "${op}" on field "${field}"`);
  }
}

// The '@aws-appsync/utils/dynamodb' module: builds AppSync DynamoDB request objects with typed values.
// Update expressions and operation objects match AWS EvaluateCode output (`SET #expName_1 = #expName_1 - :expValue_1`,
// `{type: 'OPERATION_ADD', value}`); query key conditions and projections have no AWS recording we could find, so
// they use the same `#expName_n`/`:expValue_n` counters (never colliding with filter names) and are only guaranteed
// valid and deterministic.
import { isPlainObject, isPreTyped, preTyped, toDynamoDB, toMapValues, type TypedValue } from './dynamodb-values.ts';
import { renderFilterObject, type RenderedExpression } from './transform.ts';
import type {
  DynamoDBBatchDeleteItemRequest,
  DynamoDBBatchGetItemRequest,
  DynamoDBBatchPutItemRequest,
  DynamoDBDeleteItemRequest,
  DynamoDBGetItemRequest,
  DynamoDBPutItemRequest,
  DynamoDBQueryRequest,
  DynamoDBScanRequest,
  DynamoDBSyncRequest,
  DynamoDBTransactGetItemsRequest,
  DynamoDBTransactWriteItemsRequest,
  DynamoDBUpdateItemRequest,
} from '@aws-appsync/utils';

type Obj = Record<string, unknown>;

interface Expression {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, TypedValue>;
}

// ---- operations -----------------------------------------------------------------------------------------------

const OPERATION_TYPES = new Set([
  'OPERATION_ADD',
  'OPERATION_REMOVE',
  'OPERATION_REPLACE',
  'OPERATION_INCREMENT',
  'OPERATION_DECREMENT',
  'OPERATION_APPEND',
  'OPERATION_PREPEND',
  'OPERATION_UPDATE_LIST_ITEM',
]);

export const operations = {
  add: (value: unknown) => ({ type: 'OPERATION_ADD', value }),
  remove: () => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown) => ({ type: 'OPERATION_REPLACE', value }),
  increment: (by = 1) => ({ type: 'OPERATION_INCREMENT', by }),
  decrement: (by = 1) => ({ type: 'OPERATION_DECREMENT', by }),
  append: (items: unknown[]) => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown[]) => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number) => ({ type: 'OPERATION_UPDATE_LIST_ITEM', value, index }),
};

function asOperation(value: unknown): (Obj & { type: string }) | null {
  return isPlainObject(value) && typeof value.type === 'string' && OPERATION_TYPES.has(value.type)
    ? (value as Obj & { type: string })
    : null;
}

// ---- expression building --------------------------------------------------------------------------------------

/** Hands out `#expName_n` / `:expValue_n` placeholders for one expression. */
class Placeholders {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, TypedValue> = {};
  private nameCount = 0;
  private valueCount = 0;

  name(attribute: string): string {
    const placeholder = `#expName_${++this.nameCount}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:expValue_${++this.valueCount}`;
    this.values[placeholder] = toDynamoDB(value);
    return placeholder;
  }
}

interface UpdateClauses {
  set: string[];
  remove: string[];
}

function collectUpdates(update: Obj, parent: string | null, p: Placeholders, clauses: UpdateClauses): void {
  for (const [attribute, value] of Object.entries(update)) {
    if (value === undefined) continue;
    const path = parent === null ? p.name(attribute) : `${parent}.${p.name(attribute)}`;
    const op = asOperation(value);
    if (op) collectOperation(path, op, p, clauses);
    else if (Array.isArray(value) && value.some((item) => asOperation(item)?.type === 'OPERATION_UPDATE_LIST_ITEM')) {
      for (const item of value) collectOperation(path, asOperation(item) ?? operations.add(item), p, clauses);
    } else if (isPlainObject(value) && !isPreTyped(value)) collectUpdates(value, path, p, clauses);
    else clauses.set.push(`${path} = ${p.value(value)}`);
  }
}

function collectOperation(path: string, op: Obj & { type: string }, p: Placeholders, clauses: UpdateClauses): void {
  switch (op.type) {
    case 'OPERATION_REMOVE':
      clauses.remove.push(path);
      return;
    case 'OPERATION_INCREMENT':
      clauses.set.push(`${path} = ${path} + ${p.value(op.by)}`);
      return;
    case 'OPERATION_DECREMENT':
      clauses.set.push(`${path} = ${path} - ${p.value(op.by)}`);
      return;
    case 'OPERATION_APPEND':
      clauses.set.push(`${path} = list_append(${path}, ${p.value(op.items)})`);
      return;
    case 'OPERATION_PREPEND':
      clauses.set.push(`${path} = list_append(${p.value(op.items)}, ${path})`);
      return;
    case 'OPERATION_UPDATE_LIST_ITEM':
      clauses.set.push(`${path}[${Number(op.index)}] = ${p.value(op.value)}`);
      return;
    default: // add and replace both overwrite the attribute
      clauses.set.push(`${path} = ${p.value(op.value)}`);
  }
}

export function buildUpdateExpression(update: Obj): Expression {
  const p = new Placeholders();
  const clauses: UpdateClauses = { set: [], remove: [] };
  collectUpdates(update, null, p, clauses);
  const parts = [];
  if (clauses.set.length) parts.push(`SET ${clauses.set.join(', ')}`);
  if (clauses.remove.length) parts.push(`REMOVE ${clauses.remove.join(', ')}`);
  return { expression: parts.join(' '), expressionNames: p.names, expressionValues: p.values };
}

const KEY_COMPARATORS: Record<string, string> = { eq: '=', lt: '<', le: '<=', gt: '>', ge: '>=' };

export function buildKeyCondition(query: Obj): Expression {
  const p = new Placeholders();
  const parts: string[] = [];
  for (const [attribute, ops] of Object.entries(query)) {
    if (!isPlainObject(ops)) throw new Error(`ddb.query: key condition for "${attribute}" must be an operator object`);
    const name = p.name(attribute);
    for (const [op, operand] of Object.entries(ops)) {
      const comparator = KEY_COMPARATORS[op];
      if (comparator) parts.push(`${name} ${comparator} ${p.value(operand)}`);
      else if (op === 'beginsWith') parts.push(`begins_with(${name}, ${p.value(operand)})`);
      else if (op === 'between' && Array.isArray(operand) && operand.length === 2) {
        parts.push(`${name} BETWEEN ${p.value(operand[0])} AND ${p.value(operand[1])}`);
      } else throw new Error(`ddb.query: unsupported key condition operator "${op}" on "${attribute}"`);
    }
  }
  return { expression: parts.join(' AND '), expressionNames: p.names, expressionValues: p.values };
}

/** Projection paths like `author.name` or `tags[0]`: each name segment gets a placeholder, indexes stay. */
export function buildProjection(paths: readonly string[]): {
  expression: string;
  expressionNames: Record<string, string>;
} {
  const names: Record<string, string> = {};
  const bySegment = new Map<string, string>();
  const placeholder = (segment: string) => {
    let name = bySegment.get(segment);
    if (!name) {
      name = `#projection_${bySegment.size + 1}`;
      bySegment.set(segment, name);
      names[name] = segment;
    }
    return name;
  };
  const expression = paths
    .map((path) =>
      path
        .split('.')
        .map((segment) => segment.replace(/^[^[]+/, (attr) => placeholder(attr)))
        .join('.'),
    )
    .join(', ');
  return { expression, expressionNames: names };
}

/** Filter/condition objects go through util.transform's renderer; an already-rendered `{expression}` passes through. */
function toExpression(input: unknown, what: string): RenderedExpression | Expression {
  if (isPlainObject(input) && typeof input.expression === 'string') return input as unknown as Expression;
  const rendered = renderFilterObject(input);
  if (!rendered) throw new Error(`Invalid ${what} object: ${JSON.stringify(input)}`);
  return rendered;
}

/** Copies the optional fields that are set (null and undefined are left out, as the data sources expect). */
function optional(source: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const key of keys) if (source[key] !== undefined && source[key] !== null) out[key] = source[key];
  return out;
}

function withExpressions(payload: Obj): Obj {
  const out: Obj = {};
  if (payload.filter !== undefined && payload.filter !== null) out.filter = toExpression(payload.filter, 'filter');
  if (payload.condition !== undefined && payload.condition !== null) {
    out.condition = toExpression(payload.condition, 'condition');
  }
  if (Array.isArray(payload.projection) && payload.projection.length) {
    out.projection = buildProjection(payload.projection as string[]);
  }
  return out;
}

const VERSIONING = ['customPartitionKey', 'populateIndexFields', '_version'] as const;

// ---- single-item operations -----------------------------------------------------------------------------------

export function get(payload: { key: Obj; consistentRead?: boolean; projection?: string[] }): DynamoDBGetItemRequest {
  return {
    operation: 'GetItem' as const,
    key: toMapValues(payload.key),
    ...optional(payload, ['consistentRead']),
    ...withExpressions(payload),
  };
}

export function put(payload: { key: Obj; item: Obj; condition?: unknown } & Obj): DynamoDBPutItemRequest {
  return {
    operation: 'PutItem' as const,
    key: toMapValues(payload.key),
    attributeValues: toMapValues(payload.item),
    ...withExpressions(payload),
    ...optional(payload, VERSIONING),
  };
}

export function update(payload: { key: Obj; update: Obj; condition?: unknown } & Obj): DynamoDBUpdateItemRequest {
  return {
    operation: 'UpdateItem' as const,
    key: toMapValues(payload.key),
    update: buildUpdateExpression(payload.update),
    ...withExpressions(payload),
    ...optional(payload, VERSIONING),
  };
}

export function remove(payload: { key: Obj; condition?: unknown } & Obj): DynamoDBDeleteItemRequest {
  return {
    operation: 'DeleteItem' as const,
    key: toMapValues(payload.key),
    ...withExpressions(payload),
    ...optional(payload, VERSIONING),
  };
}

// ---- reads over many items ------------------------------------------------------------------------------------

const SCAN_FIELDS = [
  'index',
  'limit',
  'nextToken',
  'consistentRead',
  'select',
  'scanIndexForward',
  'totalSegments',
  'segment',
];

export function query(payload: { query: Obj } & Obj): DynamoDBQueryRequest {
  return {
    operation: 'Query' as const,
    query: buildKeyCondition(payload.query),
    ...optional(payload, SCAN_FIELDS),
    ...withExpressions(payload),
  };
}

export function scan(payload: Obj = {}): DynamoDBScanRequest {
  return { operation: 'Scan' as const, ...optional(payload, SCAN_FIELDS), ...withExpressions(payload) };
}

export function sync(payload: Obj = {}): DynamoDBSyncRequest {
  const fields = ['basePartitionKey', 'deltaIndexName', 'limit', 'nextToken', 'lastSync'];
  return { operation: 'Sync' as const, ...optional(payload, fields), ...withExpressions(payload) };
}

// ---- batches and transactions ---------------------------------------------------------------------------------

function mapTables<T, R>(tables: Record<string, T>, convert: (table: T) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, convert(table)]));
}

export function batchGet(payload: {
  tables: Record<string, { keys: Obj[]; consistentRead?: boolean } & Obj>;
}): DynamoDBBatchGetItemRequest {
  return {
    operation: 'BatchGetItem' as const,
    tables: mapTables(payload.tables, (table) => ({
      keys: table.keys.map(toMapValues),
      ...optional(table, ['consistentRead']),
      ...withExpressions({ projection: table.projection }),
    })),
  };
}

export function batchPut(payload: { tables: Record<string, Obj[]> }): DynamoDBBatchPutItemRequest {
  return { operation: 'BatchPutItem' as const, tables: mapTables(payload.tables, (items) => items.map(toMapValues)) };
}

export function batchDelete(payload: { tables: Record<string, Obj[]> }): DynamoDBBatchDeleteItemRequest {
  return { operation: 'BatchDeleteItem' as const, tables: mapTables(payload.tables, (keys) => keys.map(toMapValues)) };
}

export function transactGet(payload: {
  items: ({ table: string; key: Obj } & Obj)[];
}): DynamoDBTransactGetItemsRequest {
  return {
    operation: 'TransactGetItems' as const,
    transactItems: payload.items.map((item) => ({
      table: item.table,
      key: toMapValues(item.key),
      ...withExpressions({ projection: item.projection }),
    })),
  };
}

type TransactItem = DynamoDBTransactWriteItemsRequest['transactItems'][number];
type TransactWriteItem = Partial<Record<'putItem' | 'updateItem' | 'deleteItem' | 'conditionCheck', Obj>>;

function transactWriteItem(item: TransactWriteItem): TransactItem {
  const [kind, spec] = Object.entries(item)[0] ?? [];
  if (!spec) throw new Error('ddb.transactWrite: each item needs putItem, updateItem, deleteItem or conditionCheck');
  const base = {
    table: String(spec.table),
    key: toMapValues(spec.key as Obj),
    ...withExpressions({ condition: spec.condition }),
  };
  switch (kind) {
    case 'putItem':
      return { ...base, operation: 'PutItem', attributeValues: toMapValues(spec.item as Obj) };
    case 'updateItem':
      return { ...base, operation: 'UpdateItem', update: buildUpdateExpression(spec.update as Obj) };
    case 'deleteItem':
      return { ...base, operation: 'DeleteItem' };
    case 'conditionCheck':
      return { ...base, operation: 'ConditionCheck' };
    default:
      throw new Error(`ddb.transactWrite: unknown item kind "${kind}"`);
  }
}

export function transactWrite(payload: { items: TransactWriteItem[] }): DynamoDBTransactWriteItemsRequest {
  return { operation: 'TransactWriteItems' as const, transactItems: payload.items.map(transactWriteItem) };
}

// ---- sets -----------------------------------------------------------------------------------------------------

// Pre-typed so put/update store real sets instead of converting the {SS: [...]} wrapper into a map.
export const toStringSet = (list: string[]) => preTyped({ SS: [...list] });
/** Numbers stay JSON numbers, as AppSync emits them (the typings' "1" strings are not what the service returns). */
export const toNumberSet = (numbers: number[]) => preTyped({ NS: [...numbers] });
export const toBinarySet = (values: string[]) => preTyped({ BS: [...values] });

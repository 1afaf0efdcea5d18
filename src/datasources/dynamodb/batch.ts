// BatchGetItem / BatchPutItem / BatchDeleteItem, chunked at DynamoDB's limits (100 keys, 25 writes per call).
// Results follow AppSync: per table, one entry per requested key/item in request order (null when missing or
// unprocessed), and unprocessed ones listed again under unprocessedKeys/unprocessedItems for the handler to retry.
import { BatchGetItemCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { KeysAndAttributes, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { DataSourceOutcome } from '../types.ts';
import type { Invocation } from './context.ts';
import { MappingTemplateError, canonical, toAttributeMap, toPlain, valueText } from './convert.ts';
import type { AttributeMap } from './convert.ts';
import * as read from './request.ts';
import type { Expression, Fields } from './request.ts';

const GET_LIMIT = 100;
const WRITE_LIMIT = 25;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function tablesOf(req: Fields): [string, unknown][] {
  const entries = Object.entries(read.object(req.tables, 'tables'));
  if (entries.length === 0) throw new MappingTemplateError('tables: must name at least one table');
  return entries;
}

/** The text identifying an item by its key attributes (the names the request's key used). */
function keyText(item: AttributeMap, names: readonly string[]): string {
  return JSON.stringify(
    names.map((n) => {
      const v = item[n];
      return v ? valueText(v) : null;
    }),
  );
}

interface GetTable {
  readonly table: string;
  readonly keys: AttributeMap[];
  readonly consistentRead?: boolean;
  readonly projection?: Expression;
  /** Key attributes we added to the projection to match items to keys; stripped from the result again. */
  readonly added: string[];
}

/** Top-level attribute names a projection expression returns (placeholders resolved). */
function projectedNames(projection: Expression): Set<string> {
  return new Set(
    projection.expression.split(',').map((path) => {
      const head = path.trim().split(/[.[]/)[0] ?? '';
      return projection.names?.[head] ?? head;
    }),
  );
}

function readGetTable(table: string, value: unknown): GetTable {
  const path = `tables.${table}`;
  const fields = read.object(value, path);
  const keys = read
    .array(fields.keys, `${path}.keys`, { nonEmpty: true })
    .map((k, i) => read.key(k, `${path}.keys[${i}]`));
  const projection = read.optionalExpression(fields.projection, `${path}.projection`, false);
  const keyNames = [...new Set(keys.flatMap((k) => Object.keys(k)))];
  const shown = projection ? projectedNames(projection) : undefined;
  return {
    table,
    keys,
    consistentRead: read.optionalBoolean(fields.consistentRead, `${path}.consistentRead`),
    projection,
    added: shown ? keyNames.filter((n) => !shown.has(n)) : [],
  };
}

function requestFor(spec: GetTable, keys: AttributeMap[]): KeysAndAttributes {
  if (!spec.projection) return { Keys: keys, ConsistentRead: spec.consistentRead };
  const names = { ...spec.projection.names };
  const extra = spec.added.map((name, i) => {
    names[`#appsyncKey${i}`] = name;
    return `#appsyncKey${i}`;
  });
  return {
    Keys: keys,
    ConsistentRead: spec.consistentRead,
    ProjectionExpression: [spec.projection.expression, ...extra].join(', '),
    ExpressionAttributeNames: names,
  };
}

export async function batchGetItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const specs = tablesOf(req).map(([table, value]) => readGetTable(table, value));
  const pairs = specs.flatMap((spec) => spec.keys.map((key) => ({ spec, key })));
  const found = new Map<string, Map<string, AttributeMap>>(specs.map((s) => [s.table, new Map()]));
  const unprocessed = new Map<string, Set<string>>(specs.map((s) => [s.table, new Set()]));
  const keyNames = (spec: GetTable) => Object.keys(spec.keys[0] ?? {});

  for (const chunk of chunks(pairs, GET_LIMIT)) {
    const RequestItems: Record<string, KeysAndAttributes> = {};
    for (const spec of specs) {
      const keys = chunk.filter((p) => p.spec === spec).map((p) => p.key);
      if (keys.length > 0) RequestItems[spec.table] = requestFor(spec, keys);
    }
    const out = await ctx.send(new BatchGetItemCommand({ RequestItems }));
    for (const spec of specs) {
      for (const item of out.Responses?.[spec.table] ?? [])
        found.get(spec.table)?.set(keyText(item, keyNames(spec)), item);
      for (const key of out.UnprocessedKeys?.[spec.table]?.Keys ?? [])
        unprocessed.get(spec.table)?.add(keyText(key, keyNames(spec)));
    }
  }

  const data: Record<string, (Record<string, unknown> | null)[]> = {};
  const unprocessedKeys: Record<string, Record<string, unknown>[]> = {};
  for (const spec of specs) {
    const texts = spec.keys.map((k) => keyText(k, keyNames(spec)));
    data[spec.table] = texts.map((t) => {
      const item = found.get(spec.table)?.get(t);
      if (!item) return null;
      const plain = toPlain(item);
      for (const name of spec.added) delete plain[name];
      return plain;
    });
    unprocessedKeys[spec.table] = spec.keys
      .filter((_, i) => unprocessed.get(spec.table)?.has(texts[i] ?? ''))
      .map(toPlain);
  }
  return { result: { data, unprocessedKeys } };
}

type WriteKind = 'put' | 'delete';

/** Shared by BatchPutItem (entries are items) and BatchDeleteItem (entries are keys). */
async function batchWrite(ctx: Invocation, req: Fields, kind: WriteKind): Promise<DataSourceOutcome> {
  const tables = tablesOf(req).map(([table, value]) => {
    const path = `tables.${table}`;
    const entries = read.array(value, path, { nonEmpty: true });
    return {
      table,
      entries: entries.map((e, i) =>
        kind === 'put' ? toAttributeMap(e, `${path}[${i}]`) : read.key(e, `${path}[${i}]`),
      ),
    };
  });
  const writes = tables.flatMap(({ table, entries }) => entries.map((entry) => ({ table, entry })));
  const unprocessed = new Set<string>();

  for (const chunk of chunks(writes, WRITE_LIMIT)) {
    const RequestItems: Record<string, WriteRequest[]> = {};
    for (const { table, entry } of chunk) {
      const write: WriteRequest = kind === 'put' ? { PutRequest: { Item: entry } } : { DeleteRequest: { Key: entry } };
      (RequestItems[table] ??= []).push(write);
    }
    const out = await ctx.send(new BatchWriteItemCommand({ RequestItems }));
    for (const [table, list] of Object.entries(out.UnprocessedItems ?? {})) {
      for (const w of list) {
        const entry = kind === 'put' ? w.PutRequest?.Item : w.DeleteRequest?.Key;
        if (entry) unprocessed.add(canonical([table, entry]));
      }
    }
  }

  const data: Record<string, (Record<string, unknown> | null)[]> = {};
  const left: Record<string, Record<string, unknown>[]> = {};
  for (const { table, entries } of tables) {
    const isLeft = (e: AttributeMap) => unprocessed.has(canonical([table, e]));
    data[table] = entries.map((e) => (isLeft(e) ? null : toPlain(e)));
    left[table] = entries.filter(isLeft).map(toPlain);
  }
  return { result: kind === 'put' ? { data, unprocessedItems: left } : { data, unprocessedKeys: left } };
}

export function batchPutItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  return batchWrite(ctx, req, 'put');
}

export function batchDeleteItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  return batchWrite(ctx, req, 'delete');
}

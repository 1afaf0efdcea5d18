// Query and Scan -> `{ items, nextToken, scannedCount }`. The nextToken is sealed to the query that produced it
// (next-token.ts), so a client can neither forge a start key nor replay a token against another partition.
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DataSourceOutcome } from '../types.ts';
import type { Invocation } from './context.ts';
import { MappingTemplateError, toAttributeMap, toPlain, toTypedJson } from './convert.ts';
import type { AttributeMap } from './convert.ts';
import { InvalidNextTokenError, decodeNextToken, encodeNextToken, queryFingerprint } from './next-token.ts';
import * as read from './request.ts';
import type { Expression, Fields } from './request.ts';

const SELECT = new Set(['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT']);

/** Typed values in a canonical text form, so `{N: 5}` and `{N: '5'}` fingerprint alike. */
function expressionPart(expr: Expression | undefined): unknown {
  return expr ? { e: expr.expression, n: expr.names ?? {}, v: toTypedJson(expr.values ?? {}) } : null;
}

function startKey(ctx: Invocation, req: Fields, fingerprint: string): AttributeMap | undefined {
  const token = read.optionalString(req.nextToken, 'nextToken');
  if (token === undefined) return undefined;
  const key = decodeNextToken(token, fingerprint, ctx.nextTokenKey);
  try {
    return toAttributeMap(key, 'nextToken');
  } catch (error) {
    // Authentic but unreadable means our own format changed; the client can only start over.
    if (error instanceof MappingTemplateError) throw new InvalidNextTokenError();
    throw error;
  }
}

function page(
  ctx: Invocation,
  fingerprint: string,
  out: { Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap; ScannedCount?: number },
): DataSourceOutcome {
  const last = out.LastEvaluatedKey;
  return {
    result: {
      items: (out.Items ?? []).map(toPlain),
      nextToken: last ? encodeNextToken(toTypedJson(last), fingerprint, ctx.nextTokenKey) : null,
      scannedCount: out.ScannedCount ?? 0,
    },
  };
}

function select(
  value: unknown,
): 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT' | undefined {
  const s = read.optionalString(value, 'select');
  if (s !== undefined && !SELECT.has(s)) throw new MappingTemplateError(`select: unknown value "${s}"`);
  return s as ReturnType<typeof select>;
}

export async function query(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const keyCondition = read.expression(req.query, 'query');
  const filter = read.optionalExpression(req.filter, 'filter');
  const projection = read.optionalExpression(req.projection, 'projection', false);
  const index = read.optionalString(req.index, 'index');
  const fingerprint = queryFingerprint({
    op: 'Query',
    table: ctx.tableName,
    index: index ?? null,
    query: expressionPart(keyCondition),
    filter: expressionPart(filter),
  });
  const placeholders = new read.Placeholders();
  const params = {
    TableName: ctx.tableName,
    IndexName: index,
    KeyConditionExpression: placeholders.add(keyCondition, 'query'),
    FilterExpression: placeholders.add(filter, 'filter'),
    ProjectionExpression: placeholders.add(projection, 'projection'),
    Limit: read.optionalInteger(req.limit, 'limit', 1),
    ScanIndexForward: read.optionalBoolean(req.scanIndexForward, 'scanIndexForward'),
    ConsistentRead: read.optionalBoolean(req.consistentRead, 'consistentRead'),
    Select: select(req.select),
  };
  const ExclusiveStartKey = startKey(ctx, req, fingerprint);
  const out = await ctx.send(new QueryCommand({ ...params, ...placeholders.params(), ExclusiveStartKey }));
  return page(ctx, fingerprint, out);
}

export async function scan(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const filter = read.optionalExpression(req.filter, 'filter');
  const projection = read.optionalExpression(req.projection, 'projection', false);
  const index = read.optionalString(req.index, 'index');
  const segment = read.optionalInteger(req.segment, 'segment', 0);
  const totalSegments = read.optionalInteger(req.totalSegments, 'totalSegments', 1);
  if ((segment === undefined) !== (totalSegments === undefined)) {
    throw new MappingTemplateError('segment and totalSegments: give both or neither');
  }
  if (segment !== undefined && totalSegments !== undefined && segment >= totalSegments) {
    throw new MappingTemplateError('segment: must be less than totalSegments');
  }
  const fingerprint = queryFingerprint({
    op: 'Scan',
    table: ctx.tableName,
    index: index ?? null,
    filter: expressionPart(filter),
    segment: segment ?? null,
    totalSegments: totalSegments ?? null,
  });
  const placeholders = new read.Placeholders();
  const params = {
    TableName: ctx.tableName,
    IndexName: index,
    FilterExpression: placeholders.add(filter, 'filter'),
    ProjectionExpression: placeholders.add(projection, 'projection'),
    Limit: read.optionalInteger(req.limit, 'limit', 1),
    ConsistentRead: read.optionalBoolean(req.consistentRead, 'consistentRead'),
    Select: select(req.select),
    Segment: segment,
    TotalSegments: totalSegments,
  };
  const ExclusiveStartKey = startKey(ctx, req, fingerprint);
  const out = await ctx.send(new ScanCommand({ ...params, ...placeholders.params(), ExclusiveStartKey }));
  return page(ctx, fingerprint, out);
}

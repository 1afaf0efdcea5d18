// GetItem, PutItem, UpdateItem, DeleteItem, with AppSync's condition-failure rule: when the condition fails but the
// item already is what the write wanted, the write counts as done. That makes a retried mutation idempotent.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DataSourceOutcome } from '../types.ts';
import type { Invocation } from './context.ts';
import { attributeMapsEqual, toAttributeMap, toPlain, toPlainOrNull } from './convert.ts';
import type { AttributeMap } from './convert.ts';
import * as read from './request.ts';
import type { Fields, WriteCondition } from './request.ts';

export async function getItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const key = read.key(req.key, 'key');
  const projection = read.optionalExpression(req.projection, 'projection', false);
  const placeholders = new read.Placeholders();
  const out = await ctx.send(
    new GetItemCommand({
      TableName: ctx.tableName,
      Key: key,
      ConsistentRead: read.optionalBoolean(req.consistentRead, 'consistentRead'),
      ProjectionExpression: placeholders.add(projection, 'projection'),
      ...placeholders.params(),
    }),
  );
  return { result: toPlainOrNull(out.Item) };
}

export async function putItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const key = read.key(req.key, 'key');
  // The intended item: attributeValues plus the key (the key wins, as in AppSync).
  const item = { ...toAttributeMap(req.attributeValues ?? {}, 'attributeValues'), ...key };
  const condition = read.writeCondition(req.condition, 'condition');
  const placeholders = new read.Placeholders();
  const command = new PutItemCommand({
    TableName: ctx.tableName,
    Item: item,
    ConditionExpression: placeholders.add(condition, 'condition'),
    ...placeholders.params(),
  });
  const alreadyDone = (current: AttributeMap | undefined) =>
    current !== undefined && attributeMapsEqual(current, item, condition?.equalsIgnore);
  return withConditionRule(ctx, key, condition, alreadyDone, async () => {
    await ctx.send(command);
    return toPlain(item);
  });
}

export async function updateItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const key = read.key(req.key, 'key');
  const update = read.expression(req.update, 'update');
  const condition = read.writeCondition(req.condition, 'condition');
  const placeholders = new read.Placeholders();
  const command = new UpdateItemCommand({
    TableName: ctx.tableName,
    Key: key,
    UpdateExpression: placeholders.add(update, 'update'),
    ConditionExpression: placeholders.add(condition, 'condition'),
    ...placeholders.params(),
    ReturnValues: 'ALL_NEW',
  });
  // An update expression's outcome depends on the old item, so "already as intended" can't be known: always a failure.
  return withConditionRule(
    ctx,
    key,
    condition,
    () => false,
    async () => toPlainOrNull((await ctx.send(command)).Attributes),
  );
}

export async function deleteItem(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const key = read.key(req.key, 'key');
  const condition = read.writeCondition(req.condition, 'condition');
  const placeholders = new read.Placeholders();
  const command = new DeleteItemCommand({
    TableName: ctx.tableName,
    Key: key,
    ConditionExpression: placeholders.add(condition, 'condition'),
    ...placeholders.params(),
    ReturnValues: 'ALL_OLD',
  });
  // A delete wants the item gone: if it already is, the retried delete succeeded.
  return withConditionRule(
    ctx,
    key,
    condition,
    (current) => current === undefined,
    async () => toPlainOrNull((await ctx.send(command)).Attributes),
  );
}

/**
 * Runs a conditional write. On ConditionalCheckFailedException it re-reads the item; if `alreadyDone(current)` the
 * outcome is success with the current item, otherwise `DynamoDB:ConditionalCheckFailedException` with the current
 * item in `result` so the response handler can inspect it.
 */
async function withConditionRule(
  ctx: Invocation,
  key: AttributeMap,
  condition: WriteCondition | undefined,
  alreadyDone: (current: AttributeMap | undefined) => boolean,
  write: () => Promise<unknown>,
): Promise<DataSourceOutcome> {
  try {
    return { result: await write() };
  } catch (error) {
    if (!condition || !(error instanceof ConditionalCheckFailedException)) throw error;
    const current = (
      await ctx.send(
        new GetItemCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: condition.consistentRead }),
      )
    ).Item;
    if (alreadyDone(current)) return { result: toPlainOrNull(current) };
    return {
      result: toPlainOrNull(current),
      error: { type: 'DynamoDB:ConditionalCheckFailedException', message: error.message },
    };
  }
}

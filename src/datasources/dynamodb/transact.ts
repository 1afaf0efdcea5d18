// TransactGetItems / TransactWriteItems, with AppSync's result shapes. A transaction cancelled only by
// TransactionConflict wrote nothing, so it is retried (jittered backoff) before the conflict reaches the resolver:
// concurrent messages to one conversation touch the same rows and would otherwise fail for no reason of their own.
import { TransactGetItemsCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { CancellationReason, TransactGetItem, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DataSourceOutcome } from '../types.ts';
import type { Invocation } from './context.ts';
import { MappingTemplateError, describe, toAttributeMap, toPlain } from './convert.ts';
import * as read from './request.ts';
import type { Fields } from './request.ts';

export interface RetryOptions {
  readonly maxRetries: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

function reasonCodes(error: unknown): string[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { name?: unknown; CancellationReasons?: CancellationReason[]; message?: unknown };
  if (e.name !== 'TransactionCanceledException') return undefined;
  if (e.CancellationReasons) return e.CancellationReasons.map((r) => r.Code ?? 'None');
  // Fallback for a response whose reasons were not parsed: "... specific reasons [None, TransactionConflict]".
  const listed = typeof e.message === 'string' ? /\[([^\]]*)\]\s*$/.exec(e.message)?.[1] : undefined;
  return listed?.split(',').map((s) => s.trim());
}

/** True when a cancellation was caused by conflicts alone (no failed condition, no validation problem). */
export function isConflictOnly(error: unknown): boolean {
  const codes = reasonCodes(error);
  return (
    !!codes && codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None')
  );
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Backoff window 10, 20, 40, 80, 80... ms; the delay is drawn from its upper half so writers spread out. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const window = Math.min(10 * 2 ** attempt, 80);
  return Math.round(window / 2 + (random() * window) / 2);
}

export async function withConflictRetries<T>(run: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= options.maxRetries || !isConflictOnly(error)) throw error;
      await sleep(backoffMs(attempt, options.random));
    }
  }
}

/** A cancellation as the response handler sees it: `ctx.error` plus `ctx.result.cancellationReasons`. */
function cancelled(error: unknown, field: 'keys' | 'items'): DataSourceOutcome | undefined {
  const e = error as { name?: unknown; message?: unknown; CancellationReasons?: CancellationReason[] };
  if (e?.name !== 'TransactionCanceledException') return undefined;
  const cancellationReasons = (e.CancellationReasons ?? []).map((r) => ({
    type: r.Code ?? 'None',
    message: r.Message ?? null,
    ...(r.Item ? { item: toPlain(r.Item) } : {}),
  }));
  return {
    result: { [field]: null, cancellationReasons },
    // Only the reason codes: DynamoDB's text is not for callers (the reasons' own messages stay in ctx.result).
    error: {
      type: 'DynamoDB:TransactionCanceledException',
      message: cancellationReasons.length
        ? `The transaction was cancelled (reasons: ${cancellationReasons.map((r) => r.type).join(', ')}); nothing was written.`
        : 'The transaction was cancelled; nothing was written.',
    },
  };
}

function transactItems(req: Fields): Fields[] {
  return read
    .array(req.transactItems, 'transactItems', { nonEmpty: true })
    .map((item, i) => read.object(item, `transactItems[${i}]`));
}

export async function transactGetItems(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const items = transactItems(req);
  const gets: TransactGetItem[] = items.map((item, i) => {
    const path = `transactItems[${i}]`;
    const projection = read.optionalExpression(item.projection, `${path}.projection`, false);
    return {
      Get: {
        TableName: read.optionalString(item.table, `${path}.table`) ?? ctx.tableName,
        Key: read.key(item.key, `${path}.key`),
        ProjectionExpression: projection?.expression,
        ExpressionAttributeNames: projection?.names,
      },
    };
  });
  try {
    const out = await withConflictRetries(() => ctx.send(new TransactGetItemsCommand({ TransactItems: gets })), {
      maxRetries: ctx.maxConflictRetries,
    });
    const responses = out.Responses ?? [];
    return {
      result: {
        items: gets.map((_, i) => (responses[i]?.Item ? toPlain(responses[i].Item) : null)),
        cancellationReasons: null,
      },
    };
  } catch (error) {
    const outcome = cancelled(error, 'items');
    if (outcome) return outcome;
    throw error;
  }
}

interface TransactCondition extends read.Expression {
  readonly returnOld: boolean;
}

function transactCondition(value: unknown, path: string): TransactCondition | undefined {
  if (value === undefined || value === null) return undefined;
  const flag = read.object(value, path).returnValuesOnConditionCheckFailure;
  return {
    ...read.expression(value, path),
    // AppSync's default is to return the old item of a failed condition, which handlers use to explain the failure.
    returnOld: read.optionalBoolean(flag, `${path}.returnValuesOnConditionCheckFailure`) ?? true,
  };
}

/** The condition part of one transact item; its placeholders join those already collected (update expression). */
function conditionParams(placeholders: read.Placeholders, condition: TransactCondition | undefined, path: string) {
  if (!condition) return {};
  return {
    ConditionExpression: placeholders.add(condition, path),
    ReturnValuesOnConditionCheckFailure: condition.returnOld ? ('ALL_OLD' as const) : ('NONE' as const),
  };
}

function writeItem(ctx: Invocation, item: Fields, path: string): TransactWriteItem {
  const TableName = read.optionalString(item.table, `${path}.table`) ?? ctx.tableName;
  const Key = read.key(item.key, `${path}.key`);
  const condition = transactCondition(item.condition, `${path}.condition`);
  const placeholders = new read.Placeholders();
  switch (item.operation) {
    case 'PutItem': {
      const Item = { ...toAttributeMap(item.attributeValues ?? {}, `${path}.attributeValues`), ...Key };
      const c = conditionParams(placeholders, condition, `${path}.condition`);
      return { Put: { TableName, Item, ...c, ...placeholders.params() } };
    }
    case 'UpdateItem': {
      const UpdateExpression = placeholders.add(read.expression(item.update, `${path}.update`), `${path}.update`);
      const c = conditionParams(placeholders, condition, `${path}.condition`);
      return { Update: { TableName, Key, UpdateExpression, ...c, ...placeholders.params() } };
    }
    case 'DeleteItem': {
      const c = conditionParams(placeholders, condition, `${path}.condition`);
      return { Delete: { TableName, Key, ...c, ...placeholders.params() } };
    }
    case 'ConditionCheck': {
      if (!condition) throw new MappingTemplateError(`${path}.condition: required for ConditionCheck`);
      const c = conditionParams(placeholders, condition, `${path}.condition`);
      const params = { ...c, ConditionExpression: condition.expression, ...placeholders.params() };
      return { ConditionCheck: { TableName, Key, ...params } };
    }
    default:
      throw new MappingTemplateError(
        `${path}.operation: expected PutItem, UpdateItem, DeleteItem or ConditionCheck, got ${describe(item.operation)}`,
      );
  }
}

export async function transactWriteItems(ctx: Invocation, req: Fields): Promise<DataSourceOutcome> {
  const items = transactItems(req);
  const writes = items.map((item, i) => writeItem(ctx, item, `transactItems[${i}]`));
  const keys = items.map((item, i) => toPlain(read.key(item.key, `transactItems[${i}].key`)));
  try {
    // A fresh command per attempt: the SDK then mints a fresh ClientRequestToken for each retry.
    await withConflictRetries(() => ctx.send(new TransactWriteItemsCommand({ TransactItems: writes })), {
      maxRetries: ctx.maxConflictRetries,
    });
    return { result: { keys, cancellationReasons: null } };
  } catch (error) {
    const outcome = cancelled(error, 'keys');
    if (outcome) return outcome;
    throw error;
  }
}

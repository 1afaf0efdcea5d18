// Reads and validates the fields of an AppSync DynamoDB request object; every problem is a MappingTemplateError
// naming the field, so a resolver author sees "query.expression: expected a string" instead of a DynamoDB stack trace.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MappingTemplateError, attributeValuesEqual, describe, isPlainObject, toAttributeMap } from './convert.ts';
import type { AttributeMap } from './convert.ts';

export type Fields = Record<string, unknown>;

export function object(value: unknown, path: string): Fields {
  if (!isPlainObject(value)) throw new MappingTemplateError(`${path}: expected an object, got ${describe(value)}`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new MappingTemplateError(`${path}: expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, path);
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new MappingTemplateError(`${path}: expected a boolean, got ${describe(value)}`);
  return value;
}

export function optionalInteger(value: unknown, path: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MappingTemplateError(`${path}: expected an integer >= ${min}, got ${describe(value)}`);
  }
  return value;
}

export function array(value: unknown, path: string, options: { nonEmpty?: boolean } = {}): unknown[] {
  if (!Array.isArray(value)) throw new MappingTemplateError(`${path}: expected an array, got ${describe(value)}`);
  if (options.nonEmpty && value.length === 0) throw new MappingTemplateError(`${path}: must not be empty`);
  return value;
}

/** A primary key: a non-empty map of typed values. */
export function key(value: unknown, path: string): AttributeMap {
  const map = toAttributeMap(value, path);
  if (Object.keys(map).length === 0) throw new MappingTemplateError(`${path}: must name at least the partition key`);
  return map;
}

export interface Expression {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: AttributeMap;
}

/** `{expression, expressionNames?, expressionValues?}` (projections have no values). */
export function expression(value: unknown, path: string, withValues = true): Expression {
  const fields = object(value, path);
  const names = fields.expressionNames;
  if (names !== undefined && names !== null) {
    const map = object(names, `${path}.expressionNames`);
    for (const [k, v] of Object.entries(map)) string(v, `${path}.expressionNames.${k}`);
  }
  const values = fields.expressionValues;
  if (!withValues && values !== undefined) {
    throw new MappingTemplateError(`${path}.expressionValues: not allowed here`);
  }
  return {
    expression: string(fields.expression, `${path}.expression`),
    names: isPlainObject(names) ? (names as Record<string, string>) : undefined,
    values: values === undefined || values === null ? undefined : toAttributeMap(values, `${path}.expressionValues`),
  };
}

export function optionalExpression(value: unknown, path: string, withValues = true): Expression | undefined {
  return value === undefined || value === null ? undefined : expression(value, path, withValues);
}

/**
 * Merges the placeholders of several expressions of one DynamoDB call (update + condition, query + filter...) into
 * ExpressionAttributeNames/Values. The same placeholder bound to two different things is a request error.
 */
export class Placeholders {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};

  add(expr: Expression | undefined, path: string): string | undefined {
    if (!expr) return undefined;
    for (const [k, v] of Object.entries(expr.names ?? {})) {
      if (k in this.names && this.names[k] !== v) {
        throw new MappingTemplateError(
          `${path}.expressionNames.${k}: bound to "${this.names[k]}" elsewhere in this request`,
        );
      }
      this.names[k] = v;
    }
    for (const [k, v] of Object.entries(expr.values ?? {})) {
      const seen = this.values[k];
      if (seen && !attributeValuesEqual(seen, v)) {
        throw new MappingTemplateError(
          `${path}.expressionValues.${k}: bound to a different value elsewhere in this request`,
        );
      }
      this.values[k] = v;
    }
    return expr.expression;
  }

  /** DynamoDB rejects empty maps, so absent placeholders are left out entirely. */
  params(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: AttributeMap } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: { ...this.names } } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: { ...this.values } } : {}),
    };
  }
}

export interface WriteCondition extends Expression {
  readonly equalsIgnore: readonly string[];
  readonly consistentRead: boolean;
}

/** The condition of PutItem/UpdateItem/DeleteItem. Only the default Reject strategy exists here (no Lambda). */
export function writeCondition(value: unknown, path: string): WriteCondition | undefined {
  if (value === undefined || value === null) return undefined;
  const fields = object(value, path);
  const handler = fields.conditionalCheckFailedHandler;
  if (handler !== undefined && handler !== null) {
    const strategy = object(handler, `${path}.conditionalCheckFailedHandler`).strategy;
    if (strategy !== 'Reject') {
      throw new MappingTemplateError(
        `${path}.conditionalCheckFailedHandler.strategy: only "Reject" is supported locally (a Custom Lambda handler is not)`,
      );
    }
  }
  const ignore = fields.equalsIgnore === undefined ? [] : array(fields.equalsIgnore, `${path}.equalsIgnore`);
  ignore.forEach((name, i) => string(name, `${path}.equalsIgnore[${i}]`));
  return {
    ...expression(value, path),
    equalsIgnore: ignore as string[],
    // AppSync re-reads the item with a strongly consistent read unless told otherwise.
    consistentRead: optionalBoolean(fields.consistentRead, `${path}.consistentRead`) ?? true,
  };
}

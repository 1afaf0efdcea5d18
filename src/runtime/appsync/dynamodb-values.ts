// util.dynamodb: plain JS values <-> AppSync's typed DynamoDB JSON. AppSync emits numbers as JSON numbers
// ({"N": 12345}) and nulls as {"NULL": null}, as EvaluateCode shows, so a data source must normalise before the SDK.

export type TypedValue = Record<string, unknown>;

const PRE_TYPED = Symbol('preTypedDynamoDBValue');

/** Marks an already-typed value (ddb.toStringSet & co.) so later conversions pass it through untouched. */
export function preTyped<T extends TypedValue>(value: T): T {
  return Object.defineProperty(value, PRE_TYPED, { value: true, enumerable: false });
}

export function isPreTyped(value: unknown): value is TypedValue {
  return typeof value === 'object' && value !== null && PRE_TYPED in value;
}

/** Opinionated conversion, as AppSync does it: arrays become lists (never sets), objects become maps. */
export function toDynamoDB(value: unknown): TypedValue {
  if (value === null || value === undefined) return { NULL: null };
  if (isPreTyped(value)) return value;
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'bigint') return { N: Number(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Date) return { S: value.toISOString() };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (typeof value === 'object') return { M: toMapValues(value as Record<string, unknown>) };
  return { S: String(value) };
}

/** Undefined members are dropped, as they would be by the JSON hop a real AppSync request goes through. */
export function toMapValues(value: Record<string, unknown>): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) out[key] = toDynamoDB(member);
  }
  return out;
}

const nullable =
  <T, R>(convert: (value: T) => R) =>
  (value: T | null | undefined): R | null =>
    value === null || value === undefined ? null : convert(value);

export const dynamodbUtil = {
  toDynamoDB,
  toMapValues: (value: unknown) => (isPlainObject(value) ? toMapValues(value) : null),
  toString: nullable((value: string) => ({ S: value })),
  toStringSet: nullable((list: string[]) => preTyped({ SS: [...list] })),
  toNumber: nullable((num: number) => ({ N: num })),
  toNumberSet: nullable((numbers: number[]) => preTyped({ NS: [...numbers] })),
  toBinary: nullable((value: string) => ({ B: value })),
  toBinarySet: nullable((values: string[]) => preTyped({ BS: [...values] })),
  toBoolean: nullable((value: boolean) => ({ BOOL: value })),
  toNull: () => ({ NULL: null }),
  toList: (value: unknown) => (Array.isArray(value) ? { L: value.map(toDynamoDB) } : null),
  toMap: (value: unknown) => (isPlainObject(value) ? { M: toMapValues(value) } : null),
  toS3Object(key: string, bucket: string, region: string, version?: string) {
    const s3 = version === undefined ? { key, bucket, region } : { key, bucket, region, version };
    return { S: JSON.stringify({ s3 }) };
  },
  /** Accepts the S3 object JSON (or its {S: ...} wrapper) and returns {key, bucket, region, version?}. */
  fromS3ObjectJson(s3Object: unknown): unknown {
    const text = isPlainObject(s3Object) && typeof s3Object.S === 'string' ? s3Object.S : s3Object;
    if (typeof text !== 'string') return null;
    const parsed = JSON.parse(text) as { s3?: unknown };
    return parsed.s3 ?? null;
  },
};

/** Typed DynamoDB JSON back to plain JS. Accepts N as a string (SDK) or a number (AppSync), sets become arrays. */
export function fromDynamoDB(typed: unknown): unknown {
  if (!isPlainObject(typed)) return typed;
  const [type, value] = Object.entries(typed)[0] ?? [];
  switch (type) {
    case 'S':
    case 'B':
    case 'SS':
    case 'BS':
      return value;
    case 'BOOL':
      return Boolean(value);
    case 'NULL':
      return null;
    case 'N':
      return Number(value);
    case 'NS':
      return (value as unknown[]).map(Number);
    case 'L':
      return (value as unknown[]).map(fromDynamoDB);
    case 'M':
      return fromMapValues(value as Record<string, unknown>);
    default:
      throw new Error(`Not a typed DynamoDB value: ${JSON.stringify(typed)}`);
  }
}

export function fromMapValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[key] = fromDynamoDB(value);
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

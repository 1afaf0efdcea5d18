// Typed DynamoDB JSON in AppSync request objects -> SDK AttributeValues, and SDK results -> plain JSON for ctx.result.
// AppSync accepts `{N: 12}` as well as `{N: '12'}`, `{NULL: null}` and base64 `{B}`; the SDK wants strings, true, bytes.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type AttributeMap = Record<string, AttributeValue>;

/** A bad request object; AppSync reports these as `MappingTemplate` errors before calling DynamoDB. */
export class MappingTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingTemplateError';
  }
}

const TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function toNumberString(value: unknown, path: string): string {
  // DynamoDB validates the number's syntax itself; we only refuse what can't be a number at all.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new MappingTemplateError(`${path}: N must be a number or a numeric string, got ${JSON.stringify(value)}`);
}

function toBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  throw new MappingTemplateError(`${path}: B must be a base64 string`);
}

function stringArray(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MappingTemplateError(`${path}: SS must be an array of strings`);
  }
  return value;
}

function arrayOf<T>(value: unknown, path: string, type: string, each: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) throw new MappingTemplateError(`${path}: ${type} must be an array`);
  return value.map((v, i) => each(v, `${path}[${i}]`));
}

/** One typed value (`{S: 'x'}`, `{N: 12}`, ...) to an SDK AttributeValue; `path` names it in error messages. */
export function toAttributeValue(value: unknown, path: string): AttributeValue {
  if (!isPlainObject(value)) {
    throw new MappingTemplateError(
      `${path}: expected a typed DynamoDB value such as {"S": "text"}, got ${describe(value)}`,
    );
  }
  const keys = Object.keys(value);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !TYPES.has(type)) {
    throw new MappingTemplateError(
      `${path}: expected exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL, got {${keys.join(', ')}}`,
    );
  }
  const v = value[type];
  switch (type) {
    case 'S':
      if (typeof v !== 'string') throw new MappingTemplateError(`${path}: S must be a string`);
      return { S: v };
    case 'N':
      return { N: toNumberString(v, path) };
    case 'B':
      return { B: toBytes(v, path) };
    case 'SS':
      return { SS: stringArray(v, path) };
    case 'NS':
      return { NS: arrayOf(v, path, 'NS', toNumberString) };
    case 'BS':
      return { BS: arrayOf(v, path, 'BS', toBytes) };
    case 'M':
      return { M: toAttributeMap(v, path) };
    case 'L':
      return { L: arrayOf(v, path, 'L', toAttributeValue) };
    case 'NULL':
      if (v !== null && v !== true) throw new MappingTemplateError(`${path}: NULL must be null or true`);
      return { NULL: true };
    default: // BOOL
      if (typeof v !== 'boolean') throw new MappingTemplateError(`${path}: BOOL must be a boolean`);
      return { BOOL: v };
  }
}

/** A map of typed values (a key, an item, expressionValues). */
export function toAttributeMap(value: unknown, path: string): AttributeMap {
  if (!isPlainObject(value)) throw new MappingTemplateError(`${path}: expected an object, got ${describe(value)}`);
  const out: AttributeMap = {};
  for (const [name, v] of Object.entries(value)) out[name] = toAttributeValue(v, `${path}.${name}`);
  return out;
}

/**
 * SDK item -> plain JSON as AppSync puts it in ctx.result: numbers as numbers (beyond 2^53 too, as AppSync's JSON
 * numbers are), sets as arrays, binary as base64. One pass: util-dynamodb's unmarshall and then a pass turning its
 * Sets and bytes into JSON cost twice as much, once per attribute of every row read.
 */
export function toPlain(item: AttributeMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(item)) {
    const value = plainValue(item[name]!);
    // An attribute may be called __proto__: it must stay data, not become the object's prototype.
    if (name === '__proto__')
      Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
    else out[name] = value;
  }
  return out;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function plainValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return toPlain(v.M);
  if (v.L !== undefined) return v.L.map(plainValue);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  if (v.B !== undefined) return base64(v.B);
  if (v.BS !== undefined) return v.BS.map(base64);
  // DynamoDB has no other type; an SDK that learnt one would hand it over as $unknown.
  throw new MappingTemplateError(`unsupported DynamoDB attribute value {${Object.keys(v).join(', ')}}`);
}

export function toPlainOrNull(item: AttributeMap | undefined): Record<string, unknown> | null {
  return item ? toPlain(item) : null;
}

/** Typed JSON that survives JSON.stringify (bytes as base64); `toAttributeMap` reads it back. Used for nextToken. */
export function toTypedJson(item: AttributeMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = typedJson(v);
  return out;
}

function typedJson(v: AttributeValue): unknown {
  if (v.B) return { B: Buffer.from(v.B).toString('base64') };
  if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.M) return { M: toTypedJson(v.M) };
  if (v.L) return { L: v.L.map(typedJson) };
  return v;
}

/** Canonical text of a typed item or key: equal for equal values regardless of attribute order. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(sortDeep);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortDeep(value[k]);
    return out;
  }
  return value;
}

/** Value equality as DynamoDB sees it: sets ignore order, numbers compare numerically. */
export function attributeValuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  return valueText(a) === valueText(b);
}

/** Canonical text of one value under DynamoDB's equality (`{N: '1.0'}` and `{N: '1'}` give the same text). */
export function valueText(v: AttributeValue): string {
  return canonical(normalise(v));
}

export function attributeMapsEqual(a: AttributeMap, b: AttributeMap, ignore: readonly string[] = []): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter((n) => !ignore.includes(n)));
  for (const name of names) {
    const x = a[name];
    const y = b[name];
    if (!x || !y || !attributeValuesEqual(x, y)) return false;
  }
  return true;
}

function canonicalNumber(n: string): string {
  const value = Number(n);
  // Beyond double precision keep the text (trimmed) rather than claim two different numbers are equal.
  return Number.isSafeInteger(value) || !Number.isInteger(value) ? String(value) : n.trim();
}

function normalise(v: AttributeValue): unknown {
  if (v.N !== undefined) return { N: canonicalNumber(v.N) };
  if (v.SS) return { SS: [...v.SS].sort() };
  if (v.NS) return { NS: v.NS.map(canonicalNumber).sort() };
  if (v.BS) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')).sort() };
  if (v.M) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, normalise(x)])) };
  if (v.L) return { L: v.L.map(normalise) };
  return v;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

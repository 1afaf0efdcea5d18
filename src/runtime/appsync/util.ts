// The `util` object of '@aws-appsync/utils': the npm package ships types only, this is the runtime behind them.
// Error helpers report through the current invocation, so they only work while a handler runs.
import { randomBytes, randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import type { Util } from '@aws-appsync/utils';
import { currentInvocation, ResolverErrorSignal, type ResolverErrorEntry } from './invocation.ts';
import { dynamodbUtil } from './dynamodb-values.ts';
import { timeUtil } from './time.ts';
import {
  toDynamoDBConditionExpression,
  toDynamoDBFilterExpression,
  toElasticsearchQueryDSL,
  toSubscriptionFilter,
} from './transform.ts';
import { toJsonObject } from './rds-helpers.ts';
import { ErrorType } from '../errors.ts';

export { fromDynamoDB, fromMapValues, toDynamoDB, toMapValues } from './dynamodb-values.ts';

function errorEntry(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): ResolverErrorEntry {
  return { message, errorType: errorType ?? null, data: data ?? null, errorInfo: errorInfo ?? null };
}

// ---- ids ------------------------------------------------------------------------------------------------------

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** 4-byte big-endian seconds since the KSUID epoch + 16 random bytes, base62, left-padded to 27 chars. */
export function autoKsuid(nowMs = Date.now()): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS, 0);
  randomBytes(16).copy(bytes, 4);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(27, '0');
}

// ---- encoding -------------------------------------------------------------------------------------------------

/** Like Java's StringEscapeUtils.escapeEcmaScript, which AppSync's escapeJavaScript is built on. */
export function escapeJavaScript(value: string): string {
  const named: Record<string, string> = {
    '\\': '\\\\',
    '"': '\\"',
    "'": "\\'",
    '/': '\\/',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
  };
  return value.replace(/[\\"'/\b\f\n\r\t]|[^\x20-\x7e]/g, (ch) => {
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** application/x-www-form-urlencoded like Java's URLEncoder: space -> '+', only `.-*_` left unescaped. */
export function urlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function urlDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

// ---- types ----------------------------------------------------------------------------------------------------

const isNull = (value: unknown) => value === null || value === undefined;
const isNullOrEmpty = (value: unknown) => isNull(value) || value === '';
const isNullOrBlank = (value: unknown) => isNull(value) || (typeof value === 'string' && value.trim() === '');

export function typeOf(value: unknown): string {
  if (isNull(value)) return 'Null';
  if (Array.isArray(value)) return 'List';
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'Number';
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'object':
      return 'Map';
    default:
      return 'Object';
  }
}

const typeHelpers = {
  isNull,
  isNullOrEmpty,
  isNullOrBlank,
  defaultIfNull: <T, D>(value: T, fallback: D) => (isNull(value) ? fallback : value),
  defaultIfNullOrEmpty: <T, D>(value: T, fallback: D) => (isNullOrEmpty(value) ? fallback : value),
  defaultIfNullOrBlank: <T, D>(value: T, fallback: D) => (isNullOrBlank(value) ? fallback : value),
  isString: (value: unknown) => typeof value === 'string',
  isNumber: (value: unknown) => typeof value === 'number',
  isBoolean: (value: unknown) => typeof value === 'boolean',
  isList: (value: unknown) => Array.isArray(value),
  isMap: (value: unknown) => typeOf(value) === 'Map',
  typeOf,
};

// ---- xml ------------------------------------------------------------------------------------------------------

/** Minimal XML -> map: elements become keys, repeated siblings become lists, leaf text stays a string. */
export function xmlToMap(xml: string): Record<string, unknown> | null {
  const cleaned = xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '').trim();
  if (!cleaned.startsWith('<')) return null;
  const { node } = readXmlChildren(cleaned, 0, null);
  return node as Record<string, unknown>;
}

function readXmlChildren(xml: string, start: number, closing: string | null): { node: unknown; end: number } {
  const children: Record<string, unknown> = {};
  let text = '';
  let hasChildren = false;
  let i = start;
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      const end = xml.indexOf('>', i);
      if (xml.slice(i + 2, end).trim() === closing)
        return { node: hasChildren ? children : decodeXml(text.trim()), end: end + 1 };
      throw new Error(`Malformed XML near "${xml.slice(i, end + 1)}"`);
    }
    if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      const tag = xml.slice(i + 1, end);
      const name = tag.replace(/\/$/, '').trim().split(/\s+/)[0] as string;
      const child = tag.endsWith('/') ? { node: null, end: end + 1 } : readXmlChildren(xml, end + 1, name);
      const existing = children[name];
      children[name] =
        name in children ? [...(Array.isArray(existing) ? existing : [existing]), child.node] : child.node;
      hasChildren = true;
      i = child.end;
    } else {
      text += xml[i];
      i += 1;
    }
  }
  if (closing !== null) throw new Error(`Unclosed XML element <${closing}>`);
  return { node: children, end: i };
}

function decodeXml(text: string): string {
  const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => entities[name] ?? '');
}

// ---- http -----------------------------------------------------------------------------------------------------

/** Hop-by-hop and framing headers AppSync refuses to copy into an HTTP data-source request. */
const RESTRICTED_HEADERS = new Set(['content-length', 'host', 'connection', 'transfer-encoding', 'expect', 'upgrade']);

const httpUtil = {
  copyHeaders(headers: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(headers ?? {}).filter(([name]) => !RESTRICTED_HEADERS.has(name.toLowerCase())),
    );
  },
  // No HTTP response-header channel exists in this runtime (the Invocation has no sink for it): accepted and dropped.
  addResponseHeader(_name: string, _value: unknown): void {},
  addResponseHeaders(_headers: Record<string, unknown>): void {},
};

// ---- the util object ------------------------------------------------------------------------------------------

const core: Util = {
  escapeJavaScript,
  urlEncode,
  urlDecode,
  base64Encode: (value: string) => Buffer.from(value, 'utf8').toString('base64'),
  base64Decode: (value: string) => Buffer.from(value, 'base64').toString('utf8'),
  autoId: () => randomUUID(),
  autoUlid: () => ulid(),
  autoKsuid: () => autoKsuid(),
  unauthorized(): never {
    const { fieldName, parentTypeName } = currentInvocation();
    throw new ResolverErrorSignal(
      errorEntry(`Not Authorized to access ${fieldName} on type ${parentTypeName}`, ErrorType.Unauthorized),
    );
  },
  error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
    throw new ResolverErrorSignal(errorEntry(message, errorType, data, errorInfo));
  },
  appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void {
    currentInvocation().appendedErrors.push(errorEntry(message, errorType, data, errorInfo));
  },
  /** AppSync uses Java regex semantics: the whole string must match. */
  matches: (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value),
  // The API's only auth mode is Cognito user pools, so this is the only name AppSync could answer here.
  authType: () => 'User Pool Authorization',
  time: timeUtil,
  // The npm typings use conditional return types that no runtime function can satisfy without a cast.
  dynamodb: dynamodbUtil as unknown as Util['dynamodb'],
  rds: { toJsonObject: toJsonObject as Util['rds']['toJsonObject'] },
  http: httpUtil,
  xml: {
    toMap: xmlToMap,
    toJsonString: (xml: string) => JSON.stringify(xmlToMap(xml)),
  },
  transform: {
    toDynamoDBFilterExpression: toDynamoDBFilterExpression as Util['transform']['toDynamoDBFilterExpression'],
    toDynamoDBConditionExpression: toDynamoDBConditionExpression as Util['transform']['toDynamoDBConditionExpression'],
    toElasticsearchQueryDSL: toElasticsearchQueryDSL as Util['transform']['toElasticsearchQueryDSL'],
    toSubscriptionFilter: toSubscriptionFilter as Util['transform']['toSubscriptionFilter'],
  },
  math: {
    roundNum: (input: number) => Math.round(input),
    minVal: (a: number, b: number) => Math.min(a, b),
    maxVal: (a: number, b: number) => Math.max(a, b),
    randomDouble: () => Math.random(),
    randomWithinRange: (start: number, end: number) => start + Math.floor(Math.random() * (end - start)),
  },
  str: {
    normalize: (value, form) => value.normalize(form.toUpperCase()),
  },
};

/** `util` as resolvers see it: the typed core plus the type helpers AppSync documents but the typings omit. */
export const util: Util & typeof typeHelpers = Object.assign(core, typeHelpers);

// Expected values marked "AWS" are EvaluateCode recordings (localstack/appsync-utils snapshots) or AWS doc examples.
import { describe, expect, it } from 'vitest';
import {
  EarlyReturnSignal,
  ResolverErrorSignal,
  withInvocation,
  type HandlerKind,
  type Invocation,
} from './invocation.ts';
import { fromDynamoDB, util } from './util.ts';
import { runtime } from './runtime.ts';
import { extensions } from './extensions.ts';
import { appsyncModules } from './modules.ts';

function invocation(operation = 'Query', handler: HandlerKind = 'request'): Invocation {
  return {
    fieldName: 'messages',
    parentTypeName: operation,
    handler,
    appendedErrors: [],
    extensions: { invalidations: [] },
    operation,
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('errors', () => {
  it('error throws a signal carrying the entry, nulls for omitted parts', () => {
    const error = thrown(() => util.error('boom', 'BadRequest'));
    expect(error).toBeInstanceOf(ResolverErrorSignal);
    expect((error as ResolverErrorSignal).entry).toEqual({
      message: 'boom',
      errorType: 'BadRequest',
      data: null,
      errorInfo: null,
    });
  });

  it('appendError records on the current invocation and does not throw', () => {
    const inv = invocation();
    withInvocation(inv, () => util.appendError('careful', 'Warn', { a: 1 }, { b: 2 }));
    expect(inv.appendedErrors).toEqual([
      { message: 'careful', errorType: 'Warn', data: { a: 1 }, errorInfo: { b: 2 } },
    ]);
  });

  it('appendError outside a handler fails', () => {
    expect(() => util.appendError('x')).toThrow(/only be used while a resolver handler runs/);
  });

  it("unauthorized uses AppSync's wording with the running field", () => {
    const error = thrown(() => withInvocation(invocation('Query'), () => util.unauthorized()));
    expect((error as ResolverErrorSignal).entry).toEqual({
      message: 'Not Authorized to access messages on type Query',
      errorType: 'Unauthorized',
      data: null,
      errorInfo: null,
    });
  });
});

describe('ids', () => {
  it('autoId is a v4 UUID', () => {
    expect(util.autoId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('autoUlid is a 26-char Crockford ULID', () => {
    expect(util.autoUlid()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('autoKsuid is 27 base62 chars whose first 4 bytes are seconds since 1400000000', () => {
    const ksuid = util.autoKsuid();
    expect(ksuid).toMatch(/^[0-9A-Za-z]{27}$/);
    let n = 0n;
    for (const ch of ksuid)
      n = n * 62n + BigInt('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'.indexOf(ch));
    const seconds = Number(n >> 128n);
    expect(Math.abs(seconds + 1_400_000_000 - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('matching and types', () => {
  it('matches needs the whole string to match', () => {
    expect(util.matches('[a-z]+', 'abc')).toBe(true);
    expect(util.matches('[a-z]+', 'abc1')).toBe(false);
    expect(util.matches('a|b', 'b')).toBe(true);
  });

  it('typeOf uses the AppSync names', () => {
    expect([null, undefined, 1, 's', true, [], {}].map(util.typeOf)).toEqual([
      'Null',
      'Null',
      'Number',
      'String',
      'Boolean',
      'List',
      'Map',
    ]);
  });

  it('null/empty/blank helpers and their defaults', () => {
    expect([util.isNullOrEmpty(''), util.isNullOrEmpty(' '), util.isNullOrBlank(' '), util.isNull(0)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(util.defaultIfNull(null, 'd')).toBe('d');
    expect(util.defaultIfNull(0, 'd')).toBe(0);
    expect(util.defaultIfNullOrEmpty('', 'd')).toBe('d');
    expect(util.defaultIfNullOrBlank('  ', 'd')).toBe('d');
    expect(util.defaultIfNullOrBlank('x', 'd')).toBe('x');
  });

  it('authType answers the Cognito mode name', () => {
    expect(util.authType()).toBe('User Pool Authorization');
  });
});

describe('encoding', () => {
  it('urlEncode follows Java URLEncoder and urlDecode reverses it', () => {
    expect(util.urlEncode("a b&c=d/é!*'~")).toBe('a+b%26c%3Dd%2F%C3%A9%21*%27%7E');
    expect(util.urlDecode('a+b%26c%3Dd%2F%C3%A9')).toBe('a b&c=d/é');
  });

  it('base64 round-trips UTF-8', () => {
    expect(util.base64Encode('héllo')).toBe('aMOpbGxv');
    expect(util.base64Decode('aMOpbGxv')).toBe('héllo');
  });

  it('escapeJavaScript escapes quotes, slashes, controls and non-ASCII', () => {
    expect(util.escapeJavaScript(`He said "hi" / it's\n\té`)).toBe(`He said \\"hi\\" \\/ it\\'s\\n\\t\\u00E9`);
  });

  it('str.normalize accepts lower-case form names', () => {
    expect(util.str.normalize('e\u0301', 'nfc')).toBe('é');
  });
});

describe('util.time', () => {
  const JULY = Date.UTC(2023, 6, 4, 17, 5, 9, 42); // 2023-07-04T17:05:09.042Z

  it('nowISO8601 always has milliseconds and Z', () => {
    expect(util.time.nowISO8601()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('formats Java patterns in UTC by default', () => {
    expect(util.time.epochMilliSecondsToFormatted(JULY, "yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toBe(
      '2023-07-04T17:05:09.042+0000',
    );
    expect(util.time.epochMilliSecondsToFormatted(JULY, "d MMM yy, hh:mm a 'o''clock' EEE")).toBe(
      "4 Jul 23, 05:05 PM o'clock Tue",
    );
  });

  it('formats in a zone with its offset', () => {
    expect(util.time.epochMilliSecondsToFormatted(JULY, 'yyyy-MM-dd HH:mm:ssXXX', 'America/New_York')).toBe(
      '2023-07-04 13:05:09-04:00',
    );
    expect(util.time.epochMilliSecondsToFormatted(JULY, 'HH:mmXXX')).toBe('17:05Z');
  });

  it('parses formatted text back, honouring the zone or an explicit offset', () => {
    const parse = util.time.parseFormattedToEpochMilliSeconds;
    expect(parse('2023-07-04 13:05:09', 'yyyy-MM-dd HH:mm:ss', 'America/New_York')).toBe(JULY - 42);
    expect(parse('2023-07-04T17:05:09.042+0000', "yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toBe(JULY);
    expect(parse('04/07/2023 05:05 PM', 'dd/MM/yyyy hh:mm a')).toBe(Date.UTC(2023, 6, 4, 17, 5));
    expect(() => parse('2023-07', 'yyyy-MM-dd')).toThrow(/could not be parsed/);
  });

  it('converts between epoch and ISO', () => {
    expect(util.time.parseISO8601ToEpochMilliSeconds('2023-07-04T17:05:09.042Z')).toBe(JULY);
    expect(util.time.epochMilliSecondsToISO8601(JULY)).toBe('2023-07-04T17:05:09.042Z');
    expect(util.time.epochMilliSecondsToSeconds(JULY)).toBe(1688490309);
  });
});

describe('util.dynamodb (AWS)', () => {
  it('toDynamoDB keeps numbers numeric and nests lists and maps', () => {
    expect(util.dynamodb.toDynamoDB({ foo: 'bar', baz: 1234, beep: ['boop'], ok: true, none: null })).toEqual({
      M: {
        foo: { S: 'bar' },
        baz: { N: 1234 },
        beep: { L: [{ S: 'boop' }] },
        ok: { BOOL: true },
        none: { NULL: null },
      },
    });
  });

  it('toMapValues is toMap without the M wrapper and drops undefined members', () => {
    expect(util.dynamodb.toMapValues({ a: 1, b: undefined })).toEqual({ a: { N: 1 } });
  });

  it('typed helpers', () => {
    const d = util.dynamodb;
    expect(d.toNull()).toEqual({ NULL: null });
    expect(d.toNumberSet([1, 23, 4.56])).toEqual({ NS: [1, 23, 4.56] });
    expect(d.toStringSet(['foo', 'bar'])).toEqual({ SS: ['foo', 'bar'] });
    expect(d.toBinary('foo')).toEqual({ B: 'foo' });
    expect(d.toString(null)).toBeNull();
    expect(d.toList(['foo', 123, { bar: 'baz' }])).toEqual({
      L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }],
    });
  });

  it('S3 objects', () => {
    const s3 = util.dynamodb.toS3Object('foo', 'bar', 'baz', 'beep');
    expect(s3).toEqual({ S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}' });
    expect(util.dynamodb.fromS3ObjectJson(s3!.S)).toEqual({
      key: 'foo',
      bucket: 'bar',
      region: 'baz',
      version: 'beep',
    });
  });

  it('fromDynamoDB reverses typed values, accepting SDK string numbers', () => {
    expect(fromDynamoDB({ M: { n: { N: '12.5' }, m: { N: 3 }, l: { L: [{ NULL: true }, { BOOL: false }] } } })).toEqual(
      {
        n: 12.5,
        m: 3,
        l: [null, false],
      },
    );
  });
});

describe('util.transform DynamoDB expressions (AWS)', () => {
  const filter = (input: unknown) => JSON.parse(util.transform.toDynamoDBFilterExpression(input as never)) as unknown;

  it('answers a JSON string', () => {
    expect(util.transform.toDynamoDBFilterExpression({ content: { contains: 'foo' } })).toBe(
      '{"expression":"(contains(#content,:content_contains))","expressionNames":{"#content":"content"},"expressionValues":{":content_contains":{"S":"foo"}}}',
    );
  });

  it('joins top-level fields unwrapped and wraps multi-operator fields', () => {
    expect(filter({ a: { eq: 1 }, b: { ge: 1, le: 5 } })).toEqual({
      expression: '(#a = :a_eq) AND ((#b >= :b_ge) AND (#b <= :b_le))',
      expressionNames: { '#a': 'a', '#b': 'b' },
      expressionValues: { ':a_eq': { N: 1 }, ':b_ge': { N: 1 }, ':b_le': { N: 5 } },
    });
  });

  it('names values after every nesting level', () => {
    expect(
      filter({ or: [{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }, { not: { c: { between: ['1', '9'] } } }] }),
    ).toEqual({
      expression:
        '(((#a = :or_0_and_0_a_eq) AND (#b = :or_0_and_1_b_eq)) OR (NOT (#c BETWEEN :or_1_not_c_between_start AND :or_1_not_c_between_end)))',
      expressionNames: { '#a': 'a', '#b': 'b', '#c': 'c' },
      expressionValues: {
        ':or_0_and_0_a_eq': { N: 1 },
        ':or_0_and_1_b_eq': { N: 2 },
        ':or_1_not_c_between_start': { S: '1' },
        ':or_1_not_c_between_end': { S: '9' },
      },
    });
  });

  it('renders in, size, attributeType and attributeExists', () => {
    expect(
      filter({
        v: { in: ['a', 'b'] },
        w: { size: { gt: 2 } },
        x: { attributeType: 'stringSet' },
        y: { attributeExists: false },
      }),
    ).toEqual({
      expression:
        '(#v IN (:v_in_0, :v_in_1)) AND (size(#w) > :w_size_gt) AND (attribute_type(#x,:x_attributeType)) AND (attribute_not_exists(#y))',
      expressionNames: { '#v': 'v', '#w': 'w', '#x': 'x', '#y': 'y' },
      expressionValues: {
        ':v_in_0': { S: 'a' },
        ':v_in_1': { S: 'b' },
        ':w_size_gt': { N: 2 },
        ':x_attributeType': { S: 'SS' },
      },
    });
  });

  it('condition expressions render like filters', () => {
    expect(
      JSON.parse(
        util.transform.toDynamoDBConditionExpression({
          and: [{ id: { attributeExists: true } }, { _version: { eq: 1 } }],
        }),
      ),
    ).toEqual({
      expression: '((attribute_exists(#id)) AND (#_version = :and_1__version_eq))',
      expressionNames: { '#id': 'id', '#_version': '_version' },
      expressionValues: { ':and_1__version_eq': { N: 1 } },
    });
  });

  it('answers null for filters AWS cannot read', () => {
    for (const input of [
      null,
      [],
      'x',
      { v: { foo: 1 } },
      { v: 'x' },
      { and: { a: { eq: 1 } } },
      { v: { between: [1] } },
    ]) {
      expect(util.transform.toDynamoDBFilterExpression(input as never)).toBeNull();
    }
  });
});

describe('util.transform.toSubscriptionFilter (AWS)', () => {
  const groups = (...args: unknown[]) =>
    (util.transform.toSubscriptionFilter as (...a: unknown[]) => { filterGroup: { filters: unknown[] }[] })(
      ...args,
    ).filterGroup.map((g) => g.filters.map((f) => Object.values(f as object).join(' ')));

  it('and merges into one group', () => {
    expect(groups({ z: { eq: 0 }, and: [{ a: { eq: 1 } }, { b: { ne: 'x' } }] })).toEqual([
      ['z eq 0', 'a eq 1', 'b ne x'],
    ]);
  });

  it('or (and several operators on one field) yield one group per alternative', () => {
    expect(groups({ or: [{ a: { eq: 1 } }, { b: { eq: 2 } }] })).toEqual([['a eq 1'], ['b eq 2']]);
    expect(groups({ a: { eq: 1, ne: 2 } })).toEqual([['a eq 1'], ['a ne 2']]);
    expect(groups({ and: [{ a: { eq: 1 } }, { or: [{ b: { eq: 2 } }, { c: { eq: 3 } }] }] })).toEqual([
      ['a eq 1', 'b eq 2'],
      ['a eq 1', 'c eq 3'],
    ]);
  });

  it('keeps the full entry shape', () => {
    expect(util.transform.toSubscriptionFilter({ tags: { containsAny: ['x', 'y'] } })).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'tags', operator: 'containsAny', value: ['x', 'y'] }] }],
    });
  });

  it('drops ignored fields and adds each rule as an alternative', () => {
    expect(groups({ a: { eq: 1 }, and: [{ b: { eq: 2 } }] }, ['b'])).toEqual([['a eq 1']]);
    expect(groups({ a: { eq: 1 } }, [], { r1: { gte: 250 }, r2: { eq: 'p' } })).toEqual([
      ['a eq 1', 'r1 gte 250'],
      ['a eq 1', 'r2 eq p'],
    ]);
  });

  it('empty filters give no groups, unreadable ones null', () => {
    expect(util.transform.toSubscriptionFilter({})).toEqual({ filterGroup: [] });
    expect(util.transform.toSubscriptionFilter('{"a":{"eq":1}}' as never)).toBeNull();
  });
});

describe('util.transform.toElasticsearchQueryDSL', () => {
  it('renders the AWS documentation example', () => {
    const dsl = util.transform.toElasticsearchQueryDSL({
      upvotes: { ne: 15, range: [10, 20] },
      title: { eq: 'hihihi', wildcard: 'h*i' },
    });
    expect(JSON.parse(dsl)).toEqual({
      bool: {
        must: [
          {
            bool: {
              must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }],
            },
          },
          { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
        ],
      },
    });
  });
});

describe('util.xml, util.math, util.http', () => {
  it('xml.toMap turns elements into maps and repeats into lists', () => {
    expect(
      util.xml.toMap('<?xml version="1.0"?><posts><post><id>1</id></post><post><id>2 &amp; 3</id></post></posts>'),
    ).toEqual({
      posts: { post: [{ id: '1' }, { id: '2 & 3' }] },
    });
  });

  it('math helpers', () => {
    expect([util.math.roundNum(2.5), util.math.minVal(3, 1), util.math.maxVal(3, 1)]).toEqual([3, 1, 3]);
    const r = util.math.randomWithinRange(5, 7);
    expect(r === 5 || r === 6).toBe(true);
  });

  it('copyHeaders drops restricted headers', () => {
    expect(util.http.copyHeaders({ 'x-a': '1', Host: 'h', 'content-length': '3' })).toEqual({ 'x-a': '1' });
  });
});

describe('runtime.earlyReturn', () => {
  it('throws the signal with the value and skipTo', () => {
    const signal = thrown(() => runtime.earlyReturn({ a: 1 }, { skipTo: 'NEXT' })) as EarlyReturnSignal;
    expect(signal).toBeInstanceOf(EarlyReturnSignal);
    expect([signal.value, signal.skipTo]).toEqual([{ a: 1 }, 'NEXT']);
    const bare = thrown(() => runtime.earlyReturn()) as EarlyReturnSignal;
    expect([bare.value, bare.skipTo]).toEqual([null, 'NEXT']);
  });
});

describe('extensions', () => {
  const filter = { filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq' as const, value: 1 }] }] };

  it('subscription filters are stored from a subscription response handler', () => {
    const inv = invocation('Subscription', 'response');
    withInvocation(inv, () => {
      extensions.setSubscriptionFilter(filter);
      extensions.setSubscriptionInvalidationFilter(filter);
    });
    expect(inv.extensions.subscriptionFilter).toBe(filter);
    expect(inv.extensions.subscriptionInvalidationFilter).toBe(filter);
  });

  it('subscription filters are refused elsewhere', () => {
    for (const inv of [invocation('Subscription', 'request'), invocation('Mutation', 'response')]) {
      const error = thrown(() => withInvocation(inv, () => extensions.setSubscriptionFilter(filter)));
      expect((error as ResolverErrorSignal).entry.errorType).toBe('BadRequest');
      expect(inv.extensions.subscriptionFilter).toBeUndefined();
    }
  });

  it('invalidateSubscriptions: mutation response only, duplicates collapse, at most 5 unique', () => {
    const inv = invocation('Mutation', 'response');
    withInvocation(inv, () => {
      for (let i = 0; i < 5; i += 1) extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { i } });
      extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { i: 0 } });
    });
    expect(inv.extensions.invalidations.map((e) => e.payload)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    const tooMany = thrown(() =>
      withInvocation(inv, () => extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: { i: 5 } })),
    );
    expect((tooMany as ResolverErrorSignal).entry.message).toMatch(/at most 5/);
    const wrongPlace = thrown(() =>
      withInvocation(invocation('Query', 'response'), () =>
        extensions.invalidateSubscriptions({ subscriptionField: 'onX', payload: {} }),
      ),
    );
    expect(wrongPlace).toBeInstanceOf(ResolverErrorSignal);
  });

  it('evictFromApiCache is a harmless no-op', () => {
    expect(extensions.evictFromApiCache('Query', 'x', {})).toBeUndefined();
  });
});

describe('module map', () => {
  it('exposes exactly the value exports of the real modules', () => {
    expect(Object.keys(appsyncModules['@aws-appsync/utils'] ?? {})).toEqual(['util', 'runtime', 'extensions']);
    expect(Object.keys(appsyncModules['@aws-appsync/utils/dynamodb'] ?? {}).sort()).toEqual(
      [
        'batchDelete',
        'batchGet',
        'batchPut',
        'get',
        'operations',
        'put',
        'query',
        'remove',
        'scan',
        'sync',
        'toBinarySet',
        'toNumberSet',
        'toStringSet',
        'transactGet',
        'transactWrite',
        'update',
      ].sort(),
    );
    expect(Object.keys(appsyncModules['@aws-appsync/utils/rds'] ?? {}).sort()).toEqual(
      [
        'agg',
        'createMySQLStatement',
        'createPgStatement',
        'insert',
        'remove',
        'select',
        'sql',
        'toJsonObject',
        'typeHint',
        'update',
      ].sort(),
    );
  });
});

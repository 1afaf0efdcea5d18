// The DynamoDB data source against a real DynamoDB Local (in memory): result shapes, AppSync's condition rule,
// sealed nextTokens, batches, transactions and their conflict retries, call counting, and failure modes.
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../embedded/dynamodb-local.ts';
import type { DynamoDbLocal } from '../../embedded/dynamodb-local.ts';
import type { DataSource, DataSourceOutcome, RequestScope } from '../types.ts';
import { createDynamoDbClient } from './client.ts';
import { createDynamoDbDataSource } from './index.ts';

const TABLE = 'cruddur-messages-test';
const OTHER = 'cruddur-other-test';
const INVALID_TOKEN = {
  type: 'BadRequest',
  message: 'The nextToken is invalid: it was altered or belongs to a different query. Start again without nextToken.',
};

let local: DynamoDbLocal;
let client: DynamoDBClient;
let ds: DataSource;

function newScope(): RequestScope {
  return { perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 }, requestId: 'req-under-test' };
}

/** Invokes with a fresh scope and returns the outcome plus the number of DynamoDB calls it made. */
async function invoke(request: unknown, source: DataSource = ds): Promise<DataSourceOutcome & { calls: number }> {
  const scope = newScope();
  const outcome = await source.invoke(request, scope);
  return { ...outcome, calls: scope.calls.dynamodb };
}

const S = (value: string) => ({ S: value });
const key = (pk: string, sk: string) => ({ pk: S(pk), sk: S(sk) });

async function createTable(name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

beforeAll(async () => {
  local = await startDynamoDbLocal();
  client = createDynamoDbClient({ endpoint: local.endpoint, region: 'us-east-1' });
  await createTable(TABLE);
  await createTable(OTHER);
  ds = createDynamoDbDataSource({ name: 'messages', client, tableName: TABLE, nextTokenKey: randomBytes(32) });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('single-item operations', () => {
  it('GetItem returns null for a missing item, PutItem the written item as plain JSON', async () => {
    expect(await invoke({ operation: 'GetItem', key: key('ITEM#1', 'a') })).toEqual({ result: null, calls: 1 });

    const put = await invoke({
      operation: 'PutItem',
      key: key('ITEM#1', 'a'),
      attributeValues: {
        count: { N: 12 },
        ratio: { N: '3.5' },
        ok: { BOOL: true },
        none: { NULL: null },
        tags: { SS: ['x', 'y'] },
        list: { L: [S('one'), { N: 2 }] },
        nested: { M: { deep: S('value') } },
      },
    });
    const item = {
      pk: 'ITEM#1',
      sk: 'a',
      count: 12,
      ratio: 3.5,
      ok: true,
      none: null,
      tags: ['x', 'y'],
      list: ['one', 2],
      nested: { deep: 'value' },
    };
    expect(put).toEqual({ result: item, calls: 1 });

    const got = await invoke({ operation: 'GetItem', key: key('ITEM#1', 'a'), consistentRead: true });
    expect(got.error).toBeUndefined();
    expect(got.result).toEqual({ ...item, tags: expect.arrayContaining(['x', 'y']) });
  });

  it('GetItem honours a projection', async () => {
    await invoke({ operation: 'PutItem', key: key('ITEM#2', 'a'), attributeValues: { a: S('1'), b: S('2') } });
    const got = await invoke({
      operation: 'GetItem',
      key: key('ITEM#2', 'a'),
      projection: { expression: '#a, sk', expressionNames: { '#a': 'a' } },
    });
    expect(got.result).toEqual({ a: '1', sk: 'a' });
  });

  it('UpdateItem returns the item after the update', async () => {
    await invoke({ operation: 'PutItem', key: key('ITEM#3', 'a'), attributeValues: { n: { N: 1 }, keep: S('k') } });
    const updated = await invoke({
      operation: 'UpdateItem',
      key: key('ITEM#3', 'a'),
      update: {
        expression: 'SET #n = #n + :inc, label = :l',
        expressionNames: { '#n': 'n' },
        expressionValues: { ':inc': { N: 4 }, ':l': S('new') },
      },
    });
    expect(updated).toEqual({ result: { pk: 'ITEM#3', sk: 'a', n: 5, keep: 'k', label: 'new' }, calls: 1 });
  });

  it('DeleteItem returns the deleted item, or null when there was none', async () => {
    await invoke({ operation: 'PutItem', key: key('ITEM#4', 'a'), attributeValues: { v: S('gone') } });
    expect((await invoke({ operation: 'DeleteItem', key: key('ITEM#4', 'a') })).result).toEqual({
      pk: 'ITEM#4',
      sk: 'a',
      v: 'gone',
    });
    expect(await invoke({ operation: 'DeleteItem', key: key('ITEM#4', 'a') })).toEqual({ result: null, calls: 1 });
  });
});

describe('conditions (AppSync rule)', () => {
  const putNew = (attributes: Record<string, unknown>, condition: Record<string, unknown> = {}) => ({
    operation: 'PutItem',
    key: key('COND#1', 'a'),
    attributeValues: attributes,
    condition: { expression: 'attribute_not_exists(pk)', ...condition },
  });

  beforeAll(async () => {
    await invoke({
      operation: 'PutItem',
      key: key('COND#1', 'a'),
      attributeValues: { text: S('original'), version: { N: 1 } },
    });
  });

  it('a failed condition is an error with the current item in result, and writes nothing', async () => {
    const outcome = await invoke(putNew({ text: S('other'), version: { N: 1 } }));
    expect(outcome.error).toEqual({ type: 'DynamoDB:ConditionalCheckFailedException', message: expect.any(String) });
    expect(outcome.result).toEqual({ pk: 'COND#1', sk: 'a', text: 'original', version: 1 });
    expect(outcome.calls).toBe(2); // the write, then the consistent re-read
    const stored = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: key('COND#1', 'a'), ConsistentRead: true }),
    );
    expect(stored.Item?.text).toEqual(S('original'));
  });

  it('a failed condition on a PutItem whose item is already stored counts as success', async () => {
    const outcome = await invoke(putNew({ text: S('original'), version: { N: '1' } }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toEqual({ pk: 'COND#1', sk: 'a', text: 'original', version: 1 });
  });

  it('equalsIgnore leaves named attributes out of that comparison', async () => {
    const without = await invoke(putNew({ text: S('original'), version: { N: 2 } }));
    expect(without.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    const ignoring = await invoke(putNew({ text: S('original'), version: { N: 2 } }, { equalsIgnore: ['version'] }));
    expect(ignoring.error).toBeUndefined();
    expect(ignoring.result).toEqual({ pk: 'COND#1', sk: 'a', text: 'original', version: 1 });
  });

  it('a failed condition on UpdateItem is always an error', async () => {
    const outcome = await invoke({
      operation: 'UpdateItem',
      key: key('COND#1', 'a'),
      update: {
        expression: 'SET #t = :t',
        expressionNames: { '#t': 'text' },
        expressionValues: { ':t': S('original') },
      },
      condition: { expression: 'version = :v', expressionValues: { ':v': { N: 99 } } },
    });
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(outcome.result).toMatchObject({ text: 'original', version: 1 });
  });

  it('a conditional DeleteItem of an item that is already gone counts as success', async () => {
    const outcome = await invoke({
      operation: 'DeleteItem',
      key: key('COND#missing', 'a'),
      condition: { expression: 'attribute_exists(pk)' },
    });
    expect(outcome).toEqual({ result: null, calls: 2 });
  });

  it('a Custom (Lambda) conflict handler is refused as a mapping-template error', async () => {
    const outcome = await invoke(
      putNew({}, { conditionalCheckFailedHandler: { strategy: 'Custom', lambdaArn: 'arn' } }),
    );
    expect(outcome.error?.type).toBe('MappingTemplate');
    expect(outcome.calls).toBe(0);
  });
});

describe('Query and Scan', () => {
  const PAGED = 'PAGE#1';
  const sks = Array.from({ length: 45 }, (_, i) => `sk#${String(i).padStart(2, '0')}`);
  const queryFor = (pk: string, extra: Record<string, unknown> = {}) => ({
    operation: 'Query',
    query: { expression: 'pk = :pk', expressionValues: { ':pk': S(pk) } },
    limit: 20,
    ...extra,
  });

  beforeAll(async () => {
    const items = sks.map((sk) => ({ ...key(PAGED, sk), n: { N: Number(sk.slice(3)) } }));
    expect((await invoke({ operation: 'BatchPutItem', tables: { [TABLE]: items } })).error).toBeUndefined();
    await invoke({ operation: 'PutItem', key: key('PAGE#2', 'x'), attributeValues: {} });
  });

  it('pages 45 items at limit 20: each item exactly once, then nextToken null', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let nextToken: string | null = null;
    do {
      const outcome = await invoke(queryFor(PAGED, nextToken ? { nextToken } : {}));
      expect(outcome.error).toBeUndefined();
      const page = outcome.result as { items: { sk: string }[]; nextToken: string | null; scannedCount: number };
      expect(page.scannedCount).toBe(page.items.length);
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.sk));
      nextToken = page.nextToken;
      if (nextToken) expect(nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    } while (nextToken);
    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(sks);
  });

  it('honours scanIndexForward, filter and projection', async () => {
    const outcome = await invoke(
      queryFor(PAGED, {
        scanIndexForward: false,
        limit: 10,
        filter: { expression: '#n >= :min', expressionNames: { '#n': 'n' }, expressionValues: { ':min': { N: 40 } } },
        projection: { expression: 'sk' },
      }),
    );
    const page = outcome.result as { items: unknown[]; nextToken: string | null; scannedCount: number };
    expect(page.items).toEqual(['sk#44', 'sk#43', 'sk#42', 'sk#41', 'sk#40'].map((sk) => ({ sk })));
    expect(page.scannedCount).toBe(10);
    expect(page.nextToken).not.toBeNull();
  });

  it('a token is bound to its query: tampered, garbage, truncated or foreign tokens are BadRequest, with no DynamoDB call', async () => {
    const first = await invoke(queryFor(PAGED));
    const token = (first.result as { nextToken: string }).nextToken;
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const attempts = [
      queryFor(PAGED, { nextToken: flipped }),
      queryFor(PAGED, { nextToken: 'eyJwayI6eyJTIjoiUEFHRSMxIn19' }), // base64 of a forged plain key
      queryFor(PAGED, { nextToken: token.slice(0, token.length - 4) }),
      queryFor('PAGE#2', { nextToken: token }), // another partition
      queryFor(PAGED, { nextToken: token, filter: { expression: 'attribute_exists(n)' } }), // another filter
      queryFor(PAGED, { nextToken: token, index: 'some-index' }),
      { operation: 'Scan', nextToken: token },
    ];
    for (const request of attempts) {
      expect(await invoke(request)).toEqual({ error: INVALID_TOKEN, calls: 0 });
    }
    // The genuine token still works.
    const second = await invoke(queryFor(PAGED, { nextToken: token }));
    expect((second.result as { items: { sk: string }[] }).items[0]?.sk).toBe('sk#20');
  });

  it('a token survives a different spelling of the same typed value ({N: 0} vs {N: "0"})', async () => {
    const filter = (min: unknown) => ({ expression: 'n >= :min', expressionValues: { ':min': { N: min } } });
    const first = await invoke(queryFor(PAGED, { filter: filter(0) }));
    const token = (first.result as { nextToken: string }).nextToken;
    const second = await invoke(queryFor(PAGED, { filter: filter('0'), nextToken: token }));
    expect(second.error).toBeUndefined();
    expect((second.result as { items: { sk: string }[] }).items[0]?.sk).toBe('sk#20');
    const other = await invoke(queryFor(PAGED, { filter: filter(1), nextToken: token }));
    expect(other.error).toEqual(INVALID_TOKEN);
  });

  it('Scan returns { items, nextToken, scannedCount } and pages with its own tokens', async () => {
    const filter = { expression: 'pk = :pk', expressionValues: { ':pk': S(PAGED) } };
    const seen = new Set<string>();
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const outcome = await invoke({ operation: 'Scan', filter, limit: 30, ...(nextToken ? { nextToken } : {}) });
      expect(outcome.error).toBeUndefined();
      const page = outcome.result as { items: { sk: string }[]; nextToken: string | null; scannedCount: number };
      expect(Object.keys(page).sort()).toEqual(['items', 'nextToken', 'scannedCount']);
      page.items.forEach((i) => seen.add(i.sk));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 50);
    expect(seen.size).toBe(45);
  });

  it('parallel Scan segments split the table', async () => {
    const counts = await Promise.all(
      [0, 1].map(async (segment) => {
        const outcome = await invoke({ operation: 'Scan', segment, totalSegments: 2 });
        return (outcome.result as { scannedCount: number }).scannedCount;
      }),
    );
    const all = (await invoke({ operation: 'Scan' })).result as { scannedCount: number };
    expect(counts[0]! + counts[1]!).toBe(all.scannedCount);
  });
});

describe('batch operations', () => {
  it('BatchPutItem, BatchGetItem (key order, null for missing, projection) and BatchDeleteItem', async () => {
    const put = await invoke({
      operation: 'BatchPutItem',
      tables: {
        [TABLE]: [
          { ...key('BATCH#1', 'a'), v: { N: 1 } },
          { ...key('BATCH#1', 'b'), v: { N: 2 } },
        ],
        [OTHER]: [{ ...key('BATCH#2', 'a'), v: S('other') }],
      },
    });
    expect(put).toEqual({
      result: {
        data: {
          [TABLE]: [
            { pk: 'BATCH#1', sk: 'a', v: 1 },
            { pk: 'BATCH#1', sk: 'b', v: 2 },
          ],
          [OTHER]: [{ pk: 'BATCH#2', sk: 'a', v: 'other' }],
        },
        unprocessedItems: { [TABLE]: [], [OTHER]: [] },
      },
      calls: 1,
    });

    const get = await invoke({
      operation: 'BatchGetItem',
      tables: {
        [TABLE]: { keys: [key('BATCH#1', 'b'), key('BATCH#1', 'missing'), key('BATCH#1', 'a')], consistentRead: true },
        [OTHER]: { keys: [key('BATCH#2', 'a')], projection: { expression: '#v', expressionNames: { '#v': 'v' } } },
      },
    });
    expect(get).toEqual({
      result: {
        data: {
          [TABLE]: [{ pk: 'BATCH#1', sk: 'b', v: 2 }, null, { pk: 'BATCH#1', sk: 'a', v: 1 }],
          [OTHER]: [{ v: 'other' }],
        },
        unprocessedKeys: { [TABLE]: [], [OTHER]: [] },
      },
      calls: 1,
    });

    const del = await invoke({ operation: 'BatchDeleteItem', tables: { [TABLE]: [key('BATCH#1', 'a')] } });
    expect(del).toEqual({
      result: { data: { [TABLE]: [{ pk: 'BATCH#1', sk: 'a' }] }, unprocessedKeys: { [TABLE]: [] } },
      calls: 1,
    });
    const after = await invoke({ operation: 'BatchGetItem', tables: { [TABLE]: { keys: [key('BATCH#1', 'a')] } } });
    expect((after.result as { data: Record<string, unknown[]> }).data[TABLE]).toEqual([null]);
  });

  it('chunks at 25 writes and 100 keys per call', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ ...key('CHUNK#1', `i${String(i).padStart(3, '0')}`) }));
    const put = await invoke({ operation: 'BatchPutItem', tables: { [TABLE]: items } });
    expect(put.calls).toBe(3);
    const keys = [...items, ...Array.from({ length: 60 }, (_, i) => key('CHUNK#1', `missing${i}`))];
    const get = await invoke({ operation: 'BatchGetItem', tables: { [TABLE]: { keys } } });
    expect(get.calls).toBe(2);
    const data = (get.result as { data: Record<string, unknown[]> }).data[TABLE]!;
    expect(data).toHaveLength(120);
    expect(data.slice(0, 60)).toEqual(items.map((i) => ({ pk: i.pk.S, sk: i.sk.S })));
    expect(data.slice(60).every((x) => x === null)).toBe(true);
  });
});

describe('transactions', () => {
  it('TransactGetItems returns items in request order with null for missing', async () => {
    await invoke({ operation: 'PutItem', key: key('TX#get', 'a'), attributeValues: { v: S('A') } });
    const outcome = await invoke({
      operation: 'TransactGetItems',
      transactItems: [{ key: key('TX#get', 'missing') }, { table: TABLE, key: key('TX#get', 'a') }],
    });
    expect(outcome).toEqual({
      result: { items: [null, { pk: 'TX#get', sk: 'a', v: 'A' }], cancellationReasons: null },
      calls: 1,
    });
  });

  it('TransactWriteItems returns the keys on success', async () => {
    await invoke({ operation: 'PutItem', key: key('TX#w', 'old'), attributeValues: {} });
    const outcome = await invoke({
      operation: 'TransactWriteItems',
      transactItems: [
        { table: TABLE, operation: 'PutItem', key: key('TX#w', 'new'), attributeValues: { v: { N: 1 } } },
        {
          operation: 'UpdateItem',
          key: key('TX#w', 'counter'),
          update: { expression: 'ADD n :one', expressionValues: { ':one': { N: 1 } } },
        },
        { operation: 'DeleteItem', key: key('TX#w', 'old'), condition: { expression: 'attribute_exists(pk)' } },
      ],
    });
    expect(outcome).toEqual({
      result: {
        keys: [
          { pk: 'TX#w', sk: 'new' },
          { pk: 'TX#w', sk: 'counter' },
          { pk: 'TX#w', sk: 'old' },
        ],
        cancellationReasons: null,
      },
      calls: 1,
    });
    expect((await invoke({ operation: 'GetItem', key: key('TX#w', 'old') })).result).toBeNull();
    expect((await invoke({ operation: 'GetItem', key: key('TX#w', 'new') })).result).toEqual({
      pk: 'TX#w',
      sk: 'new',
      v: 1,
    });
  });

  it('a cancelled TransactWriteItems sets the error and cancellationReasons (with the old item), and writes nothing', async () => {
    await invoke({ operation: 'PutItem', key: key('TX#c', 'guard'), attributeValues: { owner: S('someone') } });
    const request = (returnValues?: boolean) => ({
      operation: 'TransactWriteItems',
      transactItems: [
        { operation: 'PutItem', key: key('TX#c', 'message'), attributeValues: {} },
        {
          operation: 'ConditionCheck',
          key: key('TX#c', 'guard'),
          condition: {
            expression: 'attribute_not_exists(pk)',
            ...(returnValues === undefined ? {} : { returnValuesOnConditionCheckFailure: returnValues }),
          },
        },
      ],
    });
    const outcome = await invoke(request());
    expect(outcome).toEqual({
      error: {
        type: 'DynamoDB:TransactionCanceledException',
        message: expect.stringContaining('ConditionalCheckFailed'),
      },
      result: {
        keys: null,
        cancellationReasons: [
          { type: 'None', message: null },
          {
            type: 'ConditionalCheckFailed',
            message: expect.any(String),
            item: { pk: 'TX#c', sk: 'guard', owner: 'someone' },
          },
        ],
      },
      calls: 1, // a failed condition is not retried
    });
    expect((await invoke({ operation: 'GetItem', key: key('TX#c', 'message') })).result).toBeNull();

    const withoutItem = await invoke(request(false));
    const reasons = (withoutItem.result as { cancellationReasons: Record<string, unknown>[] }).cancellationReasons;
    expect(reasons[1]).toEqual({ type: 'ConditionalCheckFailed', message: expect.any(String) });
  });

  it('20 concurrent transactions on the same item all succeed', async () => {
    const tx = (i: number) => ({
      operation: 'TransactWriteItems',
      transactItems: [
        {
          operation: 'UpdateItem',
          key: key('TX#hot', 'group'),
          update: {
            expression: 'ADD n :one SET #last = :i',
            expressionNames: { '#last': 'last' },
            expressionValues: { ':one': { N: 1 }, ':i': { N: i } },
          },
        },
        { operation: 'PutItem', key: key('TX#hot', `msg${i}`), attributeValues: {} },
      ],
    });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => invoke(tx(i))));
    expect(outcomes.map((o) => o.error)).toEqual(Array(20).fill(undefined));
    const group = await invoke({ operation: 'GetItem', key: key('TX#hot', 'group'), consistentRead: true });
    expect((group.result as { n: number }).n).toBe(20);
  });
});

describe('validation and failures', () => {
  it.each([
    ['not an object', 'GetItem', /must be an object/],
    ['no operation', { key: key('a', 'b') }, /^operation:/],
    ['unknown operation', { operation: 'Frobnicate' }, /operation: expected one of/],
    ['GetItem without key', { operation: 'GetItem' }, /^key:/],
    [
      'untyped key value',
      { operation: 'GetItem', key: { pk: 'a', sk: 'b' } },
      /key\.pk: expected a typed DynamoDB value/,
    ],
    ['UpdateItem without update', { operation: 'UpdateItem', key: key('a', 'b') }, /^update:/],
    ['Query without expression', { operation: 'Query', query: {} }, /query\.expression/],
    ['negative limit', { operation: 'Query', query: { expression: 'pk = :p' }, limit: -1 }, /^limit:/],
    ['segment without total', { operation: 'Scan', segment: 0 }, /segment and totalSegments/],
    ['empty batch', { operation: 'BatchGetItem', tables: {} }, /tables:/],
    [
      'bad transact operation',
      { operation: 'TransactWriteItems', transactItems: [{ operation: 'Upsert', key: key('a', 'b') }] },
      /transactItems\[0\]\.operation/,
    ],
  ])('%s -> MappingTemplate error, no DynamoDB call', async (_name, request, message) => {
    const outcome = await invoke(request);
    expect(outcome.error?.type).toBe('MappingTemplate');
    expect(outcome.error?.message).toMatch(message);
    expect(outcome.result).toBeUndefined();
    expect(outcome.calls).toBe(0);
  });

  it('a DynamoDB error becomes DynamoDB:<ExceptionName>', async () => {
    const missing = createDynamoDbDataSource({
      name: 'x',
      client,
      tableName: 'no-such-table',
      nextTokenKey: randomBytes(32),
    });
    const outcome = await invoke({ operation: 'GetItem', key: key('a', 'b') }, missing);
    expect(outcome.error).toEqual({ type: 'DynamoDB:ResourceNotFoundException', message: expect.any(String) });
    expect(outcome.error?.message).not.toContain('no-such-table');
    expect(outcome.calls).toBe(1);
  });

  it("a DynamoDB error's own text (key values, names) goes to the log, the caller gets a safe message", async () => {
    const logged: unknown[][] = [];
    const logger = {
      error: (...args: unknown[]) => logged.push(args),
      warn: (...args: unknown[]) => logged.push(args),
    };
    const source = createDynamoDbDataSource({
      name: 'logged',
      client,
      tableName: TABLE,
      nextTokenKey: randomBytes(32),
      logger,
    });
    // A range whose start lies above its end: DynamoDB's ValidationException quotes both key values.
    const outcome = await invoke(
      {
        operation: 'Query',
        query: {
          expression: 'pk = :pk AND sk BETWEEN :from AND :to',
          expressionValues: { ':pk': S('MSG#secret-pk'), ':from': S('9999-zz-secret'), ':to': S('0000-secret') },
        },
      },
      source,
    );
    expect(outcome.error).toEqual({
      type: 'DynamoDB:ValidationException',
      message: 'The messages database refused the request as invalid; it has been logged on the server.',
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('[cruddur] logged: DynamoDB Query failed');
    expect(JSON.stringify(logged[0]![1])).toMatch(/ValidationException.*secret/);
    expect(logged[0]![1]).toMatchObject({ reqId: 'req-under-test' });
  });

  it('an expected ConditionalCheckFailedException is not logged as a failure', async () => {
    const logged: unknown[][] = [];
    const logger = {
      error: (...args: unknown[]) => logged.push(args),
      warn: (...args: unknown[]) => logged.push(args),
    };
    const source = createDynamoDbDataSource({
      name: 'quiet',
      client,
      tableName: TABLE,
      nextTokenKey: randomBytes(32),
      logger,
    });
    await invoke({ operation: 'PutItem', key: key('LOG#c', 'x'), attributeValues: { v: { N: '1' } } }, source);
    const outcome = await invoke(
      {
        operation: 'UpdateItem',
        key: key('LOG#c', 'x'),
        update: { expression: 'SET v = :v', expressionValues: { ':v': { N: '2' } } },
        condition: { expression: 'attribute_not_exists(pk)' },
      },
      source,
    );
    expect(outcome.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(logged).toEqual([]);
  });

  it('an unreachable endpoint is a quick DynamoDB:ServiceUnavailable outcome, not an exception', async () => {
    const dead = createDynamoDbClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' });
    const logged: unknown[][] = [];
    const source = createDynamoDbDataSource({
      name: 'dead',
      client: dead,
      tableName: TABLE,
      nextTokenKey: randomBytes(32),
      logger: {
        error: (...args) => logged.push(['error', ...args]),
        warn: (...args) => logged.push(['warn', ...args]),
      },
    });
    const started = Date.now();
    const outcome = await invoke({ operation: 'GetItem', key: key('a', 'b') }, source);
    const elapsed = Date.now() - started;
    dead.destroy();
    expect(outcome.error?.type).toBe('DynamoDB:ServiceUnavailable');
    expect(outcome.error?.message).toBe('The messages database could not be reached; try again shortly.');
    // Where it tried and why is for the log only.
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('warn');
    expect(JSON.stringify(logged[0])).toMatch(/ECONNREFUSED/);
    expect(elapsed).toBeLessThan(2_500);
  });
});

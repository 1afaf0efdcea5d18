// Unit tests for the pure helpers: typed-value conversion and the transaction-conflict retry policy.
// (The retry loop is driven by hand-made TransactionCanceledException-shaped errors because DynamoDB Local
// never reports TransactionConflict; see dynamodb.test.ts.)
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbDataSource } from './index.ts';
import { MappingTemplateError, attributeMapsEqual, toAttributeMap, toPlain } from './convert.ts';
import { backoffMs, isConflictOnly, withConflictRetries } from './transact.ts';

describe('convert', () => {
  it('turns AppSync typed JSON into SDK values: numbers to strings, NULL to true, base64 to bytes', () => {
    const map = toAttributeMap(
      { n: { N: 12 }, ns: { NS: [1, '2.5'] }, z: { NULL: null }, b: { B: 'AQID' }, l: { L: [{ M: { x: { N: 0 } } }] } },
      'item',
    );
    expect(map).toEqual({
      n: { N: '12' },
      ns: { NS: ['1', '2.5'] },
      z: { NULL: true },
      b: { B: Buffer.from([1, 2, 3]) },
      l: { L: [{ M: { x: { N: '0' } } }] },
    });
  });

  it('reports malformed typed values with their path', () => {
    expect(() => toAttributeMap({ pk: 'plain' }, 'key')).toThrow(MappingTemplateError);
    expect(() => toAttributeMap({ pk: 'plain' }, 'key')).toThrow(/key\.pk/);
    expect(() => toAttributeMap({ a: { M: { b: { N: 'x y', S: 'z' } } } }, 'item')).toThrow(/item\.a\.b/);
    expect(() => toAttributeMap({ a: { S: 5 } }, 'item')).toThrow(/S must be a string/);
    expect(() => toAttributeMap({ a: { Q: 5 } }, 'item')).toThrow(/exactly one of/);
  });

  it('gives plain JSON back: numbers, arrays for sets, base64 for bytes', () => {
    const plain = toPlain({
      n: { N: '12.5' },
      ss: { SS: ['a', 'b'] },
      b: { B: new Uint8Array([1, 2, 3]) },
      z: { NULL: true },
      big: { N: '123456789012345678901234567890' },
    });
    expect(plain).toEqual({ n: 12.5, ss: ['a', 'b'], b: 'AQID', z: null, big: 1.2345678901234568e29 });
  });

  it('gives what util-dynamodb unmarshall gives, with sets as arrays and bytes as base64, at any depth', () => {
    const bytes = (...b: number[]) => new Uint8Array(b);
    const item = {
      s: { S: 'text' },
      n: { N: '-0.5' },
      t: { BOOL: true },
      f: { BOOL: false },
      z: { NULL: true },
      ns: { NS: ['1', '2.5', '1e3'] },
      bs: { BS: [bytes(0), bytes(255, 1)] },
      m: { M: { l: { L: [{ S: 'x' }, { N: '3' }, { M: { ss: { SS: ['p', 'q'] }, b: { B: bytes(9, 8, 7) } } }] } } },
      empty: { M: {} },
    };
    const asJson = (v: unknown): unknown =>
      v instanceof Uint8Array
        ? Buffer.from(v).toString('base64')
        : v instanceof Set
          ? [...v].map(asJson)
          : Array.isArray(v)
            ? v.map(asJson)
            : v && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asJson(x)]))
              : v;
    const oracle = asJson(unmarshall(item, { wrapNumbers: (x: string) => Number(x) }));
    expect(toPlain(item)).toEqual(oracle);
    expect(JSON.stringify(toPlain(item))).toBe(JSON.stringify(oracle));
  });

  it('keeps an attribute named __proto__ as data', () => {
    const plain = toPlain(JSON.parse('{"__proto__": {"S": "x"}, "a": {"N": "1"}}'));
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(plain)).toBe('{"__proto__":"x","a":1}');
  });

  it('compares like DynamoDB: set order and number spelling do not matter, ignored names are skipped', () => {
    const a = toAttributeMap({ s: { SS: ['x', 'y'] }, n: { N: '1.50' }, v: { N: 1 } }, 'a');
    const b = toAttributeMap({ s: { SS: ['y', 'x'] }, n: { N: 1.5 }, v: { N: 2 } }, 'b');
    expect(attributeMapsEqual(a, b)).toBe(false);
    expect(attributeMapsEqual(a, b, ['v'])).toBe(true);
    expect(attributeMapsEqual(a, { ...b, extra: { S: '' } }, ['v'])).toBe(false);
  });
});

function cancelled(...codes: string[]) {
  return Object.assign(new Error(`Transaction cancelled [${codes.join(', ')}]`), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

describe('conflict retries', () => {
  it('treats only conflict-and-None cancellations as retryable', () => {
    expect(isConflictOnly(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isConflictOnly(cancelled('TransactionConflict', 'ConditionalCheckFailed'))).toBe(false);
    expect(isConflictOnly(cancelled('None', 'None'))).toBe(false);
    expect(isConflictOnly(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
    // Reasons not parsed: fall back to the list in the message.
    const bare = Object.assign(new Error('Transaction cancelled, ... reasons [None, TransactionConflict]'), {
      name: 'TransactionCanceledException',
    });
    expect(isConflictOnly(bare)).toBe(true);
  });

  it('retries conflicts with growing, jittered waits, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withConflictRetries(
      async () => {
        calls += 1;
        if (calls < 4) throw cancelled('TransactionConflict');
        return 'done';
      },
      { maxRetries: 8, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(4);
    expect(waits).toEqual([10, 20, 40]);
  });

  it('gives up after maxRetries and rethrows the cancellation', async () => {
    let calls = 0;
    const run = () => {
      calls += 1;
      return Promise.reject(cancelled('None', 'TransactionConflict'));
    };
    await expect(withConflictRetries(run, { maxRetries: 2, sleep: async () => {} })).rejects.toThrow(/cancelled/);
    expect(calls).toBe(3);
  });

  it('does not retry a failed condition', async () => {
    let calls = 0;
    const run = () => {
      calls += 1;
      return Promise.reject(cancelled('ConditionalCheckFailed'));
    };
    await expect(withConflictRetries(run, { maxRetries: 8, sleep: async () => {} })).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('keeps backoff between half and all of a window capped at 80 ms', () => {
    expect(backoffMs(0, () => 0)).toBe(5);
    expect(backoffMs(3, () => 1)).toBe(80);
    expect(backoffMs(10, () => 1)).toBe(80);
    expect(backoffMs(10, () => 0)).toBe(40);
  });
});

describe('TransactWriteItems conflict wiring (stub client: DynamoDB Local never reports TransactionConflict)', () => {
  const conflict = () =>
    new TransactionCanceledException({
      message:
        'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
      $metadata: {},
      CancellationReasons: [
        { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
        { Code: 'None' },
      ],
    });
  const request = {
    operation: 'TransactWriteItems',
    transactItems: [
      { operation: 'PutItem', key: { pk: { S: 'a' }, sk: { S: 'b' } } },
      { operation: 'PutItem', key: { pk: { S: 'a' }, sk: { S: 'c' } } },
    ],
  };
  function source(failures: number) {
    let sent = 0;
    const client = {
      send: async () => {
        sent += 1;
        if (sent <= failures) throw conflict();
        return {};
      },
    } as unknown as DynamoDBClient;
    return createDynamoDbDataSource({
      name: 's',
      client,
      tableName: 't',
      nextTokenKey: randomBytes(32),
      maxConflictRetries: 2,
    });
  }
  const scope = () => ({ perDataSource: new Map(), calls: { dynamodb: 0, postgres: 0 } });

  it('retries a conflict-only cancellation and then succeeds', async () => {
    const s = scope();
    const outcome = await source(2).invoke(request, s);
    expect(outcome).toEqual({
      result: {
        keys: [
          { pk: 'a', sk: 'b' },
          { pk: 'a', sk: 'c' },
        ],
        cancellationReasons: null,
      },
    });
    expect(s.calls.dynamodb).toBe(3);
  });

  it('reports the conflict once maxConflictRetries is used up', async () => {
    const s = scope();
    const outcome = await source(99).invoke(request, s);
    expect(outcome.error?.type).toBe('DynamoDB:TransactionCanceledException');
    expect(outcome.result).toEqual({
      keys: null,
      cancellationReasons: [
        { type: 'TransactionConflict', message: 'Transaction is ongoing for the item' },
        { type: 'None', message: null },
      ],
    });
    expect(s.calls.dynamodb).toBe(3);
  });
});

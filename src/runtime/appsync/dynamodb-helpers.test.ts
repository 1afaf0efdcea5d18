// Cases marked "AWS" reproduce EvaluateCode output recorded against AppSync (localstack/appsync-utils snapshots and
// a published evaluateCode test); the others pin our own deterministic choices.
import { describe, expect, it } from 'vitest';
import * as ddb from './dynamodb-helpers.ts';

describe('single-item requests (AWS)', () => {
  it('get', () => {
    expect(ddb.get({ key: { id: 'id' } })).toEqual({ operation: 'GetItem', key: { id: { S: 'id' } } });
  });

  it('put types key and item separately', () => {
    expect(ddb.put({ key: { id: 'abc' }, item: { value: 10 } })).toEqual({
      operation: 'PutItem',
      key: { id: { S: 'abc' } },
      attributeValues: { value: { N: 10 } },
    });
  });

  it('remove', () => {
    expect(ddb.remove({ key: { id: 'test' } })).toEqual({ operation: 'DeleteItem', key: { id: { S: 'test' } } });
  });

  it('scan keeps only what was given', () => {
    expect(ddb.scan({ limit: 10, nextToken: 'abc' })).toEqual({ operation: 'Scan', limit: 10, nextToken: 'abc' });
  });
});

describe('update expressions (AWS)', () => {
  const update = (changes: Record<string, unknown>) => ddb.update({ key: { id: 'test' }, update: changes }).update;

  it('plain values and add are SETs, nulls included', () => {
    expect(update({ name: 'Toni', bio: null, age: ddb.operations.add(10) })).toEqual({
      expression: 'SET #expName_1 = :expValue_1, #expName_2 = :expValue_2, #expName_3 = :expValue_3',
      expressionNames: { '#expName_1': 'name', '#expName_2': 'bio', '#expName_3': 'age' },
      expressionValues: { ':expValue_1': { S: 'Toni' }, ':expValue_2': { NULL: null }, ':expValue_3': { N: 10 } },
    });
  });

  it('decrement and increment reuse the attribute name', () => {
    expect(update({ views: ddb.operations.decrement(1) }).expression).toBe('SET #expName_1 = #expName_1 - :expValue_1');
    expect(update({ views: ddb.operations.increment() })).toEqual({
      expression: 'SET #expName_1 = #expName_1 + :expValue_1',
      expressionNames: { '#expName_1': 'views' },
      expressionValues: { ':expValue_1': { N: 1 } },
    });
  });

  it('append and prepend use list_append', () => {
    expect(update({ values: ddb.operations.append([1, 2]) })).toEqual({
      expression: 'SET #expName_1 = list_append(#expName_1, :expValue_1)',
      expressionNames: { '#expName_1': 'values' },
      expressionValues: { ':expValue_1': { L: [{ N: 1 }, { N: 2 }] } },
    });
    expect(update({ values: ddb.operations.prepend([3]) }).expression).toBe(
      'SET #expName_1 = list_append(:expValue_1, #expName_1)',
    );
  });

  it('remove goes to a REMOVE clause after the SETs', () => {
    expect(update({ gone: ddb.operations.remove(), kept: 'x' })).toEqual({
      expression: 'SET #expName_2 = :expValue_1 REMOVE #expName_1',
      expressionNames: { '#expName_1': 'gone', '#expName_2': 'kept' },
      expressionValues: { ':expValue_1': { S: 'x' } },
    });
  });

  it('nested objects update key by key; replace overwrites the whole map', () => {
    expect(update({ address: { city: 'NYC' }, profile: ddb.operations.replace({ a: 1 }) })).toEqual({
      expression: 'SET #expName_1.#expName_2 = :expValue_1, #expName_3 = :expValue_2',
      expressionNames: { '#expName_1': 'address', '#expName_2': 'city', '#expName_3': 'profile' },
      expressionValues: { ':expValue_1': { S: 'NYC' }, ':expValue_2': { M: { a: { N: 1 } } } },
    });
  });

  it('updateListItem sets list positions', () => {
    expect(update({ ids: [ddb.operations.updateListItem('102', 1), ddb.operations.updateListItem('112', 2)] })).toEqual(
      {
        expression: 'SET #expName_1[1] = :expValue_1, #expName_1[2] = :expValue_2',
        expressionNames: { '#expName_1': 'ids' },
        expressionValues: { ':expValue_1': { S: '102' }, ':expValue_2': { S: '112' } },
      },
    );
  });

  it('sets from toStringSet stay sets instead of becoming maps', () => {
    expect(update({ tags: ddb.toStringSet(['a']) }).expressionValues).toEqual({ ':expValue_1': { SS: ['a'] } });
    expect(ddb.put({ key: { id: 'x' }, item: { n: ddb.toNumberSet([1, 2]) } }).attributeValues).toEqual({
      n: { NS: [1, 2] },
    });
  });

  it('operation objects have the AWS shape', () => {
    expect(ddb.operations.add(10)).toEqual({ type: 'OPERATION_ADD', value: 10 });
    expect(ddb.operations.append([1])).toEqual({ type: 'OPERATION_APPEND', items: [1] });
    expect(ddb.operations.decrement(10)).toEqual({ type: 'OPERATION_DECREMENT', by: 10 });
    expect(ddb.operations.replace({ a: 10 })).toEqual({ type: 'OPERATION_REPLACE', value: { a: 10 } });
  });
});

describe('conditions, filters and queries', () => {
  it('conditions render through util.transform', () => {
    expect(ddb.put({ key: { id: 'a' }, item: {}, condition: { id: { attributeExists: false } }, _version: 2 })).toEqual(
      {
        operation: 'PutItem',
        key: { id: { S: 'a' } },
        attributeValues: {},
        condition: {
          expression: '(attribute_not_exists(#id))',
          expressionNames: { '#id': 'id' },
          expressionValues: {},
        },
        _version: 2,
      },
    );
  });

  it('an already-rendered condition passes through; an unreadable one throws', () => {
    const raw = { expression: 'attribute_exists(id)' };
    expect(ddb.remove({ key: { id: 'a' }, condition: raw }).condition).toBe(raw);
    expect(() => ddb.remove({ key: { id: 'a' }, condition: { id: 'a' } })).toThrow(/Invalid condition/);
  });

  it('query builds a key condition with counters and a filter with field names', () => {
    expect(
      ddb.query({
        query: { pk: { eq: 'u#1' }, sk: { beginsWith: 'msg#' } },
        filter: { read: { eq: false } },
        index: 'byDate',
        limit: 20,
        nextToken: null,
        scanIndexForward: false,
        projection: ['pk', 'body.text', 'tags[0]'],
      }),
    ).toEqual({
      operation: 'Query',
      query: {
        expression: '#expName_1 = :expValue_1 AND begins_with(#expName_2, :expValue_2)',
        expressionNames: { '#expName_1': 'pk', '#expName_2': 'sk' },
        expressionValues: { ':expValue_1': { S: 'u#1' }, ':expValue_2': { S: 'msg#' } },
      },
      index: 'byDate',
      limit: 20,
      scanIndexForward: false,
      filter: {
        expression: '(#read = :read_eq)',
        expressionNames: { '#read': 'read' },
        expressionValues: { ':read_eq': { BOOL: false } },
      },
      projection: {
        expression: '#projection_1, #projection_2.#projection_3, #projection_4[0]',
        expressionNames: {
          '#projection_1': 'pk',
          '#projection_2': 'body',
          '#projection_3': 'text',
          '#projection_4': 'tags',
        },
      },
    });
  });

  it('query key ranges use BETWEEN and comparators', () => {
    expect(ddb.query({ query: { pk: { eq: 1 }, sk: { between: [1, 5] } } }).query.expression).toBe(
      '#expName_1 = :expValue_1 AND #expName_2 BETWEEN :expValue_2 AND :expValue_3',
    );
    expect(() => ddb.query({ query: { pk: { contains: 'x' } } })).toThrow(/unsupported key condition/);
  });

  it('sync', () => {
    expect(ddb.sync({ limit: 10, lastSync: 5, nextToken: undefined })).toEqual({
      operation: 'Sync',
      limit: 10,
      lastSync: 5,
    });
  });
});

describe('batches and transactions', () => {
  it('batch requests type every key and item per table', () => {
    expect(ddb.batchGet({ tables: { posts: { keys: [{ id: '1' }], consistentRead: true } } })).toEqual({
      operation: 'BatchGetItem',
      tables: { posts: { keys: [{ id: { S: '1' } }], consistentRead: true } },
    });
    expect(ddb.batchPut({ tables: { posts: [{ id: '1', n: 2 }] } })).toEqual({
      operation: 'BatchPutItem',
      tables: { posts: [{ id: { S: '1' }, n: { N: 2 } }] },
    });
    expect(ddb.batchDelete({ tables: { posts: [{ id: '1' }] } })).toEqual({
      operation: 'BatchDeleteItem',
      tables: { posts: [{ id: { S: '1' } }] },
    });
  });

  it('transactGet and transactWrite', () => {
    expect(ddb.transactGet({ items: [{ table: 't', key: { id: '1' } }] })).toEqual({
      operation: 'TransactGetItems',
      transactItems: [{ table: 't', key: { id: { S: '1' } } }],
    });
    const write = ddb.transactWrite({
      items: [
        { putItem: { table: 't', key: { id: '1' }, item: { a: 1 }, condition: { id: { attributeExists: false } } } },
        { updateItem: { table: 't', key: { id: '2' }, update: { n: ddb.operations.increment(2) } } },
        { deleteItem: { table: 't', key: { id: '3' } } },
        { conditionCheck: { table: 't', key: { id: '4' }, condition: { v: { eq: 1 } } } },
      ],
    });
    expect(write.transactItems.map((i) => i.operation)).toEqual([
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'ConditionCheck',
    ]);
    expect(write.transactItems[0]).toEqual({
      table: 't',
      key: { id: { S: '1' } },
      condition: { expression: '(attribute_not_exists(#id))', expressionNames: { '#id': 'id' }, expressionValues: {} },
      operation: 'PutItem',
      attributeValues: { a: { N: 1 } },
    });
    expect((write.transactItems[1] as { update?: unknown }).update).toEqual({
      expression: 'SET #expName_1 = #expName_1 + :expValue_1',
      expressionNames: { '#expName_1': 'n' },
      expressionValues: { ':expValue_1': { N: 2 } },
    });
  });
});

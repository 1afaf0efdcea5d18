// deriveDynamoDbAccess on small bundles: each AppSync operation maps to its IAM action, transactions to their
// items' actions, indexes are found by name, and code it cannot read fails naming the file.
import { describe, expect, it } from 'vitest';
import { AccessDerivationError, IAM_ACTIONS_BY_OPERATION, deriveDynamoDbAccess } from './dynamodb-access.ts';

const INDEXES = ['message-group-sk-index', 'last-activity-index'];
const bundle = (file: string, code: string) => ({ file, code });
const actionsOf = (code: string) => [...deriveDynamoDbAccess([bundle('a.js', code)], INDEXES).actions.keys()];

function problemsOf(code: string): readonly string[] {
  try {
    deriveDynamoDbAccess([bundle('bad.js', code)], INDEXES);
  } catch (error) {
    if (error instanceof AccessDerivationError) return error.problems;
    throw error;
  }
  throw new Error('expected an AccessDerivationError');
}

describe('deriveDynamoDbAccess', () => {
  it('maps each single-item operation to its own action', () => {
    expect(actionsOf('return { operation: "GetItem", key };')).toEqual(['dynamodb:GetItem']);
    expect(actionsOf("return { operation: 'DeleteItem', key };")).toEqual(['dynamodb:DeleteItem']);
    expect(actionsOf('({ operation: "BatchPutItem" }); ({ operation: "BatchDeleteItem" })')).toEqual([
      'dynamodb:BatchWriteItem',
    ]);
  });

  it('gives a transaction only the actions of its items (DynamoDB checks each item)', () => {
    const code = `const items = [{ operation: "PutItem" }, { operation: "ConditionCheck" }];
      return { operation: "TransactWriteItems", transactItems: items };`;
    expect(actionsOf(code)).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem']);
    expect(IAM_ACTIONS_BY_OPERATION.TransactWriteItems).toEqual([]);
  });

  it('reads the operations of imported @aws-appsync/utils/dynamodb helpers', () => {
    const code =
      'import { get, remove as del, operations } from "@aws-appsync/utils/dynamodb";\nexport function request() {}';
    expect(actionsOf(code)).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem']);
  });

  it('records which bundle needs each action and which index each names', () => {
    const access = deriveDynamoDbAccess(
      [
        bundle('q.js', 'const INBOX_INDEX = "last-activity-index"; ({ operation: "Query", index: INBOX_INDEX })'),
        bundle('g.js', '({ operation: "GetItem" })'),
        bundle('p.js', '({ operation: "Query" })'),
      ],
      INDEXES,
    );
    expect(Object.fromEntries(access.actions)).toEqual({
      'dynamodb:GetItem': ['g.js'],
      'dynamodb:Query': ['p.js', 'q.js'],
    });
    expect(Object.fromEntries(access.indexes)).toEqual({ 'last-activity-index': ['q.js'] });
    expect(access.indexActions).toEqual(['dynamodb:Query']);
  });

  it('grants nothing on indexes when no bundle names one', () => {
    const access = deriveDynamoDbAccess([bundle('p.js', '({ operation: "Query" })')], INDEXES);
    expect(access.indexes.size).toBe(0);
    expect(access.indexActions).toEqual([]);
  });

  it('fails naming the file on an unknown operation, a computed one, a namespace import or an unknown index', () => {
    expect(problemsOf('({ operation: "PutItems" })')).toEqual(["bad.js: unknown DynamoDB operation 'PutItems'"]);
    expect(problemsOf('const op = "GetItem"; ({ operation: op })')).toEqual([
      "bad.js: an 'operation' that is not a string literal",
    ]);
    expect(problemsOf('import * as ddb from "@aws-appsync/utils/dynamodb";')[0]).toMatch(/^bad\.js: import .* by name/);
    expect(problemsOf('import { frobnicate } from "@aws-appsync/utils/dynamodb";')).toEqual([
      "bad.js: unknown @aws-appsync/utils/dynamodb helper 'frobnicate'",
    ]);
    expect(problemsOf('({ operation: "Query", index: "other-index" })')[0]).toMatch(
      /^bad\.js: reads an index whose name is not one of message-group-sk-index, last-activity-index/,
    );
  });
});

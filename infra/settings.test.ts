// readSettings: defaults synthesise offline; pairs come together; bad values fail naming the context key.
import { describe, expect, it } from 'vitest';
import { MAX_TASKS, readSettings } from './settings.ts';

const from = (context: Record<string, unknown>) => readSettings((key) => context[key]);

describe('readSettings', () => {
  it('defaults to new resources, the local table name and two tasks', () => {
    expect(from({})).toEqual({
      tableName: 'cruddur-messages',
      userPool: undefined,
      usersCluster: undefined,
      desiredCount: 2,
      certificateArn: undefined,
    });
  });

  it('takes an existing pool and cluster when both halves are given', () => {
    const settings = from({
      userPoolId: 'us-east-1_AbC123',
      userPoolClientId: 'abc123def456',
      usersClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:users',
      usersSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:users-AbCdEf',
      desiredCount: '3',
    });
    expect(settings.userPool).toEqual({ userPoolId: 'us-east-1_AbC123', userPoolClientId: 'abc123def456' });
    expect(settings.usersCluster?.databaseName).toBe('cruddur');
    expect(settings.desiredCount).toBe(3);
  });

  it('fails naming the key for half a pair, a malformed value or a task count out of bounds', () => {
    expect(() => from({ userPoolId: 'us-east-1_AbC123' })).toThrow("CDK context 'userPoolClientId' is required");
    expect(() => from({ usersSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' })).toThrow(
      "CDK context 'usersClusterArn' is required",
    );
    expect(() => from({ usersClusterArn: 'users', usersSecretArn: 'x' })).toThrow(
      "CDK context 'usersClusterArn' must match",
    );
    expect(() => from({ tableName: 'a b' })).toThrow("CDK context 'tableName' must match");
    expect(() => from({ desiredCount: 0 })).toThrow("CDK context 'desiredCount' must be an integer 1–20");
    expect(() => from({ desiredCount: MAX_TASKS + 1 })).toThrow("'desiredCount'");
    expect(from({ desiredCount: MAX_TASKS }).desiredCount).toBe(MAX_TASKS);
    expect(() => from({ desiredCount: '2.5' })).toThrow("'desiredCount'");
    expect(() => from({ tableName: 42 })).toThrow("CDK context 'tableName' must be a string");
  });
});

// Deployment settings from CDK context (`cdk deploy -c key=value` or cdk.json), validated once: a bad value fails
// synth naming the key. Everything has a default that synthesises offline.
export interface ExistingUserPool {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

export interface ExistingCluster {
  readonly clusterArn: string;
  readonly secretArn: string;
  readonly databaseName: string;
}

export interface Settings {
  /** The messages table's name (the local default, so scripts work unchanged with DYNAMODB_TABLE). */
  readonly tableName: string;
  /** Unset: a new pool and web client. */
  readonly userPool: ExistingUserPool | undefined;
  /** Unset: a new Aurora PostgreSQL Serverless v2 cluster with the Data API, in a VPC of the AppSync stack. */
  readonly usersCluster: ExistingCluster | undefined;
  /** Fargate tasks of the server. */
  readonly desiredCount: number;
  /** An ACM certificate for HTTPS on the load balancer; unset: HTTP only (port 80). */
  readonly certificateArn: string | undefined;
}

export const MAX_TASKS = 20;

export class SettingsError extends Error {
  constructor(key: string, problem: string) {
    super(`CDK context '${key}' ${problem}`);
    this.name = 'SettingsError';
  }
}

type Lookup = (key: string) => unknown;

function text(lookup: Lookup, key: string, pattern?: RegExp): string | undefined {
  const value = lookup(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new SettingsError(key, `must be a string (got ${typeof value})`);
  if (pattern && !pattern.test(value)) throw new SettingsError(key, `must match ${pattern} (got '${value}')`);
  return value;
}

const ARN = /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:.+$/;

/** Reads settings through `lookup` (node.tryGetContext); pairs that belong together must come together. */
export function readSettings(lookup: Lookup): Settings {
  const tableName = text(lookup, 'tableName', /^[A-Za-z0-9_.-]{3,255}$/) ?? 'cruddur-messages';
  const userPoolId = text(lookup, 'userPoolId', /^[\w-]+_[0-9a-zA-Z]+$/);
  const userPoolClientId = text(lookup, 'userPoolClientId', /^[\w+]{1,128}$/);
  if (!userPoolId !== !userPoolClientId) {
    throw new SettingsError(userPoolId ? 'userPoolClientId' : 'userPoolId', 'is required with the other one');
  }
  const clusterArn = text(lookup, 'usersClusterArn', ARN);
  const secretArn = text(lookup, 'usersSecretArn', ARN);
  if (!clusterArn !== !secretArn) {
    throw new SettingsError(clusterArn ? 'usersSecretArn' : 'usersClusterArn', 'is required with the other one');
  }
  const countText = lookup('desiredCount');
  const desiredCount = countText === undefined ? 2 : Number(countText);
  if (!Number.isInteger(desiredCount) || desiredCount < 1 || desiredCount > MAX_TASKS) {
    throw new SettingsError('desiredCount', `must be an integer 1–${MAX_TASKS} (got '${String(countText)}')`);
  }
  return {
    tableName,
    userPool: userPoolId && userPoolClientId ? { userPoolId, userPoolClientId } : undefined,
    usersCluster:
      clusterArn && secretArn
        ? { clusterArn, secretArn, databaseName: text(lookup, 'usersDatabase', /^\w{1,63}$/) ?? 'cruddur' }
        : undefined,
    desiredCount,
    certificateArn: text(lookup, 'certificateArn', ARN),
  };
}

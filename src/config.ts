// Configuration from the environment, validated once at start-up: an invalid value fails fast naming the variable.
import { DEFAULT_SUBSCRIPTION_SETTINGS, type SubscriptionSettings } from './subscriptions/settings.ts';
import { DEFAULT_MAX_BODY_BYTES } from './http/graphql-handler.ts';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './limits/document-limits.ts';
import { DEFAULT_READ_CACHE } from './datasources/postgres/read-cache.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './limits/rate-limiter.ts';
import { DEFAULT_MAX_BACKEND_CALLS } from './runtime/execute.ts';

export type AuthMode = 'local' | 'cognito';
export type PubSubMode = 'memory' | 'dynamodb-stream';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Unset: start DynamoDB Local embedded. */
  readonly dynamodbEndpoint: string | undefined;
  readonly dynamodbTable: string;
  readonly awsRegion: string;
  /** Unset: start an embedded Postgres (PGlite). */
  readonly databaseUrl: string | undefined;
  readonly authMode: AuthMode;
  readonly cognitoUserPoolId: string | undefined;
  readonly cognitoClientId: string | undefined;
  /** Offline/air-gapped Cognito: verify against this JWKS file instead of fetching it. */
  readonly cognitoJwksFile: string | undefined;
  readonly pubsub: PubSubMode;
  /** PUBSUB=dynamodb-stream: how often each instance polls the table's stream. */
  readonly streamPollIntervalMs: number;
  readonly dataDir: string;
  /** 32-byte key (hex or base64) for nextToken encryption; unset: a random key persisted in DATA_DIR. */
  readonly nextTokenSecret: string | undefined;
  /** Batch Postgres reads per request (DataLoader); off only to measure what batching saves. */
  readonly batching: boolean;
  /** USERS_CACHE_TTL_MS: how long a users read may be served from memory without a change notice (0: no cache). */
  readonly usersCacheTtlMs: number;
  /** Create the table and the users schema, and seed demo data, when absent. */
  readonly seed: boolean;
  readonly logLevel: 'silent' | 'info' | 'debug';
  /** Bounds and timers of live subscriptions (WS_* variables). */
  readonly subscriptions: SubscriptionSettings;
  /** TLS_CERT and TLS_KEY (PEM files): serve HTTPS and WSS; unset: plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  // Limits (issue 8): operation documents, request bodies, backend calls per request, per-caller rates.
  /** MAX_DOCUMENT_BYTES, MAX_TOKENS, MAX_QUERY_DEPTH, MAX_ALIASES, MAX_DIRECTIVES, MAX_QUERY_COST. */
  readonly documentLimits: DocumentLimits;
  /** MAX_BODY_BYTES: an HTTP request body (document plus variables); at least MAX_DOCUMENT_BYTES. */
  readonly maxBodyBytes: number;
  /** MAX_BACKEND_CALLS: DynamoDB and Postgres calls one GraphQL request may make. */
  readonly maxBackendCalls: number;
  /** RATE_LIMIT_USER_PER_SECOND / _BURST (per user), RATE_LIMIT_IP_PER_SECOND / _BURST (failed auth per IP), RATE_LIMIT_MAX_KEYS, TRUSTED_PROXY_HOPS. */
  readonly rateLimits: RateLimits;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got '${value}')`);
  return value as T;
}

function optionalUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  try {
    new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got '${value}')`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (['1', 'true', 'yes'].includes(value)) return true;
  if (['0', 'false', 'no'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false (got '${value}')`);
}

function positiveInt(env: Env, name: string, fallback: number, unit = 'milliseconds'): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new ConfigError(name, `must be a positive whole number of ${unit} (got '${value}')`);
  return parsed;
}

function tlsFiles(env: Env): Config['tls'] {
  const certFile = env.TLS_CERT || undefined;
  const keyFile = env.TLS_KEY || undefined;
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new ConfigError('TLS_CERT', 'is required with TLS_KEY (a PEM certificate file)');
  if (!keyFile) throw new ConfigError('TLS_KEY', 'is required with TLS_CERT (a PEM private key file)');
  return { certFile, keyFile };
}

/** WS_* variables: every bound of live subscriptions (src/subscriptions/settings.ts has what each means). */
function subscriptionSettings(env: Env): SubscriptionSettings {
  const d = DEFAULT_SUBSCRIPTION_SETTINGS;
  return {
    connectionInitWaitTimeoutMs: positiveInt(env, 'WS_INIT_TIMEOUT_MS', d.connectionInitWaitTimeoutMs),
    keepAliveMs: positiveInt(env, 'WS_KEEP_ALIVE_MS', d.keepAliveMs),
    maxMessageBytes: positiveInt(env, 'WS_MAX_MESSAGE_BYTES', d.maxMessageBytes, 'bytes'),
    maxInitMessageBytes: positiveInt(env, 'WS_MAX_INIT_MESSAGE_BYTES', d.maxInitMessageBytes, 'bytes'),
    maxBufferedBytes: positiveInt(env, 'WS_MAX_BUFFERED_BYTES', d.maxBufferedBytes, 'bytes'),
    maxSubscriptionsPerConnection: positiveInt(
      env,
      'WS_MAX_SUBSCRIPTIONS_PER_CONNECTION',
      d.maxSubscriptionsPerConnection,
      'subscriptions',
    ),
    maxSubscriptionsPerUser: positiveInt(
      env,
      'WS_MAX_SUBSCRIPTIONS_PER_USER',
      d.maxSubscriptionsPerUser,
      'subscriptions',
    ),
    maxConnectionsPerUser: positiveInt(env, 'WS_MAX_CONNECTIONS_PER_USER', d.maxConnectionsPerUser, 'connections'),
    maxPendingConnections: positiveInt(env, 'WS_MAX_PENDING_CONNECTIONS', d.maxPendingConnections, 'connections'),
    maxPendingPerAddress: positiveInt(env, 'WS_MAX_PENDING_PER_ADDRESS', d.maxPendingPerAddress, 'connections'),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const portText = env.PORT ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('PORT', `must be a port number 0–65535 (got '${portText}')`);
  const dynamodbTable = env.DYNAMODB_TABLE || 'cruddur-messages';
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(dynamodbTable))
    throw new ConfigError(
      'DYNAMODB_TABLE',
      `must be a DynamoDB table name: 3–255 of A–Z a–z 0–9 _ - . (got '${dynamodbTable}')`,
    );
  const authMode = oneOf<AuthMode>(env, 'AUTH_MODE', ['local', 'cognito'], 'local');
  const cognitoUserPoolId = env.COGNITO_USER_POOL_ID || undefined;
  const cognitoClientId = env.COGNITO_CLIENT_ID || undefined;
  if (authMode === 'cognito') {
    if (!cognitoUserPoolId) throw new ConfigError('COGNITO_USER_POOL_ID', 'is required when AUTH_MODE=cognito');
    if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(cognitoUserPoolId))
      throw new ConfigError(
        'COGNITO_USER_POOL_ID',
        `must look like <region>_<id>, e.g. us-east-1_AbC123 (got '${cognitoUserPoolId}')`,
      );
    if (!cognitoClientId) throw new ConfigError('COGNITO_CLIENT_ID', 'is required when AUTH_MODE=cognito');
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError('DATABASE_URL', `must be a postgres:// URL (got '${databaseUrl}')`);
  const awsRegion =
    env.AWS_REGION ||
    env.AWS_DEFAULT_REGION ||
    (authMode === 'cognito' && cognitoUserPoolId ? cognitoUserPoolId.split('_')[0]! : 'us-east-1');
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dynamodbEndpoint: optionalUrl(env, 'DYNAMODB_ENDPOINT'),
    dynamodbTable,
    awsRegion,
    databaseUrl,
    authMode,
    cognitoUserPoolId,
    cognitoClientId,
    cognitoJwksFile: env.COGNITO_JWKS_FILE || undefined,
    pubsub: oneOf<PubSubMode>(env, 'PUBSUB', ['memory', 'dynamodb-stream'], 'memory'),
    streamPollIntervalMs: positiveInt(env, 'STREAM_POLL_INTERVAL_MS', 250),
    dataDir: env.DATA_DIR || '.data',
    nextTokenSecret: env.NEXT_TOKEN_SECRET || undefined,
    seed: flag(env, 'SEED', true),
    batching: flag(env, 'BATCHING', true),
    usersCacheTtlMs: wholeNumber(env, 'USERS_CACHE_TTL_MS', DEFAULT_READ_CACHE.ttlMs),
    logLevel: oneOf(env, 'LOG_LEVEL', ['silent', 'info', 'debug'] as const, 'info'),
    subscriptions: subscriptionSettings(env),
    tls: tlsFiles(env),
    ...limitsFrom(env),
  };
}

function count(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new ConfigError(name, `must be a positive whole number (got '${value}')`);
  return parsed;
}

function wholeNumber(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new ConfigError(name, `must be a whole number, 0 or more (got '${value}')`);
  return parsed;
}

function rate(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new ConfigError(name, `must be a positive number per second (got '${value}')`);
  return parsed;
}

function limitsFrom(env: Env): Pick<Config, 'documentLimits' | 'maxBodyBytes' | 'maxBackendCalls' | 'rateLimits'> {
  const d = DEFAULT_DOCUMENT_LIMITS;
  const r = DEFAULT_RATE_LIMITS;
  const documentLimits: DocumentLimits = {
    maxDocumentBytes: count(env, 'MAX_DOCUMENT_BYTES', d.maxDocumentBytes),
    maxTokens: count(env, 'MAX_TOKENS', d.maxTokens),
    maxDepth: count(env, 'MAX_QUERY_DEPTH', d.maxDepth),
    maxAliases: count(env, 'MAX_ALIASES', d.maxAliases),
    maxDirectives: count(env, 'MAX_DIRECTIVES', d.maxDirectives),
    maxCost: count(env, 'MAX_QUERY_COST', d.maxCost),
  };
  const maxBodyBytes = count(env, 'MAX_BODY_BYTES', Math.max(DEFAULT_MAX_BODY_BYTES, documentLimits.maxDocumentBytes));
  if (maxBodyBytes < documentLimits.maxDocumentBytes)
    throw new ConfigError(
      'MAX_BODY_BYTES',
      `must be at least MAX_DOCUMENT_BYTES (${documentLimits.maxDocumentBytes}), or no body could carry a document at that limit (got '${maxBodyBytes}')`,
    );
  return {
    documentLimits,
    maxBodyBytes,
    maxBackendCalls: count(env, 'MAX_BACKEND_CALLS', DEFAULT_MAX_BACKEND_CALLS),
    rateLimits: {
      user: {
        refillPerSecond: rate(env, 'RATE_LIMIT_USER_PER_SECOND', r.user.refillPerSecond),
        capacity: count(env, 'RATE_LIMIT_USER_BURST', r.user.capacity),
      },
      ip: {
        refillPerSecond: rate(env, 'RATE_LIMIT_IP_PER_SECOND', r.ip.refillPerSecond),
        capacity: count(env, 'RATE_LIMIT_IP_BURST', r.ip.capacity),
      },
      maxKeys: count(env, 'RATE_LIMIT_MAX_KEYS', r.maxKeys),
      trustedProxyHops: wholeNumber(env, 'TRUSTED_PROXY_HOPS', r.trustedProxyHops),
    },
  };
}

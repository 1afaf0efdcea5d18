import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded, local-auth, in-process setup', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      dynamodbEndpoint: undefined,
      dynamodbTable: 'cruddur-messages',
      databaseUrl: undefined,
      authMode: 'local',
      pubsub: 'memory',
      dataDir: '.data',
      seed: true,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ AUTH_MODE: 'magic' }, /AUTH_MODE.*local, cognito/],
    [{ AUTH_MODE: 'cognito' }, /COGNITO_USER_POOL_ID/],
    [
      { AUTH_MODE: 'cognito', COGNITO_USER_POOL_ID: 'local-pool', COGNITO_CLIENT_ID: 'x' },
      /COGNITO_USER_POOL_ID.*region/,
    ],
    [{ AUTH_MODE: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-1_abc' }, /COGNITO_CLIENT_ID/],
    [{ DYNAMODB_ENDPOINT: 'not a url' }, /DYNAMODB_ENDPOINT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ DYNAMODB_TABLE: 'a' }, /DYNAMODB_TABLE/],
    [{ PUBSUB: 'kafka' }, /PUBSUB.*memory, dynamodb-stream, redis/],
    [{ PUBSUB: 'redis' }, /REDIS_URL is required when PUBSUB=redis/],
    [{ PUBSUB: 'redis', REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ PUBSUB: 'redis', REDIS_URL: 'redis://127.0.0.1', REDIS_STREAM_READER: 'all' }, /REDIS_STREAM_READER/],
    [{ PUBSUB: 'redis', REDIS_URL: 'redis://127.0.0.1', STREAM_LEASE_MS: '100' }, /STREAM_LEASE_MS.*at least 300/],
    [{ PUBSUB: 'redis', REDIS_URL: 'redis://127.0.0.1', REDIS_FAST_PATH: 'sometimes' }, /REDIS_FAST_PATH/],
    [{ SEED: 'maybe' }, /SEED/],
    [{ WS_MAX_BUFFERED_BYTES: '0' }, /WS_MAX_BUFFERED_BYTES.*bytes/],
    [{ TLS_CERT: '/tmp/cert.pem' }, /TLS_KEY.*is required with TLS_CERT/],
    [{ TLS_KEY: '/tmp/key.pem' }, /TLS_CERT.*is required with TLS_KEY/],
    [{ WS_MAX_SUBSCRIPTIONS_PER_USER: '2.5' }, /WS_MAX_SUBSCRIPTIONS_PER_USER.*subscriptions/],
  ])('fails fast naming the variable for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads every WebSocket bound from WS_* variables, defaulting the rest', () => {
    const config = loadConfig({ WS_MAX_MESSAGE_BYTES: '4096', WS_MAX_CONNECTIONS_PER_USER: '3' });
    expect(config.subscriptions.maxMessageBytes).toBe(4096);
    expect(config.subscriptions.maxConnectionsPerUser).toBe(3);
    expect(config.subscriptions.maxBufferedBytes).toBe(256 * 1024);
  });

  it('takes the region from the user pool id in cognito mode', () => {
    expect(
      loadConfig({ AUTH_MODE: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-1_abc', COGNITO_CLIENT_ID: 'c' }).awsRegion,
    ).toBe('eu-west-1');
  });
});

describe('loadConfig: limits', () => {
  it('defaults to the documented document, body, call and rate limits', () => {
    expect(loadConfig({})).toMatchObject({
      documentLimits: {
        maxDocumentBytes: 65536,
        maxTokens: 4000,
        maxDepth: 10,
        maxAliases: 15,
        maxDirectives: 20,
        maxCost: 1000,
      },
      maxBodyBytes: 262144,
      maxBackendCalls: 50,
      rateLimits: {
        user: { refillPerSecond: 20, capacity: 50 },
        ip: { refillPerSecond: 2, capacity: 20 },
        maxKeys: 100_000,
        trustedProxyHops: 0,
      },
    });
  });

  it('reads the PUBSUB=redis variables, with the documented defaults, and hides a password in errors', () => {
    expect(loadConfig({ PUBSUB: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      fastPath: true,
      streamReader: 'lease',
      leaseMs: 10_000,
    });
    const env = {
      PUBSUB: 'redis',
      REDIS_URL: 'rediss://:secret@cache.example:6380',
      REDIS_FAST_PATH: 'false',
      REDIS_STREAM_READER: 'external',
      STREAM_LEASE_MS: '2000',
    };
    expect(loadConfig(env).redis).toEqual({
      url: 'rediss://:secret@cache.example:6380',
      fastPath: false,
      streamReader: 'external',
      leaseMs: 2000,
    });
    expect(loadConfig({ REDIS_URL: 'redis://x' }).redis).toBeUndefined();
    expect(() => loadConfig({ PUBSUB: 'redis', REDIS_URL: 'http://u:secret@x' })).toThrow(/http:\/\/\*\*\*@x/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      MAX_DOCUMENT_BYTES: '1000',
      MAX_TOKENS: '100',
      MAX_QUERY_DEPTH: '3',
      MAX_ALIASES: '2',
      MAX_DIRECTIVES: '4',
      MAX_QUERY_COST: '50',
      MAX_BODY_BYTES: '2000',
      MAX_BACKEND_CALLS: '7',
      RATE_LIMIT_USER_PER_SECOND: '0.5',
      RATE_LIMIT_USER_BURST: '3',
      RATE_LIMIT_IP_PER_SECOND: '1',
      RATE_LIMIT_IP_BURST: '2',
      RATE_LIMIT_MAX_KEYS: '10',
      TRUSTED_PROXY_HOPS: '1',
    });
    expect(config.documentLimits).toEqual({
      maxDocumentBytes: 1000,
      maxTokens: 100,
      maxDepth: 3,
      maxAliases: 2,
      maxDirectives: 4,
      maxCost: 50,
    });
    expect(config.maxBodyBytes).toBe(2000);
    expect(config.maxBackendCalls).toBe(7);
    expect(config.rateLimits).toEqual({
      user: { refillPerSecond: 0.5, capacity: 3 },
      ip: { refillPerSecond: 1, capacity: 2 },
      maxKeys: 10,
      trustedProxyHops: 1,
    });
  });

  it('lets the body default grow with a larger document limit', () => {
    expect(loadConfig({ MAX_DOCUMENT_BYTES: '500000' }).maxBodyBytes).toBe(500000);
  });

  it.each([
    [{ MAX_ALIASES: '0' }, /MAX_ALIASES must be a positive whole number \(got '0'\)/],
    [{ MAX_QUERY_DEPTH: '2.5' }, /MAX_QUERY_DEPTH/],
    [{ MAX_TOKENS: 'lots' }, /MAX_TOKENS/],
    [{ MAX_BACKEND_CALLS: '-1' }, /MAX_BACKEND_CALLS/],
    [{ RATE_LIMIT_USER_PER_SECOND: '0' }, /RATE_LIMIT_USER_PER_SECOND must be a positive number/],
    [{ RATE_LIMIT_IP_BURST: 'x' }, /RATE_LIMIT_IP_BURST/],
    [{ TRUSTED_PROXY_HOPS: '-1' }, /TRUSTED_PROXY_HOPS must be a whole number/],
    [{ MAX_DOCUMENT_BYTES: '100000', MAX_BODY_BYTES: '50000' }, /MAX_BODY_BYTES must be at least MAX_DOCUMENT_BYTES/],
  ])('fails fast naming the variable for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('observability: timing on only in development, metrics off unless METRICS_PORT, on loopback', () => {
    expect(loadConfig({})).toMatchObject({ serverTiming: false, metrics: undefined, logFormat: undefined });
    expect(loadConfig({ NODE_ENV: 'development' }).serverTiming).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', SERVER_TIMING: 'false' }).serverTiming).toBe(false);
    expect(loadConfig({ SERVER_TIMING: 'true' }).serverTiming).toBe(true);
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it.each([
    [{ SERVER_TIMING: 'maybe' }, /SERVER_TIMING must be true or false/],
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be one of json, pretty/],
    [{ METRICS_PORT: '99999' }, /METRICS_PORT must be a port number/],
    [{ METRICS_PORT: '4000' }, /METRICS_PORT must differ from PORT/],
    [{ METRICS_HOST: '0.0.0.0' }, /METRICS_HOST needs METRICS_PORT/],
  ])('fails fast on observability settings %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

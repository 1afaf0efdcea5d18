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
    [{ PUBSUB: 'redis' }, /PUBSUB/],
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

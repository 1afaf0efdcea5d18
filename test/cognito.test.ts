// AUTH_MODE=cognito, offline: the server trusts a preloaded JWKS (COGNITO_JWKS_FILE) for a user pool, and
// accepts id and access tokens from that pool's issuer for the configured app client only.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/auth/local-issuer.ts';
import { upsertUser } from '../src/data/users.ts';
import { startTestServer, uniqueSuffix, type TestServer } from './helpers.ts';

const POOL = 'eu-west-1_TestPool1';
const CLIENT = 'cruddur-web-client';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = 'test-key-1';
const PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

let server: TestServer;
const sub = randomUUID();
const handle = `cognito_${uniqueSuffix()}`;

function token(overrides: Record<string, unknown> = {}, kid = KID, pem = PEM): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { alg: 'RS256', kid },
    {
      sub,
      iss: ISSUER,
      aud: CLIENT,
      token_use: 'id',
      'cognito:username': handle,
      'cognito:groups': ['members'],
      iat: now,
      exp: now + 300,
      ...overrides,
    },
    pem,
  );
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-cognito-'));
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(
    jwksFile,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' }] }),
  );
  server = await startTestServer({
    AUTH_MODE: 'cognito',
    COGNITO_USER_POOL_ID: POOL,
    COGNITO_CLIENT_ID: CLIENT,
    COGNITO_JWKS_FILE: jwksFile,
  });
  await upsertUser(server.pool, { handle, displayName: 'Cognito User', cognitoUserId: sub });
});
afterAll(async () => {
  await server?.stop();
});

describe('AUTH_MODE=cognito', () => {
  it('accepts an id token and an access token from the pool, with or without Bearer', async () => {
    const access = token({
      aud: undefined,
      client_id: CLIENT,
      token_use: 'access',
      username: handle,
      'cognito:username': undefined,
    });
    for (const auth of [token(), `Bearer ${token()}`, access]) {
      const res = await server.gql(auth, '{ me { handle displayName } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.me).toEqual({ handle, displayName: 'Cognito User' });
    }
  });

  it.each([
    ['another pool', () => token({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })],
    ['another app client', () => token({ aud: 'someone-elses-client' })],
    ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 10 })],
    ['a token without exp', () => token({ exp: undefined })],
    ['a token issued an hour in the future', () => token({ iat: Math.floor(Date.now() / 1000) + 3600 })],
    ['an unknown key id', () => token({}, 'unknown-kid')],
    [
      'a key not in the JWKS',
      () =>
        token(
          {},
          KID,
          generateKeyPairSync('rsa', { modulusLength: 2048 })
            .privateKey.export({ format: 'pem', type: 'pkcs8' })
            .toString(),
        ),
    ],
    ['a token of the local dev issuer', localToken],
  ])('rejects %s with 401', async (_name, make) => {
    const res = await server.gql(make(), '{ me { id } }');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('cannot mint local tokens in cognito mode', () => {
    expect(() => server.tokenFor(handle)).toThrow(/AUTH_MODE=local/);
  });
});

function localToken(): string {
  const { privateKey: other } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { alg: 'RS256', kid: 'local' },
    {
      sub,
      iss: 'http://localhost/cruddur-local-issuer',
      aud: 'cruddur-local-client',
      token_use: 'id',
      iat: now,
      exp: now + 60,
    },
    other.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
}

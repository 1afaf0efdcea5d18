// The local development issuer (AUTH_MODE=local): an RSA key persisted in DATA_DIR signs Cognito-shaped id
// tokens, and the server verifies them with aws-jwt-verify exactly as it verifies real Cognito tokens.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LOCAL_ISSUER = 'http://localhost/cruddur-local-issuer';
export const LOCAL_CLIENT_ID = 'cruddur-local-client';

export interface LocalIssuer {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwks: { keys: JsonWebKey[] };
  /** Signs an id token for `claims.sub`; `expiresInSeconds` defaults to 12 hours. */
  sign(claims: { sub: string; username: string; email?: string; groups?: string[] }, expiresInSeconds?: number): string;
}

/** The Cognito `sub` a local token carries for a handle: stable, so seed data and `npm run token` agree. */
export function localSubForHandle(handle: string): string {
  const hex = createHash('sha256').update(`cruddur-local:${handle}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const b64url = (input: string | Buffer) => Buffer.from(input).toString('base64url');

export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKeyPem: string,
): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(JSON.stringify(payload));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKeyPem);
  return `${head}.${body}.${b64url(signature)}`;
}

interface StoredKey {
  readonly kid: string;
  readonly privateKeyPem: string;
}

function loadOrCreateKey(dataDir: string): StoredKey {
  const file = path.join(dataDir, 'local-issuer-key.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  } catch {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stored: StoredKey = {
      kid: randomUUID(),
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    return stored;
  }
}

export function createLocalIssuer(dataDir: string): LocalIssuer {
  const key = loadOrCreateKey(dataDir);
  const publicJwk = createPublicKey(createPrivateKey(key.privateKeyPem)).export({ format: 'jwk' });
  const jwk = { ...publicJwk, kid: key.kid, alg: 'RS256', use: 'sig' };
  return {
    issuer: LOCAL_ISSUER,
    clientId: LOCAL_CLIENT_ID,
    jwks: { keys: [jwk] },
    sign(claims, expiresInSeconds = 12 * 3600) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        sub: claims.sub,
        iss: LOCAL_ISSUER,
        aud: LOCAL_CLIENT_ID,
        token_use: 'id',
        auth_time: now,
        iat: now,
        exp: now + expiresInSeconds,
        'cognito:username': claims.username,
        ...(claims.email ? { email: claims.email } : {}),
        ...(claims.groups ? { 'cognito:groups': claims.groups } : {}),
      };
      return signJwt({ alg: 'RS256', kid: key.kid, typ: 'JWT' }, payload, key.privateKeyPem);
    },
  };
}

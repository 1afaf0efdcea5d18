// Verifies the caller's JWT with aws-jwt-verify (real Cognito, or the local issuer) and builds ctx.identity in
// AppSync's Cognito shape. Every failure is an AuthError whose message says what to do about it.
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import {
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidSignatureError,
  JwtParseError,
  KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { CognitoIdentity } from '../runtime/context.ts';

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface Authenticator {
  /** `authorization` is the raw header value: `<jwt>` or `Bearer <jwt>`. */
  authenticate(authorization: string | undefined, sourceIp: string[]): Promise<CognitoIdentity>;
  /** True when this exact token was verified before and has not expired: it costs no signature check. */
  knows(authorization: string | undefined): boolean;
}

export type AuthenticatorOptions = (
  | { readonly mode: 'local'; readonly issuer: string; readonly clientId: string; readonly jwks: { keys: unknown[] } }
  | {
      readonly mode: 'cognito';
      readonly userPoolId: string;
      readonly clientId: string;
      readonly jwks?: { keys: unknown[] };
    }
) & {
  /** How far a token's `iat` may lie ahead of this server's clock (default MAX_CLOCK_SKEW_SECONDS). */
  readonly maxClockSkewSeconds?: number;
};

/**
 * Five minutes: Cognito's and our clocks are NTP-synchronised to well under a second, so more than that means
 * a misconfigured or forged issuer; it is also the tolerance AWS itself applies to signed requests (SigV4) and
 * Kerberos' default. aws-jwt-verify checks `exp` and `nbf` but not `iat`, and accepts a token with no `exp`.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * The time claims aws-jwt-verify leaves alone. A token must expire (without `exp` it would be valid forever,
 * and a WebSocket opened with it would never close), and must not be issued in the future beyond the skew.
 */
export function checkTimeClaims(payload: JwtPayload, nowSeconds: number, maxSkewSeconds: number): void {
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new AuthError(
      'The token has no expiry (exp claim): this API accepts only tokens that expire. Sign in again.',
    );
  }
  const iat = (payload as { iat?: unknown }).iat;
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
    throw new AuthError('The token has an invalid issue time (iat claim): sign in again.');
  }
  if (typeof iat === 'number' && iat > nowSeconds + maxSkewSeconds) {
    throw new AuthError(
      `The token claims to be issued in the future (iat more than ${maxSkewSeconds} s ahead of this server's clock): ` +
        "check the issuer's clock and sign in again.",
    );
  }
}

function explain(error: unknown): string {
  if (error instanceof JwtExpiredError)
    return 'The token has expired: sign in again (or mint a new one with npm run token).';
  if (error instanceof JwtParseError) return 'The token is not a well-formed JWT.';
  if (error instanceof JwtInvalidSignatureError || error instanceof KidNotFoundInJwksError)
    return 'The token signature is not valid for this API.';
  if (error instanceof JwtInvalidClaimError) return `The token was not issued for this API: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `The token was rejected: ${message}`;
}

export function extractToken(authorization: string | undefined): string {
  const value = authorization?.trim();
  if (!value)
    throw new AuthError(
      'Missing credentials: send the Authorization header with a Cognito JWT (`Authorization: <jwt>` or `Bearer <jwt>`).',
    );
  const token = /^bearer(\s|$)/i.test(value) ? value.slice(6).trim() : value;
  if (!token) throw new AuthError('The Authorization header has no token after "Bearer".');
  return token;
}

function toIdentity(payload: JwtPayload, sourceIp: string[]): CognitoIdentity {
  const groups = payload['cognito:groups'];
  return {
    sub: String(payload.sub),
    issuer: String(payload.iss),
    username: String(payload['cognito:username'] ?? payload.username ?? payload.sub),
    claims: payload as Record<string, unknown>,
    sourceIp,
    defaultAuthStrategy: 'ALLOW',
    groups: Array.isArray(groups) ? groups.map(String) : null,
  };
}

/**
 * Verified tokens, by their full text: an identical token has an identical signature, so it verifies the same
 * way; only `exp` moves, and it is checked on every use. Saves an RSA verification per request for clients
 * that reuse their token (all of them). Bounded; the oldest entry goes first.
 */
function createVerifiedCache(capacity = 10_000) {
  const cache = new Map<string, JwtPayload>();
  return {
    get(token: string): JwtPayload | undefined {
      const payload = cache.get(token);
      if (payload && typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now()) {
        cache.delete(token);
        return undefined;
      }
      return payload;
    },
    set(token: string, payload: JwtPayload): void {
      cache.set(token, payload);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
    },
  };
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const maxSkew = options.maxClockSkewSeconds ?? MAX_CLOCK_SKEW_SECONDS;
  const verified = createVerifiedCache();
  let verify: (token: string) => Promise<JwtPayload>;
  if (options.mode === 'local') {
    const verifier = JwtVerifier.create({
      issuer: options.issuer,
      audience: null,
      jwksUri: 'http://localhost/unused-local-jwks.json',
      customJwtCheck: ({ payload }) =>
        validateCognitoJwtFields(payload, { tokenUse: null, clientId: options.clientId }),
    });
    verifier.cacheJwks(options.jwks as never);
    // The JWKS is preloaded and never fetched: verifySync rejects unknown keys instead of going to the network.
    verify = async (token) => verifier.verifySync(token) as JwtPayload;
  } else {
    const verifier = CognitoJwtVerifier.create({
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      tokenUse: null,
    });
    if (options.jwks) {
      verifier.cacheJwks(options.jwks as never);
      verify = async (token) => verifier.verifySync(token) as JwtPayload;
    } else {
      verify = async (token) => (await verifier.verify(token)) as JwtPayload;
    }
  }
  return {
    knows(authorization) {
      try {
        return verified.get(extractToken(authorization)) !== undefined;
      } catch {
        return false;
      }
    },
    async authenticate(authorization, sourceIp) {
      const token = extractToken(authorization);
      const known = verified.get(token);
      if (known) return toIdentity(known, sourceIp);
      try {
        const payload = await verify(token);
        if (!payload.sub) throw new AuthError('The token has no sub claim.');
        checkTimeClaims(payload, Math.floor(Date.now() / 1000), maxSkew);
        verified.set(token, payload);
        return toIdentity(payload, sourceIp);
      } catch (error) {
        if (error instanceof AuthError) throw error;
        throw new AuthError(explain(error));
      }
    },
  };
}

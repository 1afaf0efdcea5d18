// Opaque, tamper-proof pagination tokens: the LastEvaluatedKey sealed with AES-256-GCM, the query's fingerprint as
// additional authenticated data. A token altered, truncated, or minted for another query fails to open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { canonical } from './convert.ts';

// Layout: version (1 byte) | iv (12) | tag (16) | ciphertext. The version byte leaves room for key rotation.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + IV_BYTES + TAG_BYTES;

export const INVALID_NEXT_TOKEN_MESSAGE =
  'The nextToken is invalid: it was altered or belongs to a different query. Start again without nextToken.';

export class InvalidNextTokenError extends Error {
  constructor() {
    super(INVALID_NEXT_TOKEN_MESSAGE);
    this.name = 'InvalidNextTokenError';
  }
}

function checkSecret(secret: Buffer): void {
  if (secret.length !== 32) throw new Error('nextTokenKey must be 32 bytes (AES-256)');
}

/**
 * A stable digest of what a token is valid for (operation, table, index, key condition with its names and values,
 * filter...). Object key order does not matter; any change of a value does.
 */
export function queryFingerprint(parts: Record<string, unknown>): string {
  return createHash('sha256').update(canonical(parts)).digest('base64url');
}

/** Seals `key` (any JSON value) for the query identified by `fingerprint`. Output is base64url. */
export function encodeNextToken(key: unknown, fingerprint: string, secret: Buffer): string {
  checkSecret(secret);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(fingerprint, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(key), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens a token made by `encodeNextToken` for the same fingerprint and secret; anything else throws InvalidNextTokenError. */
export function decodeNextToken(token: string, fingerprint: string, secret: Buffer): unknown {
  checkSecret(secret);
  // Buffer.from(..., 'base64url') silently skips bad characters, so check the alphabet first.
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidNextTokenError();
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= HEADER || raw[0] !== VERSION) throw new InvalidNextTokenError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(1, 1 + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(fingerprint, 'utf8'));
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, HEADER));
    const text = Buffer.concat([decipher.update(raw.subarray(HEADER)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidNextTokenError();
  }
}

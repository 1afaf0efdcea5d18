// Secrets the server needs locally, persisted in DATA_DIR so restarts keep tokens valid.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.ts';

/** The nextToken key: NEXT_TOKEN_SECRET (64 hex chars or 44 base64 chars), else a random one kept in dataDir. */
export function nextTokenKey(secret: string | undefined, dataDir: string): Buffer {
  if (secret) {
    const key = /^[0-9a-f]{64}$/i.test(secret) ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'base64');
    if (key.length !== 32)
      throw new ConfigError('NEXT_TOKEN_SECRET', 'must be 32 bytes, as 64 hex characters or base64');
    return key;
  }
  const file = path.join(dataDir, 'next-token.key');
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length === 32) return key;
  } catch {
    // absent: create it below
  }
  const key = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

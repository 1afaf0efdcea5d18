// Unit tests for the sealed pagination tokens: round trip, and every way a token can be wrong.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidNextTokenError, decodeNextToken, encodeNextToken, queryFingerprint } from './next-token.ts';

const secret = randomBytes(32);
const key = { pk: { S: 'MSG#group-1' }, sk: { S: '2024-01-01T00:00:00.000Z#m1' } };
const fingerprint = queryFingerprint({
  op: 'Query',
  table: 't',
  query: { e: 'pk = :pk', v: { ':pk': { S: 'MSG#1' } } },
});

describe('next-token', () => {
  it('round-trips the key for the same fingerprint and secret', () => {
    const token = encodeNextToken(key, fingerprint, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNextToken(token, fingerprint, secret)).toEqual(key);
  });

  it('is opaque: the key text does not appear, and two tokens for the same key differ', () => {
    const a = encodeNextToken(key, fingerprint, secret);
    const b = encodeNextToken(key, fingerprint, secret);
    expect(a).not.toEqual(b);
    expect(Buffer.from(a, 'base64url').toString('latin1')).not.toContain('MSG#group-1');
  });

  it('rejects a token minted for another query', () => {
    const token = encodeNextToken(key, fingerprint, secret);
    const other = queryFingerprint({ op: 'Query', table: 't', query: { e: 'pk = :pk', v: { ':pk': { S: 'MSG#2' } } } });
    expect(() => decodeNextToken(token, other, secret)).toThrow(InvalidNextTokenError);
  });

  it('rejects a token sealed with another secret', () => {
    const token = encodeNextToken(key, fingerprint, randomBytes(32));
    expect(() => decodeNextToken(token, fingerprint, secret)).toThrow(InvalidNextTokenError);
  });

  it('rejects any single altered byte', () => {
    const raw = Buffer.from(encodeNextToken(key, fingerprint, secret), 'base64url');
    for (let i = 0; i < raw.length; i += 1) {
      const altered = Buffer.from(raw);
      altered[i] = (altered[i] ?? 0) ^ 0x01;
      expect(() => decodeNextToken(altered.toString('base64url'), fingerprint, secret), `byte ${i}`).toThrow(
        InvalidNextTokenError,
      );
    }
  });

  it('rejects truncated, extended, garbage and empty tokens', () => {
    const token = encodeNextToken(key, fingerprint, secret);
    for (const bad of [token.slice(0, -2), token.slice(0, 20), `${token}AA`, 'garbage', '', 'ab$cd', `${token}=`]) {
      expect(() => decodeNextToken(bad, fingerprint, secret), bad).toThrow(InvalidNextTokenError);
    }
  });

  it('insists on a 32-byte secret', () => {
    expect(() => encodeNextToken(key, fingerprint, randomBytes(16))).toThrow(/32 bytes/);
  });

  it('fingerprints ignore object key order but not values', () => {
    const a = queryFingerprint({ op: 'Query', index: null, query: { e: 'pk = :pk', n: {} } });
    const b = queryFingerprint({ query: { n: {}, e: 'pk = :pk' }, index: null, op: 'Query' });
    const c = queryFingerprint({ op: 'Query', index: 'gsi', query: { e: 'pk = :pk', n: {} } });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

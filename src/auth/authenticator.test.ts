import { describe, expect, it } from 'vitest';
import { AuthError, checkTimeClaims, MAX_CLOCK_SKEW_SECONDS } from './authenticator.ts';

describe('checkTimeClaims', () => {
  const now = 1_800_000_000;
  const ok = { sub: 's', iat: now, exp: now + 60 };

  it('accepts an iat up to the skew ahead, and refuses one a second past it', () => {
    expect(MAX_CLOCK_SKEW_SECONDS).toBe(300);
    expect(() => checkTimeClaims({ ...ok, iat: now + 300 }, now, 300)).not.toThrow();
    expect(() => checkTimeClaims({ ...ok, iat: now + 301 }, now, 300)).toThrow(/issued in the future/);
  });

  it('requires a numeric exp; iat may be absent but not malformed', () => {
    expect(() => checkTimeClaims({ sub: 's', iat: now }, now, 300)).toThrow(AuthError);
    expect(() => checkTimeClaims({ ...ok, exp: Number.NaN }, now, 300)).toThrow(/no expiry/);
    expect(() => checkTimeClaims({ sub: 's', exp: now + 60 }, now, 300)).not.toThrow();
    expect(() => checkTimeClaims({ ...ok, iat: '1' } as never, now, 300)).toThrow(/issue time/);
  });
});

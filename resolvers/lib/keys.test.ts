import { describe, expect, it } from 'vitest';
import { messageSk, pairKey } from './keys.ts';

describe('keys', () => {
  it('message sort keys are unique and time-ordered even within one millisecond, with a stable tie-break', () => {
    const at = '2026-11-25T00:00:00.000Z';
    const a = messageSk(at, '0a000000-0000-4000-8000-000000000000');
    const b = messageSk(at, 'ff000000-0000-4000-8000-000000000000');
    const later = messageSk('2026-11-25T00:00:00.001Z', '00000000-0000-4000-8000-000000000000');
    expect(a).not.toBe(b);
    expect([later, b, a].sort()).toEqual([a, b, later]);
  });

  it('the pair guard is the same whichever member writes first', () => {
    expect(pairKey('u1', 'u2')).toEqual(pairKey('u2', 'u1'));
    expect(pairKey('u1', 'u2').pk).toBe('PAIR#u1#u2');
  });
});

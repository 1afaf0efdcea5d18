// relativeTime at each boundary of its three forms.
import { expect, it } from 'vitest';
import { relativeTime } from './time.ts';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

it('says now under a minute, then minutes under an hour', () => {
  expect(relativeTime(ago(0), NOW)).toBe('now');
  expect(relativeTime(ago(59_999), NOW)).toBe('now');
  expect(relativeTime(ago(60_000), NOW)).toBe('1m');
  expect(relativeTime(ago(3_599_999), NOW)).toBe('59m');
});

it('says hours under a day', () => {
  expect(relativeTime(ago(3_600_000), NOW)).toBe('1h');
  expect(relativeTime(ago(86_399_999), NOW)).toBe('23h');
});

it('gives the date from a day on (month name once), with the year only when it differs', () => {
  expect(relativeTime(ago(86_400_000), NOW)).toBe('Nov 30');
  expect(relativeTime('2025-03-07T10:00:00.000Z', NOW)).toBe('Mar 7, 2025');
});

it('treats a clock slightly ahead as now, and garbage as nothing', () => {
  expect(relativeTime(new Date(NOW + 5000).toISOString(), NOW)).toBe('now');
  expect(relativeTime('not a date', NOW)).toBe('');
});

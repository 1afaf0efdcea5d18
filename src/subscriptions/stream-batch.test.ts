// The stream batch's lag: the age of its newest record (Lambda's IteratorAge), from ApproximateCreationDateTime.
import { describe, expect, it } from 'vitest';
import { batchLag } from './stream-poller.ts';

describe('batchLag', () => {
  it('is the newest record age; records without a time are ignored; never negative', () => {
    const at = (ms: number) => ({ dynamodb: { ApproximateCreationDateTime: new Date(ms) } });
    expect(batchLag([at(1_000), at(4_000), at(2_000)], 10_000)).toBe(6_000);
    expect(batchLag([{ dynamodb: {} }, at(9_000)], 10_000)).toBe(1_000);
    expect(batchLag([{}], 10_000)).toBe(0);
    expect(batchLag([at(12_000)], 10_000)).toBe(0);
  });
});

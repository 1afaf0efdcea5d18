import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  matchesArguments,
  matchesFilter,
  readPath,
  validateFilter,
  type FilterCondition,
} from './filters.ts';

const payload = { kind: 'alpha', score: 7, tags: ['a', 'b'], sender: { id: 'u1' }, note: null };
const holds = (operator: FilterCondition['operator'], fieldName: string, value: unknown) =>
  conditionHolds({ fieldName, operator, value }, payload);

describe('conditions', () => {
  it.each([
    ['eq', 'kind', 'alpha', true],
    ['eq', 'kind', 'beta', false],
    ['ne', 'kind', 'beta', true],
    ['lt', 'score', 8, true],
    ['le', 'score', 7, true],
    ['gt', 'score', 7, false],
    ['ge', 'score', 7, true],
    ['lt', 'kind', 8, false],
    ['contains', 'tags', 'a', true],
    ['contains', 'kind', 'lph', true],
    ['notContains', 'tags', 'z', true],
    ['notContains', 'note', 'z', false],
    ['beginsWith', 'kind', 'al', true],
    ['beginsWith', 'score', '7', false],
    ['in', 'kind', ['x', 'alpha'], true],
    ['notIn', 'kind', ['alpha'], false],
    ['between', 'score', [7, 9], true],
    ['between', 'score', [8, 9], false],
    ['containsAny', 'tags', ['z', 'b'], true],
    ['containsAny', 'tags', ['z'], false],
    ['eq', 'sender.id', 'u1', true],
  ] as const)('%s on %s with %j → %s', (operator, field, value, expected) => {
    expect(holds(operator, field, value)).toBe(expected);
  });
});

describe('filters', () => {
  const filter = (groups: FilterCondition[][]) => ({ filterGroup: groups.map((filters) => ({ filters })) });
  it('ORs groups and ANDs within one', () => {
    const f = filter([
      [
        { fieldName: 'kind', operator: 'eq', value: 'beta' },
        { fieldName: 'score', operator: 'gt', value: 1 },
      ],
      [{ fieldName: 'tags', operator: 'contains', value: 'a' }],
    ]);
    expect(matchesFilter(f, payload)).toBe(true);
    expect(matchesFilter(f, { ...payload, tags: [] })).toBe(false);
  });

  it('argument filters compare non-null arguments with top-level fields only', () => {
    expect(matchesArguments({ kind: 'alpha', score: null }, payload)).toBe(true);
    expect(matchesArguments({ kind: 'beta' }, payload)).toBe(false);
    expect(matchesArguments({}, payload)).toBe(true);
  });

  it('validates shape and limits with messages that say what is wrong', () => {
    expect(validateFilter({})).toMatch(/filterGroup/);
    expect(validateFilter(filter([[{ fieldName: 'a', operator: 'like' as never, value: 1 }]]))).toMatch(
      /unknown filter operator 'like'/,
    );
    expect(validateFilter(filter([[{ fieldName: 'a', operator: 'in', value: [1, 2, 3, 4, 5, 6] }]]))).toMatch(
      /at most 5/,
    );
    expect(
      validateFilter(filter(Array.from({ length: 11 }, () => [{ fieldName: 'a', operator: 'eq', value: 1 }]))),
    ).toMatch(/at most 10/);
    const ok = filter([[{ fieldName: 'a', operator: 'eq', value: 1 }]]);
    expect(validateFilter(ok)).toBe(ok);
  });

  it('readPath follows dotted paths', () => {
    expect(readPath(payload, 'sender.id')).toBe('u1');
    expect(readPath(payload, 'sender.missing.deeper')).toBeUndefined();
  });
});

// AppSync's subscription filters, as pure functions: argument filters (non-null subscription arguments equal the
// same-named top-level payload fields) and enhanced filters (OR across filterGroup entries, AND within one).

export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'contains'
  | 'notContains'
  | 'beginsWith'
  | 'in'
  | 'notIn'
  | 'between'
  | 'containsAny';

export interface FilterCondition {
  readonly fieldName: string;
  readonly operator: FilterOperator;
  readonly value: unknown;
}

export interface SubscriptionFilter {
  readonly filterGroup: readonly { readonly filters: readonly FilterCondition[] }[];
}

const OPERATORS = new Set<string>([
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'containsAny',
]);

/** AppSync's documented limits on one filter definition. */
export const FILTER_LIMITS = {
  groups: 10,
  conditionsPerGroup: 5,
  inValues: 5,
  containsAnyValues: 20,
  pathDepth: 5,
  pathLength: 256,
} as const;

/** Checks a filter set by a resolver; returns the validated filter or a message saying what is wrong. */
export function validateFilter(filter: unknown): SubscriptionFilter | string {
  const groups = (filter as { filterGroup?: unknown } | null)?.filterGroup;
  if (!Array.isArray(groups) || groups.length === 0) return 'a subscription filter needs a non-empty filterGroup array';
  if (groups.length > FILTER_LIMITS.groups)
    return `a subscription filter may have at most ${FILTER_LIMITS.groups} filter groups`;
  for (const group of groups) {
    const filters = (group as { filters?: unknown } | null)?.filters;
    if (!Array.isArray(filters) || filters.length === 0) return 'each filter group needs a non-empty filters array';
    if (filters.length > FILTER_LIMITS.conditionsPerGroup)
      return `a filter group may have at most ${FILTER_LIMITS.conditionsPerGroup} filters`;
    for (const condition of filters as Partial<FilterCondition>[]) {
      const problem = checkCondition(condition);
      if (problem) return problem;
    }
  }
  return filter as SubscriptionFilter;
}

function checkCondition(c: Partial<FilterCondition>): string | null {
  if (typeof c.fieldName !== 'string' || c.fieldName === '') return 'each filter needs a fieldName';
  if (c.fieldName.length > FILTER_LIMITS.pathLength || c.fieldName.split('.').length > FILTER_LIMITS.pathDepth)
    return `fieldName ${c.fieldName} is too long or too deep`;
  if (typeof c.operator !== 'string' || !OPERATORS.has(c.operator))
    return `unknown filter operator '${String(c.operator)}' on ${c.fieldName}`;
  if (
    (c.operator === 'in' || c.operator === 'notIn') &&
    (!Array.isArray(c.value) || c.value.length > FILTER_LIMITS.inValues)
  ) {
    return `${c.operator} on ${c.fieldName} needs an array of at most ${FILTER_LIMITS.inValues} values`;
  }
  if (c.operator === 'containsAny' && (!Array.isArray(c.value) || c.value.length > FILTER_LIMITS.containsAnyValues)) {
    return `containsAny on ${c.fieldName} needs an array of at most ${FILTER_LIMITS.containsAnyValues} values`;
  }
  if (c.operator === 'between' && (!Array.isArray(c.value) || c.value.length !== 2))
    return `between on ${c.fieldName} needs [low, high]`;
  return null;
}

/** Reads a dotted path (`sender.id`) from the payload; missing → undefined. */
export function readPath(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function contains(field: unknown, value: unknown): boolean {
  if (Array.isArray(field)) return field.some((element) => element === value);
  if (typeof field === 'string' && typeof value === 'string') return field.includes(value);
  return false;
}

export function conditionHolds(condition: FilterCondition, payload: unknown): boolean {
  const field = readPath(payload, condition.fieldName);
  const value = condition.value;
  switch (condition.operator) {
    case 'eq':
      return field === value;
    case 'ne':
      return field !== value;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const order = compare(field, value);
      if (order === null) return false;
      return condition.operator === 'lt'
        ? order < 0
        : condition.operator === 'le'
          ? order <= 0
          : condition.operator === 'gt'
            ? order > 0
            : order >= 0;
    }
    case 'contains':
      return contains(field, value);
    case 'notContains':
      return field !== undefined && field !== null && !contains(field, value);
    case 'beginsWith':
      return typeof field === 'string' && typeof value === 'string' && field.startsWith(value);
    case 'in':
      return Array.isArray(value) && value.includes(field);
    case 'notIn':
      return Array.isArray(value) && !value.includes(field);
    case 'between': {
      const [low, high] = value as [unknown, unknown];
      const lo = compare(field, low);
      const hi = compare(field, high);
      return lo !== null && hi !== null && lo >= 0 && hi <= 0;
    }
    case 'containsAny':
      return Array.isArray(value) && value.some((v) => contains(field, v));
  }
}

/** OR across groups, AND within a group. */
export function matchesFilter(filter: SubscriptionFilter, payload: unknown): boolean {
  return filter.filterGroup.some((group) => group.filters.every((condition) => conditionHolds(condition, payload)));
}

/** Each non-null subscription argument must equal the same-named top-level field of the payload. */
export function matchesArguments(
  args: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
): boolean {
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    if (payload[name] !== value) return false;
  }
  return true;
}

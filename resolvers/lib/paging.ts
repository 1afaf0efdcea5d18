// Validates `limit` for connections: 1–100, default 20 (DESIGN.md §4 access pattern A).
import { util } from '@aws-appsync/utils';
import { ErrorType } from './error-types.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export function pageLimit(limit: number | null | undefined): number {
  if (limit === null || limit === undefined) {
    return DEFAULT_LIMIT;
  }
  if (limit < 1 || limit > MAX_LIMIT) {
    util.error('limit must be between 1 and ' + MAX_LIMIT + ' (got ' + limit + ').', ErrorType.BadRequest);
  }
  return limit;
}

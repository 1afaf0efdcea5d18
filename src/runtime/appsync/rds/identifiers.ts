// Identifiers (tables, columns, aliases) as the rds helpers emit them: split on `.`, each segment quoted for the
// dialect with the quote character doubled, so no name can end the quoting ("we""ird", `we``ird`).
import { rdsError } from './errors.ts';

export type Dialect = 'pg' | 'mysql';

/**
 * Bound on one identifier string: room for schema.table.column at Postgres's 63 bytes or MySQL's 64 characters
 * a segment, far under the statement bound.
 */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * Checked when a helper is called, so the error names the helper's input. Quoting alone already keeps every
 * character inside the identifier; these are names neither database can hold (NUL, empty segments), which we
 * refuse with a clear message instead of sending SQL that fails (AWS renders them; unrecorded).
 */
export function checkIdentifier(name: string, what: string): string {
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    rdsError(`${what} is longer than ${MAX_IDENTIFIER_LENGTH} characters.`);
  }
  if (name.includes('\u0000')) rdsError(`${what} contains a NUL character.`);
  if (name.split('.').some((segment) => segment === '')) rdsError(`${what} has an empty name part: "${name}".`);
  return name;
}

export function quoteIdentifier(name: string, dialect: Dialect): string {
  if (name === '*') return name;
  const q = dialect === 'pg' ? '"' : '`';
  return name
    .split('.')
    .map((segment) => q + segment.split(q).join(q + q) + q)
    .join('.');
}

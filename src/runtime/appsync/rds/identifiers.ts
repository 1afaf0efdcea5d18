// Identifiers (tables, columns, aliases) as the rds helpers emit them: split on `.`, each segment quoted for the
// dialect with the quote character doubled, so no name can end the quoting ("we""ird", `we``ird`).
import { rdsError } from './errors.ts';

export type Dialect = 'pg' | 'mysql';

/**
 * Bound on one identifier string: room for schema.table.column at Postgres's 63 bytes or MySQL's 64 characters
 * a segment, far under the statement bound.
 */
export const MAX_IDENTIFIER_LENGTH = 256;

/** How much of a rejected name an error message repeats. */
const PREVIEW_LENGTH = 64;

/**
 * Checked when a helper is called, so the error names the helper's input. Quoting alone already keeps every
 * character inside the identifier; these are names neither database can hold (NUL, empty segments), which we
 * refuse with a clear message instead of sending SQL that fails (AWS renders them; unrecorded).
 */
export function checkIdentifier(name: string, kind: 'Table' | 'Column' | 'Alias'): string {
  const shown = (name.length > PREVIEW_LENGTH ? `${name.slice(0, PREVIEW_LENGTH)}…` : name).replaceAll('\u0000', '\\0');
  if (name.length > MAX_IDENTIFIER_LENGTH) {
    rdsError(`${kind} "${shown}" is longer than ${MAX_IDENTIFIER_LENGTH} characters.`);
  }
  if (name.includes('\u0000')) rdsError(`${kind} "${shown}" contains a NUL character.`);
  if (name.split('.').some((segment) => segment === '')) rdsError(`${kind} "${shown}" has an empty name part.`);
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

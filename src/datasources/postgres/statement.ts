// Turns an RDS-style statement (named `:P0` variables, AppSync type hints) into a pg query with `$n` parameters.
// Pure functions, so the quoting rules are unit-tested without a database.

/** AppSync's RDS type hints, mapped to the Postgres type a parameter is cast to. */
const HINT_TO_PG: Record<string, string> = {
  UUID: 'uuid',
  TIMESTAMP: 'timestamp',
  DATE: 'date',
  TIME: 'time',
  DECIMAL: 'numeric',
  JSON: 'jsonb',
};

export interface CompiledStatement {
  readonly text: string;
  readonly values: unknown[];
  /** Variable names in first-use order, e.g. [':P0', ':P1']. */
  readonly names: string[];
}

/**
 * Finds each `:name` placeholder outside string literals, quoted identifiers and comments; `::type` casts are not
 * placeholders. Calls `replace(name)` for each and splices its return value in.
 */
export function rewritePlaceholders(sql: string, replace: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === ':' && sql[i + 1] === ':') {
      out += '::';
      i += 2;
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /\w/.test(sql[j] as string)) j += 1;
      out += replace(sql.slice(i, j));
      i = j;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

export function pgTypeForHint(hint: string | undefined): string | undefined {
  return hint ? HINT_TO_PG[hint.toUpperCase()] : undefined;
}

/** Converts a variable value to what pg should send: JSON hints are serialised, the rest passes through. */
export function parameterValue(value: unknown, hint: string | undefined): unknown {
  if (value !== null && value !== undefined && hint?.toUpperCase() === 'JSON' && typeof value !== 'string') {
    return JSON.stringify(value);
  }
  return value ?? null;
}

export class UnknownVariableError extends Error {}

/** Compiles one statement: `:P0` → `$1` (reused for repeats), with a cast when the variable has a type hint. */
export function compileStatement(
  sql: string,
  variableMap: Record<string, unknown>,
  typeHints: Record<string, string>,
): CompiledStatement {
  const names: string[] = [];
  const text = rewritePlaceholders(sql, (name) => {
    if (!Object.hasOwn(variableMap, name))
      throw new UnknownVariableError(`Statement uses ${name}, which the variableMap does not define`);
    let index = names.indexOf(name);
    if (index === -1) index = names.push(name) - 1;
    const cast = pgTypeForHint(typeHints[name]);
    return cast ? `$${index + 1}::${cast}` : `$${index + 1}`;
  });
  const values = names.map((name) => parameterValue(variableMap[name], typeHints[name]));
  return { text, values, names };
}

/** The Postgres type a batched VALUES column gets: hint first, else from the JS value. */
export function columnTypeFor(value: unknown, hint: string | undefined): string {
  const hinted = pgTypeForHint(hint);
  if (hinted) return hinted;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'bigint' : 'double precision';
    case 'boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

const readOnly = new Map<string, boolean>();

/** Memoised by statement text: resolvers send the same few statements over and over. */
export function isReadOnlySelect(sql: string): boolean {
  let answer = readOnly.get(sql);
  if (answer === undefined) {
    answer = /^\s*(select|with)\b/i.test(sql) && !/\b(insert|update|delete|merge)\b/i.test(sql.replace(/'[^']*'/g, ''));
    if (readOnly.size < 1000) readOnly.set(sql, answer);
  }
  return answer;
}

// createPgStatement / createMySQLStatement: render up to two statements for one dialect into the RDS request
// the data source runs, numbering variables :P0, :P1, … in text order across both statements.
import type { RDSRequest } from '@aws-appsync/utils';
import { rdsError } from './errors.ts';
import { quoteIdentifier, type Dialect } from './identifiers.ts';
import { isStatement, type SQLStatement } from './statement.ts';
import { isTypeHinted } from './type-hints.ts';

/** The RDS Data API's bound on one ExecuteStatement `sql` string (characters). */
export const MAX_STATEMENT_LENGTH = 65_536;

interface RenderContext {
  readonly dialect: Dialect;
  next: number;
  readonly variableMap: Record<string, unknown>;
  readonly variableTypeHintMap: Record<string, string>;
}

function bindVariable(raw: unknown, ctx: RenderContext): string {
  const name = `:P${ctx.next++}`;
  const inner = isTypeHinted(raw) ? raw.value : raw;
  ctx.variableMap[name] = inner instanceof Date ? inner.toISOString() : (inner ?? null);
  if (isTypeHinted(raw)) ctx.variableTypeHintMap[name] = raw.type;
  return name;
}

function render(statement: SQLStatement | string, ctx: RenderContext): string {
  if (typeof statement === 'string') return statement;
  let out = '';
  for (const part of statement.parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'ident') out += quoteIdentifier(part.name, ctx.dialect);
    else out += bindVariable(part.value, ctx);
  }
  return out;
}

function createStatement(dialect: Dialect, caller: string, candidates: readonly unknown[]): RDSRequest {
  if (candidates[0] === undefined || candidates[0] === null) {
    rdsError(`An argument is expected to be passed to ${caller}`);
  }
  const present = candidates.filter((s) => s !== undefined && s !== null);
  const statements = present.map((s) => {
    if (typeof s !== 'string' && !isStatement(s)) rdsError(`Unsupported type is passed as argument to ${caller}`);
    if (dialect === 'mysql' && isStatement(s) && s.returning) rdsError('returning is not supported in MySQL.');
    return s;
  });
  const ctx: RenderContext = { dialect, next: 0, variableMap: {}, variableTypeHintMap: {} };
  const rendered = statements.map((statement) => {
    const sql = render(statement, ctx);
    if (sql.length > MAX_STATEMENT_LENGTH) {
      rdsError(`A statement is ${sql.length} characters long; the limit is ${MAX_STATEMENT_LENGTH}.`);
    }
    return sql;
  });
  return { statements: rendered, variableMap: ctx.variableMap, variableTypeHintMap: ctx.variableTypeHintMap };
}

export function createPgStatement(statement1?: unknown, statement2?: unknown): RDSRequest {
  return createStatement('pg', 'createPgStatement', [statement1, statement2]);
}

export function createMySQLStatement(statement1?: unknown, statement2?: unknown): RDSRequest {
  return createStatement('mysql', 'createMySQLStatement', [statement1, statement2]);
}

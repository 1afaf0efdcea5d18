// A statement as the rds helpers build it: dialect-neutral parts (SQL text, identifiers, values) that
// createPgStatement / createMySQLStatement render. Only this module makes statements, so a resolver cannot
// forge one with a hand-made object.
import { rdsError } from './errors.ts';

export type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'value'; readonly value: unknown };

export interface SQLStatement {
  readonly parts: readonly Part[];
  /** Has a RETURNING clause, which only Postgres can run (checked when the dialect is known). */
  readonly returning: boolean;
}

// Recognised by a private brand, not by shape; a class field rather than a WeakSet of statements, which cost
// ~0.3 µs per statement (measured) and a weak entry for the GC, once per row a resolver reads.
class Statement implements SQLStatement {
  readonly #brand = true;
  readonly parts: readonly Part[];
  constructor(
    parts: readonly Part[],
    readonly returning: boolean,
  ) {
    this.parts = Object.freeze([...parts]);
    Object.freeze(this);
  }
  static is(value: unknown): value is Statement {
    return typeof value === 'object' && value !== null && #brand in value;
  }
}

export function makeStatement(parts: readonly Part[], returning = false): SQLStatement {
  return new Statement(parts, returning);
}

export function isStatement(value: unknown): value is SQLStatement {
  return Statement.is(value);
}

export const text = (sql: string): Part => ({ kind: 'text', text: sql });
export const ident = (name: string): Part => ({ kind: 'ident', name });
export const value = (v: unknown): Part => ({ kind: 'value', value: v });

/** Parts of `groups` with `separator` between them (empty groups keep their separator, as AWS's joins do). */
export function join(groups: readonly (readonly Part[])[], separator: string): Part[] {
  const out: Part[] = [];
  groups.forEach((group, i) => {
    if (i > 0) out.push(text(separator));
    out.push(...group);
  });
  return out;
}

/** True when the parts render to nothing at all (no identifier, no value, no text). */
export function isEmpty(parts: readonly Part[]): boolean {
  return parts.every((part) => part.kind === 'text' && part.text === '');
}

/**
 * A statement from clauses, AWS-style: each clause is trimmed at its end, empty ones are dropped, the rest are
 * joined by one space. Hence `UPDATE "t" SET WHERE …` for empty values and `… RETURNING` for an empty list.
 */
export function assemble(clauses: readonly (readonly Part[])[], returning = false): SQLStatement {
  const kept: Part[][] = [];
  for (const clause of clauses) {
    const parts = [...clause];
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') parts[parts.length - 1] = text(last.text.trimEnd());
    if (!isEmpty(parts)) kept.push(parts);
  }
  return makeStatement(join(kept, ' '), returning);
}

/** The `sql` tag: literal text stays as written, each `${…}` becomes a variable (a nested statement is inlined). */
export function sql(literals: TemplateStringsArray | readonly string[], ...args: unknown[]): SQLStatement {
  if (
    !Array.isArray(literals) ||
    literals.length !== args.length + 1 ||
    !literals.every((literal) => typeof literal === 'string')
  ) {
    rdsError('Unexpected argument passed to sql tagged template');
  }
  const parts: Part[] = [];
  let returning = false;
  (literals as readonly string[]).forEach((literal, i) => {
    parts.push(text(literal));
    if (i >= args.length) return;
    const arg = args[i];
    if (isStatement(arg)) {
      parts.push(...arg.parts);
      returning ||= arg.returning;
    } else parts.push(value(arg));
  });
  return makeStatement(parts, returning);
}

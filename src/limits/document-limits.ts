// Bounds on one GraphQL operation document, shared by HTTP and WebSocket: size and tokens before and while
// parsing, then depth, aliases, directives and cost as validation rules (graphql-armor's, with our error shape).
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Lexer,
  parse,
  Source,
  TokenKind,
  type DocumentNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorType } from '../runtime/errors.ts';

export interface DocumentLimits {
  /** UTF-8 bytes of the document text; checked before anything else looks at it (HTTP 413). */
  readonly maxDocumentBytes: number;
  /** Lexical tokens; graphql-js stops parsing at this count, so a huge flat document costs no AST. */
  readonly maxTokens: number;
  /** Field nesting; fragments add no level, and introspection (`__schema`) is not counted. */
  readonly maxDepth: number;
  /** Aliased fields across the operation, fragments included (`__typename` aliases are free). */
  readonly maxAliases: number;
  /** Directive uses across the operation, fragments included. */
  readonly maxDirectives: number;
  /** graphql-armor's cost: 1 per scalar, 2 per object, each level ×1.5; introspection not counted. */
  readonly maxCost: number;
}

/**
 * Every operation our clients send passes with a wide margin (measured in document-limits.test.ts): the
 * largest is ~200 bytes, depth 4, no aliases or directives, cost 37; GraphiQL's full introspection query is
 * 2 KB and 184 tokens (its depth and cost are not counted). 15 aliases of our costliest query cost ~560.
 */
export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = Object.freeze({
  maxDocumentBytes: 64 * 1024,
  maxTokens: 4000,
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxCost: 1000,
});

function limitError(message: string, errorType: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { errorType, http: { status } } });
}

/** Counts tokens of a document that graphql-js refused for having too many (only on that error path). */
function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A lexing error further on: the count so far is still more than the limit, which is all we report.
  }
  return count;
}

/** Size check (bytes, before anything else), then graphql-js parse(source, { maxTokens }); errors carry errorType. */
export function parseWithLimits(source: string, limits: DocumentLimits): DocumentNode | readonly GraphQLError[] {
  // Cheap upper bound first (a UTF-16 unit is at most 3 UTF-8 bytes), so a small document costs no byte count.
  if (source.length * 3 > limits.maxDocumentBytes) {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > limits.maxDocumentBytes)
      return [
        limitError(
          `The query is ${bytes} bytes; at most ${limits.maxDocumentBytes} are allowed.`,
          ErrorType.PayloadTooLarge,
          413,
        ),
      ];
  }
  try {
    return parse(source, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    if (/contains more th\w+ \d+ tokens/.test(error.message))
      return [
        limitError(
          `The query has ${countTokens(source)} tokens; at most ${limits.maxTokens} are allowed.`,
          ErrorType.LimitExceeded,
          400,
        ),
      ];
    return [
      new GraphQLError(error.message, {
        source: error.source,
        positions: error.positions,
        extensions: { errorType: ErrorType.ValidationError, http: { status: 400 } },
      }),
    ];
  }
}

/** graphql-armor reports "... limit of N exceeded, found M."; we keep M and word the message our way. */
function reporter(describe: (found: string, limit: number) => string, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const found = Number(/found (\d+(?:\.\d+)?)/.exec(error.message)?.[1]);
    // Costs are fractional (×1.5 per level): shown rounded up, so the number is never below the limit it broke.
    context?.reportError(
      new GraphQLError(describe(Number.isFinite(found) ? String(Math.ceil(found)) : 'more than that', limit), {
        extensions: { errorType: ErrorType.LimitExceeded },
      }),
    );
  };
}

/** Validation rules enforcing depth, aliases, directives, cost (add to graphql's specifiedRules). */
export function limitRules(limits: DocumentLimits): ValidationRule[] {
  // propagateOnRejection: false — armor would otherwise throw out of validate(); we report instead, in our shape.
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    maxAliasesRule({
      ...common,
      n: limits.maxAliases,
      onReject: [reporter((n, max) => `The query has ${n} aliases; at most ${max} are allowed.`, limits.maxAliases)],
    }),
    maxDepthRule({
      ...common,
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      onReject: [reporter((n, max) => `The query is ${n} levels deep; at most ${max} are allowed.`, limits.maxDepth)],
    }),
    maxDirectivesRule({
      ...common,
      n: limits.maxDirectives,
      onReject: [
        reporter((n, max) => `The query has ${n} directives; at most ${max} are allowed.`, limits.maxDirectives),
      ],
    }),
    costLimitRule({
      ...common,
      maxCost: limits.maxCost,
      ignoreIntrospection: true,
      flattenFragments: true,
      onReject: [
        reporter(
          (n, max) => `The query's estimated cost is ${n}; at most ${max} is allowed (fewer fields or levels).`,
          limits.maxCost,
        ),
      ],
    }),
  ] as ValidationRule[];
}

// The document limits as pure functions: each bound at and just over its value, and the margin every
// operation our clients send keeps below the defaults (measured with graphql-armor's own counters).
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  buildSchema,
  getIntrospectionQuery,
  GraphQLError,
  specifiedRules,
  validate,
  type DocumentNode,
  type ValidationRule,
} from 'graphql';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREATE_MESSAGE, MESSAGE_GROUPS, MESSAGES } from '../../test/helpers.ts';
import { loadTypeDefs } from '../runtime/schema.ts';
import { DEFAULT_DOCUMENT_LIMITS, limitRules, parseWithLimits, type DocumentLimits } from './document-limits.ts';

const schema = buildSchema(loadTypeDefs(path.resolve(import.meta.dirname, '../../schema.graphql')).join('\n'));

/** GraphiQL's introspection query asks for every option there is; it is the deepest document a tool sends. */
export const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

/** Every operation our clients, tests and benchmark send (test/helpers.ts, bench/run.ts, README). */
const CLIENT_OPERATIONS: Record<string, string> = {
  CREATE_MESSAGE,
  MESSAGES,
  MESSAGE_GROUPS,
  me: '{ me { id handle displayName } }',
  user: 'query($h: String!) { user(handle: $h) { id handle displayName } }',
  catchUp:
    'query($g: ID!, $c: String) { messages(messageGroupUuid: $g, after: $c) { items { id messageGroupUuid body createdAt clientMessageId memberIds cursor sender { id handle displayName } } nextToken } }',
  onInbox:
    'subscription { onInboxMessage { id messageGroupUuid body createdAt clientMessageId memberIds cursor sender { id handle displayName } } }',
  benchInbox:
    'query Inbox { messageGroups(limit: 50) { items { id lastMessage lastMessageAt otherUser { id handle displayName } } nextToken } }',
  introspection: FULL_INTROSPECTION,
};

function parsed(source: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): DocumentNode {
  const result = parseWithLimits(source, limits);
  if (Array.isArray(result)) throw new Error(`unexpected errors: ${result.map((e) => e.message).join('; ')}`);
  return result as DocumentNode;
}

function errorsOf(source: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): readonly GraphQLError[] {
  const result = parseWithLimits(source, limits);
  if (!Array.isArray(result))
    return validate(schema, result as DocumentNode, [...specifiedRules, ...limitRules(limits)]);
  return result as readonly GraphQLError[];
}

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;

describe('parseWithLimits', () => {
  it('refuses a document over maxDocumentBytes by its UTF-8 size, before parsing', () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxDocumentBytes: 100 };
    const atLimit = `{ me { id } }${' '.repeat(100 - 13)}`;
    expect(Buffer.byteLength(atLimit)).toBe(100);
    parsed(atLimit, limits);
    // 'é' is 2 bytes: 51 characters of it are 102 bytes though only 51 UTF-16 units. Not GraphQL either:
    // a parse would fail differently, so the error proves the size check ran first.
    const [error] = errorsOf('é'.repeat(51), limits);
    expect(error?.message).toBe('The query is 102 bytes; at most 100 are allowed.');
    expect(error?.extensions).toMatchObject({ errorType: 'PayloadTooLarge', http: { status: 413 } });
  });

  it('refuses a document over maxTokens, naming the count', () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxTokens: 6 };
    parsed('{ me { id } }', limits); // { me { id } } = 6 tokens
    const [error] = errorsOf('{ me { id handle } }', limits);
    expect(error?.message).toBe('The query has 7 tokens; at most 6 are allowed.');
    expect(error?.extensions).toMatchObject({ errorType: 'LimitExceeded' });
  });

  it('stops a 600 KB flat document at the token limit without building its AST', () => {
    const huge = `subscription { onInboxMessage { ${Array.from({ length: 60_000 }, (_, i) => `a${i}:id`).join(' ')} } }`;
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxDocumentBytes: 10_000_000 };
    const [error] = errorsOf(huge, limits);
    expect(error?.extensions?.errorType).toBe('LimitExceeded');
    expect(error?.message).toMatch(/^The query has 180006 tokens; at most 4000 are allowed\.$/);
  });

  it('reports a syntax error as ValidationError', () => {
    const [error] = errorsOf('{ me { id }');
    expect(error?.extensions).toMatchObject({ errorType: 'ValidationError' });
    expect(error?.message).toMatch(/Syntax Error/);
  });
});

describe('limitRules', () => {
  it('allows maxAliases aliases and refuses one more, naming both numbers', () => {
    expect(errorsOf(aliases(15))).toEqual([]);
    const errors = errorsOf(aliases(16));
    expect(errors.map((e) => [e.message, e.extensions.errorType])).toEqual([
      ['The query has 16 aliases; at most 15 are allowed.', 'LimitExceeded'],
    ]);
  });

  it('counts aliases inside fragments, and the 1,000-alias inbox query', () => {
    const viaFragment = `query { ...F } fragment F on Query { ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(errorsOf(viaFragment).map((e) => e.message)).toEqual(['The query has 16 aliases; at most 15 are allowed.']);
    // The 82 KB query of issue 8 is over the default size limit already; with room for it, the alias rule speaks.
    const thousand = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: messageGroups(limit: 50) { items { id lastMessage otherUser { handle } } }`).join(' ')} }`;
    expect(errorsOf(thousand).map((e) => e.extensions.errorType)).toEqual(['PayloadTooLarge']);
    const roomy = { ...DEFAULT_DOCUMENT_LIMITS, maxDocumentBytes: 1e6, maxTokens: 1e6 };
    expect(errorsOf(thousand, roomy).map((e) => e.message)).toContain(
      'The query has 1000 aliases; at most 15 are allowed.',
    );
  });

  it('refuses depth over maxDepth; fragments add no level', () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxDepth: 3 };
    expect(errorsOf('{ messageGroups { items { id } } }', limits)).toEqual([]);
    const deep = '{ messageGroups { items { otherUser { id } } } }';
    expect(errorsOf(deep, limits).map((e) => [e.message, e.extensions.errorType])).toEqual([
      ['The query is 4 levels deep; at most 3 are allowed.', 'LimitExceeded'],
    ]);
    const viaFragments =
      '{ ...Q } fragment Q on Query { messageGroups { ...C } } fragment C on MessageGroupConnection { items { id } }';
    expect(errorsOf(viaFragments, limits)).toEqual([]);
  });

  it('refuses more than maxDirectives directives', () => {
    const directives = (n: number) => `{ me { id ${'__typename @include(if: true) '.repeat(n)}} }`;
    expect(errorsOf(directives(20))).toEqual([]);
    expect(errorsOf(directives(21)).map((e) => [e.message, e.extensions.errorType])).toEqual([
      ['The query has 21 directives; at most 20 are allowed.', 'LimitExceeded'],
    ]);
  });

  it('refuses an estimated cost over maxCost', () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxCost: 10 };
    // me (object 2) + 1.5 × (id 1 + handle 1 + displayName 1) = 6.5; twice under aliases = 13.
    expect(errorsOf('{ me { id handle displayName } }', limits)).toEqual([]);
    const errors = errorsOf('{ a: me { id handle displayName } b: me { id handle displayName } }', limits);
    expect(errors.map((e) => [e.message, e.extensions.errorType])).toEqual([
      ["The query's estimated cost is 13; at most 10 is allowed (fewer fields or levels).", 'LimitExceeded'],
    ]);
  });

  it('passes every client operation and the full introspection query with a wide margin', () => {
    const measured: Record<string, { bytes: number; cost: number; depth: number }> = {};
    for (const [name, source] of Object.entries(CLIENT_OPERATIONS)) {
      expect(errorsOf(source), name).toEqual([]);
      let cost = 0;
      let depth = 0;
      const measure: ValidationRule[] = [
        costLimitRule({ maxCost: 1e9, flattenFragments: true, onAccept: [(_c, d) => (cost = d.n)] }) as ValidationRule,
        maxDepthRule({ n: 1e9, flattenFragments: true, onAccept: [(_c, d) => (depth = d.n)] }) as ValidationRule,
      ];
      expect(validate(schema, parsed(source), measure)).toEqual([]);
      measured[name] = { bytes: Buffer.byteLength(source), cost, depth };
    }
    // Our own operations use a tenth of each bound or less; introspection (not counted for depth/cost) fits too.
    for (const [name, m] of Object.entries(measured)) {
      if (name === 'introspection') continue;
      expect(m.bytes, name).toBeLessThan(DEFAULT_DOCUMENT_LIMITS.maxDocumentBytes / 10);
      expect(m.cost, name).toBeLessThan(DEFAULT_DOCUMENT_LIMITS.maxCost / 10);
      expect(m.depth, name).toBeLessThanOrEqual(DEFAULT_DOCUMENT_LIMITS.maxDepth / 2);
    }
    expect(measured.introspection!.bytes).toBeLessThan(DEFAULT_DOCUMENT_LIMITS.maxDocumentBytes / 10);
  });
});

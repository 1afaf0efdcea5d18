// parallelRules against graphql-js's own visitInParallel: the same errors in the same order for valid and invalid
// documents (every rule we run, graphql-armor's included), and the same skip, BREAK and edit behaviour.
import {
  BREAK,
  buildSchema,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
  visit,
  visitInParallel,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
} from 'graphql';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREATE_MESSAGE, MESSAGE_GROUPS, MESSAGES } from '../../test/helpers.ts';
import { loadTypeDefs } from '../runtime/schema.ts';
import { DEFAULT_DOCUMENT_LIMITS, limitRules } from './document-limits.ts';
import { mergeVisitors, parallelRules } from './parallel-rules.ts';

const schema = buildSchema(loadTypeDefs(path.resolve(import.meta.dirname, '../../schema.graphql')).join('\n'));
// Depth and cost bounds low enough for this schema's documents to reach them.
const rules = [...specifiedRules, ...limitRules({ ...DEFAULT_DOCUMENT_LIMITS, maxDepth: 3, maxCost: 100 })];

/** Valid documents, and at least one document that breaks each specified rule and each limit. */
const DOCUMENTS: Record<string, string> = {
  CREATE_MESSAGE,
  MESSAGES,
  MESSAGE_GROUPS,
  introspection: getIntrospectionQuery({ descriptions: true, directiveIsRepeatable: true, oneOf: true }),
  subscription: 'subscription On($g: ID!) { n1: onMessage(messageGroupUuid: $g) { id body sender { handle } } }',
  fragments:
    'query Q { ...A me { ...on User { id } } } fragment A on Query { messageGroups { items { id otherUser { ...U } } } } fragment U on User { handle }',
  executableDefinitions: '{ me { id } } type T { a: Int }',
  uniqueOperationNames: 'query A { me { id } } query A { me { id } }',
  loneAnonymous: '{ me { id } } query B { me { id } }',
  singleFieldSubscriptions: 'subscription { onInboxMessage { id } onMessage(messageGroupUuid: "x") { id } }',
  knownTypeNames: 'query($a: Nope) { me { id } } fragment F on Nope2 { id }',
  fragmentsOnComposite: 'fragment F on String { id } { me { ...F } }',
  variablesAreInputTypes: 'query($u: User) { me { id } }',
  scalarLeafs: '{ me }',
  scalarLeafsOnLeaf: '{ me { id { x } } }',
  fieldsOnCorrectType: '{ me { idd hnadle } nope }',
  uniqueFragmentNames: '{ me { ...F } } fragment F on User { id } fragment F on User { handle }',
  knownFragmentNames: '{ me { ...Missing } }',
  noUnusedFragments: '{ me { id } } fragment F on User { id }',
  possibleFragmentSpreads: '{ me { ...on MessageGroup { id } } }',
  noFragmentCycles: '{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }',
  uniqueVariableNames: 'query($a: Int, $a: Int) { messageGroups(limit: $a) { nextToken } }',
  noUndefinedVariables: '{ messageGroups(limit: $x) { nextToken } }',
  noUnusedVariables: 'query($x: Int) { me { id } }',
  knownDirectives: '{ me @nope { id @include(if: true) @skip } }',
  uniqueDirectivesPerLocation: '{ me @include(if: true) @include(if: false) { id } }',
  knownArgumentNames: '{ messageGroups(limitt: 1) { nextToken } me @include(iff: true) { id } }',
  uniqueArgumentNames: '{ messageGroups(limit: 1, limit: 2) { nextToken } }',
  valuesOfCorrectType: '{ messageGroups(limit: "one") { nextToken } user(handle: 3) { id } }',
  providedRequiredArguments: '{ user { id } me @include { id } }',
  variablesInAllowedPosition: 'query($h: String) { user(handle: $h) { id } }',
  overlappingFields: '{ x: me { id } x: user(handle: "a") { id } me { id: handle } }',
  uniqueInputFieldNames: 'mutation { createMessage(input: { body: "a", body: "b" }) { id } }',
  tooManyAliases: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
  tooDeep: '{ messageGroups { items { otherUser { id } } } }',
  tooManyDirectives: `{ me { id ${'__typename @include(if: true) '.repeat(21)}} }`,
  tooCostly: `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: messageGroups(limit: 50) { items { id lastMessage otherUser { id handle displayName } } }`).join(' ')} }`,
  manyErrors: `{ ${Array.from({ length: 120 }, (_, i) => `f${i}`).join(' ')} }`,
};

const shape = (errors: readonly unknown[]) => JSON.parse(JSON.stringify(errors)) as unknown;

describe('parallelRules', () => {
  it('gives exactly the errors graphql-js gives (messages, locations, extensions, order) for every document', () => {
    const merged = [parallelRules(rules)];
    const valid: string[] = [];
    for (const [name, source] of Object.entries(DOCUMENTS)) {
      const document = parse(source);
      const expected = validate(schema, document, rules);
      if (!expected.length) valid.push(name);
      expect(shape(validate(schema, document, merged)), name).toEqual(shape(expected));
      expect(
        validate(schema, document, merged).map((e) => e.constructor),
        name,
      ).toEqual(expected.map((e) => e.constructor));
    }
    // The corpus proves something only if everything past the valid documents breaks a rule.
    expect(valid).toEqual(['CREATE_MESSAGE', 'introspection', 'subscription']);
  });

  it('stops at maxErrors as graphql-js does', () => {
    const document = parse(DOCUMENTS.manyErrors!);
    const expected = validate(schema, document, rules, { maxErrors: 7 });
    expect(expected.at(-1)?.message).toMatch(/Too many validation errors/);
    expect(shape(validate(schema, document, [parallelRules(rules)], { maxErrors: 7 }))).toEqual(shape(expected));
  });
});

describe('mergeVisitors', () => {
  const document: DocumentNode = parse('query Q { a { b { c } d } e { f } } fragment F on T { g }');
  const name = (node: ASTNode) => ('name' in node && node.name ? node.name.value : node.kind);

  /** Visitors of every shape: per kind, per kind with enter/leave, generic, class-based, skipping, breaking. */
  function visitors(log: string[]): ASTVisitor[] {
    class ByPrototype {
      Field(node: ASTNode) {
        log.push(`proto:${name(node)}`);
      }
    }
    return [
      { Field: (node) => void log.push(`fn:${node.name.value}`) },
      {
        OperationDefinition: { leave: () => void log.push('op-leave') },
        Field: {
          enter: (node) => (log.push(`skip-a:${node.name.value}`), node.name.value === 'a' ? false : undefined),
          leave: (node) => void log.push(`skip-a-leave:${node.name.value}`),
        },
      },
      {
        enter: (node) => void log.push(`generic:${name(node)}`),
        leave: (node) => void log.push(`generic-leave:${name(node)}`),
        Name: () => void log.push('name'),
      },
      new ByPrototype() as ASTVisitor,
      { Field: (node) => (log.push(`break-at-d:${node.name.value}`), node.name.value === 'd' ? BREAK : undefined) },
      { SelectionSet: { leave: () => void log.push('set-leave') } },
    ];
  }

  it('calls the same visitors in the same order as visitInParallel, with false skipping and BREAK stopping', () => {
    const ours: string[] = [];
    const theirs: string[] = [];
    visit(document, mergeVisitors(visitors(ours)));
    visit(document, visitInParallel(visitors(theirs)));
    expect(ours).toEqual(theirs);
    expect(ours).toContain('proto:g');
    expect(ours).not.toContain('skip-a:b'); // skipped below a …
    expect(ours).toContain('skip-a:e'); // … and resumed after it
    expect(ours.filter((e) => e.startsWith('break-at-d'))).toEqual([
      'break-at-d:a',
      'break-at-d:b',
      'break-at-d:c',
      'break-at-d:d',
    ]);
  });

  it('returns an edit as visitInParallel does, skipping the visitors after the one that made it', () => {
    const edited = (log: string[]): ASTVisitor[] => [
      { Field: (node) => void log.push(`first:${node.name.value}`) },
      { Field: (node) => (node.name.value === 'b' ? null : undefined) },
      { Field: (node) => void log.push(`third:${node.name.value}`) },
    ];
    const ours: string[] = [];
    const theirs: string[] = [];
    const a = visit(document, mergeVisitors(edited(ours)));
    const b = visit(document, visitInParallel(edited(theirs)));
    expect(ours).toEqual(theirs);
    expect(ours).not.toContain('third:b');
    expect(shape([a])).toEqual(shape([b]));
  });
});

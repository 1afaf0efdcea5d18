// The alias-free key and the verdict cache as pure functions: which documents share a key, and that a document
// sharing a key with a valid one is still validated itself whenever its aliases could change the verdict.
import { buildSchema, parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCUMENT_LIMITS, limitRules } from '../limits/document-limits.ts';
import { loadTypeDefs } from '../runtime/schema.ts';
import { aliasFreeKey, createAliasVerdicts } from './alias-verdicts.ts';

const schema = buildSchema(loadTypeDefs(path.resolve(import.meta.dirname, '../../schema.graphql')).join('\n'));
const rules = [...specifiedRules, ...limitRules(DEFAULT_DOCUMENT_LIMITS)];
const key = (source: string) => aliasFreeKey(source, parse(source));
const sub = (selection: string, root = 'onMessage(messageGroupUuid: $g)') =>
  `subscription On($g: ID!) { ${root} { ${selection} } }`;

describe('aliasFreeKey', () => {
  it('is the same for documents that differ only in free aliases with the same pattern', () => {
    expect(key(sub('id', 'n1a2b3c4: onMessage(messageGroupUuid: $g)'))).toBe(
      key(sub('id', 'n9f8e7d6: onMessage(messageGroupUuid: $g)')),
    );
    expect(key(sub('a: id b: body a: id'))).toBe(key(sub('x: id y: body x: id')));
  });

  it('differs when the pattern of equal aliases differs, or anything but a free alias does', () => {
    expect(key(sub('a: id b: body'))).not.toBe(key(sub('a: id a: body')));
    expect(key(sub('a: id'))).not.toBe(key(sub('a: body')));
    expect(key(sub('a: id  '))).not.toBe(key(sub('a: id')));
  });

  it('keeps an alias that is a field name of the document, or starts with __, as it is', () => {
    // `body: id` next to `body` conflicts; `x: id` next to `body` does not: their keys must differ.
    expect(key(sub('x: id body'))).not.toBe(key(sub('body: id body')));
    expect(key(sub('body: id x: body'))).toContain('body: id');
    expect(key(sub('__typename: id x: body'))).toContain('__typename: id');
  });

  it('is null without a free alias: the exact text is the document cache key already', () => {
    expect(key(sub('id body'))).toBeNull();
    expect(key(sub('id: id __typename: body'))).toBeNull();
    expect(aliasFreeKey('{ a: me { id } }', parse('{ a: me { id } }', { noLocation: true }))).toBeNull();
  });

  it('sees aliases in inline fragments and fragment definitions', () => {
    const withFragment = (alias: string) =>
      `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { ...F ... on Message { ${alias}2: body } } } fragment F on Message { ${alias}: id }`;
    expect(key(withFragment('p'))).toBe(key(withFragment('q')));
    expect(key(withFragment('p'))).not.toBeNull();
  });
});

describe('createAliasVerdicts', () => {
  function verdicts() {
    const validated: string[] = [];
    const memo = createAliasVerdicts({
      validate: (document: DocumentNode) => {
        validated.push(document.loc!.source.body);
        return validate(schema, document, rules);
      },
      maxEntries: 2,
    });
    const check = (source: string) => memo.validate(source, parse(source)).map((e) => e.message);
    return { memo, validated, check };
  }

  it('validates a document once per key while it is valid, and every invalid document itself', () => {
    const { validated, check } = verdicts();
    const first = sub('id', 'a1: onMessage(messageGroupUuid: $g)');
    const second = sub('id', 'b2: onMessage(messageGroupUuid: $g)');
    expect(check(first)).toEqual([]);
    expect(check(second)).toEqual([]);
    expect(validated).toEqual([first]);
    // Invalid for a reason no alias could change: validated each time, with its own errors.
    const bad = (alias: string) => sub('nope', `${alias}: onMessage(messageGroupUuid: $g)`);
    expect(check(bad('c3'))).toEqual(['Cannot query field "nope" on type "Message".']);
    expect(check(bad('d4'))).toEqual(['Cannot query field "nope" on type "Message".']);
    expect(validated).toEqual([first, bad('c3'), bad('d4')]);
  });

  it('still reports a conflict that only the aliases make, after the same document without it passed', () => {
    const { check } = verdicts();
    expect(check(sub('x: id body'))).toEqual([]);
    expect(check(sub('body: id body'))).toEqual([
      'Fields "body" conflict because "id" and "body" are different fields. Use different aliases on the fields to fetch both if this was intentional.',
    ]);
    expect(check(sub('a: id b: body'))).toEqual([]);
    expect(check(sub('a: id a: body'))).toEqual([
      'Fields "a" conflict because "id" and "body" are different fields. Use different aliases on the fields to fetch both if this was intentional.',
    ]);
  });

  it('counts aliases for the limit whatever their names', () => {
    const { check } = verdicts();
    const many = (n: number, prefix: string) =>
      `{ ${Array.from({ length: n }, (_, i) => `${prefix}${i}: me { id }`).join(' ')} }`;
    expect(check(many(15, 'a'))).toEqual([]);
    expect(check(many(16, 'b'))).toEqual(['The query has 16 aliases; at most 15 are allowed.']);
  });

  it('keeps at most maxEntries verdicts', () => {
    const { memo, check } = verdicts();
    for (const field of ['id', 'body', 'createdAt']) check(sub(field, 'z: onMessage(messageGroupUuid: $g)'));
    expect(memo.size).toBe(2);
  });
});

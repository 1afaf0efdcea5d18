// The documented errors table and the closed list in resolvers/lib/error-types.ts must name the same errorTypes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ErrorType } from './errors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('docs/architecture.md lists every errorType of the closed list, and nothing else', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Errors'), doc.indexOf('\n## ', doc.indexOf('## Errors') + 1));
  const documented = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
  const families = documented.filter((t) => t.includes(':'));
  expect(families).toEqual(['DynamoDB:<Exception>', 'Postgres:<SQLSTATE>']);
  expect(documented.filter((t) => !t.includes(':')).sort()).toEqual(Object.values(ErrorType).sort());
});

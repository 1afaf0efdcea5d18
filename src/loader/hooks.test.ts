// The server's TypeScript loader: what it hands Node for a .ts file, and that everything else passes through.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module with no type declarations (it is what loads TypeScript)
import { load } from './hooks.mjs';

type LoadResult = { format: string; source: string; shortCircuit?: boolean };
const loadTs = load as (url: string, context: object, next: (url: string) => unknown) => Promise<LoadResult>;

describe('src/loader/hooks.mjs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loader-'));
  const file = path.join(dir, 'sample.ts');
  writeFileSync(
    file,
    `import type { Server } from 'node:http';
import { helper } from './helper.ts';
export interface Shape { readonly a: number }
export function factory(s: Shape) {
  const inner = () => s.a + helper();
  return { inner, get value(): number { return inner(); } };
}
export class Counter { count = 0; next = (): number => ++this.count; }
export type Unused = Server;
`,
  );

  it('strips types, keeps value imports as written and wraps no function in __name (no keepNames)', async () => {
    const out = await loadTs(pathToFileURL(file).href, {}, () => {
      throw new Error('a .ts file must not reach the next loader');
    });
    expect(out.format).toBe('module');
    expect(out.shortCircuit).toBe(true);
    expect(out.source).toContain(`import { helper } from "./helper.ts"`);
    expect(out.source).not.toContain('node:http');
    expect(out.source).not.toContain('interface');
    expect(out.source).not.toMatch(/__name|keepNames|defineProperty\([^)]*"name"/);
  });

  it('hands every other URL to the next loader untouched', async () => {
    const seen: string[] = [];
    const next = (url: string) => (seen.push(url), { format: 'builtin', source: null });
    await loadTs('node:fs', {}, next);
    await loadTs(pathToFileURL(path.join(dir, 'x.mjs')).href, {}, next);
    expect(seen).toEqual(['node:fs', pathToFileURL(path.join(dir, 'x.mjs')).href]);
  });
});

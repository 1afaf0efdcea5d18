// Load-time refusal of what AWS AppSync's APPSYNC_JS runtime refuses, one fixture per feature: the server does not
// start, and the error names the source file and line and the feature, worded as AppSync's tooling words it.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNoneDataSource } from '../src/datasources/none.ts';
import { APPSYNC_CODE_LIMIT } from '../src/runtime/compile.ts';
import { buildSchema } from '../src/runtime/schema.ts';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/runtime');

/** Loads the fixture resolvers with `files` added or replaced; the error message, or 'loaded'. */
async function load(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-refusals-'));
  cpSync(path.join(FIXTURES, 'resolvers'), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  try {
    await buildSchema({
      schemaPath: path.join(FIXTURES, 'schema.graphql'),
      resolversDir: dir,
      dataSources: new Map([['broken', createNoneDataSource()]]),
      noneDataSource: createNoneDataSource(),
    });
    return 'loaded';
  } catch (error) {
    return (error as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Query.denied with `body` as lines 3… of its request handler (line 2 is a plain statement). */
const denied = (body: string) =>
  `export function request(ctx) {\n  const args = ctx.args;\n${body}\n  return { payload: args };\n}\nexport function response(ctx) {\n  return null;\n}\n`;

// [feature, request-handler body (starting at line 3), AppSync's wording]
const REFUSED: readonly (readonly [string, string, string])[] = [
  ['try/catch', '  try { JSON.parse("x"); } catch (e) { console.log(e); }', 'Try statements are not supported.'],
  ['try/finally', '  try { JSON.parse("x"); } finally { console.log(1); }', 'Try statements are not supported.'],
  ['throw', '  if (!args) throw new Error("no");', 'Throw statements are not supported.'],
  ['while', '  let n = 0;\n  while (n < 3) n = n + 1;', 'While statements are not supported.'],
  ['do-while', '  let n = 0;\n  do { n = n + 1; } while (n < 3);', 'do...while statements are not supported.'],
  ['for(;;)', '  let n = 0;\n  for (let i = 0; i < 3; i += 1) n += i;', 'For statements are not supported.'],
  ['continue', '  for (const k of Object.keys(args)) { if (k) continue; }', 'Continue statements are not supported'],
  [
    'label',
    '  outer: for (const k of Object.keys(args)) { if (k) break outer; }',
    'Labeled statements are not supported.',
  ],
  ['async', '  const f = async () => 1;\n  console.log(f);', 'Async functions are not supported.'],
  ['generator', '  function* g() { yield 1; }\n  console.log(g);', 'Generator functions are not supported.'],
  ['generator expression', '  const g = function* () {};\n  console.log(g);', 'Generator functions are not supported.'],
  ['class', '  class A {}\n  console.log(A);', 'Class declarations are not supported.'],
  ['class expression', '  const A = class {};\n  console.log(A);', 'Class declarations are not supported.'],
  ['this', '  const self = function () { return this; };\n  console.log(self);', 'This expressions are not supported.'],
  ['regex literal', '  console.log(/a+/.source);', 'Regex literals are not supported.'],
  ['++', '  let n = 0;\n  n++;', 'The operator ++ is not supported'],
  ['--', '  let n = 0;\n  n--;', 'The operator -- is not supported'],
  ['~', '  console.log(~1);', 'The operator ~ is not supported'],
  ['in', '  console.log("a" in args);', 'in operator is not supported. Use Object.hasOwn().'],
  ['instanceof', '  console.log(args instanceof Object);', 'The operator instanceof is not supported'],
  ['new Promise', '  console.log(new Promise(() => 1));', 'Promise is not supported'],
  ['ctx re-assignment', '  ctx.args = {};', 'ctx is readonly. Adding/Updating args is not supported.'],
  ['setTimeout', '  setTimeout(() => 1, 0);', "'setTimeout' is not defined."],
  ['fetch', '  fetch("http://127.0.0.1/");', "'fetch' is not defined."],
  ['process', '  console.log(process.env.HOME);', "'process' is not defined."],
  ['Buffer', '  console.log(Buffer.from("x"));', "'Buffer' is not defined."],
];

describe('load-time refusal of what APPSYNC_JS refuses', () => {
  it.each(REFUSED)('%s: refused at Query.denied.ts with AppSync’s wording', async (_feature, body, wording) => {
    const message = await load({ 'Query.denied.ts': denied(body) });
    expect(message).toContain('The code contains one or more errors.');
    const line = message.split('\n').find((l) => l.includes(wording));
    expect(line, message).toBeDefined();
    // Names the source file and a line of the handler body (3 or 4), then where AppSync's copy has it.
    expect(line).toMatch(/Query\.denied\.ts:[34]:\d+: LINT_ERROR: .* \(bundle Query\.denied\.js:\d+:\d+\)$/);
  });

  it('accepts what APPSYNC_JS supports (no false refusals)', async () => {
    const body = [
      '  const out = [];',
      '  for (const k of Object.keys(args)) out.push(k);',
      '  for (const k in args) { if (Object.hasOwn(args, k)) out.push(`${k}=${JSON.stringify(args[k])}`); }',
      '  switch (out.length) { case 0: break; default: console.log(Math.max(...out.map((s) => s.length))); }',
      '  const copy = { ...args, n: args?.n ?? 1, bits: 5 & 3 | 1, t: typeof args, v: void 0 };',
      '  delete copy.v;',
      '  console.log(copy, Object.entries(copy), Object.values(copy), out.filter(Boolean).join());',
    ].join('\n');
    expect(await load({ 'Query.denied.ts': denied(body) })).toBe('loaded');
  });

  it('lists every refusal of every file in one error', async () => {
    const message = await load({
      'Query.denied.ts': denied('  while (args) break;\n  console.log(/x/);'),
      'Query.partial.broken.ts': denied('  setTimeout(() => 1);'),
    });
    expect(message).toMatch(/Query\.denied\.ts:3:3: LINT_ERROR: While statements are not supported\./);
    expect(message).toMatch(/Query\.denied\.ts:4:15: LINT_ERROR: Regex literals are not supported\./);
    expect(message).toMatch(/Query\.partial\.broken\.ts:3:3: LINT_ERROR: 'setTimeout' is not defined\./);
  });

  it('refuses library code a resolver imports, naming the library file', async () => {
    const message = await load({
      'lib/helper.ts': 'export function loop(n) {\n  while (n > 0) n = n - 1;\n  return n;\n}\n',
      'Query.denied.ts': `import { loop } from './lib/helper.ts';\n${denied('  console.log(loop(3));')}`,
    });
    expect(message).toMatch(/lib\/helper\.ts:2:3: LINT_ERROR: While statements are not supported\./);
  });

  it('loads a bundle of exactly 32,768 characters and refuses one of 32,769', async () => {
    const padded = (n: number) => `export const padding = '${'x'.repeat(n)}';\n${denied('')}`;
    const over = await load({ 'Query.denied.ts': padded(APPSYNC_CODE_LIMIT) });
    const size = Number(
      /Query\.denied\.ts: bundles to (\d+) characters, over AppSync's limit of 32768/.exec(over)?.[1],
    );
    const overhead = size - APPSYNC_CODE_LIMIT;
    expect(overhead).toBeGreaterThan(0);
    expect(await load({ 'Query.denied.ts': padded(APPSYNC_CODE_LIMIT - overhead) })).toBe('loaded');
    expect(await load({ 'Query.denied.ts': padded(APPSYNC_CODE_LIMIT - overhead + 1) })).toMatch(
      /Query\.denied\.ts: bundles to 32769 characters, over AppSync's limit of 32768/,
    );
  });
});

// The AppSync bundles: every resolver file bundles into a small module that imports only @aws-appsync/* and
// exports request/response, the manifest matches discovery, and broken resolver dirs fail naming the file.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPSYNC_CODE_LIMIT } from '../src/runtime/compile.ts';
import { discoverResolvers, resolverSourceFiles } from '../src/runtime/resolver-files.ts';
import { BundleError, bundleResolvers, MANIFEST, type Manifest } from './lib/bundle.ts';

const RESOLVERS = path.resolve('resolvers');
const tempDir = (label: string) => mkdtempSync(path.join(os.tmpdir(), `cruddur-bundle-${label}-`));

/** Module specifiers of an ES module's static and dynamic imports and re-exports, read from the text itself. */
function importsOf(code: string): string[] {
  const patterns = [
    /^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm,
    /^\s*import\s*["']([^"']+)["']/gm,
    /^\s*export\s[^'"]*?from\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
    /\brequire\s*\(\s*["']([^"']+)["']/g,
  ];
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!));
}

/** Names in the module's `export { a, b as c }` lists and `export function name` declarations. */
function exportsOf(code: string): string[] {
  const listed = [...code.matchAll(/^export\s*\{([^}]*)\}/gm)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((part) =>
        part
          .trim()
          .split(/\s+as\s+/)
          .pop()!,
      )
      .filter(Boolean),
  );
  const declared = [...code.matchAll(/^export\s+(?:async\s+)?(?:function|const|let|var)\s+(\w+)/gm)].map((m) => m[1]!);
  return [...listed, ...declared];
}

describe('bundleResolvers on resolvers/', () => {
  let outDir: string;
  let manifest: Manifest;
  const expected = resolverSourceFiles(discoverResolvers(RESOLVERS).resolvers).map((f) =>
    path.relative(RESOLVERS, f).replace(/\.ts$/, '.js'),
  );

  beforeAll(async () => {
    outDir = tempDir('out');
    manifest = await bundleResolvers({ resolversDir: RESOLVERS, outDir });
  });

  it('writes one bundle per resolver and pipeline function file', () => {
    expect(expected.length).toBeGreaterThan(5);
    for (const file of expected) expect(existsSync(path.join(outDir, file)), file).toBe(true);
  });

  it('keeps every bundle under the AppSync code limit, importing only @aws-appsync/*, exporting request and response', () => {
    for (const file of expected) {
      const code = readFileSync(path.join(outDir, file), 'utf8');
      expect(code.length, file).toBeLessThan(APPSYNC_CODE_LIMIT);
      for (const specifier of importsOf(code)) expect(specifier, file).toMatch(/^@aws-appsync\//);
      expect(exportsOf(code), file).toEqual(expect.arrayContaining(['request', 'response']));
      // Shared code from resolvers/lib is inlined, and no source map rides along (AppSync rejects them).
      expect(code, file).not.toMatch(/from\s*["']\.\.?\//);
      expect(code, file).not.toContain('sourceMappingURL');
    }
  });

  it('writes a manifest listing every resolver with kind, data sources, function order and sizes', () => {
    const onDisk = JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8')) as Manifest;
    expect(onDisk).toEqual(manifest);
    const { resolvers } = discoverResolvers(RESOLVERS);
    expect(manifest.resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort()).toEqual(
      resolvers.map((r) => `${r.typeName}.${r.fieldName}`).sort(),
    );
    const listed = manifest.resolvers.flatMap((r) => [
      r.file,
      ...(r.kind === 'PIPELINE' ? r.functions.map((f) => f.file) : []),
    ]);
    expect(listed.sort()).toEqual([...expected].sort());
    for (const r of manifest.resolvers) {
      const code = readFileSync(path.join(outDir, r.file), 'utf8');
      expect(r.bytes, r.file).toBe(Buffer.byteLength(code));
    }
    const messages = manifest.resolvers.find((r) => r.typeName === 'Query' && r.fieldName === 'messages');
    expect(messages).toMatchObject({ kind: 'PIPELINE', file: 'Query.messages/index.js' });
    if (messages?.kind !== 'PIPELINE') throw new Error('Query.messages should be a pipeline');
    expect(messages.functions.map((f) => f.order)).toEqual(
      [...messages.functions.map((f) => f.order)].sort((a, b) => a - b),
    );
    expect(messages.functions[0]).toMatchObject({
      order: 1,
      name: 'me',
      dataSource: 'users',
      file: 'Query.messages/1.me.users.js',
    });
    expect(messages.dataSources.sort()).toEqual(['messages', 'users']);
    expect(manifest.resolvers.find((r) => r.typeName === 'Query' && r.fieldName === 'me')).toMatchObject({
      kind: 'UNIT',
      dataSource: 'users',
      file: 'Query.me.users.js',
    });
  });
});

describe('bundleResolvers on broken resolver dirs', () => {
  const HANDLERS = 'export function request() { return {}; }\nexport function response(ctx) { return ctx.result; }\n';

  async function failure(files: Record<string, string>): Promise<{ error: BundleError; outDir: string }> {
    const dir = tempDir('bad');
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const outDir = path.join(dir, 'out');
    const error = await bundleResolvers({ resolversDir: dir, outDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BundleError);
    return { error: error as BundleError, outDir };
  }

  it('fails naming a file that imports a Node module, and writes nothing', async () => {
    const { error, outDir } = await failure({
      'Query.fine.ts': `import { util } from '@aws-appsync/utils';\nexport function request() { return util.autoId(); }\nexport function response(ctx) { return ctx.result; }\n`,
      'Query.bad.ts': `import { readFileSync } from 'node:fs';\nexport function request() { return readFileSync('/etc/passwd'); }\nexport function response(ctx) { return ctx.result; }\n`,
    });
    expect(error.message).toMatch(/Query\.bad\.ts imports 'node:fs'/);
    expect(error.message).not.toContain('Query.fine.ts');
    expect(existsSync(outDir)).toBe(false);
  });

  it('fails naming a file that imports an npm package other than @aws-appsync/*', async () => {
    const { error } = await failure({
      'Query.pkg.ts': `import { v4 } from 'uuid';\nexport const id = v4;\n${HANDLERS}`,
    });
    expect(error.message).toMatch(/Query\.pkg\.ts imports 'uuid'/);
  });

  it('fails naming a bundle over the AppSync code limit', async () => {
    const { error } = await failure({
      'Query.big.ts': `export const padding = '${'x'.repeat(APPSYNC_CODE_LIMIT)}';\n${HANDLERS}`,
    });
    expect(error.message).toMatch(/Query\.big\.ts bundles to \d+ characters, over AppSync's limit of 32768/);
  });

  it('fails naming a bundle that uses what APPSYNC_JS refuses, at its line in the bundle', async () => {
    const { error, outDir } = await failure({
      'Query.loop.ts': `export function request() {\n  let n = 0;\n  while (n < 3) n = n + 1;\n  return { n };\n}\nexport function response(ctx) { return ctx.result; }\n`,
    });
    expect(error.message).toMatch(
      /Query\.loop\.ts \(Query\.loop\.js:\d+:3\): LINT_ERROR: While statements are not supported\./,
    );
    expect(existsSync(outDir)).toBe(false);
  });

  it('fails naming a file without a response handler', async () => {
    const { error } = await failure({ 'Query.half.ts': 'export function request() { return {}; }\n' });
    expect(error.message).toMatch(/Query\.half\.ts must export response/);
  });
});

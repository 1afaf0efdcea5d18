// Compiles resolver files as AppSync would receive them (an ES module bundle per file, `@aws-appsync/*` external),
// refuses what AppSync's APPSYNC_JS runtime refuses (size, unsupported statements and globals), then loads each
// bundle with those imports bound to our implementations, so the same files deploy to AppSync unchanged.
import { build, transform, type OutputFile } from 'esbuild';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { appsyncModules } from './appsync/modules.ts';
import { APPSYNC_CODE_ERRORS_MESSAGE, checkAppSyncCode } from './code-check.ts';

export interface Handlers {
  readonly request: (ctx: unknown) => unknown;
  readonly response: (ctx: unknown) => unknown;
}

/** AppSync rejects resolver code over 32,768 characters (the `code` length constraint of CreateResolver). */
export const APPSYNC_CODE_LIMIT = 32_768;

/** esbuild options for the code AppSync receives; `npm run bundle:resolvers` writes the same. */
export const APPSYNC_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  // No minify: what runs in AppSync stays readable in the console (and load-time errors name readable lines).
  minify: false,
} as const;

// Nothing is written there (write: false); esbuild just needs an output directory to name the files.
const VIRTUAL_OUT = '/virtual';

function requireFor(file: string) {
  return (specifier: string): unknown => {
    const mod = appsyncModules[specifier];
    if (!mod)
      throw new Error(
        `${file} imports '${specifier}': resolvers may import only @aws-appsync/* modules and their own files`,
      );
    return mod;
  };
}

/** `resolvers/x.ts:12:3` for a bundle position, through esbuild's source map; the bundle position if unmapped. */
function sourcePosition(map: SourceMap | undefined, root: string, fallback: string, line: number, column: number) {
  const entry = map?.findEntry(line - 1, column - 1) as
    { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined) return `${fallback}:${line}:${column}`;
  const source = path.relative(root, path.resolve(VIRTUAL_OUT, entry.originalSource));
  return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
}

/** Everything AppSync would refuse in one bundle, one line each, naming the source file and line. */
function refusals(rel: string, code: string, mapText: string | undefined, root: string): string[] {
  const bundle = rel.replace(/\.ts$/, '.js');
  const problems: string[] = [];
  if (code.length > APPSYNC_CODE_LIMIT)
    problems.push(`${rel}: bundles to ${code.length} characters, over AppSync's limit of ${APPSYNC_CODE_LIMIT}`);
  const errors = checkAppSyncCode(code);
  // The map is read only to word a refusal.
  const map = errors.length && mapText ? new SourceMap(JSON.parse(mapText) as SourceMapPayload) : undefined;
  for (const e of errors) {
    const where = sourcePosition(map, root, bundle, e.line, e.column);
    problems.push(`${where}: ${e.errorType}: ${e.value} (bundle ${bundle}:${e.line}:${e.column})`);
  }
  return problems;
}

/** Bundles every file in one esbuild call, checks and evaluates each; throws naming the files that fail. */
export async function compileResolverFiles(files: readonly string[], root: string): Promise<Map<string, Handlers>> {
  const result = await build({
    ...APPSYNC_BUNDLE_OPTIONS,
    entryPoints: [...files],
    write: false,
    external: ['@aws-appsync/*'],
    outdir: VIRTUAL_OUT,
    outbase: root,
    logLevel: 'silent',
    // External maps come back beside the code (write: false) and only serve the error messages below.
    sourcemap: 'external',
  }).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
    const lines = (error.errors ?? []).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
    );
    throw new Error(
      `Resolver files failed to compile (resolvers may import only @aws-appsync/* modules and their own files):\n${lines.join('\n') || String(error)}`,
    );
  });
  const byOutput = new Map<string, OutputFile>(result.outputFiles.map((f) => [path.relative(VIRTUAL_OUT, f.path), f]));

  const bundles: { file: string; rel: string; code: string }[] = [];
  const refused: string[] = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    const output = byOutput.get(rel.replace(/\.ts$/, '.js'));
    if (output === undefined) throw new Error(`esbuild produced no output for ${file}`);
    const mapText = byOutput.get(`${rel.replace(/\.ts$/, '.js')}.map`)?.text;
    // esbuild ends the bundle with a sourceMappingURL comment for the external map; AppSync never sees it.
    const code = output.text.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
    refused.push(...refusals(rel, code, mapText, root));
    bundles.push({ file, rel, code });
  }
  if (refused.length)
    throw new Error(
      `Resolver code is refused as AWS AppSync's APPSYNC_JS runtime would refuse it: ${APPSYNC_CODE_ERRORS_MESSAGE}\n  - ${refused.join('\n  - ')}`,
    );

  const handlers = new Map<string, Handlers>();
  const problems: string[] = [];
  // The checked ES modules, rewritten to CommonJS only so node:vm can run them without experimental flags.
  const cjs = await Promise.all(
    bundles.map(async ({ code }) => (await transform(code, { format: 'cjs', target: 'es2022', loader: 'js' })).code),
  );
  for (const [i, { file, rel }] of bundles.entries()) {
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = vm.runInThisContext(`(function (exports, require, module) {${cjs[i]}\n})`, { filename: file });
    wrapper(module.exports, requireFor(rel), module);
    const { request, response } = module.exports;
    if (typeof request !== 'function' || typeof response !== 'function') {
      problems.push(`${rel} must export both request(ctx) and response(ctx)`);
      continue;
    }
    handlers.set(file, { request: request as Handlers['request'], response: response as Handlers['response'] });
  }
  if (problems.length) throw new Error(`Resolver files are incomplete:\n${problems.join('\n')}`);
  return handlers;
}

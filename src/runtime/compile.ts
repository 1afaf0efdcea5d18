// Compiles resolver files as AppSync would receive them (esbuild bundle, `@aws-appsync/*` external) and loads
// them with those imports bound to our implementations, so the same files deploy to AppSync unchanged.
import { build } from 'esbuild';
import path from 'node:path';
import vm from 'node:vm';
import { appsyncModules } from './appsync/modules.ts';

export interface Handlers {
  readonly request: (ctx: unknown) => unknown;
  readonly response: (ctx: unknown) => unknown;
}

/** AppSync rejects resolver code over 32,768 characters (EvaluateCode / CreateResolver limit). */
export const APPSYNC_CODE_LIMIT = 32_768;

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

/** Bundles every file in one esbuild call and evaluates each; throws naming the files that fail. */
export async function compileResolverFiles(files: readonly string[], root: string): Promise<Map<string, Handlers>> {
  const result = await build({
    entryPoints: [...files],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    external: ['@aws-appsync/*'],
    outdir: '/virtual',
    outbase: root,
    logLevel: 'silent',
    sourcemap: false,
  }).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
    const lines = (error.errors ?? []).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
    );
    throw new Error(
      `Resolver files failed to compile (resolvers may import only @aws-appsync/* modules and their own files):\n${lines.join('\n') || String(error)}`,
    );
  });
  const byOutput = new Map(result.outputFiles.map((f) => [path.relative('/virtual', f.path), f.text]));
  const handlers = new Map<string, Handlers>();
  const problems: string[] = [];
  for (const file of files) {
    const rel = path.relative(root, file).replace(/\.ts$/, '.js');
    const code = byOutput.get(rel);
    if (code === undefined) throw new Error(`esbuild produced no output for ${file}`);
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = vm.runInThisContext(`(function (exports, require, module) {${code}\n})`, { filename: file });
    wrapper(module.exports, requireFor(path.relative(root, file)), module);
    const { request, response } = module.exports;
    if (typeof request !== 'function' || typeof response !== 'function') {
      problems.push(`${path.relative(root, file)} must export both request(ctx) and response(ctx)`);
      continue;
    }
    handlers.set(file, { request: request as Handlers['request'], response: response as Handlers['response'] });
  }
  if (problems.length) throw new Error(`Resolver files are incomplete:\n${problems.join('\n')}`);
  return handlers;
}

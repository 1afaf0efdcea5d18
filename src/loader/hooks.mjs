// Module hooks for register.mjs: a `.ts` file is loaded as an ES module transformed by esbuild (types stripped,
// nothing renamed or wrapped; with --enable-source-maps, an inline source map so stack traces name .ts lines);
// everything else loads as Node loads it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

// What the project's tsconfig.json says that changes emitted code: imports are kept or dropped as written.
const tsconfigRaw = { compilerOptions: { verbatimModuleSyntax: true, target: 'ES2022' } };

const sourceMaps = process.sourceMapsEnabled || process.execArgv.includes('--enable-source-maps');

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !/\.m?ts$/.test(new URL(url).pathname)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = await readFile(file, 'utf8');
  const out = await transform(source, {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcefile: file,
    // Only when stack traces will use it: V8 keeps every module's source text, map included.
    sourcemap: sourceMaps ? 'inline' : false,
    tsconfigRaw,
  });
  return { format: 'module', source: out.code, shortCircuit: true };
}

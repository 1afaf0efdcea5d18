// Bundles every resolver and pipeline function file into the single self-contained ES module AppSync takes
// (APPSYNC_JS: only `@aws-appsync/*` imports, at most 32,768 characters), plus a manifest for deployment tools.
import { build, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkAppSyncCode } from '../../src/runtime/code-check.ts';
import { APPSYNC_BUNDLE_OPTIONS, APPSYNC_CODE_LIMIT } from '../../src/runtime/compile.ts';
import { discoverResolvers, resolverSourceFiles, type ResolverFile } from '../../src/runtime/resolver-files.ts';

export interface BundleOptions {
  readonly resolversDir: string;
  readonly outDir: string;
}

export interface BundledFile {
  /** Output path relative to outDir, e.g. `Query.messages/1.me.users.js`. */
  readonly file: string;
  readonly bytes: number;
  readonly chars: number;
}

export interface ManifestFunction extends BundledFile {
  readonly order: number;
  readonly name: string;
  /** null: a NONE data source. */
  readonly dataSource: string | null;
}

export type ManifestResolver = BundledFile & { readonly typeName: string; readonly fieldName: string } & (
    | { readonly kind: 'UNIT'; readonly dataSource: string | null }
    | { readonly kind: 'PIPELINE'; readonly dataSources: string[]; readonly functions: ManifestFunction[] }
  );

export interface Manifest {
  readonly codeLimit: number;
  readonly resolvers: ManifestResolver[];
}

export const MANIFEST = 'manifest.json';

// Nothing is written there (write: false); esbuild just needs an output directory to name the files.
const VIRTUAL_OUT = '/virtual';

/** Everything wrong with the resolver files, one line each naming the file. */
export class BundleError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Resolver bundling failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'BundleError';
  }
}

const isAppSyncModule = (specifier: string) => specifier.startsWith('@aws-appsync/');

// Leave every package import in the output (instead of bundling or failing to resolve it), so the check below
// can report each one by file; relative imports (resolvers/lib) are bundled in.
const keepPackagesExternal: Plugin = {
  name: 'keep-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
  },
};

const outputName = (resolversDir: string, file: string) =>
  path.relative(resolversDir, file).replace(/\.ts$/, '.js').split(path.sep).join('/');

async function esbuildAll(resolversDir: string, files: readonly string[]) {
  return build({
    ...APPSYNC_BUNDLE_OPTIONS,
    entryPoints: [...files],
    write: false,
    // No sourcemap: AppSync rejects inline maps.
    sourcemap: false,
    metafile: true,
    plugins: [keepPackagesExternal],
    outdir: VIRTUAL_OUT,
    outbase: resolversDir,
    absWorkingDir: resolversDir,
    logLevel: 'silent',
  }).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
    const lines = (error.errors ?? []).map(
      (e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`,
    );
    throw new BundleError(lines.length ? lines : [String(error)]);
  });
}

/** The problems of one output: foreign imports, missing handlers, size, what APPSYNC_JS refuses. */
function check(source: string, name: string, code: string, output: Metafile['outputs'][string] | undefined): string[] {
  const problems: string[] = [];
  for (const imported of output?.imports ?? []) {
    if (!isAppSyncModule(imported.path))
      problems.push(`${source} imports '${imported.path}': AppSync resolvers may import only @aws-appsync/*`);
  }
  const exports = new Set(output?.exports ?? []);
  const missing = ['request', 'response'].filter((name) => !exports.has(name));
  if (missing.length) problems.push(`${source} must export ${missing.join(' and ')}`);
  if (code.length > APPSYNC_CODE_LIMIT) {
    problems.push(`${source} bundles to ${code.length} characters, over AppSync's limit of ${APPSYNC_CODE_LIMIT}`);
  }
  // Positions are the bundle's: it is what AppSync receives and what its own errors would name.
  for (const e of checkAppSyncCode(code))
    problems.push(`${source} (${name}:${e.line}:${e.column}): ${e.errorType}: ${e.value}`);
  return problems;
}

function manifestEntry(resolver: ResolverFile, sizes: ReadonlyMap<string, BundledFile>): ManifestResolver {
  const size = (file: string) => sizes.get(file)!;
  const base = { typeName: resolver.typeName, fieldName: resolver.fieldName, ...size(resolver.file) };
  if (resolver.kind === 'unit') return { ...base, kind: 'UNIT', dataSource: resolver.dataSource };
  const functions = resolver.functions.map((f) => ({
    order: f.order,
    name: f.name,
    dataSource: f.dataSource,
    ...size(f.file),
  }));
  const dataSources = [...new Set(functions.flatMap((f) => (f.dataSource ? [f.dataSource] : [])))];
  return { ...base, kind: 'PIPELINE', dataSources, functions };
}

/** Removes the files a previous run listed, so a deleted resolver cannot linger in outDir and get deployed. */
function removePreviousOutput(outDir: string): void {
  let previous: Manifest;
  try {
    previous = JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return;
  }
  for (const r of previous.resolvers ?? []) {
    for (const file of [r.file, ...(r.kind === 'PIPELINE' ? r.functions.map((f) => f.file) : [])]) {
      rmSync(path.join(outDir, file), { force: true });
    }
  }
}

/** Bundles each file separately; writes nothing unless every file passes, then throws BundleError naming them. */
export async function bundleResolvers(options: BundleOptions): Promise<Manifest> {
  const resolversDir = path.resolve(options.resolversDir);
  const discovery = discoverResolvers(resolversDir);
  if (discovery.problems.length) throw new BundleError(discovery.problems);
  const files = resolverSourceFiles(discovery.resolvers);
  if (!files.length) throw new BundleError([`no resolver files in ${options.resolversDir}`]);
  const result = await esbuildAll(resolversDir, files);
  const texts = new Map(
    result.outputFiles.map((f) => [path.relative(VIRTUAL_OUT, f.path).split(path.sep).join('/'), f.text]),
  );
  const problems: string[] = [];
  const sizes = new Map<string, BundledFile>();
  for (const file of files) {
    const name = outputName(resolversDir, file);
    const code = texts.get(name);
    const source = displayPath(file);
    if (code === undefined) {
      problems.push(`${source}: esbuild produced no output`);
      continue;
    }
    problems.push(...check(source, name, code, result.metafile.outputs[metafileKey(resolversDir, name)]));
    sizes.set(file, { file: name, bytes: Buffer.byteLength(code), chars: code.length });
  }
  if (problems.length) throw new BundleError(problems);
  const manifest: Manifest = {
    codeLimit: APPSYNC_CODE_LIMIT,
    resolvers: discovery.resolvers.map((r) => manifestEntry(r, sizes)),
  };
  removePreviousOutput(options.outDir);
  for (const [name, code] of texts) {
    const target = path.join(options.outDir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  writeFileSync(path.join(options.outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Relative to the working directory when inside it, so messages are short; absolute otherwise. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** esbuild keys metafile outputs by their path relative to absWorkingDir (the resolvers dir here). */
function metafileKey(resolversDir: string, name: string): string {
  return path.relative(resolversDir, path.join(VIRTUAL_OUT, name)).split(path.sep).join('/');
}

// Bundles the browser code with esbuild: the web app (web/app) into dist/web and the GraphiQL playground
// (web/playground) into dist/playground, each with hashed asset names, an index.html and a manifest.json that
// lists exactly the files the server may serve and the hash of the sources it was built from.
import { build, type Metafile } from 'esbuild';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Bundle {
  readonly name: 'web' | 'playground';
  /** The entry module, relative to the project root. */
  readonly entry: string;
  /** Where the built files go. */
  readonly outDir: string;
  /** The URL path the assets are served under (ends with a slash). */
  readonly publicPath: string;
  readonly title: string;
}

export const BUNDLES: readonly Bundle[] = [
  {
    name: 'web',
    entry: 'web/app/main.tsx',
    outDir: path.join(ROOT, 'dist/web'),
    publicPath: '/assets/',
    title: 'Cruddur Messages',
  },
  {
    name: 'playground',
    entry: 'web/playground/main.tsx',
    outDir: path.join(ROOT, 'dist/playground'),
    publicPath: '/playground/',
    title: 'Cruddur Messaging · GraphQL playground',
  },
];

export interface Manifest {
  readonly sourceHash: string;
  /** The hashed script and stylesheet index.html loads. */
  readonly script: string;
  readonly styles: readonly string[];
  /** Every file in the folder the server may serve (index.html included), with its size in bytes. */
  readonly files: Record<string, number>;
}

/** Everything that changes the output: web/ sources, the schema (the playground embeds it) and the lock file. */
function listSources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listSources(full, out);
    else out.push(full);
  }
  return out;
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...listSources(path.join(ROOT, 'web')),
    path.join(ROOT, 'schema.graphql'),
    path.join(ROOT, 'src/runtime/appsync-prelude.graphql'),
    path.join(ROOT, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ].sort();
  for (const file of files) hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

export function readManifest(outDir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

function indexHtml(bundle: Bundle, script: string, styles: readonly string[]): string {
  // The empty data: icon stops the browser asking for /favicon.ico (a 404 and a console error otherwise).
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${bundle.title}</title>
<link rel="icon" href="data:,">
${styles.map((s) => `<link rel="stylesheet" href="${bundle.publicPath}${s}">`).join('\n')}
<script type="module" src="${bundle.publicPath}${script}"></script>
</head>
<body>
<div id="root"></div>
<noscript>This page needs JavaScript.</noscript>
</body>
</html>
`;
}

async function buildOne(bundle: Bundle, hash: string): Promise<Manifest> {
  // Build into a fresh sibling folder and swap it in, so a server never sees half a build.
  // (Test files may build at the same time, in processes or threads: every build has its own folder.)
  const tmp = `${bundle.outDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { [bundle.name]: bundle.entry },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    outdir: tmp,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    publicPath: bundle.publicPath,
    define: { 'process.env.NODE_ENV': '"production"', 'globalThis.__DEV__': 'false' },
    loader: { '.graphql': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = (result.metafile as Metafile).outputs;
  const names = Object.keys(outputs).map((file) => path.relative(tmp, path.join(ROOT, file)));
  const script = names.find((n) => n.startsWith(`${bundle.name}-`) && n.endsWith('.js'));
  if (!script) throw new Error(`esbuild produced no script for ${bundle.entry}`);
  const styles = names.filter((n) => n.endsWith('.css'));
  writeFileSync(path.join(tmp, 'index.html'), indexHtml(bundle, script, styles));
  const files: Record<string, number> = {};
  for (const name of [...names, 'index.html']) files[name] = statSync(path.join(tmp, name)).size;
  const manifest: Manifest = { sourceHash: hash, script, styles, files };
  writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  const old = `${tmp}.old`;
  mkdirSync(path.dirname(bundle.outDir), { recursive: true });
  try {
    if (existsSync(bundle.outDir)) renameSync(bundle.outDir, old);
  } catch {
    // Moved away by a concurrent build in the meantime.
  }
  try {
    renameSync(tmp, bundle.outDir);
  } catch (error) {
    // A concurrent build of the same sources got there first: theirs is as good as ours.
    if (readManifest(bundle.outDir)?.sourceHash !== hash) throw error;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return manifest;
}

/** Builds both bundles; returns their manifests. */
export async function buildWeb(): Promise<Manifest[]> {
  const hash = sourceHash();
  return Promise.all(BUNDLES.map((bundle) => buildOne(bundle, hash)));
}

/** True when a bundle is missing or was built from other sources. */
export function isStale(): boolean {
  const hash = sourceHash();
  return BUNDLES.some((bundle) => readManifest(bundle.outDir)?.sourceHash !== hash);
}

/** Builds unless an up-to-date build exists; `log` gets one line when it builds. */
export async function ensureWebBuild(log: (line: string) => void = () => undefined): Promise<void> {
  if (!isStale()) return;
  const started = Date.now();
  log('[cruddur] building the web app and the playground (dist/web, dist/playground) …');
  await buildWeb();
  log(`[cruddur] built the web app and the playground in ${Date.now() - started} ms`);
}

// The resolver bundles CDK deploys: `scripts/lib/bundle.ts` run at synth time (esbuild, no network), read back
// as the manifest plus each file's code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleResolvers, type Manifest } from '../scripts/lib/bundle.ts';
import type { BundledCode } from './dynamodb-access.ts';

export interface ResolverBundles {
  readonly manifest: Manifest;
  /** The bundled code of a manifest file (`Query.messages/1.me.users.js`). */
  code(file: string): string;
}

/** Bundles `resolversDir` into `outDir` (replacing what a previous run wrote there) and reads the result. */
export async function loadResolverBundles(resolversDir: string, outDir: string): Promise<ResolverBundles> {
  const manifest = await bundleResolvers({ resolversDir, outDir });
  const cache = new Map<string, string>();
  return {
    manifest,
    code(file) {
      let code = cache.get(file);
      if (code === undefined) {
        code = readFileSync(path.join(outDir, file), 'utf8');
        cache.set(file, code);
      }
      return code;
    },
  };
}

/** Every bundle that runs against the data source `name`: unit resolvers and pipeline functions. */
export function bundlesFor(bundles: ResolverBundles, name: string): BundledCode[] {
  return bundles.manifest.resolvers.flatMap((r) => {
    const files =
      r.kind === 'UNIT'
        ? r.dataSource === name
          ? [r.file]
          : []
        : r.functions.filter((f) => f.dataSource === name).map((f) => f.file);
    return files.map((file) => ({ file, code: bundles.code(file) }));
  });
}

/** The data source names the manifest uses (null is AppSync's NONE). */
export function dataSourceNames(bundles: ResolverBundles): Set<string | null> {
  return new Set(
    bundles.manifest.resolvers.flatMap((r) =>
      r.kind === 'UNIT' ? [r.dataSource] : r.functions.map((f) => f.dataSource),
    ),
  );
}

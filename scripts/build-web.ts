// `npm run build:web`: bundles the web app and the playground (src/web/build.ts) and prints their sizes.
// `npm run dev:web` (--watch) rebuilds on every change under web/; a running server serves the new build on the
// next page load (src/web/static.ts notices the new manifest), so reload the page.
import { gzipSync } from 'node:zlib';
import { readFileSync, watch } from 'node:fs';
import path from 'node:path';
import { BUNDLES, buildWeb, type Manifest } from '../src/web/build.ts';

if (process.argv.includes('--help')) {
  console.log(
    'Usage: npm run build:web [-- --watch]\nBundles web/app into dist/web and web/playground into dist/playground.\n' +
      '--watch (npm run dev:web): rebuild on every change under web/ until Ctrl-C.',
  );
  process.exit(0);
}

async function buildAndReport(): Promise<void> {
  const started = Date.now();
  report(await buildWeb());
  console.log(`built in ${Date.now() - started} ms`);
}

function report(manifests: Manifest[]): void {
  for (const [i, manifest] of manifests.entries()) {
    const bundle = BUNDLES[i]!;
    let raw = 0;
    let gzip = 0;
    for (const name of Object.keys(manifest.files)) {
      if (name === 'index.html') continue;
      const bytes = readFileSync(path.join(bundle.outDir, name));
      raw += bytes.length;
      gzip += gzipSync(bytes).length;
    }
    console.log(`${bundle.name}: ${(raw / 1024).toFixed(0)} KB, ${(gzip / 1024).toFixed(0)} KB gzip`);
  }
}

await buildAndReport();
if (process.argv.includes('--watch')) {
  // One build at a time; changes during a build trigger one more after it.
  let timer: NodeJS.Timeout | undefined;
  let building: Promise<void> = Promise.resolve();
  watch(path.join(import.meta.dirname, '../web'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      building = building.then(() => buildAndReport().catch((error: unknown) => console.error(String(error))));
    }, 100);
  });
  console.log('watching web/ (Ctrl-C to stop); reload the page after a rebuild');
}

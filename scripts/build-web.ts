// `npm run build:web`: bundles the web app and the playground (src/web/build.ts) and prints their sizes.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLES, buildWeb } from '../src/web/build.ts';

if (process.argv.includes('--help')) {
  console.log('Usage: npm run build:web\nBundles web/app into dist/web and web/playground into dist/playground.');
  process.exit(0);
}
const started = Date.now();
const manifests = await buildWeb();
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
console.log(`built in ${Date.now() - started} ms`);

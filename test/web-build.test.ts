// The browser bundles: a size budget (the app is a chat page; the playground is GraphiQL 4), no CDN or other
// remote URL the page could load from, an up-to-date build is not rebuilt, and the static bound holds.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { BUNDLES, ensureWebBuild, isStale, readManifest } from '../src/web/build.ts';
import { createStaticFolder, MAX_STATIC_BYTES, MAX_STATIC_FILES } from '../src/web/static.ts';

/** gzip KB budgets: measured 132 (app) and 709 (playground) on 2026-12-01; a budget is a tripwire, not a goal. */
const BUDGET_KB = { web: 160, playground: 760 };

function gzipKb(name: 'web' | 'playground'): number {
  const bundle = BUNDLES.find((b) => b.name === name)!;
  const manifest = readManifest(bundle.outDir)!;
  let bytes = 0;
  for (const file of Object.keys(manifest.files))
    bytes += gzipSync(readFileSync(path.join(bundle.outDir, file))).length;
  return bytes / 1024;
}

beforeAll(async () => {
  await ensureWebBuild();
});

it('keeps the app and the playground within their gzip budgets', () => {
  const web = gzipKb('web');
  const playground = gzipKb('playground');
  console.log(`[bundle sizes] web app ${web.toFixed(0)} KB gzip, playground ${playground.toFixed(0)} KB gzip`);
  expect(web).toBeLessThanOrEqual(BUDGET_KB.web);
  expect(playground).toBeLessThanOrEqual(BUDGET_KB.playground);
});

it('loads nothing from elsewhere: no CDN, font or analytics host in any built file', () => {
  for (const bundle of BUNDLES) {
    const manifest = readManifest(bundle.outDir)!;
    for (const file of Object.keys(manifest.files)) {
      const text = readFileSync(path.join(bundle.outDir, file), 'utf8');
      expect(text, `${bundle.name}/${file}`).not.toMatch(
        /(unpkg\.com|jsdelivr|esm\.sh|cdnjs|googleapis|gstatic|skypack|cdn\.|google-analytics|sentry)/,
      );
      if (file.endsWith('.html') || file.endsWith('.css'))
        expect(text).not.toMatch(/(src|href)="https?:|url\(["']?https?:/);
    }
  }
});

it('does not rebuild an up-to-date build', async () => {
  expect(isStale()).toBe(false);
  const lines: string[] = [];
  await ensureWebBuild((line) => lines.push(line));
  expect(lines).toEqual([]);
});

it('refuses to serve a folder over its bound, and serves nothing when unbuilt', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-static-'));
  const files: Record<string, number> = {};
  for (let i = 0; i <= MAX_STATIC_FILES; i++) files[`f${i}.js`] = 1;
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ sourceHash: 'x', script: 'f0.js', styles: [], files }),
  );
  expect(createStaticFolder({ dir }).problem).toMatch(`over ${MAX_STATIC_FILES} files`);
  const big = { 'a.js': MAX_STATIC_BYTES + 1 };
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ sourceHash: 'x', script: 'a.js', styles: [], files: big }),
  );
  expect(createStaticFolder({ dir }).problem).toMatch(`${MAX_STATIC_BYTES} bytes`);
  // Exactly at the bound is served.
  const atBound: Record<string, number> = {};
  for (let i = 0; i < MAX_STATIC_FILES; i++) {
    atBound[`f${i}.js`] = 1;
    writeFileSync(path.join(dir, `f${i}.js`), 'x');
  }
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ sourceHash: 'x', script: 'f0.js', styles: [], files: atBound }),
  );
  expect(createStaticFolder({ dir }).problem).toBeNull();
  expect(createStaticFolder({ dir: path.join(dir, 'nothing') }).problem).toMatch(/not built: run npm run build:web/);
});

it('serves a new build on the next page load without a restart (npm run dev:web)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-static-reload-'));
  const write = (html: string) => {
    writeFileSync(path.join(dir, 'index.html'), html);
    const manifest = { sourceHash: html, script: 'x.js', styles: [], files: { 'index.html': html.length } };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  };
  write('<p>one</p>');
  const folder = createStaticFolder({ dir });
  const server = http.createServer((req, res) => {
    if (!folder.send(req, res, 'index.html')) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    expect(await (await fetch(url)).text()).toBe('<p>one</p>');
    write('<p>two!</p>');
    await expect.poll(async () => (await fetch(url)).text(), { timeout: 5000, interval: 300 }).toBe('<p>two!</p>');
  } finally {
    server.close();
  }
});

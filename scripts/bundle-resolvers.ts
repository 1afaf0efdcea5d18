// `npm run bundle:resolvers`: the deployable AppSync code, one ES module per resolver and pipeline function,
// plus manifest.json; fails naming any file that AppSync would reject.
import path from 'node:path';
import { bundleResolvers, MANIFEST, type Manifest } from './lib/bundle.ts';
import { runCli, table, type CliSpec } from './lib/cli.ts';
import { APPSYNC_CODE_LIMIT } from '../src/runtime/compile.ts';

const spec: CliSpec = {
  name: 'bundle:resolvers',
  summary: [
    'Bundles each resolver and pipeline function file in resolvers/ separately with esbuild (ESM, es2022,',
    '@aws-appsync/* external, not minified, no source map) into <out>/<path>.js, and writes <out>/manifest.json',
    '(type, field, UNIT/PIPELINE, data sources, function order, file, size). Fails with exit code 1, naming the',
    `file, when a bundle is over ${APPSYNC_CODE_LIMIT} characters, imports anything but @aws-appsync/*, or lacks`,
    'request/response. Needs no services.',
  ].join('\n'),
  options: [
    { name: 'out', type: 'string', value: '<dir>', description: 'output directory (default dist/appsync)' },
    { name: 'resolvers', type: 'string', value: '<dir>', description: 'resolver directory (default resolvers)' },
  ],
  env: [],
};

function rows(manifest: Manifest): string[][] {
  const row = (file: string, chars: number, binding: string) => [
    file,
    String(chars),
    `${Math.round((chars / APPSYNC_CODE_LIMIT) * 100)}%`,
    binding,
  ];
  return manifest.resolvers.flatMap((r) => {
    const binding = `${r.typeName}.${r.fieldName}`;
    if (r.kind === 'UNIT') return [row(r.file, r.chars, `${binding} UNIT ${r.dataSource ?? 'NONE'}`)];
    return [
      row(r.file, r.chars, `${binding} PIPELINE`),
      ...r.functions.map((f) => row(f.file, f.chars, `  ${f.order}. ${f.name} ${f.dataSource ?? 'NONE'}`)),
    ];
  });
}

await runCli(spec, async ({ values }) => {
  const outDir = (values.out as string | undefined) ?? path.join('dist', 'appsync');
  const resolversDir = (values.resolvers as string | undefined) ?? 'resolvers';
  const manifest = await bundleResolvers({ resolversDir, outDir });
  console.log(table(['FILE', 'CHARS', 'OF LIMIT', 'BINDING'], rows(manifest)));
  console.log(
    `\n${manifest.resolvers.length} resolvers bundled into ${outDir}; manifest: ${path.join(outDir, MANIFEST)}`,
  );
});

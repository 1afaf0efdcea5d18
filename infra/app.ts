// `npm run cdk:synth` (and the app `cdk deploy` runs): bundles the resolvers, builds both stacks and writes
// cdk.out. Offline: no AWS credentials, no network, no Docker (image assets are only hashed at synth).
import { App } from 'aws-cdk-lib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStacks } from './stacks.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
// The CDK CLI passes its output directory and context in the environment; run directly, we write cdk.out.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? path.join(root, 'cdk.out') });
const stacks = await buildStacks(app, { root, bundleDir: path.join(root, 'dist', 'appsync') });
const assembly = app.synth();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `Synthesised ${stacks.map((s) => s.stackName).join(', ')} into ${path.relative(process.cwd(), assembly.directory) || '.'} in ${seconds} s`,
);

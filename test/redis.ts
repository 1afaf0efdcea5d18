// Redis for tests: the machine's server (TEST_REDIS_URL, default 127.0.0.1:6379), or a private redis-server on a
// free port for tests that restart it. Without either, the tests that need it are skipped saying why; under
// CI=true a missing Redis fails the run instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../src/embedded/dynamodb-local.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const CI = process.env.CI === 'true' || process.env.CI === '1';

async function ping(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? null : 'PING was not answered with PONG';
  } catch (error) {
    return (error as Error).message;
  } finally {
    redis.disconnect();
  }
}

/** Null when Redis answers; else why the tests are skipped. Throws under CI=true. */
export async function redisSkipReason(url = TEST_REDIS_URL): Promise<string | null> {
  const problem = await ping(url);
  if (problem === null) return null;
  const { host, port } = new URL(url);
  const reason = `no Redis at ${host}:${port || 6379} (${problem}); start redis-server or set TEST_REDIS_URL`;
  if (CI) throw new Error(`CI=true: these tests need Redis: ${reason}`);
  return reason;
}

export function redisServerPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** Null when a private redis-server can be started; else why not. Throws under CI=true. */
export function privateRedisSkipReason(): string | null {
  if (redisServerPath()) return null;
  const reason = 'redis-server is not installed (apt-get install redis-server); .ci/run installs it';
  if (CI) throw new Error(`CI=true: these tests need ${reason}`);
  return reason;
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Starts (again) on the same port, keeping nothing from before (no persistence, like the machine's). */
  start(): Promise<void>;
  /** SIGKILL: a crash, not a shutdown. */
  kill(): Promise<void>;
}

export function privateRedis(port: number): PrivateRedis {
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    async start() {
      child = spawn(
        redisServerPath()!,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while ((await ping(url)) !== null) {
        if (Date.now() > deadline) throw new Error(`private redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const server = privateRedis(await freePort());
  await server.start();
  return server;
}

// Starts the systems under test as separate processes, pinned to one core when taskset exists (the harness
// takes the other), and stops them. Every start waits for a READY/ready line, bounded in time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** Which core the systems under test and the harness run on (recorded in the results). */
export const PINNING = hasTaskset
  ? { systemsUnderTest: 'cpu 1 (taskset -c 1)', harness: 'cpu 0 (taskset -c 0)' }
  : { systemsUnderTest: 'unpinned', harness: 'unpinned' };

export function pinHarness(): void {
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
}

export interface Started {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<Started> {
  const command = hasTaskset ? 'taskset' : process.execPath;
  const argv = hasTaskset ? ['-c', '1', process.execPath, ...args] : args;
  // Production mode for every server under test, as `npm start` runs the API (graphql-js skips its dev checks).
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const deadline = Date.now() + timeoutMs;
  let match: RegExpExecArray | null = null;
  while (!(match = ready.exec(out))) {
    if (child.exitCode !== null) throw new Error(`${name} exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: match[1]!,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
    },
  };
}

/**
 * How every system under test loads TypeScript: as `npm start` does (src/loader/register.mjs, esbuild without
 * tsx's keepNames), so the API and the reference servers it is compared with pay the same loader costs.
 */
export const SERVER_LOADER = ['--import', './src/loader/register.mjs'] as const;

/** The API exactly as `npm start` runs it, on the given services; `--expose-gc` for honest memory figures. */
export function startApi(env: Record<string, string>): Promise<Started> {
  return startProcess(
    'api',
    ['--expose-gc', ...SERVER_LOADER, 'src/start.ts'],
    { LOG_LEVEL: 'silent', ...env },
    /ready at (\S+)/,
  );
}

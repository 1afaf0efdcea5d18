// The API in a child process, started exactly as `npm start` starts it (node with src/loader/register.mjs), for
// tests that need several instances, a restart or a SIGKILL. The output kept for error messages is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const running = new Set<ChildProcess>();

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

/** Starts one instance with `env` over this process's environment; resolves at its "ready at" line. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', './src/loader/register.mjs', 'src/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + timeoutMs;
  let ready: RegExpExecArray | null;
  while (!(ready = /ready at (\S+)/.exec(out))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`instance did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: ready[1]!,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** SIGKILLs every instance still running (afterAll). */
export function killServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

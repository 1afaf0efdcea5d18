// Shared "run a reference server as a process" glue: `--port N`, a `READY <url>` line the harness waits for,
// and a clean exit on SIGTERM/SIGINT so the harness can stop it by pid.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** Listens on 127.0.0.1 (port 0: any free one) and resolves with the port. */
export async function listenOnLoopback(server: Server, port: number | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** `--port N` from argv; 0 (any free port) when absent. */
export function portArg(argv: readonly string[]): number {
  const i = argv.indexOf('--port');
  const value = i >= 0 ? Number(argv[i + 1]) : 0;
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error('--port must be an integer 0–65535');
  return value;
}

/** True when `moduleUrl` is the script node was started with (not an import). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** Starts a server from argv, announces it, and closes it on SIGTERM/SIGINT (forced exit after 5 s). */
export async function runAsProcess(
  start: (options: { port: number }) => Promise<{ url: string; close(): Promise<void> }>,
): Promise<void> {
  const server = await start({ port: portArg(process.argv.slice(2)) });
  process.stdout.write(`READY ${server.url}\n`);
  const stop = () => {
    setTimeout(() => process.exit(1), 5000).unref();
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

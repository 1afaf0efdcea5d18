// A pool of graphql-transport-ws subscriber sockets spread over worker_threads (thousands of sockets on 2 cores),
// used to time publish → deliver: `collect` returns each socket's hrtime receive stamp for one published message.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FromWorker, SubscriberWorkerData, ToWorker } from './subscriber-worker.ts';

export interface SubscriberPoolOptions {
  /** ws://127.0.0.1:<port>/graphql */
  url: string;
  count: number;
  /** Worker threads sharing the sockets; default 2. */
  workers?: number;
  /** Sent as the `connection_init` payload (e.g. `{ Authorization: token }`). */
  connectionParams: Record<string, unknown>;
  /** Sent as subscription id "1" once acked; null = connect and init only (idle-connection memory tests). */
  subscribe: { query: string; variables?: Record<string, unknown> } | null;
  /** Sockets in the middle of connecting at once, across all workers; default 100. */
  connectConcurrency?: number;
  /** Bound per socket on open → ack → subscribed; default 15 s. */
  connectTimeoutMs?: number;
  /** Bound on the whole pool becoming ready; default 60 s + 20 ms per socket. */
  readyTimeoutMs?: number;
  /** Resolve even if some sockets failed (`ready` < `count`); default false: reject, naming the first failures. */
  allowPartial?: boolean;
}

/** The stamps promise, plus `armed`: resolves once every worker is watching for the body (await it, then publish). */
export type Collection = Promise<bigint[]> & { armed: Promise<void> };

export interface SubscriberPool {
  /** Sockets acked (and, with `subscribe`, subscribed: the server answered a ping sent after the subscribe). */
  readonly ready: number;
  readonly failed: number;
  /** The first few connect failures, for messages. */
  readonly errors: readonly string[];
  /**
   * process.hrtime.bigint() receive stamps (taken in the worker on arrival; the same monotonic clock in every
   * thread) of the next frame on each socket whose raw text contains `matchBody`, at most one per socket. Resolves
   * once `expected` have arrived (possibly with a few more from the same batch); rejects after `timeoutMs` saying
   * how many arrived. Use a body unique to each publish: frames that arrive before arming are kept for 5 s and
   * matched when the matcher is armed, so a reused body could match an older frame.
   */
  collect(matchBody: string, expected: number, timeoutMs: number): Collection;
  /** Terminates every socket and worker. */
  close(): Promise<void>;
}

interface PendingCollection {
  stamps: bigint[];
  expected: number;
  armedAcks: number;
  resolveArmed: () => void;
  resolve: (stamps: bigint[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The worker is TypeScript. On Node 20, `execArgv: ['--import', 'tsx']` does not work: ESM loader hooks are not
 * applied to a worker's entry (nodejs/node#47747) and tsx only registers its ESM hooks on the main thread there
 * (ERR_UNKNOWN_FILE_EXTENSION ".ts"). tsx's CommonJS hook does work in workers, so the worker is a small
 * CommonJS script that registers it and then require()s the worker file (tsx compiles its ESM syntax on the way).
 * It also works when the main thread was not started with tsx (e.g. under vitest).
 */
const WORKER_BOOTSTRAP = ((): string => {
  const require = createRequire(import.meta.url);
  const tsxCjsApi = require.resolve('tsx/cjs/api');
  const workerFile = fileURLToPath(new URL('./subscriber-worker.ts', import.meta.url));
  return `require(${JSON.stringify(tsxCjsApi)}).register(); require(${JSON.stringify(workerFile)});`;
})();
const CLOSE_TIMEOUT_MS = 5000;

export async function createSubscriberPool(options: SubscriberPoolOptions): Promise<SubscriberPool> {
  const count = Math.max(0, Math.floor(options.count));
  const workerCount = Math.max(1, Math.min(options.workers ?? 2, count || 1));
  const concurrency = Math.max(1, Math.ceil((options.connectConcurrency ?? 100) / workerCount));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000 + 20 * count;

  const pending = new Map<number, PendingCollection>();
  let nextMatchId = 1;
  let closed = false;
  let ready = 0;
  let failed = 0;
  const errors: string[] = [];

  const failAll = (err: Error) => {
    for (const [matchId, c] of pending) {
      clearTimeout(c.timer);
      pending.delete(matchId);
      c.resolveArmed();
      c.reject(err);
    }
  };

  const workers: Worker[] = [];
  const readies: Promise<void>[] = [];
  const closes: Promise<void>[] = [];
  for (let w = 0; w < workerCount; w++) {
    const from = Math.floor((count * w) / workerCount);
    const to = Math.floor((count * (w + 1)) / workerCount);
    const workerData: SubscriberWorkerData = {
      url: options.url,
      from,
      to,
      connectionParams: options.connectionParams,
      subscribe: options.subscribe,
      connectConcurrency: concurrency,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    };
    // execArgv: [] so the parent's flags (e.g. `--import tsx`, useless in a Node 20 worker) are not inherited.
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, execArgv: [], workerData });
    workers.push(worker);
    let onReady!: () => void;
    let onClosed!: () => void;
    readies.push(new Promise<void>((resolve) => (onReady = resolve)));
    closes.push(new Promise<void>((resolve) => (onClosed = resolve)));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'hits') {
        const c = pending.get(message.matchId);
        if (!c) return; // arrived after the collection settled
        for (const stamp of message.timestamps) c.stamps.push(stamp);
        if (c.stamps.length >= c.expected) settle(message.matchId, null);
      } else if (message.type === 'armed') {
        const c = pending.get(message.matchId);
        if (c && ++c.armedAcks === workers.length) c.resolveArmed();
      } else if (message.type === 'ready') {
        ready += message.ready;
        failed += message.failed;
        errors.push(...message.errors);
        onReady();
      } else if (message.type === 'closed') onClosed();
    });
    worker.on('error', (err) => {
      const message = `subscriber worker ${w} crashed: ${err.message}`;
      errors.push(message);
      if (!closed) failAll(new Error(message));
      onReady();
    });
    worker.on('exit', () => {
      onReady();
      onClosed();
    });
  }

  const post = (message: ToWorker) => {
    for (const worker of workers) worker.postMessage(message);
  };

  /** Ends a collection: `null` resolves with the stamps so far, an Error rejects. */
  function settle(matchId: number, err: Error | null): void {
    const c = pending.get(matchId);
    if (!c) return;
    pending.delete(matchId);
    clearTimeout(c.timer);
    c.resolveArmed();
    if (!closed) post({ type: 'disarm', matchId });
    if (err) c.reject(err);
    else c.resolve(c.stamps);
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    failAll(new Error('subscriber pool closed'));
    post({ type: 'close' });
    // Sockets are terminated by each worker; don't wait forever for a worker that is stuck.
    await withTimeout(Promise.all(closes), CLOSE_TIMEOUT_MS).catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.terminate()));
  };

  try {
    await withTimeout(Promise.all(readies), readyTimeoutMs);
  } catch {
    await close();
    throw new Error(`subscriber pool: not ready after ${readyTimeoutMs} ms (${ready} ready, ${failed} failed)`);
  }
  if (ready < count && !options.allowPartial) {
    await close();
    throw new Error(
      `subscriber pool: only ${ready} of ${count} sockets ready (${failed} failed):\n  ${errors.join('\n  ')}`,
    );
  }

  const collect = (matchBody: string, expected: number, timeoutMs: number): Collection => {
    let resolveArmed!: () => void;
    const armed = new Promise<void>((resolve) => (resolveArmed = resolve));
    const promise = new Promise<bigint[]>((resolve, reject) => {
      if (closed) {
        resolveArmed();
        reject(new Error('subscriber pool closed'));
        return;
      }
      const matchId = nextMatchId++;
      const timer = setTimeout(() => {
        const got = pending.get(matchId)?.stamps.length ?? 0;
        settle(
          matchId,
          new Error(`collect(${JSON.stringify(matchBody)}): ${got} of ${expected} arrived within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      pending.set(matchId, { stamps: [], expected, armedAcks: 0, resolveArmed, resolve, reject, timer });
      if (expected <= 0) settle(matchId, null);
      else post({ type: 'arm', matchId, body: matchBody });
    });
    return Object.assign(promise, { armed });
  };

  return {
    get ready() {
      return ready;
    },
    get failed() {
      return failed;
    },
    errors,
    collect,
    close,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

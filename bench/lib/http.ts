// A keep-alive GraphQL client for the harness: every response is checked for validity (no errors, the expected
// shape) and a bad one fails the run, because a fast error is not a fast answer.
import http from 'node:http';
import type { Latencies } from './histogram.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export class InvalidResponse extends Error {}

export interface GraphQLCall {
  readonly url: string;
  readonly token?: string;
  readonly query: string;
  readonly variables?: () => Record<string, unknown>;
  /** Throws InvalidResponse (or returns false) when the data is not what the benchmark expects. */
  readonly check: (data: any) => boolean;
}

export function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function callGraphQL(call: GraphQLCall): Promise<any> {
  const body = JSON.stringify({ query: call.query, variables: call.variables?.() });
  const res = await postJson(call.url, body, call.token ? { authorization: `Bearer ${call.token}` } : {});
  const parsed = JSON.parse(res.text) as { data?: any; errors?: unknown[] };
  if (res.status !== 200 || parsed.errors?.length || !call.check(parsed.data)) {
    throw new InvalidResponse(
      `invalid response (${res.status}) for ${call.query.slice(0, 60)}…: ${res.text.slice(0, 300)}`,
    );
  }
  return parsed.data;
}

/** Closed loop, one request at a time: `count` timed requests after `warmup` untimed ones. */
export async function closedLoop(
  count: number,
  warmup: number,
  run: () => Promise<unknown>,
  latencies: Latencies,
): Promise<void> {
  for (let i = 0; i < warmup; i += 1) await run();
  for (let i = 0; i < count; i += 1) {
    const start = process.hrtime.bigint();
    await run();
    latencies.record(process.hrtime.bigint() - start);
  }
}

/**
 * Open loop at `rate` requests/s for `durationMs`: each request is timed from when it was due, not from when it
 * went out, so a stall counts against every request it delayed (no coordinated omission).
 */
export async function openLoop(
  rate: number,
  durationMs: number,
  run: () => Promise<unknown>,
  latencies: Latencies,
): Promise<void> {
  const interval = 1e9 / rate;
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const start = process.hrtime.bigint();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + BigInt(Math.round(i * interval));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const call = run().then(() => {
      latencies.record(process.hrtime.bigint() - due);
    });
    // Observed at once, so a failure mid-loop is not an unhandled rejection; Promise.all below still reports it.
    call.catch(() => undefined);
    pending.push(call);
  }
  await Promise.all(pending);
}

/** Requests/s with `connections` concurrent closed loops for `durationMs`. */
export async function throughput(
  connections: number,
  durationMs: number,
  run: () => Promise<unknown>,
): Promise<number> {
  const end = Date.now() + durationMs;
  let done = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        await run();
        done += 1;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

// `npm run soak [-- --minutes N]` (default 10): a mixed load against one API with production limits for N minutes:
// readers paging messages and inboxes, writers sending, subscribers connecting, receiving and leaving. Every
// 10 s it prints the API's RSS and heap (after a GC), then p50/p99 per operation and every error seen. Loopback
// only; every loop stops at the deadline. It starts its own DynamoDB Local, Postgres (or TEST_DATABASE_URL) and API.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { freePort } from '../src/embedded/dynamodb-local.ts';
import { createLatencies, type Latencies } from './lib/histogram.ts';
import { callGraphQL } from './lib/http.ts';
import { startApi } from './lib/processes.ts';
import { PRODUCTION_LIMITS, sendMessage, startServices, type BenchUser } from './lib/setup.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--minutes must be a number of minutes, at most 1440');
const durationMs = minutes * 60_000;

const ops = new Map<string, Latencies>();
const errors = new Map<string, number>();
async function timed(name: string, run: () => Promise<unknown>): Promise<void> {
  const start = process.hrtime.bigint();
  try {
    await run();
    let l = ops.get(name);
    if (!l) ops.set(name, (l = createLatencies()));
    l.record(process.hrtime.bigint() - start);
  } catch (error) {
    const key = `${name}: ${String((error as Error).message ?? error).slice(0, 120)}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const services = await startServices(`soak-${randomUUID().slice(0, 8)}`);
  const api = await startApi(services.apiEnv({ PORT: String(await freePort()), ...PRODUCTION_LIMITS }));
  const started = Date.now();
  const end = started + durationMs;
  const pairs: { a: BenchUser; b: BenchUser; group: string }[] = [];
  for (let i = 0; i < 10; i += 1) {
    const [a, b] = [await services.user('soak_a'), await services.user('soak_b')];
    const first = await sendMessage(api.url, a, { handle: b.handle, body: 'hello' });
    pairs.push({ a, b, group: first.messageGroupUuid });
  }
  const pick = () => pairs[Math.floor(Math.random() * pairs.length)]!;
  const reader = async () => {
    while (Date.now() < end) {
      const { a, group } = pick();
      await timed('messages', () =>
        callGraphQL({
          url: api.url,
          token: a.token,
          query: `query($g: ID!) { messages(messageGroupUuid: $g, limit: 20) { items { id body } nextToken } }`,
          variables: () => ({ g: group }),
          check: (d) => Array.isArray(d?.messages?.items),
        }),
      );
      await timed('messageGroups', () =>
        callGraphQL({
          url: api.url,
          token: a.token,
          query: `{ messageGroups(limit: 20) { items { id lastMessage otherUser { handle } } } }`,
          check: (d) => Array.isArray(d?.messageGroups?.items),
        }),
      );
      await sleep(50);
    }
  };
  const writer = async () => {
    for (let i = 0; Date.now() < end; i += 1) {
      const { a, b, group } = pick();
      await timed('createMessage', () =>
        sendMessage(api.url, i % 2 ? a : b, { messageGroupUuid: group, body: `soak ${i} `.padEnd(200, '.') }),
      );
      await sleep(100);
    }
  };
  let delivered = 0;
  const subscriber = async () => {
    while (Date.now() < end) {
      const { b, group } = pick();
      await timed('subscribe', async () => {
        const ws = new WebSocket(api.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no ack within 5 s')), 5_000);
          ws.on('error', reject);
          ws.on('open', () =>
            ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: b.token } })),
          );
          ws.on('message', (data) => {
            const m = JSON.parse(data.toString()) as { type: string };
            if (m.type === 'connection_ack') {
              clearTimeout(timer);
              ws.send(
                JSON.stringify({
                  id: '1',
                  type: 'subscribe',
                  payload: {
                    query: 'subscription($g: ID!) { onMessage(messageGroupUuid: $g) { id body } }',
                    variables: { g: group },
                  },
                }),
              );
              resolve();
            } else if (m.type === 'next') delivered += 1;
            else if (m.type === 'error') reject(new Error(`subscription error ${data.toString().slice(0, 100)}`));
          });
        });
        // Stays a while, receiving, then leaves (half politely, half by dropping the connection).
        setTimeout(() => (Math.random() < 0.5 ? ws.close() : ws.terminate()), 2_000 + Math.random() * 8_000);
      });
      await sleep(200);
    }
  };
  const report = async () => {
    while (Date.now() < end) {
      await sleep(Math.min(10_000, Math.max(0, end - Date.now())));
      const res = await fetch(api.url.replace(/\/graphql$/, '/health?memory'));
      const m = (await res.json()) as { rss: number; heapUsed: number; connections: number };
      const mb = (x: number) => (x / 2 ** 20).toFixed(1);
      console.log(
        `[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, sockets ${m.connections}, events delivered ${delivered}`,
      );
    }
  };
  await Promise.all([reader(), reader(), writer(), writer(), subscriber(), subscriber(), report()]);
  await sleep(11_000); // every subscriber has left
  console.log('\noperation        count      p50 ms    p99 ms');
  for (const [name, l] of ops) {
    const s = l.summary();
    console.log(
      `${name.padEnd(16)} ${String(s.count).padStart(6)} ${s.p50.toFixed(2).padStart(10)} ${s.p99.toFixed(2).padStart(9)}`,
    );
  }
  console.log(errors.size ? '\nerrors:' : '\nerrors: none');
  for (const [key, n] of errors) console.log(`  ${n} × ${key}`);
  await api.stop();
  await services.stop();
  process.exit(errors.size ? 1 : 0);
}

void main();

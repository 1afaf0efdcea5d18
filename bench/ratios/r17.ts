// R17: publish → deliver p99 with subscribers spread over four PUBSUB=redis instances ÷ the same subscribers on one
// instance in memory mode, in interleaved rounds of one run; then the same with the fast path off (every message
// waits for the lease holder's stream poll), reported beside it. Each message is written through a random redis
// instance. Needs Redis (REDIS_URL, default 127.0.0.1:6379); without one the row says so and is not met.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from '../../src/embedded/dynamodb-local.ts';
import { redisEventsKey } from '../../src/subscriptions/redis-events.ts';
import { createLatencies, type Summary } from '../lib/histogram.ts';
import { startApi, type Started } from '../lib/processes.ts';
import { ratioResult, type RatioResult } from '../lib/ratio.ts';
import { sendMessage, type BenchUser, type Services } from '../lib/setup.ts';
import { createSubscriberPool, type SubscriberPool } from '../lib/subscribers.ts';

export interface R17Context {
  readonly services: Services;
  /** The run's API in memory mode (the denominator's one instance). */
  readonly memoryApi: Started;
  readonly writer: BenchUser;
  readonly reader: BenchUser;
  readonly group: string;
  readonly quick: boolean;
  readonly progress: (text: string) => void;
}

const INSTANCES = 4;
const POLL_MS = 250;
const SUBSCRIPTION = {
  query: `subscription On($g: ID!) { onMessage(messageGroupUuid: $g) { id body createdAt sender { handle } } }`,
};

async function redisReachable(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    redis.disconnect();
  }
}

/** One published message's deliveries to every subscriber of `pools`, in ns from the write's start. */
async function deliver(pools: readonly SubscriberPool[], perPool: number, publish: (body: string) => Promise<void>) {
  const body = `r17-${randomUUID()}`;
  const collecting = pools.map((p) => p.collect(body, perPool, 15_000));
  await Promise.all(collecting.map((c) => c.armed));
  const start = process.hrtime.bigint();
  await publish(body);
  const stamps = (await Promise.all(collecting)).flat();
  return stamps.map((t) => t - start);
}

export async function r17(ctx: R17Context): Promise<RatioResult[]> {
  const P = ctx.quick ? { subscribers: 8, events: 4, rounds: 1 } : { subscribers: 400, events: 25, rounds: 4 };
  const perInstance = P.subscribers / INSTANCES;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const unreachable = await redisReachable(redisUrl);
  const title = `publish→deliver p99, ${P.subscribers} subscribers: 4 instances PUBSUB=redis ÷ 1 instance memory`;
  if (unreachable)
    return [
      ratioResult(
        'R17',
        title,
        [Infinity],
        { error: unreachable },
        {},
        '<= 1.5',
        null,
        `not run: no Redis at ${redisUrl}`,
      ),
    ];

  const memoryPool = await createSubscriberPool({
    url: ctx.memoryApi.url.replace(/^http/, 'ws'),
    count: P.subscribers,
    connectionParams: { Authorization: ctx.reader.token },
    subscribe: { ...SUBSCRIPTION, variables: { g: ctx.group } },
  });
  const results: RatioResult[] = [];
  try {
    for (const fastPath of [true, false]) {
      ctx.progress(`R17 ${fastPath ? 'fast path' : 'poll-bound'}: starting ${INSTANCES} PUBSUB=redis instances`);
      const instances = await Promise.all(
        Array.from({ length: INSTANCES }, async () =>
          startApi(
            ctx.services.apiEnv({
              PORT: String(await freePort()),
              PUBSUB: 'redis',
              REDIS_URL: redisUrl,
              REDIS_FAST_PATH: String(fastPath),
              STREAM_POLL_INTERVAL_MS: String(POLL_MS),
            }),
          ),
        ),
      );
      const pools: SubscriberPool[] = [];
      try {
        for (const instance of instances)
          pools.push(
            await createSubscriberPool({
              url: instance.url.replace(/^http/, 'ws'),
              count: perInstance,
              workers: 1,
              connectionParams: { Authorization: ctx.reader.token },
              subscribe: { ...SUBSCRIPTION, variables: { g: ctx.group } },
            }),
          );
        await new Promise((r) => setTimeout(r, 500)); // the lease is taken, subscriptions registered
        const ratios: number[] = [];
        const redisAll = createLatencies();
        const memoryAll = createLatencies();
        let last: { redis: Summary; memory: Summary } | undefined;
        for (let round = 0; round < P.rounds; round += 1) {
          ctx.progress(`R17 ${fastPath ? 'fast path' : 'poll-bound'}: round ${round + 1}/${P.rounds}`);
          const lr = createLatencies();
          const lm = createLatencies();
          for (let e = 0; e < P.events + 2; e += 1) {
            const through = instances[Math.floor(Math.random() * INSTANCES)]!;
            // Random spacing: messages land at random points of the lease holder's poll cycle.
            if (!fastPath) await new Promise((r) => setTimeout(r, Math.random() * POLL_MS));
            const viaRedis = await deliver(pools, perInstance, async (body) => {
              await sendMessage(through.url, ctx.writer, { messageGroupUuid: ctx.group, body });
            });
            const viaMemory = await deliver([memoryPool], P.subscribers, async (body) => {
              await sendMessage(ctx.memoryApi.url, ctx.writer, { messageGroupUuid: ctx.group, body });
            });
            if (e < 2) continue; // warm-up
            for (const d of viaRedis) {
              lr.record(d);
              redisAll.record(d);
            }
            for (const d of viaMemory) {
              lm.record(d);
              memoryAll.record(d);
            }
          }
          last = { redis: lr.summary(), memory: lm.summary() };
          ratios.push(last.redis.p99 / last.memory.p99);
        }
        const numerator = {
          what: `${INSTANCES} instances PUBSUB=redis${fastPath ? '' : ', REDIS_FAST_PATH=false'}, ${perInstance} subscribers each, writes through a random one`,
          ...redisAll.summary(),
        };
        const denominator = { what: `1 instance PUBSUB=memory, ${P.subscribers} subscribers`, ...memoryAll.summary() };
        results.push(
          fastPath
            ? ratioResult('R17', title, ratios, numerator, denominator, '<= 1.5')
            : ratioResult(
                'R17p',
                `R17 poll-bound (REDIS_FAST_PATH=false, poll ${POLL_MS} ms): p99 ÷ memory`,
                ratios,
                numerator,
                denominator,
                '>= 0',
                null,
                'reported, no target: every message waits for the stream poll',
              ),
        );
      } finally {
        await Promise.all(pools.map((p) => p.close()));
        await Promise.all(instances.map((i) => i.stop()));
      }
    }
  } finally {
    await memoryPool.close();
    const redis = new Redis(redisUrl);
    await redis.del(redisEventsKey(ctx.services.table)).finally(() => redis.disconnect());
  }
  return results;
}

// A token bucket per key (a user, an IP), bounded in keys: pure, with the clock injected, so HTTP and
// WebSocket can share it and tests can step time.

/** The server's two limiters' settings (config: RATE_LIMIT_*). */
export interface RateLimits {
  /** Queries and mutations per signed-in user. */
  readonly user: { readonly refillPerSecond: number; readonly capacity: number };
  /** Unauthenticated or failed-auth requests per source IP. */
  readonly ip: { readonly refillPerSecond: number; readonly capacity: number };
  /** Buckets kept per limiter. */
  readonly maxKeys: number;
  /** Proxies in front that append to X-Forwarded-For (an ALB is 1); 0: the peer address is the caller's. */
  readonly trustedProxyHops: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = Object.freeze({
  // A chat client sends a message or reads a page now and then; 20/s sustained with bursts of 50 is far more.
  user: Object.freeze({ refillPerSecond: 20, capacity: 50 }),
  // Only failures spend these: a client with a stale token retries a few times, a forged-token flood many.
  ip: Object.freeze({ refillPerSecond: 2, capacity: 20 }),
  // ~100 bytes a bucket: 10 MB at most per limiter.
  maxKeys: 100_000,
  trustedProxyHops: 0,
});

export interface RateLimiterOptions {
  /** Burst: tokens a bucket holds when full (a new key starts full). */
  readonly capacity: number;
  /** Sustained rate: tokens added per second, up to `capacity`. */
  readonly refillPerSecond: number;
  /** Buckets kept at most; past it the least recently used go first (full ones carry no information). */
  readonly maxKeys: number;
  /** Milliseconds; default Date.now. */
  readonly now?: () => number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from the key's bucket, or says how long until they are there. */
  take(key: string, cost?: number): RateDecision;
  /** As take, but takes nothing: lets a caller refuse cheaply before doing the work that decides the cost. */
  peek(key: string, cost?: number): RateDecision;
  /** Buckets currently kept. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const OK: RateDecision = Object.freeze({ ok: true });
/** Buckets looked at per eviction: a constant, so a full limiter costs the same per new key as an empty one. */
const EVICTION_SCAN = 8;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { capacity, refillPerSecond, maxKeys } = options;
  const now = options.now ?? Date.now;
  if (!(capacity > 0) || !(refillPerSecond > 0) || !(maxKeys >= 1))
    throw new Error('createRateLimiter: capacity, refillPerSecond and maxKeys must be positive');
  const perMs = refillPerSecond / 1000;
  // Map order is recency order: every touch re-inserts the key, so the first entries are the least recent.
  const buckets = new Map<string, Bucket>();

  const level = (bucket: Bucket, t: number) => Math.min(capacity, bucket.tokens + Math.max(0, t - bucket.at) * perMs);

  /**
   * Makes room for one more key. Looks at the few least recently used buckets (where full ones are, since
   * they have refilled longest) and drops the fullest: a full bucket is what a new key would get anyway.
   */
  function evict(t: number): void {
    let victim: string | undefined;
    let fullest = -1;
    let scanned = 0;
    for (const [key, bucket] of buckets) {
      const tokens = level(bucket, t);
      if (tokens > fullest) [victim, fullest] = [key, tokens];
      if (tokens >= capacity || ++scanned >= EVICTION_SCAN) break;
    }
    if (victim !== undefined) buckets.delete(victim);
  }

  function decide(key: string, requested: number, consume: boolean): RateDecision {
    // An operation dearer than the burst could never pass: it costs a full bucket instead.
    const cost = Math.min(Math.max(0, requested), capacity);
    const t = now();
    const bucket = buckets.get(key);
    const tokens = bucket ? level(bucket, t) : capacity;
    if (tokens < cost) return { ok: false, retryAfterMs: Math.ceil((cost - tokens) / perMs) };
    if (!consume) return OK;
    if (bucket) buckets.delete(key);
    else if (buckets.size >= maxKeys) evict(t);
    buckets.set(key, { tokens: tokens - cost, at: t });
    return OK;
  }

  return {
    take: (key, cost = 1) => decide(key, cost, true),
    peek: (key, cost = 1) => decide(key, cost, false),
    get size() {
      return buckets.size;
    },
  };
}

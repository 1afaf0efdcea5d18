// Readiness (`/health/ready`): is each dependency reachable and set up? Every check is bounded by a timeout and
// the report is cached briefly (one check in flight at a time), so the endpoint cannot be used to hammer the
// databases. Reasons are short and fixed: no hostnames, ports or driver messages reach the response.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import type { Logger } from '../plugins/errors.ts';

export type CheckResult = { readonly status: 'ok' } | { readonly status: 'down'; readonly reason: string };

export interface ReadinessReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** A check resolves to what it found (its reason is shown to callers); anything it throws is logged, not shown. */
export type Check = (signal: AbortSignal) => Promise<CheckResult>;

export interface ReadinessOptions {
  readonly checks: Readonly<Record<string, Check>>;
  /** Per check (default 1,000 ms): past it the dependency counts as down. */
  readonly timeoutMs?: number;
  /** How long one report answers every caller (default 1,000 ms). */
  readonly cacheMs?: number;
  readonly logger?: Logger;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

const ok: CheckResult = { status: 'ok' };
const down = (reason: string): CheckResult => ({ status: 'down', reason });

async function bounded(
  name: string,
  check: Check,
  timeoutMs: number,
  logger: Logger | undefined,
): Promise<CheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(down(`did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      check(controller.signal).catch((error: unknown) => {
        // The details stay in the server log; the response only says that it failed.
        logger?.warn(`[cruddur] readiness: ${name} check failed`, error instanceof Error ? error.message : error);
        return down('check failed unexpectedly');
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(options: ReadinessOptions): Readiness {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const cacheMs = options.cacheMs ?? 1_000;
  let cached: { report: Promise<ReadinessReport>; until: number } | undefined;

  const run = async (): Promise<ReadinessReport> => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((name) => bounded(name, options.checks[name]!, timeoutMs, options.logger)),
    );
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    return { status: results.every((r) => r.status === 'ok') ? 'ok' : 'unavailable', checks };
  };

  return {
    check() {
      const now = Date.now();
      if (cached && now < cached.until) return cached.report;
      // Cached from the start: concurrent callers share the check in flight; it stays until cacheMs after it ends.
      const entry = { report: run(), until: Number.POSITIVE_INFINITY };
      cached = entry;
      void entry.report.then(() => (entry.until = Date.now() + cacheMs));
      return entry.report;
    },
  };
}

const NETWORK = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|TimeoutError/;

function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  return `${e?.name ?? ''} ${e?.code ?? ''} ${e?.message ?? ''}`;
}

/** DynamoDB: the table answers DescribeTable and is ACTIVE. */
export function dynamoDbCheck(dynamodb: DynamoDBClient, tableName: string): Check {
  return async (signal) => {
    try {
      const res = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: signal });
      const status = res.Table?.TableStatus;
      return status === 'ACTIVE' || status === 'UPDATING' ? ok : down(`table is not active (${status ?? 'unknown'})`);
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return down('table is missing');
      if (NETWORK.test(describe(error)) || signal.aborted) return down('cannot be reached');
      throw error;
    }
  };
}

/** Postgres: a connection from the pool, and the users table exists. */
export function postgresCheck(pool: pg.Pool, timeoutMs = 1_000): Check {
  return async () => {
    try {
      // query_timeout frees the pool's client even when the server never answers (the race alone would not).
      const res = await pool.query<{ users: string | null }>({
        text: "SELECT to_regclass('users')::text AS users",
        query_timeout: timeoutMs,
      } as pg.QueryConfig);
      return res.rows[0]?.users ? ok : down('users table is missing');
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      // 3D000: the database does not exist; 57P0x: shutting down; 08xxx: connection exceptions; 28xxx: auth.
      if (code === '3D000' || code.startsWith('57P') || code.startsWith('08') || code.startsWith('28'))
        return down('cannot be reached');
      if (NETWORK.test(describe(error)) || /terminat|connect|timeout/i.test(describe(error)))
        return down('cannot be reached');
      throw error;
    }
  };
}

/** The HTTP answer for a report: 200 when every dependency is ok, else 503. */
export function readinessResponse(report: ReadinessReport): { status: number; body: ReadinessReport } {
  return { status: report.status === 'ok' ? 200 : 503, body: report };
}

/** What the router serves at /health/ready: DynamoDB (the table), Postgres, and any the pub/sub engine adds. */
export function createDependencyReadiness(options: {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly pool: pg.Pool;
  /** Checks of further dependencies by name (the Redis of PUBSUB=redis). */
  readonly extraChecks?: Readonly<Record<string, Check>>;
  readonly logger?: Logger;
}): () => Promise<{ status: number; body: ReadinessReport }> {
  const readiness = createReadiness({
    checks: {
      dynamodb: dynamoDbCheck(options.dynamodb, options.tableName),
      postgres: postgresCheck(options.pool),
      ...options.extraChecks,
    },
    logger: options.logger,
  });
  return async () => readinessResponse(await readiness.check());
}

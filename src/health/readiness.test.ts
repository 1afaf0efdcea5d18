// The readiness core with plain check functions: the timeout bound, the cache, one check in flight, and what a
// failing check may say.
import { describe, expect, it } from 'vitest';
import { createReadiness, readinessResponse, type Check, type CheckResult } from './readiness.ts';

/** A check that counts its calls. */
function counting(result: () => Promise<CheckResult>): Check & { calls: number } {
  const check = Object.assign(
    async () => {
      check.calls += 1;
      return result();
    },
    { calls: 0 },
  );
  return check;
}
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

describe('createReadiness', () => {
  it('is ok (200) only when every check is ok, and names the one that is down (503)', async () => {
    const up = counting(async () => ({ status: 'ok' }));
    const broken = counting(async () => ({ status: 'down', reason: 'table is missing' }));
    const report = await createReadiness({ checks: { a: up, b: broken } }).check();
    expect(report).toEqual({
      status: 'unavailable',
      checks: { a: { status: 'ok' }, b: { status: 'down', reason: 'table is missing' } },
    });
    expect(readinessResponse(report).status).toBe(503);
    const fine = await createReadiness({ checks: { a: up } }).check();
    expect(readinessResponse(fine)).toEqual({ status: 200, body: { status: 'ok', checks: { a: { status: 'ok' } } } });
  });

  it('bounds each check by the timeout: a check that never answers is down after timeoutMs, and aborted', async () => {
    let aborted = false;
    const hangs: Check = (signal) =>
      new Promise(() => signal.addEventListener('abort', () => (aborted = true), { once: true }));
    const started = Date.now();
    const report = await createReadiness({ checks: { slow: hangs }, timeoutMs: 200 }).check();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.checks.slow).toEqual({ status: 'down', reason: 'did not answer within 200 ms' });
    expect(aborted).toBe(true);
  });

  it('never shows what a check threw: a fixed reason, the details go to the log', async () => {
    const logged: unknown[] = [];
    const throws: Check = async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password authentication failed for user "admin"');
    };
    const report = await createReadiness({
      checks: { pg: throws },
      logger: { ...quiet, warn: (...args: unknown[]) => logged.push(...args) },
    }).check();
    expect(report.checks.pg).toEqual({ status: 'down', reason: 'check failed unexpectedly' });
    expect(JSON.stringify(report)).not.toMatch(/10\.0\.0\.7|5432|admin|ECONNREFUSED/);
    expect(logged.join(' ')).toMatch(/ECONNREFUSED/);
  });

  it('answers 1,000 concurrent callers with one check, and reuses the report until cacheMs after it ended', async () => {
    const check = counting(() => new Promise((r) => setTimeout(() => r({ status: 'ok' }), 50)));
    const readiness = createReadiness({ checks: { a: check }, cacheMs: 300 });
    const reports = await Promise.all(Array.from({ length: 1_000 }, () => readiness.check()));
    expect(new Set(reports).size).toBe(1);
    expect(check.calls).toBe(1);
    await readiness.check();
    expect(check.calls).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    await readiness.check();
    expect(check.calls).toBe(2);
  });
});

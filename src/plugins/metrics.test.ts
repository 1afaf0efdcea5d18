// The metrics' own bounds and mappings, fed by hand: operation-name labels are bounded, refusals counted once per
// request, session events and stream batches land in their series.
import { describe, expect, it } from 'vitest';
import { createTrace } from '../observability/trace.ts';
import { createMetrics } from './metrics.ts';

async function value(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  const { values } = await metric!.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

function request(metrics: ReturnType<typeof createMetrics>, operationName: string | null, errorTypes: string[] = []) {
  const trace = createTrace(true);
  trace.operationName = operationName;
  trace.operationType = 'query';
  trace.errorTypes.push(...errorTypes);
  metrics.feature.http!.afterResponse!(trace, 200, 1.5);
}

describe('createMetrics', () => {
  it('keeps at most maxOperationLabels operation names; the rest, and over-long ones, count as other', async () => {
    const metrics = createMetrics({ maxOperationLabels: 2, processMetrics: false });
    for (const name of ['A', 'B', 'C', 'D', 'A', 'x'.repeat(65)]) request(metrics, name);
    request(metrics, null);
    const count = (operation: string) =>
      value(metrics, 'cruddur_http_requests_total', { operation, type: 'query', status: '200' });
    expect(await count('A')).toBe(2);
    expect(await count('B')).toBe(1);
    expect(await count('C')).toBe(0);
    expect(await count('other')).toBe(3);
    expect(await count('anonymous')).toBe(1);
  });

  it('counts every errorType, and a request refused by several limits once', async () => {
    const metrics = createMetrics({ processMetrics: false });
    request(metrics, 'Q', ['LimitExceeded', 'LimitExceeded', 'ThrottlingException']);
    expect(await value(metrics, 'cruddur_errors_total', { error_type: 'LimitExceeded' })).toBe(2);
    expect(await value(metrics, 'cruddur_refused_total', { reason: 'limit', transport: 'http' })).toBe(1);
    expect(await value(metrics, 'cruddur_refused_total', { reason: 'rate', transport: 'http' })).toBe(0);
  });

  it('maps session events and stream batches to their series', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.sessionEvent({ kind: 'slow-consumer', connectionId: 'c', bufferedBytes: 1 });
    metrics.sessionEvent({ kind: 'connection-refused', connectionId: 'c', reason: 'too-many-connections' });
    const trace = createTrace(false);
    trace.errorTypes.push('ThrottlingException');
    metrics.sessionEvent({ kind: 'subscribe', connectionId: 'c', trace, outcome: 'failed', ms: 1 });
    metrics.streamBatch({ shardId: 's', records: 3, lagMs: 1500, failures: 3 });
    metrics.attach({ connections: () => 4, subscriptions: () => 9, deliveries: () => 12 });
    expect(await value(metrics, 'cruddur_slow_consumers_closed_total')).toBe(1);
    expect(await value(metrics, 'cruddur_refused_total', { reason: 'connections', transport: 'ws' })).toBe(1);
    expect(await value(metrics, 'cruddur_refused_total', { reason: 'rate', transport: 'ws' })).toBe(1);
    expect(await value(metrics, 'cruddur_subscribes_total', { outcome: 'failed' })).toBe(1);
    expect(await value(metrics, 'cruddur_stream_records_total')).toBe(3);
    expect(await value(metrics, 'cruddur_stream_failures_total')).toBe(3);
    const text = (await metrics.render()).body;
    expect(text).toContain('cruddur_stream_lag_seconds_sum 1.5');
    expect(text).toContain('cruddur_ws_connections 4');
    expect(text).toContain('cruddur_subscriptions_active 9');
    expect(text).toContain('cruddur_subscription_deliveries_total 12');
  });
});

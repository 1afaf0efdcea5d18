// Prometheus metrics (prom-client) as a server feature: HTTP requests and latency per operation, errors by
// errorType, data-source call latency by operation, refusals by limits and rates, and, read only when scraped,
// open sockets, active subscriptions, deliveries and slow consumers closed; stream batches in dynamodb-stream mode.
// Cores never import this: they report through callbacks (trace.onCall, SessionEvent, StreamBatch).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestTrace } from '../observability/trace.ts';
import { ErrorType } from '../runtime/errors.ts';
import type { LiveEvent } from '../subscriptions/live.ts';
import type { StreamBatch } from '../subscriptions/stream-poller.ts';
import type { ServerFeature } from './feature.ts';

/** Distinct operation names kept as label values; the rest count as `other` (clients choose names freely). */
export const DEFAULT_MAX_OPERATION_LABELS = 100;
const MAX_OPERATION_NAME = 64;

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What a refusal errorType says was refused; other errorTypes are no refusal. */
function refusal(errorType: string): 'rate' | 'limit' | 'size' | null {
  if (errorType === ErrorType.ThrottlingException) return 'rate';
  if (errorType === ErrorType.LimitExceeded) return 'limit';
  if (errorType === ErrorType.PayloadTooLarge) return 'size';
  return null;
}

/** Read when scraped, so the hot paths pay nothing for these. */
export interface MetricSources {
  readonly connections: () => number;
  readonly subscriptions: () => number;
  readonly deliveries: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** The HTTP request feature (counts, latency, errors, refusals). */
  readonly feature: ServerFeature;
  /** trace.onCall: one data-source call. */
  observeCall(name: string, ms: number): void;
  /** The subscription core's events and the WebSocket endpoint's refusals. */
  sessionEvent(event: LiveEvent): void;
  streamBatch(batch: StreamBatch): void;
  /** Binds the gauges read at scrape time (once the server has its sockets and registry). */
  attach(sources: MetricSources): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  readonly maxOperationLabels?: number;
  /** Node's process metrics (CPU, memory, event-loop lag, GC); default true. */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const maxOperations = options.maxOperationLabels ?? DEFAULT_MAX_OPERATION_LABELS;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  let sources: MetricSources | null = null;
  const registers = [registry];

  const requests = new Counter({
    name: 'cruddur_http_requests_total',
    help: 'GraphQL HTTP requests by operation name, operation type and status',
    labelNames: ['operation', 'type', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'cruddur_http_request_duration_seconds',
    help: 'GraphQL HTTP request latency (arrival to response end) by operation name',
    labelNames: ['operation'],
    buckets: SECONDS,
    registers,
  });
  const errors = new Counter({
    name: 'cruddur_errors_total',
    help: 'Errors in responses by errorType and transport',
    labelNames: ['error_type', 'transport'],
    registers,
  });
  const calls = new Histogram({
    name: 'cruddur_datasource_call_duration_seconds',
    help: 'Data-source call latency as a resolver waits for it, by operation (ddb.Query, pg.select, …)',
    labelNames: ['operation'],
    buckets: SECONDS,
    registers,
  });
  const refused = new Counter({
    name: 'cruddur_refused_total',
    help: 'Requests and subscribes refused by a limit or a rate (reason: rate, limit, size, connections)',
    labelNames: ['reason', 'transport'],
    registers,
  });
  const subscribes = new Counter({
    name: 'cruddur_subscribes_total',
    help: 'WebSocket subscribe operations by outcome (started, failed, cancelled)',
    labelNames: ['outcome'],
    registers,
  });
  const slowConsumers = new Counter({
    name: 'cruddur_slow_consumers_closed_total',
    help: 'WebSocket connections closed because their unsent buffer passed WS_MAX_BUFFERED_BYTES',
    registers,
  });
  new Gauge({
    name: 'cruddur_ws_connections',
    help: 'Open WebSocket connections',
    registers,
    collect() {
      if (sources) this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'cruddur_subscriptions_active',
    help: 'Active subscriptions in this instance',
    registers,
    collect() {
      if (sources) this.set(sources.subscriptions());
    },
  });
  new Counter({
    name: 'cruddur_subscription_deliveries_total',
    help: 'Events handed to subscribers (one per event per matching subscriber)',
    registers,
    collect() {
      if (!sources) return;
      this.reset();
      this.inc(sources.deliveries());
    },
  });
  const streamLag = new Histogram({
    name: 'cruddur_stream_lag_seconds',
    help: 'PUBSUB=dynamodb-stream: age of each batch newest record when read (IteratorAge; 1 s resolution)',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  });
  const streamRecords = new Counter({
    name: 'cruddur_stream_records_total',
    help: 'PUBSUB=dynamodb-stream: stream records read',
    registers,
  });
  const streamFailures = new Counter({
    name: 'cruddur_stream_failures_total',
    help: 'PUBSUB=dynamodb-stream: records whose batch failed to process (retried)',
    registers,
  });

  const operations = new Set<string>();
  function operationLabel(name: string | null): string {
    if (!name) return 'anonymous';
    if (operations.has(name)) return name;
    if (name.length > MAX_OPERATION_NAME || operations.size >= maxOperations) return 'other';
    operations.add(name);
    return name;
  }

  function countErrors(trace: RequestTrace, transport: 'http' | 'ws'): void {
    let refusedBy: string | null = null;
    for (const errorType of trace.errorTypes) {
      errors.inc({ error_type: errorType, transport });
      refusedBy ??= refusal(errorType);
    }
    // One refusal per request, however many of its errors say so.
    if (refusedBy) refused.inc({ reason: refusedBy, transport });
  }

  return {
    registry,
    feature: {
      http: {
        afterResponse(trace, status, totalMs) {
          const operation = operationLabel(trace.operationName);
          requests.inc({ operation, type: trace.operationType ?? 'none', status: String(status) });
          duration.observe({ operation }, totalMs / 1000);
          countErrors(trace, 'http');
        },
      },
    },
    observeCall(name, ms) {
      calls.observe({ operation: name }, ms / 1000);
    },
    sessionEvent(event) {
      switch (event.kind) {
        case 'subscribe':
          subscribes.inc({ outcome: event.outcome });
          countErrors(event.trace, 'ws');
          return;
        case 'connection-refused':
        case 'upgrade-refused':
          refused.inc({ reason: 'connections', transport: 'ws' });
          return;
        case 'slow-consumer':
          slowConsumers.inc();
          return;
        default: {
          const unreachable: never = event;
          return unreachable;
        }
      }
    },
    streamBatch(batch) {
      streamLag.observe(batch.lagMs / 1000);
      streamRecords.inc(batch.records);
      if (batch.failures) streamFailures.inc(batch.failures);
    },
    attach(bound) {
      sources = bound;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

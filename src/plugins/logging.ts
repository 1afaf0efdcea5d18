// Structured log lines (JSON through pino, see src/observability/logger.ts): one per HTTP GraphQL request and one
// per WebSocket subscribe, each with its id (as in x-request-id and error extensions), operation, outcome,
// errorTypes, total milliseconds and the same phases Server-Timing shows, so a slow request explains itself; and
// one per stream batch in dynamodb-stream mode (records, lag, failures), as the stream Lambda's logs had.
import type { Logger } from '../observability/logger.ts';
import { timingsForLog } from '../observability/trace.ts';
import type { LiveEvent } from '../subscriptions/live.ts';
import type { StreamBatch } from '../subscriptions/stream-poller.ts';
import type { ServerFeature } from './feature.ts';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function requestLogFeature(logger: Logger): ServerFeature {
  return {
    http: {
      afterResponse(trace, status, totalMs) {
        logger.info('request', {
          reqId: trace.id,
          transport: 'http',
          operation: trace.operationName,
          operationType: trace.operationType,
          status,
          errorTypes: trace.errorTypes,
          ms: round(totalMs),
          ...timingsForLog(trace),
        });
      },
    },
  };
}

export function sessionEventLogger(logger: Logger): (event: LiveEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'subscribe':
        return logger.info('subscribe', {
          reqId: event.trace.id,
          connId: event.connectionId,
          transport: 'ws',
          operation: event.trace.operationName,
          outcome: event.outcome,
          errorTypes: event.trace.errorTypes,
          ms: round(event.ms),
          ...timingsForLog(event.trace),
        });
      case 'connection-refused':
        return logger.info('connection refused', { connId: event.connectionId, reason: event.reason });
      case 'slow-consumer':
        return; // the core warns with the connection's id itself (with or without this logger)
      case 'upgrade-refused':
        return; // a flood of these is what the bound is for: one line each would let it flood the log too
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  };
}

export function streamBatchLogger(logger: Logger): (batch: StreamBatch) => void {
  return (batch) =>
    (batch.failures ? logger.warn : logger.info).call(logger, 'stream batch', {
      shard: batch.shardId,
      records: batch.records,
      lagMs: batch.lagMs,
      failures: batch.failures,
    });
}

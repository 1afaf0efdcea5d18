// One request's (or one WebSocket operation's) id and timings: named phases and data-source calls, measured with
// performance.now() only when some feature reads them (Server-Timing, the request log line, metrics).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Data-source calls kept one by one per request; later ones are summed per name (a request may make 50). */
export const MAX_CALL_ENTRIES = 20;
/** errorTypes remembered per request (a response may carry hundreds of errors). */
export const MAX_ERROR_TYPES = 16;

export interface TimingEntry {
  /** A phase (`auth`, `parse`, `validate`, `exec`, `ser`) or a data-source call by operation (`ddb.Query`, `pg.select`). */
  readonly name: string;
  /** Milliseconds. */
  dur: number;
  /** For a data-source call: the field (and pipeline function) that made it. */
  readonly desc?: string;
  /** Calls summed into this entry once past MAX_CALL_ENTRIES. */
  count?: number;
}

export interface RequestTrace {
  /** Correlates the response header, the log line and error extensions. */
  readonly id: string;
  /** False: nothing is measured (every recording function returns at once). */
  readonly timed: boolean;
  /** performance.now() when the request arrived (0 when not timed). */
  readonly start: number;
  readonly phases: TimingEntry[];
  readonly calls: TimingEntry[];
  operationName: string | null;
  operationType: string | null;
  /** errorTypes of the errors the response carries, in order, at most MAX_ERROR_TYPES. */
  readonly errorTypes: string[];
  /** Sees every data-source call, bound or not (metrics observe latency by operation here). */
  readonly onCall: ((name: string, ms: number) => void) | undefined;
}

export function createTrace(
  timed: boolean,
  onCall?: (name: string, ms: number) => void,
  id: string = randomUUID(),
): RequestTrace {
  return {
    id,
    timed,
    start: timed ? performance.now() : 0,
    phases: [],
    calls: [],
    operationName: null,
    operationType: null,
    errorTypes: [],
    onCall,
  };
}

export const now = (): number => performance.now();

/** Records phase `name` as lasting from `since` (a now() reading) until now. */
export function phase(trace: RequestTrace, name: string, since: number): void {
  if (!trace.timed) return;
  trace.phases.push({ name, dur: performance.now() - since });
}

/** Records one data-source call that started at `since`. */
export function call(trace: RequestTrace, name: string, desc: string, since: number): void {
  if (!trace.timed) return;
  const dur = performance.now() - since;
  trace.onCall?.(name, dur);
  const { calls } = trace;
  if (calls.length < MAX_CALL_ENTRIES) {
    calls.push({ name, dur, desc });
    return;
  }
  // Past the bound, one summed entry per operation name (a handful of names): header and log line stay small.
  const summed = calls.find((e, i) => i >= MAX_CALL_ENTRIES && e.name === name);
  if (summed) {
    summed.dur += dur;
    summed.count = (summed.count ?? 1) + 1;
  } else calls.push({ name, dur, count: 1 });
}

export function noteErrorType(trace: RequestTrace, errorType: unknown): void {
  if (typeof errorType === 'string' && trace.errorTypes.length < MAX_ERROR_TYPES) trace.errorTypes.push(errorType);
}

/** Milliseconds since the request arrived. */
export function elapsed(trace: RequestTrace): number {
  return trace.timed ? performance.now() - trace.start : 0;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** A Server-Timing metric name must be an HTTP token; ours are fixed words and `ddb.Query`-like. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function metric(name: string, ms: number, desc: string | undefined): string {
  const token = TOKEN.test(name) ? name : 'other';
  // desc is a quoted-string; ours are field names, but nothing that could end the string gets through.
  return desc === undefined
    ? `${token};dur=${round(ms)}`
    : `${token};dur=${round(ms)};desc="${desc.replace(/[^\x20-\x7e]|["\\]/g, '')}"`;
}

/** `Server-Timing` (W3C Server Timing): phases, then data-source calls, then `total`. */
export function serverTimingHeader(trace: RequestTrace, totalMs: number): string {
  const parts = trace.phases.map((e) => metric(e.name, e.dur, undefined));
  for (const e of trace.calls) parts.push(metric(e.name, e.dur, e.count ? `${e.count} more calls` : e.desc));
  parts.push(metric('total', totalMs, undefined));
  return parts.join(', ');
}

export interface LogTimings {
  /** `{auth: 0.41, exec: 3.2, …}` in ms (a repeated phase is summed). */
  readonly phases: Record<string, number>;
  readonly calls: { readonly name: string; readonly ms: number; readonly desc?: string; readonly count?: number }[];
}

/** The same timings for the request's log line. */
export function timingsForLog(trace: RequestTrace): LogTimings {
  const phases: Record<string, number> = {};
  for (const e of trace.phases) phases[e.name] = round((phases[e.name] ?? 0) + e.dur);
  const calls = trace.calls.map((e) =>
    e.count ? { name: e.name, ms: round(e.dur), count: e.count } : { name: e.name, ms: round(e.dur), desc: e.desc },
  );
  return { phases, calls };
}

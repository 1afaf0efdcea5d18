// Latency histograms in nanoseconds (perf_hooks.createHistogram), summarised in milliseconds.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface Latencies {
  record(ns: bigint | number): void;
  summary(): Summary;
}

const ms = (ns: number) => Math.round((ns / 1e6) * 1000) / 1000;

export function createLatencies(): Latencies {
  const histogram: RecordableHistogram = createHistogram({ lowest: 1, highest: 120e9, figures: 3 });
  return {
    record(ns) {
      histogram.record(Math.max(1, Math.round(Number(ns))));
    },
    summary() {
      return {
        count: histogram.count,
        p50: ms(histogram.percentile(50)),
        p90: ms(histogram.percentile(90)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      };
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope of y over x (ms per unit of x). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i += 1) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

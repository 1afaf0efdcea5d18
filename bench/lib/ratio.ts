// A ratio's result as the JSON records it: median of per-round ratios, min, max, target and whether it is met.
import { median } from './histogram.ts';

export interface RatioResult {
  readonly id: string;
  readonly title: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number[];
  readonly numerator: Record<string, unknown>;
  readonly denominator: Record<string, unknown>;
  readonly target: string;
  readonly met: boolean;
  readonly note?: string;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** `target` like "<= 1.3" or ">= 0.5"; `extra` is a further condition that must also hold (e.g. Δp50 ≤ 1 ms). */
export function ratioResult(
  id: string,
  title: string,
  rounds: number[],
  numerator: Record<string, unknown>,
  denominator: Record<string, unknown>,
  target: string,
  extra: { holds: boolean; text: string } | null = null,
  note?: string,
): RatioResult {
  const m = median(rounds);
  const [op, bound] = target.split(' ') as ['<=' | '>=' | '==', string];
  const limit = Number(bound);
  const within = op === '<=' ? m <= limit : op === '>=' ? m >= limit : Math.abs(m - limit) < 1e-9;
  return {
    id,
    title,
    median: round3(m),
    min: round3(Math.min(...rounds)),
    max: round3(Math.max(...rounds)),
    rounds: rounds.map(round3),
    numerator,
    denominator,
    target: extra ? `${target} and ${extra.text}` : target,
    met: within && (extra?.holds ?? true),
    ...(note ? { note } : {}),
  };
}

export function table(results: readonly RatioResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.title,
    String(r.median),
    `${r.min}–${r.max}`,
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const head = ['id', 'ratio', 'median', 'min–max', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

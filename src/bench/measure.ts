// Measurement helpers for `npm run bench`: wall time, RSS samples and event-loop delay.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function rssMB(): number {
  return process.memoryUsage().rss / 1e6;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMB(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}

export class LoopDelay {
  private h: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  start(): void {
    this.h.reset();
    this.h.enable();
  }
  stop(): { p50: number; p99: number; max: number } {
    this.h.disable();
    return { p50: this.h.percentile(50) / 1e6, p99: this.h.percentile(99) / 1e6, max: this.h.max / 1e6 };
  }
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ') + ' |';
  return [line(rows[0]), '| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |', ...rows.slice(1).map(line)].join('\n');
}

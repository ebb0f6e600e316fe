// Progress arithmetic for the progress notification and status bar. Pure: unit tested.

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Estimates time left from the rate since the first image finished (model warm-up excluded). */
export class EtaEstimator {
  private t0: number | null = null;
  private d0 = 0;
  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds left, or null when there is not enough to go on yet. */
  update(done: number, total: number): number | null {
    const t = this.now();
    if (this.t0 === null) {
      if (done > 0) {
        this.t0 = t;
        this.d0 = done;
      }
      return null;
    }
    const n = done - this.d0;
    const dt = (t - this.t0) / 1000;
    if (n <= 0 || dt <= 0) return null;
    return ((total - done) * dt) / n;
  }
}

export function progressMessage(done: number, total: number, etaSeconds: number | null): string {
  const eta = etaSeconds === null ? '' : ` · about ${formatDuration(etaSeconds)} left`;
  return `${done} / ${total} images${eta}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

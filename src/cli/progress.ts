// Run progress for the terminal: a redrawn bar on a TTY, plain lines otherwise (logs, CI).
export interface ProgressReporter {
  update(done: number, total: number): void;
  finish(): void;
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(write: (s: string) => void, isTTY: boolean, label = 'classifying'): ProgressReporter {
  const start = Date.now();
  let lastPrint = 0;
  let lastDone = -1;
  return {
    update(done, total) {
      const now = Date.now();
      const elapsed = (now - start) / 1000;
      const rate = done / Math.max(elapsed, 1e-3);
      const remaining = rate > 0 ? (total - done) / rate : Infinity;
      if (isTTY) {
        if (now - lastPrint < 100 && done !== total) return;
        const width = 28;
        const filled = total ? Math.round((done / total) * width) : width;
        write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${rate.toFixed(1)} img/s ETA ${eta(remaining)}  `);
      } else {
        if (done === lastDone || (now - lastPrint < 2000 && done !== total)) return;
        write(`${label}: ${done}/${total} (${rate.toFixed(1)} img/s, ETA ${eta(remaining)})\n`);
      }
      lastPrint = now;
      lastDone = done;
    },
    finish() {
      if (isTTY) write('\n');
    },
  };
}

// A cross-process lock file (O_EXCL create), for the short critical sections where two processes
// (the CLI and VS Code) append to the same file. A lock older than `staleMs` is taken over: its
// holder crashed.
import { promises as fs } from 'node:fs';

export interface FileLockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** A lock file not touched for this long is stale (default 20 s). */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 30_000;
  const stale = opts.staleMs ?? 20_000;
  const start = Date.now();
  let wait = 5;
  for (;;) {
    try {
      const h = await fs.open(lockPath, 'wx');
      await h.writeFile(`${process.pid}\n`);
      await h.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await fs.stat(lockPath).catch(() => null);
      if (st && Date.now() - st.mtimeMs > stale) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() - start > timeout) throw new Error(`${lockPath} is held by another process for over ${Math.round(timeout / 1000)} s; if none is running, delete the file.`);
      await sleep(wait);
      wait = Math.min(wait * 2, 200);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

// Atomic file replacement: write a temp file in the same directory, fsync it, rename it over the
// target, then fsync the directory (Linux, macOS) so the rename itself survives a power cut. A crash
// leaves the old file or the new one, never half of one, plus at most a temp file that the next run
// sweeps (sweepLeftovers). Windows has no directory fsync: there the rename is durable once the OS
// flushes its metadata (NTFS journals it), which a power cut within seconds can still lose.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';

/**
 * Temp names: `.<target name>.<pid>@<host>.<hex>.tmp` (exports: `.<name>.export-<pid>@<host>-<hex>.tmp`;
 * `.broken`: broken locks). The host tag says whose pid it is: on shared storage (`--shard` over
 * several machines) another host's pid says nothing here. Names written before the tag
 * (`.<name>.<pid>.<hex>.tmp`) still match, with no host (group 2 undefined).
 */
export const LEFTOVER_RE = /^\..+[.-](\d+)(?:@([A-Za-z0-9_-]{1,40}))?[.-][0-9a-f]{8,16}\.(?:tmp|broken)$/;

/** This machine's host name as it appears in temp names: [A-Za-z0-9_-] only, at most 40 characters. */
export function hostTag(hostname = os.hostname()): string {
  return hostname.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'host';
}

/** `<pid>@<host>`: who made a temp file. */
export function ownerTag(): string {
  return `${process.pid}@${hostTag()}`;
}

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${ownerTag()}.${randomBytes(4).toString('hex')}.tmp`);
}

/** fsync a directory so a rename or create inside it is on disk. No-op where unsupported (Windows). */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(dir, 'r');
    await h.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Some file systems (certain FUSE and network mounts) refuse fsync on a directory.
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw e;
  } finally {
    await h?.close().catch(() => undefined);
  }
}

export interface AtomicWriteOptions {
  /** Runs after the temp file is on disk and before the rename; throwing aborts the write. */
  beforeRename?: () => Promise<void>;
}

/** Creates `tmp` (it must not exist), writes `data` and fsyncs it; the handle is always closed. */
async function writeSynced(tmp: string, data: string | Buffer): Promise<void> {
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(target: string, data: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await writeSynced(tmp, data);
    await opts.beforeRename?.();
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(path.dirname(target));
}

/**
 * Writes `target` only if no file of that name exists: a temp file, fsynced, then link(2), which
 * fails when the name is taken (a file, a link, anything), so nothing is ever replaced. False when it
 * exists. `syncDirectory: false` leaves the directory's fsync to the caller (once for many files).
 */
export async function writeFileExclusive(target: string, data: string | Buffer, opts: { syncDirectory?: boolean; beforeLink?: () => Promise<void> } = {}): Promise<boolean> {
  const tmp = tempPathFor(target);
  let made = false;
  try {
    await writeSynced(tmp, data);
    await opts.beforeLink?.();
    await fs.link(tmp, target);
    made = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  if (made && opts.syncDirectory !== false) await syncDir(path.dirname(target));
  return made;
}

/** Serialises async work per key (e.g. per sidecar path) within this process. */
export class KeyedMutex {
  private tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

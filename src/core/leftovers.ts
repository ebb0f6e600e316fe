// Sweeps what interrupted writes leave behind: temp files of atomic writes (sidecars, reports,
// exports, caches), locks whose owner died, and locks set aside while being broken. A leftover is
// removed only when the process that made it is gone (or it is an hour old), so a write in progress
// in another process is never pulled from under it. A temp name carries its maker's host
// (`<pid>@<host>`): a pid is only checked on its own host; another host's leftover (shared storage,
// `--shard` over machines) is removed by age alone, after a day. Leftovers are hidden names: discovery never
// mistakes them for images or sidecars.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hostTag, LEFTOVER_RE } from './atomicWrite';
import { isStaleLock, pidAlive, readLockOwner } from './fileLock';

/** Only our own locks: `.<image>.labels.json.lock` (or another target's) holding an owner record. */
const LOCK_RE = /^\..+\.lock$/;
const ABANDONED_MS = 60 * 60 * 1000;
/** Another host's temp file: its pid cannot be checked from here, so only this old is it abandoned. */
const OTHER_HOST_ABANDONED_MS = 24 * 60 * 60 * 1000;

/**
 * Is a leftover made by `pid` (on `host`, when its name says; old names carry none and are taken as
 * this host's) with modification time `mtimeMs` abandoned?
 */
export function leftoverAbandoned(pid: number, host: string | undefined, mtimeMs: number, now = Date.now()): boolean {
  if (host !== undefined && host !== hostTag()) return now - mtimeMs > OTHER_HOST_ABANDONED_MS;
  return !pidAlive(pid) || now - mtimeMs > ABANDONED_MS;
}

export function isLeftoverName(name: string): boolean {
  return LEFTOVER_RE.test(name) || LOCK_RE.test(name);
}

/** Removes the given leftover files that are abandoned. Returns the paths removed. */
export async function sweepLeftovers(files: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const f of files) {
    const name = path.basename(f);
    let abandoned = false;
    const m = LEFTOVER_RE.exec(name);
    if (m) {
      const st = await fs.lstat(f).catch(() => null);
      if (!st?.isFile()) continue;
      abandoned = leftoverAbandoned(Number(m[1]), m[2], st.mtimeMs);
    } else if (LOCK_RE.test(name)) {
      abandoned = (await readLockOwner(f)) !== null && (await isStaleLock(f));
    }
    if (abandoned && (await fs.unlink(f).then(() => true, () => false))) removed.push(f);
  }
  return removed;
}

/** Sweeps leftovers in `dir` and its subfolders down to `depth` levels (caches, report folders). */
export async function sweepDir(dir: string, depth = 0): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  const removed: string[] = [];
  for (const e of entries) {
    if (e.isFile() && isLeftoverName(e.name)) found.push(path.join(dir, e.name));
    else if (e.isDirectory() && depth > 0 && !e.isSymbolicLink()) removed.push(...(await sweepDir(path.join(dir, e.name), depth - 1)));
  }
  removed.push(...(await sweepLeftovers(found)));
  return removed;
}

const EXPORT_TMP_RE = /^\.(.+)\.export-(\d+)(?:@([A-Za-z0-9_-]{1,40}))?-[0-9a-f]{8}\.tmp(\.old)?$/;

/**
 * Export folders a killed export left in `dir` (where exports are written): its unfinished
 * `.<out>.export-<pid>@<host>-<hex>.tmp` folder is removed (another host's only once a day old); a previous export set aside as `….tmp.old` is put
 * back when the kill came before the new one took its place, else removed.
 */
export async function sweepExportLeftovers(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const m = EXPORT_TMP_RE.exec(e.name);
    if (!m || !e.isDirectory()) continue;
    const p = path.join(dir, e.name);
    if (m[3] !== undefined && m[3] !== hostTag()) {
      // Another host's export: its pid says nothing here; only a day-old one is abandoned.
      const st = await fs.lstat(p).catch(() => null);
      if (!st || Date.now() - st.mtimeMs <= OTHER_HOST_ABANDONED_MS) continue;
    } else if (pidAlive(Number(m[2]))) continue;
    const out = path.join(dir, m[1]);
    if (m[4] && !(await fs.stat(out).then(() => true, () => false))) {
      await fs.rename(p, out).catch(() => undefined);
      continue;
    }
    await fs.rm(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

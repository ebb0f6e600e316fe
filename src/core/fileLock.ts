// A cross-process lock file, for short critical sections where two processes (the CLI and VS Code)
// read-modify-write or append to the same file. It is created atomically with its owner inside (temp
// file + link(2), which fails if the lock exists). Stale-lock recovery: a lock whose owner process is
// gone (same host: a kill -9 is recovered at once), or whose file has not been refreshed for staleMs
// (the owner touches it every HEARTBEAT_MS), is broken. Breaking renames the lock aside and checks it
// is the one judged stale; an owner can re-check it still holds the lock before it commits.
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ownerTag } from './atomicWrite';

export const STALE_MS = 10_000;
const HEARTBEAT_MS = 2_000;
const WAIT_LIMIT_MS = 30_000;

export interface FileLockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** A lock file not refreshed for this long, whose owner is not known alive, is stale (default 10 s). */
  staleMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  nonce: string;
  at: string;
}

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string, owner: Owner | null, timeoutMs: number) {
    super(
      `${lockPath} is held by another process for over ${Math.round(timeoutMs / 1000)} s` +
        (owner ? ` by process ${owner.pid} on ${owner.host} (since ${owner.at})` : '') +
        '; if none is running, delete the file.',
    );
    this.name = 'LockTimeoutError';
  }
}

export function lockPathOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/**
 * True when a process with this pid runs on this machine. A zombie (killed, not yet reaped by its
 * parent: a kill -9'd extension host until code-server waits for it) answers signal 0 but runs no
 * more: on Linux its state in /proc says so, and it counts as dead.
 */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "<pid> (<comm>) <state> …": comm may hold spaces and parentheses, so the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false;
  }
}

export async function readLockOwner(file: string): Promise<Owner | null> {
  try {
    const o = JSON.parse(await fs.readFile(file, 'utf8')) as Owner;
    return typeof o?.nonce === 'string' ? o : null;
  } catch {
    return null;
  }
}

/** Is the lock at `file` abandoned? (Owner dead on this host, or not refreshed for STALE_MS.) */
export async function isStaleLock(file: string, staleMs = STALE_MS, now = Date.now()): Promise<boolean> {
  const st = await fs.stat(file).catch(() => null);
  if (!st) return false;
  const owner = await readLockOwner(file);
  if (owner && owner.host === os.hostname() && !pidAlive(owner.pid)) return true;
  return now - st.mtimeMs > staleMs;
}

export interface HeldLock {
  /** Throws if the lock was broken by another process (this one looked dead or hung). */
  assertHeld(): Promise<void>;
}

export class LockLostError extends Error {
  constructor(lockPath: string) {
    super(`lost the lock ${lockPath} (another process judged it stale)`);
    this.name = 'LockLostError';
  }
}

async function tryCreate(lock: string, owner: Owner): Promise<boolean> {
  const tmp = `${lock}.${ownerTag()}.${owner.nonce}.tmp`;
  try {
    // Created even when the write then fails (a full disk): removed in `finally` either way.
    await fs.writeFile(tmp, JSON.stringify(owner));
    await fs.link(tmp, lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}

async function breakIfStale(lock: string, staleMs: number): Promise<void> {
  const judged = await readLockOwner(lock);
  if (!(await isStaleLock(lock, staleMs))) return;
  const aside = `${lock}.${ownerTag()}.${randomBytes(4).toString('hex')}.broken`;
  try {
    await fs.rename(lock, aside);
  } catch {
    return; // someone else broke or released it
  }
  const took = await readLockOwner(aside);
  if (judged && took && took.nonce !== judged.nonce) {
    // A live lock replaced the stale one between our look and the rename: put it back.
    await fs.link(aside, lock).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => undefined);
}

/** Runs `fn` holding the cross-process lock file `lock` (for a sidecar: lockPathOf(sidecar)). */
export async function withFileLock<T>(lock: string, fn: (held: HeldLock) => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? WAIT_LIMIT_MS;
  const staleMs = opts.staleMs ?? STALE_MS;
  const owner: Owner = { pid: process.pid, host: os.hostname(), nonce: randomBytes(8).toString('hex'), at: new Date().toISOString() };
  const started = Date.now();
  let delay = 2;
  let waited = false;
  while (!(await tryCreate(lock, owner))) {
    if (!waited) {
      waited = true;
      testHooks.onLockBusy?.(lock);
    }
    await breakIfStale(lock, staleMs);
    if (Date.now() - started > timeoutMs) throw new LockTimeoutError(lock, await readLockOwner(lock), timeoutMs);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  const beat = setInterval(() => {
    const t = new Date();
    void fs.utimes(lock, t, t).catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();
  const held: HeldLock = {
    async assertHeld() {
      const cur = await readLockOwner(lock);
      if (cur?.nonce !== owner.nonce) throw new LockLostError(lock);
    },
  };
  try {
    return await fn(held);
  } finally {
    clearInterval(beat);
    const cur = await readLockOwner(lock);
    if (cur?.nonce === owner.nonce) await fs.unlink(lock).catch(() => undefined);
  }
}

/** Test-only observation points (set by testHooks.ts from the environment of test processes). */
export const testHooks: {
  onLockBusy?: (lock: string) => void;
  beforeCommit?: (target: string) => Promise<void>;
  beforeExportItem?: () => Promise<void>;
  beforeDetail?: () => Promise<void>;
} = {};

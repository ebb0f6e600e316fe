// Reads and writes sidecars on disk: `<image>.labels.json` next to the image.
// Writes are atomic and serialised per file; a corrupt sidecar is reported and never overwritten.
import { promises as fs } from 'node:fs';
import type { Sidecar } from './types';
import { SIDECAR_SUFFIX } from './types';
import { KeyedMutex, writeFileAtomic } from './atomicWrite';
import { normaliseSidecar, sidecarProblem } from './sidecar';

export class SidecarCorruptError extends Error {
  constructor(
    readonly sidecarPath: string,
    readonly problem: string,
  ) {
    super(`Sidecar ${sidecarPath} is corrupt (${problem}). It was left untouched: fix it or delete it, then re-run.`);
    this.name = 'SidecarCorruptError';
  }
}

export function sidecarPath(imagePath: string): string {
  return imagePath + SIDECAR_SUFFIX;
}

const locks = new KeyedMutex();

/** The sidecar of an image, or null when it has none. Throws SidecarCorruptError when unreadable. */
export async function readSidecar(imagePath: string): Promise<Sidecar | null> {
  const p = sidecarPath(imagePath);
  let text: string;
  try {
    text = await fs.readFile(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SidecarCorruptError(p, `cannot read: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SidecarCorruptError(p, `invalid JSON: ${(e as Error).message}`);
  }
  const problem = sidecarProblem(value);
  if (problem) throw new SidecarCorruptError(p, problem);
  return normaliseSidecar(value as Sidecar);
}

export async function writeSidecar(imagePath: string, sc: Sidecar): Promise<void> {
  await writeFileAtomic(sidecarPath(imagePath), JSON.stringify(sc, null, 2) + '\n');
}

/**
 * Read-modify-write under a per-file lock. `fn` gets the current sidecar (or null) and returns the
 * new one, or null to write nothing. A corrupt sidecar rejects with SidecarCorruptError untouched.
 */
export function updateSidecar(
  imagePath: string,
  fn: (current: Sidecar | null) => Sidecar | null | Promise<Sidecar | null>,
): Promise<Sidecar | null> {
  return locks.run(imagePath, async () => {
    const current = await readSidecar(imagePath);
    const next = await fn(current);
    if (next) await writeSidecar(imagePath, next);
    return next ?? current;
  });
}

/**
 * Read-modify-write of a sidecar's raw text under the same per-file lock, for byte-exact undo.
 * `fn` gets the current text (null when there is none) and returns the text to write, or null.
 */
export function updateSidecarText(imagePath: string, fn: (current: string | null) => string | null | Promise<string | null>): Promise<string | null> {
  return locks.run(imagePath, async () => {
    const current = await fs.readFile(sidecarPath(imagePath), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    const next = await fn(current);
    if (next !== null) await writeFileAtomic(sidecarPath(imagePath), next);
    return next ?? current;
  });
}

/** The text writeSidecar would write for a sidecar. */
export const sidecarText = (sc: Sidecar): string => JSON.stringify(sc, null, 2) + '\n';

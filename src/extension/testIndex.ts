// e2e only: IMAGE_TRIAGE_TEST_INDEX=<file> (set in a test's code-server environment, never in use) makes
// Open Review Panel on the folder the file names use the file's generated index instead of reading
// the folder: a grid of a million images without a million files. The file is JSON:
// { "root": <absolute folder>, "sidecars": [Sidecar, …], "images": [[relPath, sidecar index or -1], …] }.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexedImage } from '../core/folderIndex';
import type { Sidecar } from '../core/types';

interface TestIndex {
  root: string;
  sidecars: Sidecar[];
  images: [string, number][];
}

export async function testIndexFor(root: string, env = process.env): Promise<IndexedImage[] | undefined> {
  const file = env.IMAGE_TRIAGE_TEST_INDEX;
  if (!file) return undefined;
  const idx = JSON.parse(await fs.readFile(file, 'utf8')) as TestIndex;
  if (path.resolve(idx.root) !== path.resolve(root)) return undefined;
  const base = path.resolve(root) + path.sep;
  return idx.images.map(([relPath, s]) => ({
    path: base + (path.sep === '/' ? relPath : relPath.split('/').join(path.sep)),
    relPath,
    size: 0,
    sidecar: s >= 0 ? idx.sidecars[s] : null,
  }));
}

// Loads every image of a folder with its sidecar: the read model behind the panel, the audit and the
// report. A corrupt sidecar is reported per image, never thrown and never rewritten.
import type { Sidecar } from './types';
import { SidecarCorruptError, readSidecar } from './sidecarStore';
import { discoverImages } from './discovery';
import { sweepLeftovers } from './leftovers';

export interface IndexedImage {
  path: string;
  relPath: string;
  size: number;
  sidecar: Sidecar | null;
  /** Set when the sidecar exists but cannot be used. */
  sidecarError?: string;
}

export async function indexFolder(root: string, opts: { signal?: AbortSignal; concurrency?: number } = {}): Promise<IndexedImage[]> {
  const { images, leftovers } = await discoverImages(root, { signal: opts.signal });
  await sweepLeftovers(leftovers);
  const out: IndexedImage[] = new Array(images.length);
  const conc = opts.concurrency ?? 32;
  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const i = next++;
      const img = images[i];
      try {
        out[i] = { ...img, sidecar: await readSidecar(img.path) };
      } catch (e) {
        if (!(e instanceof SidecarCorruptError)) throw e;
        out[i] = { ...img, sidecar: null, sidecarError: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, images.length) }, worker));
  return out;
}

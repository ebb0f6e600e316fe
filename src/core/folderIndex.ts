// Loads every image of a folder with its sidecar: the read model behind the panel, the audit and the
// report. A corrupt sidecar is reported per image, never thrown and never rewritten.
import type { Sidecar } from './types';
import { SidecarCorruptError, parseSidecar, readSidecar, sidecarPath } from './sidecarStore';
import { discoverImages, type DiscoveredImage } from './discovery';
import { sweepLeftovers } from './leftovers';
import { readTextsInWorker } from './sidecarBatchRead';

export interface IndexedImage {
  path: string;
  relPath: string;
  size: number;
  sidecar: Sidecar | null;
  /** Set when the sidecar exists but cannot be used. */
  sidecarError?: string;
}

export interface IndexOptions {
  signal?: AbortSignal;
  concurrency?: number;
  /** From this many images on, sidecars are read in a worker thread (default 2,000; 0 = always). */
  workerFrom?: number;
}

export async function indexFolder(root: string, opts: IndexOptions = {}): Promise<IndexedImage[]> {
  const { images, leftovers } = await discoverImages(root, { signal: opts.signal, workerFrom: opts.workerFrom });
  await sweepLeftovers(leftovers);
  return readSidecars(images, opts);
}

/** The sidecars of discovered images (in a worker from `workerFrom` images on), in their order. */
export async function readSidecars(images: DiscoveredImage[], opts: IndexOptions = {}): Promise<IndexedImage[]> {
  if (images.length >= (opts.workerFrom ?? 2000)) {
    const out = await inWorker(images, opts.signal).catch((e: Error) => {
      if (e.name === 'AbortError') throw e;
      return null; // the worker could not run: the async reads below give the same result
    });
    if (out) return out;
  }
  return readAsync(images, opts);
}

function corrupt(img: DiscoveredImage, e: unknown): IndexedImage {
  if (!(e instanceof SidecarCorruptError)) throw e;
  return { ...img, sidecar: null, sidecarError: e.message };
}

/** Reads in a worker, parsed here batch by batch: the same outcome per image as readSidecar. */
async function inWorker(images: DiscoveredImage[], signal?: AbortSignal): Promise<IndexedImage[]> {
  const out: IndexedImage[] = new Array(images.length);
  await readTextsInWorker(images.map((i) => sidecarPath(i.path)), (from, items) => {
    items.forEach((item, k) => {
      const img = images[from + k];
      const p = sidecarPath(img.path);
      try {
        if (item === null) out[from + k] = { ...img, sidecar: null };
        else if (typeof item === 'string') out[from + k] = { ...img, sidecar: parseSidecar(p, item) };
        else throw new SidecarCorruptError(p, `cannot read: ${item.error}`);
      } catch (e) {
        out[from + k] = corrupt(img, e);
      }
    });
  }, { signal });
  return out;
}

async function readAsync(images: DiscoveredImage[], opts: IndexOptions): Promise<IndexedImage[]> {
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
        out[i] = corrupt(img, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(conc, images.length) }, worker));
  return out;
}

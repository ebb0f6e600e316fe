// The panel's summary index: each image's grid summary, saved with the stamp (mtime, size, inode) of
// the sidecar it was made from, in the extension's storage (never in the user's folder). Reopening a
// folder reads only the sidecars whose stamp changed; the full sidecars follow in the background
// (`full`). A missing, damaged or older index only costs time: every summary it gives is checked
// against the sidecar's stamp on disk. Pure Node; no vscode.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { discoverImages, type DiscoveredImage } from './discovery';
import { readSidecars, type IndexedImage } from './folderIndex';
import { sweepLeftovers } from './leftovers';
import { summarize, type ImageSummary } from './imageSummary';
import { packSummaries, unpackSummaries, type PackedSummaries } from './summaryPack';
import { writeFileAtomic } from './atomicWrite';

/** Bumped whenever summarize() or the packed layout changes: an older index is then ignored. */
export const SUMMARY_INDEX_VERSION = 1;

interface IndexFile {
  v: number;
  root: string;
  stamps: string[];
  packed: PackedSummaries;
}

/** Where a folder's index lives under `storageDir`: one file per folder, named by its path's hash. */
export function summaryIndexPath(storageDir: string, root: string): string {
  const id = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 24);
  return path.join(storageDir, 'summary-index', `${id}.json`);
}

/** The saved summaries by image id with their stamps; null when there is no usable index. */
export async function loadSummaryIndex(file: string, root: string): Promise<Map<string, { stamp: string; summary: ImageSummary }> | null> {
  let f: IndexFile;
  try {
    f = JSON.parse(await fs.readFile(file, 'utf8')) as IndexFile;
  } catch {
    return null; // none yet, or damaged: the sidecars are read instead
  }
  if (f?.v !== SUMMARY_INDEX_VERSION || f.root !== path.resolve(root) || !Array.isArray(f.stamps) || !Array.isArray(f.packed?.rows)) return null;
  if (f.stamps.length !== f.packed.rows.length) return null;
  let summaries: ImageSummary[];
  try {
    summaries = unpackSummaries(f.packed);
  } catch {
    return null;
  }
  const out = new Map<string, { stamp: string; summary: ImageSummary }>();
  summaries.forEach((s, i) => typeof s.id === 'string' && typeof f.stamps[i] === 'string' && out.set(s.id, { stamp: f.stamps[i], summary: s }));
  return out;
}

/** Saves summaries with the stamps taken before their sidecars were read (atomic; a newer file on disk only makes a stamp miss). */
export async function saveSummaryIndex(file: string, root: string, entries: { stamp: string; summary: ImageSummary }[]): Promise<void> {
  const body: IndexFile = { v: SUMMARY_INDEX_VERSION, root: path.resolve(root), stamps: entries.map((e) => e.stamp), packed: packSummaries(entries.map((e) => e.summary)) };
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(body));
}

/** An index not saved (opened) for this long is removed, as is one whose folder is gone. */
const INDEX_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Past this many bytes in all, the least recently opened indexes go first. */
const INDEX_MAX_BYTES = 2 * 1024 ** 3;

/** The folder an index file belongs to, read from its first bytes (`{"v":…,"root":"…"`), or null. */
async function indexRoot(file: string): Promise<string | null> {
  const h = await fs.open(file, 'r').catch(() => null);
  if (!h) return null;
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await h.read(buf, 0, buf.length, 0);
    const m = /^\{"v":\d+,"root":("(?:[^"\\]|\\.)*")/.exec(buf.toString('utf8', 0, bytesRead));
    return m ? (JSON.parse(m[1]) as string) : null;
  } catch {
    return null;
  } finally {
    await h.close();
  }
}

/**
 * Keeps the summary indexes in `dir` (the extension's storage) from growing without end: removes
 * those whose folder is gone or that were not opened for 30 days, then the least recently opened
 * until all take at most `maxBytes`. `keep` (the folder being opened) is never removed. Returns the
 * files removed.
 */
export async function pruneSummaryIndexes(dir: string, keep: string, opts: { maxAgeMs?: number; maxBytes?: number; now?: number } = {}): Promise<string[]> {
  const maxAge = opts.maxAgeMs ?? INDEX_MAX_AGE_MS;
  const maxBytes = opts.maxBytes ?? INDEX_MAX_BYTES;
  const now = opts.now ?? Date.now();
  const files: { file: string; mtime: number; size: number }[] = [];
  const own = path.resolve(keep);
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{24}\.json$/.test(name)) continue;
    const file = path.resolve(dir, name);
    if (file === own) continue;
    const st = await fs.stat(file).catch(() => null);
    if (st?.isFile()) files.push({ file, mtime: st.mtimeMs, size: st.size });
  }
  const removed: string[] = [];
  const remove = async (f: string) => {
    if (await fs.unlink(f).then(() => true, () => false)) removed.push(f);
  };
  const kept: typeof files = [];
  for (const f of files) {
    const root = now - f.mtime > maxAge ? null : await indexRoot(f.file);
    const gone = root === null || !(await fs.stat(root).then((st) => st.isDirectory(), () => false));
    if (gone) await remove(f.file);
    else kept.push(f);
  }
  let total = kept.reduce((t, f) => t + f.size, 0) + ((await fs.stat(keep).catch(() => null))?.size ?? 0);
  for (const f of kept.sort((a, b) => a.mtime - b.mtime)) {
    if (total <= maxBytes) break;
    await remove(f.file);
    total -= f.size;
  }
  return removed;
}

export interface QuickOpen {
  images: DiscoveredImage[];
  /** Every image's summary, in the images' order. */
  summaries: ImageSummary[];
  /** How many summaries came from the index (the rest were read now). */
  fromIndex: number;
  /** Every image with its full sidecar (read once, on first call), after which the index is saved. */
  full(): Promise<IndexedImage[]>;
}

/**
 * Opens a folder for the panel: discovery with sidecar stamps, summaries from the index where the
 * stamp matches, the other sidecars read now. `full()` reads the rest and saves the index.
 */
export async function openWithIndex(root: string, indexFile: string, opts: { signal?: AbortSignal; workerFrom?: number } = {}): Promise<QuickOpen> {
  const [{ images, leftovers }, saved] = await Promise.all([
    discoverImages(root, { signal: opts.signal, workerFrom: opts.workerFrom, stamps: true }),
    loadSummaryIndex(indexFile, root),
  ]);
  await sweepLeftovers(leftovers);
  const summaries: ImageSummary[] = new Array(images.length);
  const known: (IndexedImage | undefined)[] = new Array(images.length);
  const misses: number[] = [];
  let fromIndex = 0;
  images.forEach((img, i) => {
    const stamp = img.sidecarStamp ?? null;
    if (stamp === null) {
      known[i] = { path: img.path, relPath: img.relPath, size: img.size, sidecar: null };
      summaries[i] = summarize(img.relPath, null);
      return;
    }
    const hit = saved?.get(img.relPath);
    if (hit && hit.stamp === stamp && stamp !== '?') {
      summaries[i] = hit.summary;
      fromIndex++;
    } else misses.push(i);
  });
  const read = await readSidecars(misses.map((i) => images[i]), opts);
  misses.forEach((i, k) => {
    known[i] = read[k];
    summaries[i] = summarize(read[k].relPath, read[k].sidecar, read[k].sidecarError);
  });
  let whole: Promise<IndexedImage[]> | undefined;
  const full = () =>
    (whole ??= (async () => {
      const rest: number[] = [];
      for (let i = 0; i < images.length; i++) if (!known[i]) rest.push(i);
      const more = await readSidecars(rest.map((i) => images[i]), opts);
      rest.forEach((i, k) => (known[i] = more[k]));
      const all = known as IndexedImage[];
      const entries: { stamp: string; summary: ImageSummary }[] = [];
      all.forEach((img, i) => {
        const stamp = images[i].sidecarStamp;
        if (stamp && stamp !== '?' && !img.sidecarError) entries.push({ stamp, summary: summarize(img.relPath, img.sidecar) });
      });
      await saveSummaryIndex(indexFile, root, entries).catch(() => undefined); // only a cache: the next open reads the sidecars
      await pruneSummaryIndexes(path.dirname(indexFile), indexFile).catch(() => undefined);
      return all.map(({ path: p, relPath, size, sidecar, sidecarError }) => ({ path: p, relPath, size, sidecar, ...(sidecarError ? { sidecarError } : {}) }));
    })());
  return { images, summaries, fromIndex, full };
}

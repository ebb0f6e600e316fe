// Finds the images of a folder tree. Pure Node (fs/promises, path); no vscode.
//
// Rules:
//  - an image is a file whose extension is in IMAGE_EXTENSIONS, compared case-insensitively (.JPG counts);
//  - names starting with "." (hidden files and folders) and folders named node_modules are skipped;
//    sidecars (`*.labels.json`) are not images by extension, so they are never listed;
//  - symbolic links to files and folders inside the root are followed. A link whose real target is outside
//    the root is not read (a `problems` entry): nothing outside the reviewed folder is read or written.
//    Every folder is entered at most once, keyed by its real path, so link loops terminate and a folder
//    reachable twice is listed once. Real folders are walked before linked ones, so an image inside the
//    tree keeps its own path rather than a link's;
//  - a broken link, an unreadable folder or a file that vanishes mid-scan becomes a `problems` entry and the
//    scan goes on. Only the root itself failing (missing, not a folder, unreadable) throws;
//  - results are sorted by relPath ('/'-separated) with plain code-unit comparison, so the order is the same
//    on every run and every machine, independent of locale.
import { promises as fs, stat as statCb, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { SIDECAR_SUFFIX } from './types';
import { isLeftoverName } from './leftovers';
import { sizesInWorker, stampOf, stampsInWorker } from './sidecarBatchRead';

/** An abort goes on; any other worker failure gives null (the async stats below do the same work). */
const rethrowAbort = (e: Error): null => {
  if (e.name === 'AbortError') throw e;
  return null;
};

/** Image file extensions, lower-case, without the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif']);
const IMAGE_EXT_SET = new Set(IMAGE_EXTENSIONS);

export interface DiscoveredImage {
  /** Absolute path (through any followed link). */
  path: string;
  /** Path relative to the root, '/'-separated. */
  relPath: string;
  /** Size in bytes. */
  size: number;
  /** With `stamps`: the sidecar's stamp (stampOf), null when it has none, '?' when it cannot be read. */
  sidecarStamp?: string | null;
}

export interface DiscoveryProblem {
  /** Absolute path of the entry that could not be used. */
  path: string;
  message: string;
}

export interface DiscoveryResult {
  images: DiscoveredImage[];
  problems: DiscoveryProblem[];
  /** Temp files and locks of interrupted writes seen on the way (for sweepLeftovers; never images). */
  leftovers: string[];
}

/** True when the path's extension is an image extension (case-insensitive). Sidecars are not images. */
export function isImagePath(p: string): boolean {
  if (p.endsWith(SIDECAR_SUFFIX)) return false;
  const ext = path.extname(p);
  return ext.length > 1 && IMAGE_EXT_SET.has(ext.slice(1).toLowerCase());
}

/** The sidecar next to an image: `<image path>.labels.json`. */
export function sidecarPathFor(imagePath: string): string {
  return imagePath + SIDECAR_SUFFIX;
}

function skippedName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // Node's messages already start with the code ("ENOENT: no such file…"): never say it twice.
  if (err?.code && !String(err.message).startsWith(err.code)) return `${err.code}: ${err.message}`;
  return String((e as Error)?.message ?? e);
}

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

interface Dir {
  abs: string;
  rel: string;
  real: string;
}

interface Listing {
  dir: Dir;
  /** Real (non-link) subfolders, in name order. */
  subdirs: Dir[];
  /** Links to folders, to be walked after the real tree. */
  linkedDirs: { abs: string; rel: string }[];
  /** Image files found, to be stat'ed with the rest of their level (one worker for a whole level). */
  files: { abs: string; rel: string; sidecar: boolean }[];
  images: DiscoveredImage[];
  problems: DiscoveryProblem[];
  leftovers: string[];
}

const CONCURRENCY = 32;
/** fs.stat through its callback: less overhead per file than fs.promises (100,000-image folders). */
const statOf = (p: string) => new Promise<Stats>((resolve, reject) => statCb(p, (e, st) => (e ? reject(e) : resolve(st))));
/** The stamp of an image's sidecar: null when there is none, '?' when it cannot be stat'ed. */
const sidecarStampOf = (imagePath: string) => statOf(sidecarPathFor(imagePath)).then(stampOf, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : '?'));

export interface DiscoveryOptions {
  signal?: AbortSignal;
  /** From this many images in one level of the tree on, stats run in worker threads (default 2,000). */
  workerFrom?: number;
  /** Also stamp each image's sidecar (for the panel's summary index). */
  stamps?: boolean;
}

/**
 * Recursively list the images under `root`. Never throws for a problem below the root; see the rules at
 * the top of this file. Rejects with the signal's reason when `opts.signal` is aborted.
 */
export async function discoverImages(root: string, opts: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const rootAbs = path.resolve(root);
  const rootStat = await fs.stat(rootAbs);
  if (!rootStat.isDirectory()) throw new Error(`${rootAbs} is not a folder`);
  const rootReal = await fs.realpath(rootAbs);

  const images: DiscoveredImage[] = [];
  const problems: DiscoveryProblem[] = [];
  const leftovers: string[] = [];
  const visited = new Map<string, string>([[rootReal, '.']]); // real path -> relPath it was walked as
  const pendingLinks: { abs: string; rel: string }[] = [];

  const join = (rel: string, name: string) => (rel ? `${rel}/${name}` : name);

  const list = async (dir: Dir, isRoot: boolean): Promise<Listing> => {
    const listing: Listing = { dir, subdirs: [], linkedDirs: [], files: [], images: [], problems: [], leftovers: [] };
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir.abs, { withFileTypes: true });
    } catch (e) {
      if (isRoot) throw e;
      listing.problems.push({ path: dir.abs, message: `cannot read folder (${errorText(e)})` });
      return listing;
    }
    entries.sort((a, b) => codeUnitCompare(a.name, b.name));
    const files = listing.files;
    const links: { abs: string; rel: string }[] = [];
    const names = opts.stamps ? new Set(entries.map((e) => e.name)) : null;
    // A listed name has no separator and the folder's path is normalised: concatenation is a join.
    const base = dir.abs.endsWith(path.sep) ? dir.abs : dir.abs + path.sep;
    for (const ent of entries) {
      if (skippedName(ent.name)) {
        if (ent.isFile() && isLeftoverName(ent.name)) listing.leftovers.push(path.join(dir.abs, ent.name));
        continue;
      }
      const abs = base + ent.name;
      const rel = join(dir.rel, ent.name);
      if (ent.isDirectory()) listing.subdirs.push({ abs, rel, real: path.join(dir.real, ent.name) });
      else if (ent.isSymbolicLink()) links.push({ abs, rel });
      else if (ent.isFile() && isImagePath(ent.name)) files.push({ abs, rel, sidecar: names !== null && names.has(ent.name + SIDECAR_SUFFIX) });
    }
    await mapLimit(
      links,
      CONCURRENCY,
      async (l) => {
        let st;
        try {
          st = await fs.stat(l.abs);
        } catch (e) {
          let target = '';
          try {
            target = ` -> ${await fs.readlink(l.abs)}`;
          } catch {
            // keep the message without the target
          }
          listing.problems.push({ path: l.abs, message: `broken symbolic link${target} (${errorText(e)})` });
          return;
        }
        if (!st.isDirectory() && !(st.isFile() && isImagePath(l.abs))) return;
        let real: string;
        try {
          real = await fs.realpath(l.abs);
        } catch (e) {
          listing.problems.push({ path: l.abs, message: `cannot resolve symbolic link (${errorText(e)})` });
          return;
        }
        if (real !== rootReal && !real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep)) {
          listing.problems.push({ path: l.abs, message: `symbolic link points outside the folder (-> ${real}); not read. Move or copy the images into the folder, or classify the link's target folder itself` });
          return;
        }
        if (st.isDirectory()) listing.linkedDirs.push(l);
        else if (st.isFile() && isImagePath(l.abs)) {
          const img: DiscoveredImage = { path: l.abs, relPath: l.rel, size: st.size };
          if (opts.stamps) img.sidecarStamp = await sidecarStampOf(l.abs);
          listing.images.push(img);
        }
      },
      signal,
    );
    return listing;
  };

  /**
   * Sizes (and sidecar stamps) of a level's image files: from `workerFrom` files on in worker threads
   * (one synchronous stat each, sizes and stamps side by side), else async with bounded concurrency.
   */
  const statFiles = async (listings: Listing[]) => {
    type File = Listing['files'][number];
    const files: File[] = [];
    const owner: Listing[] = [];
    for (const l of listings) for (const f of l.files) files.push(f), owner.push(l);
    const unreadable = (k: number, e: unknown) => {
      const f = files[k];
      // Node reads a name that is not valid UTF-8 with U+FFFD in place of the bad bytes: it cannot be opened.
      const why = f.rel.includes('\uFFFD') && (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file name is not valid UTF-8; rename it' : `cannot read file (${errorText(e)})`;
      owner[k].problems.push({ path: f.abs, message: why });
    };
    const add = (k: number, size: number, stamp: string | null | undefined) => {
      const img: DiscoveredImage = { path: files[k].abs, relPath: files[k].rel, size };
      if (opts.stamps) img.sidecarStamp = stamp ?? null;
      owner[k].images.push(img);
    };
    const withSidecar: number[] = [];
    if (opts.stamps) files.forEach((f, k) => f.sidecar && withSidecar.push(k));
    const [sizes, stamps] =
      files.length >= (opts.workerFrom ?? 2000)
        ? await Promise.all([
            sizesInWorker(files.map((f) => f.abs), signal).catch(rethrowAbort),
            withSidecar.length ? stampsInWorker(withSidecar.map((k) => sidecarPathFor(files[k].abs)), signal).catch(rethrowAbort) : [],
          ])
        : [null, null];
    if (sizes) {
      let j = 0; // the next file with a sidecar
      files.forEach((f, k) => {
        const st = f.sidecar && opts.stamps ? stamps?.[j++] : null;
        const s = sizes[k];
        if (typeof s !== 'number') return unreadable(k, Object.assign(new Error(s.error), { code: s.code }));
        add(k, s, typeof st === 'string' || st === null ? st : '?');
      });
      return;
    }
    await mapLimit(
      files.map((_, k) => k),
      CONCURRENCY,
      async (k) => {
        try {
          const size = (await statOf(files[k].abs)).size;
          add(k, size, files[k].sidecar ? await sidecarStampOf(files[k].abs) : null);
        } catch (e) {
          unreadable(k, e);
        }
      },
      signal,
    );
  };

  /** Breadth-first walk from `start`; claims each folder's real path before entering it. */
  const walk = async (start: Dir, isRoot: boolean) => {
    let level: Dir[] = [start];
    let first = isRoot;
    while (level.length) {
      signal?.throwIfAborted();
      const listings = await mapLimit(level, CONCURRENCY, (d) => list(d, first), signal);
      await statFiles(listings);
      first = false;
      const next: Dir[] = [];
      // Claims happen here, sequentially in a fixed order, so the result does not depend on I/O timing.
      for (const l of listings) {
        images.push(...l.images);
        problems.push(...l.problems);
        leftovers.push(...l.leftovers);
        pendingLinks.push(...l.linkedDirs);
        for (const d of l.subdirs) {
          if (visited.has(d.real)) continue; // reached earlier through a link to one of its ancestors
          visited.set(d.real, d.rel);
          next.push(d);
        }
      }
      level = next;
    }
  };

  await walk({ abs: rootAbs, rel: '', real: rootReal }, true);

  // Then linked folders, smallest relPath first, each at most once by real path.
  while (pendingLinks.length) {
    signal?.throwIfAborted();
    pendingLinks.sort((a, b) => codeUnitCompare(b.rel, a.rel));
    const link = pendingLinks.pop()!;
    let real: string;
    try {
      real = await fs.realpath(link.abs);
    } catch (e) {
      problems.push({ path: link.abs, message: `cannot resolve symbolic link (${errorText(e)})` });
      continue;
    }
    const already = visited.get(real);
    if (already !== undefined) {
      problems.push({
        path: link.abs,
        message: `symbolic link to a folder already scanned as "${already}" (a link loop or a duplicate); skipped`,
      });
      continue;
    }
    visited.set(real, link.rel);
    await walk({ abs: link.abs, rel: link.rel, real }, false);
  }

  images.sort((a, b) => codeUnitCompare(a.relPath, b.relPath));
  problems.sort((a, b) => codeUnitCompare(a.path, b.path));
  return { images, problems, leftovers };
}

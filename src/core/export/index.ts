// `export`: reviewed folder → a dataset in one of the formats training and labeling tools read.
// Built in a temporary folder beside --out and renamed at the end (an interrupted export leaves no
// half set); the reviewed folder is only read.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IndexedImage } from '../folderIndex';
import type { Mode } from '../types';
import { abortError } from '../cancel';
import { ownerTag, syncDir } from '../atomicWrite';
import { sweepExportLeftovers } from '../leftovers';
import { testHooks } from '../fileLock';
import { labelsFor, type LabelsMode } from './labelSource';
import { FolderNamer, labelFolders } from './names';
import { assignSplits, type SplitSpec } from './split';
import { buildRow } from './rows';
import type { ExportContext, ExportFormat, ExportRow, FilesMode, FormatWriter } from './types';
import { imagefolderWriter } from './imagefolder';
import { hfWriter } from './huggingface';
import { labelStudioWriter } from './labelStudio';
import { fiftyoneWriter } from './fiftyone';
import { cleanlabWriter } from './cleanlab';
import { csvWriter, jsonlWriter } from './tabular';

export { EXPORT_FORMATS, FILES_MODES, type ExportFormat, type FilesMode } from './types';
export { LABEL_MODES, type LabelsMode } from './labelSource';
export { parseSplit } from './split';

export const WRITERS: Record<ExportFormat, FormatWriter> = {
  imagefolder: imagefolderWriter,
  hf: hfWriter,
  labelstudio: labelStudioWriter,
  fiftyone: fiftyoneWriter,
  cleanlab: cleanlabWriter,
  csv: csvWriter,
  jsonl: jsonlWriter,
};

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ExportOptions {
  root: string;
  images: IndexedImage[];
  out: string;
  format: ExportFormat;
  labels: LabelsMode;
  split?: SplitSpec[];
  seed?: number;
  files: FilesMode;
  includeNone: boolean;
  overwrite?: boolean;
  /** Category names in order (from the categories file), if known. */
  categories?: string[];
  mode?: Mode;
  embeddings?: Map<string, Float32Array>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  out: string;
  format: ExportFormat;
  labels: LabelsMode;
  files: FilesMode;
  images_root: string;
  total_images: number;
  exported: number;
  /** split → label → images ("_none" for no label). */
  counts: Record<string, Record<string, number>>;
  by_source: Record<string, number>;
  stale: number;
  skipped: { path: string; reason: string }[];
  failed: { path: string; reason: string }[];
  warnings: string[];
  label_map: Record<string, string>;
  specs: string[];
}

const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

async function checkTarget(root: string, out: string, overwrite: boolean): Promise<void> {
  const realRoot = await fs.realpath(root);
  const parent = await fs.realpath(path.dirname(out)).catch(() => null);
  if (!parent) throw new ExportError(`the folder that would hold ${out} does not exist`);
  const realOut = path.join(parent, path.basename(out));
  if (inside(realOut, realRoot)) throw new ExportError(`--out ${out} is inside the reviewed folder; choose a folder outside it (the reviewed folder is never modified)`);
  if (inside(realRoot, realOut)) throw new ExportError(`--out ${out} contains the reviewed folder; choose another folder`);
  const entries = await fs.readdir(realOut).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (entries === null) return;
  if (entries.length && !overwrite) throw new ExportError(`${out} already exists and is not empty; choose another --out or pass --overwrite to replace it`);
}

function folderMode(images: IndexedImage[], given?: Mode): Mode {
  if (given) return given;
  return images.some((i) => Object.values(i.sidecar?.predictions ?? {}).some((p) => p?.mode === 'multi_label')) ? 'multi_label' : 'single_label';
}

function classOrder(rows: ExportRow[], images: IndexedImage[], categories?: string[]): string[] {
  const order = [...(categories ?? [])];
  if (!order.length) {
    for (const img of images) {
      for (const p of Object.values(img.sidecar?.predictions ?? {})) for (const c of Object.keys(p?.category_scores ?? {})) if (!order.includes(c)) order.push(c);
    }
  }
  const extra = new Set<string>();
  for (const r of rows) for (const l of r.labels) if (!order.includes(l)) extra.add(l);
  return [...order, ...[...extra].sort()];
}

async function place(src: string, dest: string, files: FilesMode): Promise<void> {
  if (files === 'copy') return fs.copyFile(src, dest);
  try {
    await fs.symlink(src, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    await fs.copyFile(src, dest); // Windows without symlink rights
  }
}

export async function exportDataset(o: ExportOptions): Promise<ExportSummary> {
  const out = path.resolve(o.out);
  await sweepExportLeftovers(path.dirname(out)); // what a killed export left behind
  await checkTarget(o.root, out, !!o.overwrite);
  const writer = WRITERS[o.format];
  const skipped: ExportSummary['skipped'] = [];
  const failed: ExportSummary['failed'] = [];
  let rows: ExportRow[] = [];
  for (const img of o.images) {
    const rel = img.relPath.split(path.sep).join('/');
    if (!img.sidecar) {
      if (img.sidecarError) failed.push({ path: rel, reason: `sidecar unreadable: ${img.sidecarError}` });
      else skipped.push({ path: rel, reason: 'no sidecar: not classified yet, or classify could not read the image' });
      continue;
    }
    const errs = Object.values(img.sidecar.errors ?? {}).filter((e) => !!e);
    const outcome = labelsFor(img.sidecar, o.labels);
    if ('skip' in outcome) {
      if (errs.length && !Object.keys(img.sidecar.predictions).length) failed.push({ path: rel, reason: `classification failed: ${errs[0]!.message}` });
      else skipped.push({ path: rel, reason: outcome.skip });
      continue;
    }
    if (!outcome.ok.labels.length && !o.includeNone) {
      skipped.push({ path: rel, reason: `no label (${outcome.ok.status === 'rejected' ? 'rejected: none of the categories' : 'nothing fits'}; --include-none exports it to _none)` });
      continue;
    }
    rows.push(buildRow(rel, img.path, outcome.ok, img.sidecar.predictions['zero-shot']));
  }
  const mode = folderMode(o.images, o.mode);
  const classes = classOrder(rows, o.images, o.categories);
  const splits = o.split ?? null;
  if (splits) {
    const assigned = assignSplits(rows, (r) => r.relPath, (r) => r.labels.slice().sort().join('\u0000') || '\u0001none', splits, o.seed ?? 0);
    for (const r of rows) r.split = assigned.get(r.relPath)!;
  }
  const folders = labelFolders(classes);
  const warnings: string[] = [];
  const skipRow = (row: ExportRow, reason: string) => {
    rows = rows.filter((r) => r !== row);
    ctx.rows = rows;
    skipped.push({ path: row.relPath, reason });
  };
  const ctx: ExportContext = { rows, classes, folders, mode, splits: splits?.map((s) => s.name) ?? null, files: o.files, root: '', embeddings: o.embeddings, warnings, skip: skipRow };
  const refusal = writer.refuse?.(ctx);
  if (refusal) throw new ExportError(refusal);
  writer.filter?.(ctx);

  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.export-${ownerTag()}-${randomBytes(4).toString('hex')}.tmp`);
  await fs.mkdir(tmp);
  ctx.root = tmp;
  try {
    const namers = new Map<string, FolderNamer>();
    const made = new Set<string>();
    let done = 0;
    for (const r of [...ctx.rows]) {
      if (o.signal?.aborted) throw abortError('The export was cancelled; nothing was written.');
      await testHooks.beforeExportItem?.();
      const dir = writer.dirFor(r, ctx);
      const namer = namers.get(dir) ?? namers.set(dir, new FolderNamer()).get(dir)!;
      const file = `${dir}/${namer.name(r.relPath)}`;
      if (o.files !== 'none') {
        if (!made.has(dir)) await fs.mkdir(path.join(tmp, dir), { recursive: true }), made.add(dir);
        try {
          await place(r.absPath, path.join(tmp, file), o.files);
          r.file = file;
        } catch (e) {
          ctx.rows = rows = rows.filter((x) => x !== r);
          failed.push({ path: r.relPath, reason: `could not ${o.files} the image: ${(e as Error).message}` });
        }
      }
      o.onProgress?.(++done, ctx.rows.length);
    }
    const writeFile = async (rel: string, data: string | Buffer) => {
      const p = path.join(tmp, rel);
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.writeFile(p, data);
    };
    await writer.write(ctx, writeFile);
    const summary = summarise(o, out, ctx, skipped, failed, writer);
    await writeFile('label_map.json', JSON.stringify({ note: 'folder name → label', folders: summary.label_map }, null, 1) + '\n');
    await writeFile('export.json', JSON.stringify({ ...summary, created_at: new Date().toISOString() }, null, 1) + '\n');
    if (o.signal?.aborted) throw abortError('The export was cancelled; nothing was written.');
    await swapIn(tmp, out);
    await syncDir(path.dirname(out));
    return summary;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Renames the finished export into place; an existing (checked) target is replaced only after. */
async function swapIn(tmp: string, out: string): Promise<void> {
  const exists = await fs.stat(out).then(() => true, () => false);
  if (!exists) return fs.rename(tmp, out);
  const old = `${tmp}.old`;
  await fs.rename(out, old);
  try {
    await fs.rename(tmp, out);
  } catch (e) {
    await fs.rename(old, out);
    throw e;
  }
  await fs.rm(old, { recursive: true, force: true });
}

function summarise(o: ExportOptions, out: string, ctx: ExportContext, skipped: ExportSummary['skipped'], failed: ExportSummary['failed'], writer: FormatWriter): ExportSummary {
  const counts: ExportSummary['counts'] = {};
  const bySource: Record<string, number> = {};
  for (const split of ctx.splits ?? ['train']) counts[split] = {};
  for (const r of ctx.rows) {
    const split = (counts[r.split] ??= {});
    for (const l of r.labels.length ? r.labels : ['_none']) split[l] = (split[l] ?? 0) + 1;
    bySource[r.source] = (bySource[r.source] ?? 0) + 1;
  }
  const rank = (l: string) => (l === '_none' ? Infinity : ctx.classes.indexOf(l));
  for (const k of Object.keys(counts)) counts[k] = Object.fromEntries(Object.entries(counts[k]).sort((a, b) => rank(a[0]) - rank(b[0])));
  return {
    out,
    format: o.format,
    labels: o.labels,
    files: o.files,
    images_root: o.root,
    total_images: o.images.length,
    exported: ctx.rows.length,
    counts,
    by_source: bySource,
    stale: ctx.rows.filter((r) => r.stale).length,
    skipped,
    failed,
    warnings: ctx.warnings,
    label_map: Object.fromEntries([...ctx.folders].filter(([l]) => ctx.classes.includes(l)).map(([l, f]) => [f, l])),
    specs: writer.specs,
  };
}

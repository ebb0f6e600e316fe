// `image-triage export <folder> --format <format> --out <dir> [--labels …] [--split …] [--seed S]
//   [--files link|copy|none] [--include-none] [--overwrite] [--json]`
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { parseCategories } from '../../core/categories';
import { defaultCacheDir } from '../../core/cacheDir';
import { EXPORT_FORMATS, ExportError, FILES_MODES, LABEL_MODES, exportDataset, parseSplit, type ExportSummary, type FilesMode } from '../../core/export';
import { folderEmbeddings } from '../../classifiers/zeroShot/embeddingCache';
import { UsageError, choiceFlag, flag, has, intFlag, parseArgs, type ArgSpec, type CliIO } from '../args';
import { createProgress } from '../progress';

export const EXPORT_USAGE = `usage: image-triage export <folder> --format imagefolder|hf|labelstudio|fiftyone|cleanlab|csv|jsonl --out <dir>
         [--labels human|human+auto|predicted] [--split train=0.8,val=0.1,test=0.1] [--seed S]
         [--files link|copy|none] [--include-none] [--overwrite] [--categories <file>] [--cache-dir <dir>] [--json]
  --labels defaults to human+auto (reviewed and auto-accepted images); predicted adds the prediction of
  unreviewed images (source "predicted" in every row). --files defaults to link (copy on Windows).
  The export is built beside --out and renamed into place at the end; the reviewed folder is never modified.`;

/** The flags the parser accepts (tests compare them with --help and the README). */
export const EXPORT_ARGS: ArgSpec = {
  booleans: ['include-none', 'overwrite', 'json'],
  values: ['format', 'out', 'labels', 'split', 'seed', 'files', 'categories', 'cache-dir'],
};

export async function exportCommand(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  if (argv[0] === '--help' || argv[0] === 'help') {
    io.out(EXPORT_USAGE + '\n');
    return 0;
  }
  const a = parseArgs(argv, EXPORT_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('export takes one folder');
  const format = choiceFlag(a, 'format', EXPORT_FORMATS);
  if (!format) throw new UsageError(`--format is required: ${EXPORT_FORMATS.join(', ')}`);
  const out = flag(a, 'out');
  if (!out) throw new UsageError('--out <dir> is required (a new folder outside the reviewed one)');
  const labels = choiceFlag(a, 'labels', LABEL_MODES) ?? 'human+auto';
  const files: FilesMode = choiceFlag(a, 'files', FILES_MODES) ?? (process.platform === 'win32' ? 'copy' : 'link');
  const seed = intFlag(a, 'seed', 0, 2 ** 31 - 1) ?? 0;
  let split;
  const splitText = flag(a, 'split');
  if (splitText !== undefined) {
    try {
      split = parseSplit(splitText);
    } catch (e) {
      throw new UsageError(`--split: ${(e as Error).message}`);
    }
  }
  const root = path.resolve(a.positionals[0]);
  if (!(await fs.stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);
  const catFile = flag(a, 'categories') ?? path.join(root, 'categories.json');
  const catText = await fs.readFile(catFile, 'utf8').catch(() => null);
  if (catText === null && flag(a, 'categories')) throw new UsageError(`categories file ${catFile} not found`);
  const set = catText === null ? undefined : parseCategories(catText, catFile).set;

  const images = await indexFolder(root, { signal });
  const embeddings = format === 'cleanlab' ? (await folderEmbeddings(images, path.join(flag(a, 'cache-dir') ?? defaultCacheDir(io.env), 'embeddings'))).byRelPath : undefined;
  const progress = createProgress(io.err, !!io.isTTY, 'exporting');
  let summary: ExportSummary;
  try {
    summary = await exportDataset({
      root,
      images,
      out,
      format,
      labels,
      split,
      seed,
      files,
      includeNone: has(a, 'include-none'),
      overwrite: has(a, 'overwrite'),
      categories: set?.categories.map((c) => c.name),
      mode: set?.mode,
      embeddings,
      signal,
      onProgress: (d, t) => progress.update(d, t),
    });
  } catch (e) {
    if (e instanceof ExportError) {
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    if ((e as Error).name === 'AbortError') {
      io.err(`${(e as Error).message}\n`);
      return 130;
    }
    throw e;
  } finally {
    progress.finish();
  }
  printSummary(summary, io);
  if (has(a, 'json')) io.out(JSON.stringify(summary) + '\n');
  return summary.failed.length ? 2 : 0;
}

function printSummary(s: ExportSummary, io: CliIO): void {
  const lines = [`Exported ${s.exported} of ${s.total_images} images as ${s.format} to ${s.out} (labels: ${s.labels}, files: ${s.files})`];
  for (const [split, labels] of Object.entries(s.counts)) {
    lines.push(`  ${split}: ${Object.entries(labels).map(([l, n]) => `${l} ${n}`).join(', ')}`);
  }
  lines.push(`  by source: ${Object.entries(s.by_source).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}${s.stale ? `; ${s.stale} stale reviews (human labels kept)` : ''}`);
  const reasons = new Map<string, string[]>();
  for (const k of s.skipped) (reasons.get(k.reason) ?? reasons.set(k.reason, []).get(k.reason)!).push(k.path);
  if (s.skipped.length) lines.push(`Skipped ${s.skipped.length} (all listed in export.json):`);
  for (const [r, paths] of reasons) lines.push(`  ${paths.length} × ${r}: ${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`);
  if (s.failed.length) lines.push(`Failed ${s.failed.length}:`, ...s.failed.map((f) => `  ${f.path}: ${f.reason}`));
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  lines.push(`Spec: ${s.specs.join(' , ')}`);
  io.err(lines.join('\n') + '\n');
}

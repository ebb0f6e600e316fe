// `image-triage classify <folder> --categories <file> [--model <id|dir>] [--mode …] [--dtype …]
//   [--batch N] [--force] [--json] [--cache-dir DIR]`
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CategoriesError, categoriesHash, parseCategories } from '../../core/categories';
import type { Mode } from '../../core/types';
import { runClassification, type RunSummary } from '../../core/run';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../../classifiers/config';
import { createClassifierFromFlags, CLASSIFIER_FLAGS } from '../classifierFlags';
import { UsageError, choiceFlag, flag, has, intFlag, parseArgs, type CliIO } from '../args';
import { createProgress } from '../progress';
import { formatTokens } from '../../core/tokens';

export const CLASSIFY_USAGE = `usage: image-triage classify <folder> [--categories <file>] [--model <hub id|dir>] [--dtype fp32|q8|fp16]
         [--revision <branch|tag|sha>] [--threads N] [--mode single_label|multi_label] [--batch N] [--force]
         [--json] [--cache-dir <dir>] [--logit-scale <x> --logit-bias <b>] [--classifier zero-shot|vlm] [--endpoint <base url>] [--vlm-model <name>]
         [--concurrency N] [--vlm-timeout <ms>] [--vlm-max-side <px>] [--send-images] [--help]
  --categories defaults to <folder>/categories.json; --model defaults to ${DEFAULT_ZERO_SHOT_MODEL}.
  --logit-scale/--logit-bias: SigLIP's exp(logit_scale) (117.33 for siglip-base) and bias, for
  checkpoints not in the known table (see "image-triage model info").
  VLM: --endpoint is an OpenAI-compatible base URL (alias --vlm-url); --concurrency requests at once
  (default 4, alias --vlm-concurrency); --vlm-timeout per request (default 120000); --vlm-max-side:
  images are downscaled to fit this side before sending (default 1024); --send-images agrees to
  upload images to an endpoint that is not on this machine. The API key is read from
  $IMAGE_TRIAGE_VLM_API_KEY.`;

/** Every flag classify accepts (the --help test compares this with CLASSIFY_USAGE). */
export const CLASSIFY_ARGS = {
  booleans: ['force', 'json', 'send-images', 'help'],
  values: ['categories', 'model', 'dtype', 'mode', 'batch', 'cache-dir', 'revision', 'threads', ...CLASSIFIER_FLAGS],
};

export async function classifyCommand(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const a = parseArgs(argv, CLASSIFY_ARGS);
  if (has(a, 'help')) {
    io.out(CLASSIFY_USAGE + '\n');
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError('classify takes exactly one folder');
  const root = path.resolve(a.positionals[0]);
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new UsageError(`folder ${root} does not exist or is not a directory`);
  const catFile = path.resolve(flag(a, 'categories') ?? path.join(root, 'categories.json'));
  let text: string;
  try {
    text = await fs.readFile(catFile, 'utf8');
  } catch {
    throw new UsageError(`categories file ${catFile} not found. Create it (see README "Categories file") or pass --categories <file>.`);
  }
  const { set, warnings } = parseCategories(text, catFile);
  const mode = choiceFlag<Mode>(a, 'mode', ['single_label', 'multi_label']);
  if (mode) set.mode = mode;
  const dtype = choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']) ?? 'fp32';
  const batchSize = intFlag(a, 'batch', 1, 512) ?? 16;
  for (const w of warnings) io.err(`warning: ${w}\n`);

  const classifier = await createClassifierFromFlags(a, { dtype, io, isTTY: !!io.isTTY });
  io.err(`model: ${classifier.info.checkpoint} (${classifier.info.kind}, ${classifier.info.dtype}${classifier.info.revision ? `, ${classifier.info.revision}` : ''})\n`);
  for (const w of (await classifier.setWarnings?.(set)) ?? []) io.err(`warning: ${w}\n`);
  const progress = createProgress(io.err, !!io.isTTY);
  let summary: RunSummary;
  try {
    summary = await runClassification({
      root,
      set,
      categoriesHash: categoriesHash(set),
      classifier,
      batchSize,
      force: has(a, 'force'),
      signal,
      onEvent: (e) => {
        if (e.type === 'progress') progress.update(e.done, e.total);
        else if (e.type === 'discovered') for (const p of e.problems) io.err(`warning: ${p.path}: ${p.message}\n`);
      },
    });
  } finally {
    progress.finish();
    await classifier.dispose?.();
  }
  printSummary(summary, io);
  if (has(a, 'json')) io.out(JSON.stringify(summary) + '\n');
  if (summary.cancelled) return 130;
  return summary.failed > 0 ? 2 : 0;
}

function printSummary(s: RunSummary, io: CliIO): void {
  const lines = [
    `${s.cancelled ? 'Cancelled' : 'Done'}: ${s.total} images in ${(s.elapsedMs / 1000).toFixed(1)}s — ${s.classified} classified, ${s.skipped} skipped (already current), ${s.failed} failed.`,
    `Checkpoint: ${s.checkpoint}`,
    'Per category:',
    ...Object.entries(s.perCategory).map(([n, c]) => `  ${n.padEnd(24)} ${c}`),
    `Review queue (nothing fits or low confidence): ${s.reviewQueue}`,
  ];
  if (s.vlm_calls !== undefined) {
    const saved = s.vlm_calls_saved !== undefined ? `, vlm_calls_saved ${s.vlm_calls_saved} (settled by zero-shot)` : '';
    lines.push(`VLM: vlm_calls ${s.vlm_calls}${saved}; ${s.vlm_requests ?? 0} requests`);
    lines.push(`Tokens: ${formatTokens(s.tokens ?? null, { requests: s.vlm_requests ?? 0, reported: s.vlm_requests_with_usage ?? 0 })}`);
  }
  if (s.errors.length) {
    lines.push(`Errors (${s.errors.length}):`);
    for (const e of s.errors) lines.push(`  ${e.relPath}: ${e.message}`);
  }
  io.out(lines.join('\n') + '\n');
}

export { CategoriesError };

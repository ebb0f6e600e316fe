// `image-triage classify <folder> --categories <file> [--model <id|dir>] [--mode …] [--dtype …]
//   [--batch N] [--force] [--json] [--cache-dir DIR]`
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CategoriesError, categoriesHash, parseCategories } from '../../core/categories';
import type { Mode } from '../../core/types';
import { runClassification, type RunSummary } from '../../core/run';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../../classifiers/config';
import { CLASSIFIER_FLAGS, cascadeRuleFromFlags, classifierChoice, createCascadeFromFlags, createClassifierFromFlags } from '../classifierFlags';
import { runCascade, type CascadeEvent } from '../../core/cascade';
import { DEFAULT_CASCADE_WHEN } from '../../core/cascadeRule';
import type { ClassifierInfo } from '../../core/classifier';
import { UsageError, choiceFlag, flag, has, intFlag, parseArgs, type CliIO } from '../args';
import { createProgress } from '../progress';
import { formatTokens } from '../../core/tokens';
import { ShardError, parseShard, shardTag, type Shard } from '../../core/shard';

export const CLASSIFY_USAGE = `usage: image-triage classify <folder> [--categories <file>] [--model <hub id|dir>] [--dtype fp32|q8|fp16]
         [--revision <branch|tag|sha>] [--threads N] [--lanes N] [--mode single_label|multi_label] [--batch N] [--force]
         [--json] [--cache-dir <dir>] [--logit-scale <x> --logit-bias <b>] [--classifier zero-shot|vlm|cascade]
         [--endpoint <base url>] [--vlm-model <name>] [--concurrency N] [--vlm-timeout <ms>] [--vlm-max-side <px>]
         [--send-images] [--cascade-when <rule>] [--device auto|cpu|cuda|dml|coreml|webgpu]
         [--shard K/N | --shard auto [--shards N]] [--encoder-url <url>] [--help]
  --categories defaults to <folder>/categories.json; --model defaults to ${DEFAULT_ZERO_SHOT_MODEL}.
  --logit-scale/--logit-bias: SigLIP's exp(logit_scale) (117.33 for siglip-base) and bias, for
  checkpoints not in the known table (see "image-triage model info").
  VLM: --endpoint is an OpenAI-compatible base URL (alias --vlm-url); --concurrency requests at once
  (default 4, alias --vlm-concurrency); --vlm-timeout per request (default 120000); --vlm-max-side:
  images are downscaled to fit this side before sending (default 1024); --send-images agrees to
  upload images to an endpoint that is not on this machine. The API key is read from
  $IMAGE_TRIAGE_VLM_API_KEY.
  Cascade: zero-shot classifies every image, the VLM only those the rule calls uncertain. --cascade-when
  takes comma-separated terms, any of which sends an image on: fits_any=false, confidence=low|medium|high,
  confidence<=low|medium|high, score<=1..5 (the card's best score), route=review, always.
  Default: ${DEFAULT_CASCADE_WHEN}.
  --threads (zero-shot): ONNX Runtime threads in all (default: every core). --lanes: vision sessions side by
    side on the CPU (default 2, each with half the threads; faster on a busy machine); 1 keeps a single copy
    of the vision weights in memory (fp32 ViT-B/32: 350 MB less).
  --device (zero-shot; or $IMAGE_TRIAGE_DEVICE): auto = CoreML on macOS, DirectML on Windows, CUDA on Linux
    when its libraries load, else CPU. A device that cannot start falls back to the CPU with a warning.
  --encoder-url (zero-shot; or $IMAGE_TRIAGE_ENCODER_URL): run both towers on an Open Inference Protocol
    (KServe v2) server such as NVIDIA Triton, serving the checkpoint's onnx/text_model and
    onnx/vision_model as models "text_model" and "vision_model" (q8: *_quantized, fp16: *_fp16); the
    tokenizer and preprocessing still come from --model. Not on this machine: needs --send-images.
  --shard K/N classifies only the images whose relative path hashes to shard K (1-based) of N, so N
    processes or machines share a folder without overlap; auto reads JOB_COMPLETION_INDEX (Kubernetes
    Indexed Job, with --shards N), SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or
    IMAGE_TRIAGE_SHARD_INDEX/IMAGE_TRIAGE_SHARD_COUNT (0-based; e.g. a GitHub Actions matrix).`;

/** Every flag classify accepts (the --help test compares this with CLASSIFY_USAGE). */
export const CLASSIFY_ARGS = {
  booleans: ['force', 'json', 'send-images', 'help'],
  values: ['categories', 'model', 'dtype', 'mode', 'batch', 'cache-dir', 'revision', 'threads', 'lanes', 'shard', 'shards', ...CLASSIFIER_FLAGS],
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
  const shardSpec = flag(a, 'shard');
  if (!shardSpec && flag(a, 'shards')) throw new UsageError('--shards N goes with --shard auto');
  let shard: Shard | undefined;
  try {
    shard = shardSpec ? parseShard(shardSpec, flag(a, 'shards'), io.env ?? process.env) : undefined;
  } catch (e) {
    if (e instanceof ShardError) throw new UsageError(e.message);
    throw e;
  }
  if (shard) io.err(`shard ${shard.index}/${shard.count}${shard.source ? ` (from ${shard.source})` : ''}: images whose relative path hashes to it; embeddings go to this shard's own store (image-triage cache merge combines them)\n`);

  const choice = classifierChoice(a);
  const rule = cascadeRuleFromFlags(a);
  if (shard && choice === 'cascade') throw new UsageError('--shard is not supported with --classifier cascade yet: run the zero-shot shards, then the cascade unsharded (zero-shot answers are current, so only the VLM step runs)');
  const tag = shard && shard.count > 1 ? shardTag(shard) : undefined;
  const progress = createProgress(io.err, !!io.isTTY);
  const common = { root, set, categoriesHash: categoriesHash(set), batchSize, force: has(a, 'force'), signal };
  const onEvent = (e: CascadeEvent) => {
    if (e.type === 'progress') progress.update(e.done, e.total);
    else if (e.type === 'discovered') for (const p of e.problems) io.err(`warning: ${p.path}: ${p.message}\n`);
    else if (e.type === 'stage' && e.stage === 'vlm') {
      progress.finish();
      io.err(`cascade: ${e.total} uncertain images go to the VLM (${e.saved} settled by zero-shot, ${e.current} with a current VLM answer; rule ${rule.text})\n`);
    }
  };
  let summary: RunSummary;
  if (choice === 'cascade') {
    const { zeroShot, vlm } = await createCascadeFromFlags(a, { dtype, io, isTTY: !!io.isTTY });
    describe(zeroShot.info, io);
    describe(vlm.info, io);
    for (const w of (await zeroShot.setWarnings?.(set)) ?? []) io.err(`warning: ${w}\n`);
    try {
      summary = await runCascade({ ...common, zeroShot, vlm, rule, onEvent });
    } finally {
      progress.finish();
      await zeroShot.dispose?.();
      await vlm.dispose?.();
    }
  } else {
    const classifier = await createClassifierFromFlags(a, { dtype, io, isTTY: !!io.isTTY, shardTag: tag });
    describe(classifier.info, io);
    for (const w of (await classifier.setWarnings?.(set)) ?? []) io.err(`warning: ${w}\n`);
    try {
      summary = await runClassification({ ...common, classifier, shard, onEvent });
    } finally {
      progress.finish();
      await classifier.dispose?.();
    }
  }
  printSummary(summary, io);
  if (has(a, 'json')) io.out(JSON.stringify(summary) + '\n');
  if (summary.cancelled) return 130;
  return summary.failed > 0 ? 2 : 0;
}

function describe(info: ClassifierInfo, io: CliIO): void {
  io.err(`model: ${info.checkpoint} (${info.kind}, ${info.dtype}${info.revision ? `, ${info.revision}` : ''}${info.device ? `, device ${info.device}` : ''})\n`);
  if (info.deviceNote) io.err(`${info.deviceNote.startsWith('device auto') ? 'note' : 'warning'}: ${info.deviceNote}\n`);
}

function printSummary(s: RunSummary, io: CliIO): void {
  const lines = [
    `${s.cancelled ? 'Cancelled' : 'Done'}${s.shard ? ` (shard ${s.shard})` : ''}: ${s.total} images in ${(s.elapsedMs / 1000).toFixed(1)}s — ${s.classified} classified, ${s.skipped} skipped (already current), ${s.failed} failed.`,
    `Checkpoint: ${s.checkpoint}${s.device ? ` (device: ${s.device})` : ''}`,
    'Per category:',
    ...Object.entries(s.perCategory).map(([n, c]) => `  ${n.padEnd(24)} ${c}`),
    `Review queue (nothing fits or low confidence): ${s.reviewQueue}`,
  ];
  if (s.vlm_calls !== undefined) {
    const saved = s.vlm_calls_saved !== undefined ? `, vlm_calls_saved ${s.vlm_calls_saved} (settled by zero-shot)` : '';
    const current = 'vlm_current' in s ? `, ${(s as { vlm_current: number }).vlm_current} already current` : '';
    lines.push(`VLM: vlm_calls ${s.vlm_calls}${saved}${current}; ${s.vlm_requests ?? 0} requests`);
    lines.push(`Tokens: ${formatTokens(s.tokens ?? null, { requests: s.vlm_requests ?? 0, reported: s.vlm_requests_with_usage ?? 0 })}`);
  }
  if (s.errors.length) {
    lines.push(`Errors (${s.errors.length}):`);
    for (const e of s.errors) lines.push(`  ${e.relPath}: ${e.message}`);
  }
  io.out(lines.join('\n') + '\n');
}

export { CategoriesError };

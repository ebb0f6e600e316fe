// `image-triage certify <folder> --max-error E [--classifier …] [--threshold T] [--size N] [--seed S] [--json]`
// Draws or extends a certification sample (seeded, among unreviewed images at or above a candidate
// threshold), then prints where it stands: judged, wrong, the bound, certified or the stop rule.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { SidecarCorruptError, updateSidecar } from '../../core/sidecarStore';
import type { ClassifierKind } from '../../core/types';
import { parseSeed } from '../../core/audit/prng';
import { moreNeeded } from '../../core/certify/bounds';
import {
  certifyEntry,
  certifySampleId,
  certifyState,
  chooseGroup,
  defaultThreshold,
  sampleUnits,
  samplesOf,
  unitsToDraw,
  unreviewed,
  type CertifyGroup,
  type CertifyImage,
  type CertifyState,
} from '../../core/certify/certify';
import { UsageError, withUsage, choiceFlag, flag, has, intFlag, parseArgs, type CliIO, type ArgSpec } from '../args';

export const CERTIFY_USAGE = `usage: image-triage certify <folder> --max-error E [--classifier zero-shot|vlm] [--threshold T] [--size N] [--seed S] [--json]
  Certifies that at most E (e.g. 0.02) of the unreviewed images at or above a score threshold have the
  wrong category, for one classifier + checkpoint: the one-sided 95% Clopper–Pearson upper bound of the
  error rate in a seeded random sample of them must be ≤ E. The score is the top category's raw score
  (zero-shot softmax/sigmoid; VLM: card score 1–5). The candidate threshold is fixed when the sample is
  first drawn (--threshold, default the median unreviewed score); another threshold is a new sample.
  --size N extends the sample to N; without it the first draw is the size that certifies if none is
  wrong, and a fully judged, uncertified sample grows by what the stop rule asks. Judge each unit with
  image-triage audit mark <image> --category-right | --category-wrong <name> (or in the panel's audit mode).`;

const CLASSIFIERS: readonly ClassifierKind[] = ['zero-shot', 'vlm'];

export function maxErrorFlag(v: string | undefined): number {
  if (v === undefined) throw new UsageError('--max-error is required, e.g. --max-error 0.02');
  const n = Number(v);
  if (!v.trim() || !(n > 0 && n < 1)) throw new UsageError(`--max-error must be a rate between 0 and 1, e.g. 0.02 (got "${v}")`);
  return n;
}

/** The folder's certification group and its current sample (the latest, or the one --threshold/--seed name). */
export function resolveSample(images: readonly CertifyImage[], g: CertifyGroup, opts: { threshold?: number; seed?: number }) {
  const match = samplesOf(images, g).find((s) => (opts.threshold === undefined || s.threshold === opts.threshold) && (opts.seed === undefined || s.seed === opts.seed));
  return match ?? null;
}

/** The flags the parser accepts (tests compare them with --help and the README). */
export const CERTIFY_ARGS: ArgSpec = { booleans: ['json'], values: ['max-error', 'classifier', 'threshold', 'size', 'seed'] };

async function folderArg(p: string | undefined): Promise<string> {
  if (!p) throw new UsageError('give one folder');
  const root = path.resolve(p);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${p} is not a folder`);
  return root;
}

export async function loadGroup(root: string, classifier: ClassifierKind | undefined, io: CliIO) {
  const images = await indexFolder(root);
  for (const img of images) if (img.sidecarError) io.err(`skipped ${img.relPath}: ${img.sidecarError}\n`);
  const g = chooseGroup(images, classifier);
  return { images, g };
}

export function describeState(s: CertifyState): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `${s.classifier} ${s.checkpoint} (categories ${s.categories_hash}); score: ${s.score}`,
    `Candidate threshold: ≥ ${s.threshold}: ${s.above} of ${s.unreviewed} unreviewed images (coverage ${pct(s.coverage)})`,
    `Sample ${s.sample_id} (seed ${s.seed}): ${s.sampled} drawn, ${s.sample_size} judged, ${s.errors} wrong, ${s.pending.length} awaiting a verdict${s.skipped ? `, ${s.skipped} skipped (not counted)` : ''}`,
    `Upper bound of the error rate: ${pct(s.upper_bound)} (${s.method}); target ≤ ${pct(s.max_error)}`,
    s.certified ? `CERTIFIED: threshold ${s.threshold}. Next: image-triage accept <folder> --auto --max-error ${s.max_error}` : 'Not certified yet.',
    s.stop_rule,
  ];
  if (s.pending.length) lines.push('Awaiting a verdict (image-triage audit mark <image> --category-right | --category-wrong <name>):', ...s.pending.slice(0, 20).map((p) => `  ${p}`));
  if (s.pending.length > 20) lines.push(`  … ${s.pending.length - 20} more (--json lists them all)`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, CERTIFY_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('certify takes one folder');
  const maxError = maxErrorFlag(flag(a, 'max-error'));
  const classifier = choiceFlag(a, 'classifier', CLASSIFIERS);
  const size = intFlag(a, 'size', 1, 10_000_000);
  const seedText = flag(a, 'seed');
  const seed = seedText === undefined ? undefined : parseSeed(seedText);
  if (seed === null) throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got "${seedText}")`);
  const tText = flag(a, 'threshold');
  const threshold = tText === undefined ? undefined : Number(tText);
  if (threshold !== undefined && (!tText!.trim() || !Number.isFinite(threshold))) throw new UsageError(`--threshold must be a number (got "${tText}")`);
  const root = await folderArg(a.positionals[0]);

  let { images, g } = await loadGroup(root, classifier, io);
  if (!g) {
    io.err(`No ${classifier ?? ''}${classifier ? ' ' : ''}predictions in ${a.positionals[0]}: classify it first.\n`);
    return 1;
  }
  const existing = resolveSample(images, g, { threshold, seed });
  const units = unreviewed(images, g).labelled;
  const t = existing?.threshold ?? threshold ?? defaultThreshold(units);
  if (t === null) {
    io.err(`No unreviewed ${g.classifier} predictions with a category in ${a.positionals[0]}: nothing to certify.\n`);
    return 1;
  }
  const ref = existing ?? { sampleId: certifySampleId(g, t, seed ?? 1), threshold: t, seed: seed ?? 1 };
  const sampled = sampleUnits(images, ref.sampleId);
  let target = size;
  if (target === undefined) {
    if (!existing) target = moreNeeded(0, 0, maxError) ?? 0;
    else {
      const s = certifyState(images, g, ref, maxError);
      target = !s.certified && !s.pending.length && s.more_needed ? sampled.length + s.more_needed : sampled.length;
    }
  }
  const draw = unitsToDraw(units, sampled, g, ref.threshold, ref.seed, target);
  const now = new Date().toISOString();
  let marked = 0;
  for (const u of draw) {
    await updateSidecar(u.path, (sc) => {
      if (!sc || sc.review.status !== 'pending' || sc.audit.some((e) => e.status === 'awaiting' && e.classifier === g!.classifier)) return null;
      marked++;
      return { ...sc, audit: [...sc.audit, certifyEntry(u, g!, ref, now)] };
    }).catch((e) => {
      if (!(e instanceof SidecarCorruptError)) throw e;
    });
  }
  if (marked) images = await indexFolder(root);
  const state = certifyState(images, g, ref, maxError);
  if (marked) io.err(`Drew ${marked} more image${marked === 1 ? '' : 's'} at or above ${ref.threshold} into sample ${ref.sampleId}.\n`);
  else if (target > sampled.length) io.err(`No more unreviewed images at or above ${ref.threshold} to draw (the sample holds ${sampled.length}).\n`);
  if (has(a, 'json')) {
    const { curve, ...rest } = state;
    io.out(JSON.stringify({ ...rest, drawn: marked, curve }) + '\n');
  } else io.out(describeState(state));
  return 0;
}

export const certifyCommand = withUsage(CERTIFY_USAGE, run);

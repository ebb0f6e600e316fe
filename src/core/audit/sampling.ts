// Reproducible, stratified audit samples. One sampling unit is one classifier's prediction for one
// image. Strata are classifier × top predicted category × its confidence. Allocation is proportional,
// at least one per stratum where the size allows, rounded by largest remainder. Selection and order
// come from a seeded mulberry32 stream consumed in a fixed order (strata by key, items by relPath),
// so the same seed and the same predictions give the same sample in the same order.
import type { AuditEntry, ClassifierKind, Confidence, Prediction, Sidecar } from '../types';
import { predictedLabels } from '../sidecar';
import { SidecarCorruptError, updateSidecar } from '../sidecarStore';
import { sha256Hex } from '../hash';
import { NONE_LABEL, sampleSizeForMargin } from './stats';
import { mulberry32, shuffled } from './prng';

export interface SampleCandidate {
  path: string;
  relPath: string;
  classifier: ClassifierKind;
  checkpoint: string;
  promptVersion?: string;
  /** Predicted labels, sorted. */
  labels: string[];
  /** Highest-scoring predicted category, or NONE_LABEL. */
  topLabel: string;
  /** Confidence of the top category, or 'none' when nothing was predicted. */
  confidence: Confidence | 'none';
}

export interface SourceImage {
  path: string;
  relPath: string;
  sidecar: Sidecar | null;
}

/** The highest-scoring predicted category (ties: the first listed), or undefined. */
export function topCategory(p: Prediction): Prediction['predicted_categories'][number] | undefined {
  let best: Prediction['predicted_categories'][number] | undefined;
  for (const c of p.predicted_categories) if (!best || c.score > best.score) best = c;
  return best;
}

/** Every prediction of every image (or only one classifier's), as sampling units. */
export function sampleCandidates(images: readonly SourceImage[], opts: { classifier?: ClassifierKind } = {}): SampleCandidate[] {
  const out: SampleCandidate[] = [];
  for (const img of images) {
    if (!img.sidecar) continue;
    for (const kind of ['zero-shot', 'vlm'] as ClassifierKind[]) {
      if (opts.classifier && opts.classifier !== kind) continue;
      const p = img.sidecar.predictions[kind];
      if (!p) continue;
      const top = topCategory(p);
      out.push({
        path: img.path,
        relPath: img.relPath,
        classifier: kind,
        checkpoint: p.checkpoint,
        ...(p.prompt_version ? { promptVersion: p.prompt_version } : {}),
        labels: predictedLabels(p),
        topLabel: top?.name ?? NONE_LABEL,
        confidence: top?.confidence ?? 'none',
      });
    }
  }
  return out;
}

export function stratumKey(c: Pick<SampleCandidate, 'classifier' | 'topLabel' | 'confidence'>): string {
  return `${c.classifier}\u0000${c.topLabel}\u0000${c.confidence}`;
}

/**
 * Splits n over strata of the given sizes: quotas n·N_h/N, floored, raised to 1 where n is at least
 * the number of strata, then corrected to sum to n by largest remainder (ties: the earlier stratum).
 * Never more than a stratum holds; n is capped at the total.
 */
export function allocate(sizes: readonly number[], n: number): number[] {
  const total = sizes.reduce((s, x) => s + x, 0);
  const want = Math.max(0, Math.min(Math.floor(n), total));
  if (want === 0) return sizes.map(() => 0);
  const quota = sizes.map((s) => (want * s) / total);
  const minOne = want >= sizes.filter((s) => s > 0).length;
  const alloc = quota.map((q, i) => (minOne && sizes[i] > 0 ? Math.max(1, Math.floor(q)) : Math.floor(q)));
  let sum = alloc.reduce((s, x) => s + x, 0);
  const byExcess = () => alloc.map((a, i) => ({ i, r: quota[i] - a }));
  while (sum < want) {
    const pick = byExcess()
      .filter(({ i }) => alloc[i] < sizes[i])
      .sort((x, y) => y.r - x.r || x.i - y.i)[0];
    alloc[pick.i]++;
    sum++;
  }
  while (sum > want) {
    // Only when the minimum of one overshot: take back from the most over-allocated strata.
    const pick = byExcess()
      .filter(({ i }) => alloc[i] > (minOne ? 1 : 0))
      .sort((x, y) => x.r - y.r || x.i - y.i)[0];
    alloc[pick.i]--;
    sum--;
  }
  return alloc;
}

export interface StratumInfo {
  key: string;
  classifier: ClassifierKind;
  category: string;
  confidence: Confidence | 'none';
  population: number;
  sampled: number;
}

export interface AuditSample {
  seed: number;
  /** Derived from the seed and the sampled units, so a repeated draw has the same id. */
  sampleId: string;
  population: number;
  strata: StratumInfo[];
  /** Sampled units, in audit order. */
  items: SampleCandidate[];
}

export interface SampleOptions {
  seed: number;
  /** A count, capped at the number of candidates. */
  size?: number;
  /**
   * Target 95% Wilson margin of error for a rate (the hallucination rate) per classifier: each
   * classifier gets sampleSizeForMargin(margin, {p, population}) of its own predictions.
   */
  margin?: number;
  /** Expected rate for the margin computation; 0.5 (worst case) when absent. */
  p?: number;
}

const byRelPath = (a: SampleCandidate, b: SampleCandidate) =>
  a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : a.classifier < b.classifier ? -1 : a.classifier > b.classifier ? 1 : 0;
const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Draws a stratified sample. Exactly one of `size` or `margin` must be given. */
export function drawSample(candidates: readonly SampleCandidate[], opts: SampleOptions): AuditSample {
  if ((opts.size === undefined) === (opts.margin === undefined)) throw new RangeError('give a sample size or a margin of error (one of them)');
  if (opts.size !== undefined && !(Number.isInteger(opts.size) && opts.size >= 1)) throw new RangeError(`size must be a positive integer, got ${opts.size}`);
  const groups = new Map<string, SampleCandidate[]>();
  for (const c of candidates) {
    const k = stratumKey(c);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(c);
  }
  const strata = [...groups].map(([key, items]) => ({ key, items: [...items].sort(byRelPath) })).sort(byKey);
  const sizes = strata.map((s) => s.items.length);
  let alloc: number[];
  if (opts.size !== undefined) {
    alloc = allocate(sizes, opts.size);
  } else {
    alloc = strata.map(() => 0);
    for (const kind of [...new Set(strata.map((s) => s.items[0].classifier))].sort()) {
      const idx = strata.map((s, i) => (s.items[0].classifier === kind ? i : -1)).filter((i) => i >= 0);
      const population = idx.reduce((s, i) => s + sizes[i], 0);
      const n = sampleSizeForMargin(opts.margin!, { p: opts.p, population });
      allocate(idx.map((i) => sizes[i]), n).forEach((a, j) => (alloc[idx[j]] = a));
    }
  }
  const rng = mulberry32(opts.seed);
  const chosen: SampleCandidate[] = [];
  strata.forEach((s, i) => chosen.push(...shuffled(s.items, rng).slice(0, alloc[i])));
  const items = shuffled(chosen, rng);
  const sampleId = 's-' + sha256Hex(`${opts.seed}\n` + items.map((c) => `${c.classifier}\t${c.relPath}`).join('\n')).slice(0, 12);
  return {
    seed: opts.seed,
    sampleId,
    population: candidates.length,
    strata: strata.map((s, i) => ({
      key: s.key,
      classifier: s.items[0].classifier,
      category: s.items[0].topLabel,
      confidence: s.items[0].confidence,
      population: s.items.length,
      sampled: alloc[i],
    })),
    items,
  };
}

export interface MarkResult {
  marked: number;
  /** Units that already had an awaiting entry for that classifier (left as they were). */
  alreadyAwaiting: number;
  /** Units whose sidecar or prediction disappeared (or became corrupt) since the sample was drawn. */
  missing: number;
}

/** Adds an `awaiting` audit entry per sampled unit, unless one for that classifier is already there. */
export async function markSampled(sample: AuditSample, now = new Date().toISOString()): Promise<MarkResult> {
  const result: MarkResult = { marked: 0, alreadyAwaiting: 0, missing: 0 };
  for (const item of sample.items) {
    await updateSidecar(item.path, (sc) => {
      const p = sc?.predictions[item.classifier];
      if (!sc || !p) {
        result.missing++;
        return null;
      }
      if (sc.audit.some((e) => e.status === 'awaiting' && e.classifier === item.classifier)) {
        result.alreadyAwaiting++;
        return null;
      }
      const top = topCategory(p);
      const entry: AuditEntry = {
        status: 'awaiting',
        sample_id: sample.sampleId,
        seed: sample.seed,
        sampled_at: now,
        classifier: item.classifier,
        checkpoint: p.checkpoint,
        ...(p.prompt_version ? { prompt_version: p.prompt_version } : {}),
        predicted_labels: predictedLabels(p),
        ...(top ? { confidence: top.confidence } : {}),
      };
      result.marked++;
      return { ...sc, audit: [...sc.audit, entry] };
    }).catch((e) => {
      if (!(e instanceof SidecarCorruptError)) throw e;
      result.missing++;
    });
  }
  return result;
}

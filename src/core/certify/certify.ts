// Certified auto-accept: is the category error rate at and above a score threshold, for ONE
// classifier + checkpoint + category set, at or below a target, with 95% confidence?
// - The score is the top predicted category's raw score within that checkpoint (zero-shot: its
//   softmax or sigmoid value in `zero_shot.scores`; VLM: its 1–5 card score). It never depends on
//   how scores map to the card, and is never compared across checkpoints.
// - The candidate threshold is fixed before any verdict is seen (given, or the median unreviewed
//   score), and stored in every sampled unit. A new candidate is a new sample: no threshold is ever
//   chosen after looking at verdicts, so one test, one 95% bound, no multiple-comparison inflation.
// - The sample is a seeded simple random sample of the UNREVIEWED images at or above the candidate.
//   Images a person chose to review are not a random sample of anything and never count.
import type { AuditEntry, ClassifierKind, Prediction, Sidecar } from '../types';
import { predictedLabels } from '../sidecar';
import { sha256Hex } from '../hash';
import { mulberry32, shuffled } from '../audit/prng';
import { clopperPearsonUpper, moreNeeded } from './bounds';

export const CERTIFY_METHOD = 'one-sided 95% Clopper–Pearson upper bound';
export const CERTIFY_PREFIX = 'certify-';

export interface CertifyGroup {
  classifier: ClassifierKind;
  checkpoint: string;
  categoriesHash: string;
}

export interface CertifyImage {
  path: string;
  relPath: string;
  sidecar: Sidecar | null;
}

/** The top predicted category's score (see the header), or null when nothing was predicted. */
export function certifyScore(p: Prediction): number | null {
  const labels = predictedLabels(p);
  if (!labels.length) return null;
  const raw = p.zero_shot?.scores;
  if (raw) return Math.max(...labels.map((l) => raw[l] ?? -Infinity));
  return Math.max(...p.predicted_categories.map((c) => c.score));
}

const inGroup = (p: Prediction | undefined, g: CertifyGroup): p is Prediction =>
  !!p && p.checkpoint === g.checkpoint && p.categories_hash === g.categoriesHash;

/**
 * The group with the most unreviewed predictions of the classifier (zero-shot first when not given),
 * or with the most predictions when none is unreviewed.
 */
export function chooseGroup(images: readonly CertifyImage[], classifier?: ClassifierKind): CertifyGroup | null {
  const pending = images.filter((i) => i.sidecar?.review.status === 'pending');
  for (const kind of classifier ? [classifier] : (['zero-shot', 'vlm'] as ClassifierKind[])) {
    const counts = new Map<string, { g: CertifyGroup; n: number }>();
    const pool = pending.some((i) => i.sidecar?.predictions[kind]) ? pending : images;
    for (const img of pool) {
      const p = img.sidecar?.predictions[kind];
      if (!p) continue;
      const key = `${p.checkpoint}\u0000${p.categories_hash}`;
      const c = counts.get(key) ?? { g: { classifier: kind, checkpoint: p.checkpoint, categoriesHash: p.categories_hash }, n: 0 };
      c.n++;
      counts.set(key, c);
    }
    const best = [...counts.values()].sort((a, b) => b.n - a.n || (a.g.checkpoint < b.g.checkpoint ? -1 : 1))[0];
    if (best) return best.g;
  }
  return null;
}

export interface Unit {
  path: string;
  relPath: string;
  score: number;
  labels: string[];
  sidecar: Sidecar;
}

/** Unreviewed images of the group: `labelled` have a predicted category and a score. */
export function unreviewed(images: readonly CertifyImage[], g: CertifyGroup): { all: number; labelled: Unit[] } {
  let all = 0;
  const labelled: Unit[] = [];
  for (const img of images) {
    const sc = img.sidecar;
    const p = sc?.predictions[g.classifier];
    if (!sc || sc.review.status !== 'pending' || !inGroup(p, g)) continue;
    all++;
    const score = certifyScore(p);
    if (score !== null) labelled.push({ path: img.path, relPath: img.relPath, score, labels: predictedLabels(p), sidecar: sc });
  }
  labelled.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { all, labelled };
}

/** Default candidate: the median unreviewed score (about half the unreviewed images lie at or above it). */
export function defaultThreshold(units: readonly Unit[]): number | null {
  if (!units.length) return null;
  const s = units.map((u) => u.score).sort((a, b) => b - a);
  return s[Math.floor((s.length - 1) / 2)];
}

export function certifySampleId(g: CertifyGroup, threshold: number, seed: number): string {
  return CERTIFY_PREFIX + sha256Hex([g.classifier, g.checkpoint, g.categoriesHash, threshold, seed].join('\n')).slice(0, 12);
}

export interface SampleRef {
  sampleId: string;
  threshold: number;
  seed: number;
  sampledAt: string;
}

/** Certification samples of the group, newest first. */
export function samplesOf(images: readonly CertifyImage[], g: CertifyGroup): SampleRef[] {
  const by = new Map<string, SampleRef>();
  for (const img of images) {
    for (const e of img.sidecar?.audit ?? []) {
      if (!e.certify || e.classifier !== g.classifier || e.checkpoint !== g.checkpoint || e.certify.categories_hash !== g.categoriesHash) continue;
      const cur = by.get(e.sample_id);
      if (!cur || e.sampled_at > cur.sampledAt) by.set(e.sample_id, { sampleId: e.sample_id, threshold: e.certify.threshold, seed: e.seed ?? 0, sampledAt: e.sampled_at });
    }
  }
  return [...by.values()].sort((a, b) => (a.sampledAt < b.sampledAt ? 1 : a.sampledAt > b.sampledAt ? -1 : 0));
}

export interface SampledUnit {
  relPath: string;
  path: string;
  score: number;
  state: 'awaiting' | 'right' | 'wrong' | 'skipped';
}

/** The units of one certification sample and their verdicts. */
export function sampleUnits(images: readonly CertifyImage[], sampleId: string): SampledUnit[] {
  const out: SampledUnit[] = [];
  for (const img of images) {
    const e = [...(img.sidecar?.audit ?? [])].reverse().find((x) => x.sample_id === sampleId && x.certify);
    if (!e) continue;
    const state = e.status === 'awaiting' ? 'awaiting' : e.category_correct === true ? 'right' : e.category_correct === false ? 'wrong' : 'skipped';
    out.push({ relPath: img.relPath, path: img.path, score: e.certify!.score, state });
  }
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/**
 * Units to add so the sample holds `size`: the seeded permutation of the unreviewed images at or
 * above the threshold, in order, skipping those already sampled and those awaiting another audit.
 * Extending a sample this way keeps it a simple random sample.
 */
export function unitsToDraw(units: readonly Unit[], sampled: readonly SampledUnit[], g: CertifyGroup, threshold: number, seed: number, size: number): Unit[] {
  const inSample = new Set(sampled.map((s) => s.relPath));
  const want = size - sampled.length;
  if (want <= 0) return [];
  const order = shuffled(units.filter((u) => u.score >= threshold), mulberry32(seed));
  const out: Unit[] = [];
  for (const u of order) {
    if (out.length >= want) break;
    if (inSample.has(u.relPath)) continue;
    if (u.sidecar.audit.some((e) => e.status === 'awaiting' && e.classifier === g.classifier)) continue;
    out.push(u);
  }
  return out;
}

/** The awaiting audit entry that puts a unit in the sample. */
export function certifyEntry(u: Unit, g: CertifyGroup, ref: { sampleId: string; threshold: number; seed: number }, now: string): AuditEntry {
  const p = u.sidecar.predictions[g.classifier]!;
  return {
    status: 'awaiting',
    sample_id: ref.sampleId,
    seed: ref.seed,
    sampled_at: now,
    classifier: g.classifier,
    checkpoint: g.checkpoint,
    ...(p.prompt_version ? { prompt_version: p.prompt_version } : {}),
    predicted_labels: u.labels,
    certify: { threshold: ref.threshold, score: u.score, categories_hash: g.categoriesHash },
  };
}

export interface CurvePoint {
  threshold: number;
  coverage: number;
  n: number;
  errors: number;
  upper_bound: number;
}

export interface CertifyState {
  classifier: ClassifierKind;
  checkpoint: string;
  categories_hash: string;
  score: string;
  method: string;
  max_error: number;
  threshold: number;
  seed: number;
  sample_id: string;
  /** Units with a category verdict (right or wrong). */
  sample_size: number;
  errors: number;
  skipped: number;
  sampled: number;
  upper_bound: number;
  certified: boolean;
  /** Unreviewed images of the group at or above the threshold, over all its unreviewed images. */
  coverage: number;
  unreviewed: number;
  above: number;
  pending: string[];
  /** Judged units, none wrong, still needed beyond the pending ones; null when out of reach. */
  more_needed: number | null;
  stop_rule: string;
  /** Pointwise bounds at the sampled scores above the candidate: a guide for the next candidate, not a certificate. */
  curve: CurvePoint[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1).replace(/\.?0+$/, '')}%`;

export function certifyState(images: readonly CertifyImage[], g: CertifyGroup, ref: { sampleId: string; threshold: number; seed: number }, maxError: number): CertifyState {
  const units = sampleUnits(images, ref.sampleId);
  const judged = units.filter((u) => u.state === 'right' || u.state === 'wrong');
  const errors = judged.filter((u) => u.state === 'wrong').length;
  const upper = clopperPearsonUpper(errors, judged.length);
  const { all, labelled } = unreviewed(images, g);
  const above = labelled.filter((u) => u.score >= ref.threshold).length;
  const pending = units.filter((u) => u.state === 'awaiting').map((u) => u.relPath);
  // Every drawn unit must be judged: an auditor who judged only the easy ones would bias the bound.
  const certified = upper <= maxError && pending.length === 0;
  const sampledSet = new Set(units.map((u) => u.relPath));
  const remaining = labelled.filter((u) => u.score >= ref.threshold && !sampledSet.has(u.relPath)).length;
  const more = upper <= maxError ? 0 : moreNeeded(errors, judged.length + pending.length, maxError);
  const t = ref.threshold;
  let stop: string;
  if (certified) stop = `Certified: at most ${pct(maxError)} wrong at or above ${t} (upper bound ${pct(upper)}; ${errors} wrong of ${judged.length}).`;
  else if (more === null) stop = `Out of reach: with ${errors} wrong of ${judged.length} no feasible audit brings the bound to ${pct(maxError)}; choose a higher --threshold (a new sample).`;
  else if (more > remaining) stop = `Out of reach at this threshold: ${more} more clean audits are needed (now: ${errors} wrong of ${judged.length}, upper bound ${pct(upper)}) but only ${remaining} unreviewed image${remaining === 1 ? '' : 's'} above it are not yet sampled; choose a higher --threshold (a new sample).`;
  else {
    const first = pending.length ? `audit the ${pending.length} pending image${pending.length === 1 ? '' : 's'}${more ? ', then ' : ''}` : '';
    stop = `${first}${more ? `audit ${more} more above this threshold` : ''}; if none is wrong, ≤ ${pct(maxError)} is certified (now: ${errors} wrong of ${judged.length}, upper bound ${pct(upper)}).`;
    stop = stop[0].toUpperCase() + stop.slice(1);
  }
  const curve: CurvePoint[] = [...new Set(judged.map((u) => u.score))]
    .sort((a, b) => a - b)
    .map((s) => {
      const sub = judged.filter((u) => u.score >= s);
      const k = sub.filter((u) => u.state === 'wrong').length;
      return { threshold: s, coverage: all ? labelled.filter((u) => u.score >= s).length / all : 0, n: sub.length, errors: k, upper_bound: clopperPearsonUpper(k, sub.length) };
    });
  return {
    classifier: g.classifier,
    checkpoint: g.checkpoint,
    categories_hash: g.categoriesHash,
    score: g.classifier === 'zero-shot' ? 'top-1 raw zero-shot score (softmax/sigmoid) of this checkpoint' : 'top-1 card score (1–5)',
    method: CERTIFY_METHOD,
    max_error: maxError,
    threshold: t,
    seed: ref.seed,
    sample_id: ref.sampleId,
    sample_size: judged.length,
    errors,
    skipped: units.filter((u) => u.state === 'skipped').length,
    sampled: units.length,
    upper_bound: upper,
    certified,
    coverage: all ? above / all : 0,
    unreviewed: all,
    above,
    pending,
    more_needed: more,
    stop_rule: stop,
    curve,
  };
}

// From embeddings to the routing card. CLIP: softmax over categories of exp(logit_scale)·cos.
// SigLIP: sigmoid(cos·exp(scale) + bias), independent per category. Neither is a calibrated
// probability, and scores from different checkpoints must never be compared.
//
// Score → 1..5 card score, confidence and fits_any: one documented mapping per score kind
// (core/cardThresholds.ts holds the thresholds and why; README "How zero-shot scores become a routing card"):
//   softmax: score ≥ 0.70 → 5, ≥ 0.45 → 4, ≥ 0.25 → 3, ≥ 0.10 → 2, else 1; a 5 with a margin ≥ 0.30
//     over the best other category → high, 5 with a smaller margin or 4 → medium, else low.
//   sigmoid: the same on the logit (≥ 0 → 5, ≥ −3 → 4, ≥ −5 → 3, ≥ −7 → 2); single_label: a logit lead
//     under 1 over the runner-up → low (review); a 5 leading by ≥ 4 → high.
// Choice, fits_any and route follow the routing card (core/routing).
import type { CardMapping, CategorySet, Confidence, Mode, PredictedCategory, RoutingCard, ZeroShotDetails } from '../../core/types';
import { cardConfidence, cardRoute, chooseByCard, truncateWords } from '../../core/routing';
import { DEFAULT_THRESHOLDS, MAPPING_IDS, resolveThresholds, type CardThresholds, type CardThresholdsOverride } from '../../core/cardThresholds';

export const SCORE_THRESHOLDS = DEFAULT_THRESHOLDS.softmax.scores;
export const HIGH_CONFIDENCE_MARGIN = DEFAULT_THRESHOLDS.softmax.high_margin;
export const LOW_TOP1_WARNING = DEFAULT_THRESHOLDS.softmax.warn_below;

export type ScoreKind = 'softmax' | 'sigmoid';

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (let i = n; i < a.length; i++) s0 += a[i] * b[i];
  return s0 + s1 + s2 + s3;
}

/** Mean of L2-normalised vectors, renormalised: prompt ensembling. */
export function ensemble(vectors: Float32Array[]): Float32Array {
  const dim = vectors[0].length;
  const acc = new Float32Array(dim);
  for (const v of vectors) {
    const n = l2normalise(v);
    for (let i = 0; i < dim; i++) acc[i] += n[i];
  }
  for (let i = 0; i < dim; i++) acc[i] /= vectors.length;
  return l2normalise(acc);
}

export function softmax(logits: number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function modelScores(cosines: number[], kind: ScoreKind, scale: number, bias = 0): number[] {
  return kind === 'softmax' ? softmax(cosines.map((c) => c * scale)) : cosines.map((c) => sigmoid(c * scale + bias));
}

/** Softmax value → 1..5 card score with the default thresholds. */
export function toCardScore(p: number): number {
  return scoreByThresholds(p, SCORE_THRESHOLDS);
}

/** 1 + the number of ascending thresholds that x reaches. */
export function scoreByThresholds(x: number, th: readonly number[]): number {
  let s = 1;
  for (const t of th) if (x >= t) s++;
  return s;
}

/** The logit of a sigmoid value, kept finite. */
export function logitOf(p: number): number {
  const q = Math.min(Math.max(p, 1e-300), 1 - 1e-16);
  return Math.log(q) - Math.log1p(-q);
}

/** One category's card score: softmax value (CLIP) or logit (SigLIP) against its kind's thresholds. */
export function cardScoreOf(kind: ScoreKind, p: number, logit: number, th: CardThresholds): number {
  return kind === 'softmax' ? scoreByThresholds(p, th.softmax.scores) : scoreByThresholds(logit, th.sigmoid.logit_scores);
}

/**
 * A chosen category's confidence. `margin` is its lead over the best other category: in softmax value
 * (softmax) or in logit (sigmoid). Sigmoid, single_label: a lead under min_margin is low (a near tie
 * goes to review); multi_label categories are independent, so only the high-confidence rule applies.
 */
export function confidenceOf(kind: ScoreKind, mode: Mode, score: number, margin: number, th: CardThresholds): Confidence {
  if (kind === 'softmax') return cardConfidence(score, margin < th.softmax.high_margin);
  if (mode === 'single_label' && margin < th.sigmoid.min_margin) return 'low';
  return cardConfidence(score, margin < th.sigmoid.high_margin);
}

/** What the sidecar records about the mapping that produced a card. */
export function cardMapping(kind: ScoreKind, override?: CardThresholdsOverride): CardMapping {
  const th = resolveThresholds(override);
  const given = override?.[kind];
  return { id: MAPPING_IDS[kind], source: given && Object.keys(given).length ? 'categories file' : 'default', thresholds: th[kind] };
}

export interface CardInput {
  set: CategorySet;
  cosines: number[];
  scores: number[];
  kind: ScoreKind;
  scale: number;
  bias?: number;
  /** Sigmoid only: the logits cos·scale + bias (derived from `scores` when absent). */
  logits?: number[];
  /** Closest single prompt per category index, with its cosine. */
  closest: (i: number) => { prompt: string; cosine: number };
  modelLabel: string;
}

const fmt = (x: number, d = 2) => x.toFixed(d);

/** Builds the routing card plus zero-shot details for one image. Evidence states only measured facts. */
export function buildCard(inp: CardInput): { card: RoutingCard; details: ZeroShotDetails; warnings: string[] } {
  const th = resolveThresholds(inp.set.thresholds);
  const sig = inp.kind === 'sigmoid';
  const names = inp.set.categories.map((c) => c.name);
  const logits = sig ? (inp.logits ?? inp.scores.map(logitOf)) : inp.scores;
  const order = names.map((_, i) => i).sort((a, b) => logits[b] - logits[a] || inp.scores[b] - inp.scores[a]);
  const category_scores: Record<string, number> = {};
  names.forEach((n, i) => (category_scores[n] = cardScoreOf(inp.kind, inp.scores[i], logits[i], th)));
  const chosen = chooseByCard(category_scores, names, inp.set.mode);
  const closest_prompt: Record<string, string> = {};
  const predicted: PredictedCategory[] = chosen.map((name) => {
    const i = names.indexOf(name);
    const other = order.find((j) => j !== i)!;
    const margin = inp.scores[i] - inp.scores[other];
    const c = inp.closest(i);
    closest_prompt[name] = c.prompt;
    const score = category_scores[name];
    const lead = sig ? `logit ${fmt(logits[i])}, ${fmt(logits[i] - logits[other])} above "${names[other]}"` : `${fmt(margin)} above "${names[other]}"`;
    return {
      name,
      score,
      confidence: confidenceOf(inp.kind, inp.set.mode, score, sig ? logits[i] - logits[other] : margin, th),
      visual_evidence: `Closest prompt "${c.prompt}" (cosine ${fmt(c.cosine, 3)}); ${inp.kind} score ${fmt(inp.scores[i])}, ${lead}. No visual claims: zero-shot only matches text to the image.`,
    };
  });
  const fits_any = predicted.length > 0;
  const top = order[0];
  const second = order[1];
  const basis = fits_any
    ? `${inp.modelLabel} zero-shot: "${names[top]}" ${inp.kind} score ${fmt(inp.scores[top])}, ${fmt(inp.scores[top] - inp.scores[second])} above "${names[second]}"; uncalibrated, comparable only within this checkpoint.`
    : `${inp.modelLabel} zero-shot: no category scored high enough (best "${names[top]}" at ${fmt(inp.scores[top])}); sent to review.`;
  const card: RoutingCard = {
    predicted_categories: predicted,
    fits_any,
    category_scores,
    would_route_to: cardRoute(predicted, fits_any),
    decision_basis: truncateWords(basis).text,
  };
  const warnings: string[] = [];
  if (!sig && inp.scores[top] < th.softmax.warn_below) {
    warnings.push(`Top-1 score ${fmt(inp.scores[top])} is below ${th.softmax.warn_below}: the image may fit none of the categories.`);
  }
  if (sig && logits[top] < th.sigmoid.warn_below_logit) {
    warnings.push(`Best sigmoid logit ${fmt(logits[top])} (score ${inp.scores[top].toPrecision(2)}) is below ${th.sigmoid.warn_below_logit}: the image may fit none of the categories.`);
  }
  const details: ZeroShotDetails = {
    score_kind: inp.kind,
    scores: Object.fromEntries(names.map((n, i) => [n, round(inp.scores[i])])),
    cosines: Object.fromEntries(names.map((n, i) => [n, round(inp.cosines[i])])),
    top5: order.slice(0, 5).map((i) => ({ name: names[i], score: round(inp.scores[i]), cosine: round(inp.cosines[i]) })),
    templates: inp.set.templates,
    closest_prompt,
    logit_scale: inp.scale,
    ...(inp.kind === 'sigmoid' ? { logit_bias: inp.bias ?? 0 } : {}),
    card_mapping: cardMapping(inp.kind, inp.set.thresholds),
  };
  return { card, details, warnings };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

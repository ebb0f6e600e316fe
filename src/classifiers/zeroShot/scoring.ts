// From embeddings to the routing card. CLIP: softmax over categories of exp(logit_scale)·cos.
// SigLIP: sigmoid(cos·exp(scale) + bias), independent per category. Neither is a calibrated
// probability, and scores from different checkpoints must never be compared.
//
// Score → 1..5 mapping (documented in README "How zero-shot scores become a routing card"):
//   score ≥ 0.70 → 5, ≥ 0.45 → 4, ≥ 0.25 → 3, ≥ 0.10 → 2, else 1.
// Confidence: 5 with a margin ≥ 0.30 over the best other category → high; 5 with a smaller margin,
// or 4 → medium; anything else → low. Choice, fits_any and route follow the routing card (core/routing).
import type { CategorySet, PredictedCategory, RoutingCard, ZeroShotDetails } from '../../core/types';
import { cardConfidence, cardRoute, chooseByCard, truncateWords } from '../../core/routing';

export const SCORE_THRESHOLDS: [number, number, number, number] = [0.1, 0.25, 0.45, 0.7];
export const HIGH_CONFIDENCE_MARGIN = 0.3;
export const LOW_TOP1_WARNING = 0.2;

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

export function toCardScore(p: number): number {
  let s = 1;
  for (const t of SCORE_THRESHOLDS) if (p >= t) s++;
  return s;
}

export interface CardInput {
  set: CategorySet;
  cosines: number[];
  scores: number[];
  kind: ScoreKind;
  scale: number;
  bias?: number;
  /** Closest single prompt per category index, with its cosine. */
  closest: (i: number) => { prompt: string; cosine: number };
  modelLabel: string;
}

const fmt = (x: number, d = 2) => x.toFixed(d);

/** Builds the routing card plus zero-shot details for one image. Evidence states only measured facts. */
export function buildCard(inp: CardInput): { card: RoutingCard; details: ZeroShotDetails; warnings: string[] } {
  const names = inp.set.categories.map((c) => c.name);
  const order = names.map((_, i) => i).sort((a, b) => inp.scores[b] - inp.scores[a]);
  const category_scores: Record<string, number> = {};
  names.forEach((n, i) => (category_scores[n] = toCardScore(inp.scores[i])));
  const chosen = chooseByCard(category_scores, names, inp.set.mode);
  const closest_prompt: Record<string, string> = {};
  const predicted: PredictedCategory[] = chosen.map((name) => {
    const i = names.indexOf(name);
    const other = order.find((j) => j !== i)!;
    const margin = inp.scores[i] - inp.scores[other];
    const c = inp.closest(i);
    closest_prompt[name] = c.prompt;
    const score = category_scores[name];
    return {
      name,
      score,
      confidence: cardConfidence(score, margin < HIGH_CONFIDENCE_MARGIN),
      visual_evidence: `Closest prompt "${c.prompt}" (cosine ${fmt(c.cosine, 3)}); ${inp.kind} score ${fmt(inp.scores[i])}, ${fmt(margin)} above "${names[other]}". No visual claims: zero-shot only matches text to the image.`,
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
  if (inp.scores[top] < LOW_TOP1_WARNING) {
    warnings.push(`Top-1 score ${fmt(inp.scores[top])} is below ${LOW_TOP1_WARNING}: the image may fit none of the categories.`);
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
  };
  return { card, details, warnings };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

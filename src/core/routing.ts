// The routing card's rules, shared by every classifier. Given 1..5 scores per category and the mode,
// they decide what is predicted, whether anything fits, the confidence and the route. The zero-shot
// classifier uses them to build its card; the VLM validator uses them to recompute and check the
// model's own answer.
import type { Confidence, Mode, PredictedCategory } from './types';
import { ROUTE_REVIEW } from './types';

/** Single-label: a top score at or below this means nothing fits. */
export const SINGLE_LABEL_MAX_REJECT = 2;
/** Multi-label: every category at or above this score is predicted. */
export const MULTI_LABEL_MIN_SCORE = 4;
export const DECISION_BASIS_MAX_WORDS = 30;

/**
 * Names the card predicts from integer scores, best first.
 * single_label: the single highest-scoring category (ties: the earlier category), unless its score is
 * <= 2, then nothing. multi_label: every category with score >= 4.
 */
export function chooseByCard(scores: Record<string, number>, order: string[], mode: Mode): string[] {
  return chooseIndices(order.map((n) => scores[n] ?? 1), mode).map((i) => order[i]);
}

/** chooseByCard on a plain array of 1..5 scores: the chosen indices, best first (ties: lower index). */
export function chooseIndices(scores: ArrayLike<number>, mode: Mode): number[] {
  if (mode === 'single_label') {
    let best = -1;
    for (let i = 0; i < scores.length; i++) if (best < 0 || scores[i] > scores[best]) best = i;
    return best >= 0 && scores[best] > SINGLE_LABEL_MAX_REJECT ? [best] : [];
  }
  const out: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= MULTI_LABEL_MIN_SCORE) out.push(i);
  return out.sort((a, b) => scores[b] - scores[a] || a - b);
}

/** high: 5 with clear evidence; medium: 4, or 5 with some ambiguity; low: anything else. */
export function cardConfidence(score: number, ambiguous: boolean): Confidence {
  if (score >= 5) return ambiguous ? 'medium' : 'high';
  if (score === 4) return 'medium';
  return 'low';
}

/** 'review' when nothing fits or any chosen category has low confidence; else the best category. */
export function cardRoute(predicted: PredictedCategory[], fitsAny: boolean): string {
  if (!fitsAny || predicted.length === 0) return ROUTE_REVIEW;
  if (predicted.some((p) => p.confidence === 'low')) return ROUTE_REVIEW;
  return [...predicted].sort((a, b) => b.score - a.score)[0].name;
}

/** Cuts text to at most `max` words, adding an ellipsis when it cut. */
export function truncateWords(text: string, max = DECISION_BASIS_MAX_WORDS): { text: string; truncated: boolean } {
  // Fast path: fewer separators than allowed words means nothing to cut.
  let spaces = 0;
  for (let i = 0; i < text.length && spaces < max; i++) if (text.charCodeAt(i) <= 32) spaces++;
  if (spaces < max && text === text.trim() && !/\s\s/.test(text)) return { text, truncated: false };
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length <= max) return { text: words.join(' '), truncated: false };
  return { text: words.slice(0, max).join(' ') + '…', truncated: true };
}

/** Predicted labels of a card as a sorted set, for comparing predictions. */
export function labelSet(predicted: { name: string }[]): string[] {
  return [...new Set(predicted.map((p) => p.name))].sort();
}

export function sameLabels(a: string[], b: string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

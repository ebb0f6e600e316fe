// Which labels an image carries out of the tool, and where they came from. The one place that rule
// lives (export and eval both call it), so a new review status or prediction rule is added here.
//
// Rule (documented in the README, "Which labels are exported"):
// - a human decision (accepted, overridden, rejected) → its labels, source "human";
// - a stale review (the prediction changed after the human decided) → still the human's labels,
//   source "human", status "stale" in every row: a machine never replaces a human label;
// - "auto-accepted" (a review the tool made under a certified rule) → its labels, source "auto";
//   once stale (re-classified, so its certificate is void) it is no label at all: only
//   --labels predicted takes the current prediction for it;
// - pending → the effective prediction's labels, source "predicted", only with --labels predicted.
import type { Prediction, Sidecar } from '../types';
import { predictedLabels } from '../sidecar';
import { effectivePrediction as coreEffective } from '../effectivePrediction';

export const LABEL_MODES = ['human', 'human+auto', 'predicted'] as const;
export type LabelsMode = (typeof LABEL_MODES)[number];
export type LabelSource = 'human' | 'auto' | 'predicted';

export interface EffectiveLabels {
  labels: string[];
  source: LabelSource;
  /** review.status as stored ("pending" for predicted rows). */
  status: string;
  stale: boolean;
  /** The prediction the row's scores come from (the effective prediction), if any. */
  prediction?: Prediction;
}

export type LabelOutcome = { ok: EffectiveLabels } | { skip: string };

const HUMAN = new Set(['accepted', 'overridden', 'rejected', 'stale']);

/** The prediction that stands for the model's answer on this image (core/effectivePrediction's rule). */
export function effectivePrediction(sc: Sidecar): Prediction | undefined {
  return coreEffective(sc);
}

/** Is this review status a decision made by the tool rather than by a person? */
export function isAutoStatus(status: string): boolean {
  return status === 'auto-accepted' || status.startsWith('auto');
}

export function labelsFor(sc: Sidecar, mode: LabelsMode): LabelOutcome {
  const status = String(sc.review.status);
  const prediction = effectivePrediction(sc);
  const voidedAuto = status === 'stale' && !!sc.review.auto;
  if (voidedAuto) {
    if (mode !== 'predicted') return { skip: 'auto-accept voided by a new prediction (stale): review it or certify again' };
    if (!prediction) return { skip: 'no prediction' };
    return { ok: { labels: predictedLabels(prediction), source: 'predicted', status, stale: true, prediction } };
  }
  if (HUMAN.has(status)) {
    return { ok: { labels: [...sc.review.labels], source: 'human', status, stale: status === 'stale', prediction } };
  }
  if (isAutoStatus(status)) {
    if (mode === 'human') return { skip: `${status} by the tool (use --labels human+auto to include)` };
    return { ok: { labels: [...sc.review.labels], source: 'auto', status, stale: false, prediction } };
  }
  if (mode !== 'predicted') return { skip: 'not reviewed yet (use --labels predicted to take the prediction)' };
  if (!prediction) return { skip: 'no prediction' };
  return { ok: { labels: predictedLabels(prediction), source: 'predicted', status, stale: false, prediction } };
}

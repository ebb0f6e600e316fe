// What the detail pane says about an image's predictions, as plain data (no DOM, unit tested): per
// classifier its checkpoint, prompt version, outcome, evidence, flags and the right note on its
// scores; and, when an image has both a zero-shot and a VLM prediction, how they relate. Scores of
// the two are never compared: zero-shot scores are uncalibrated and mean something only within their
// checkpoint; VLM scores are the model's own 1–5 card ratings.
import type { ClassifierKind, Prediction, PredictionFlag } from '../src/core/types';

export const CALIBRATION_NOTE =
  'Zero-shot scores are not calibrated probabilities (uncalibrated, this checkpoint only): compare them only between images scored by the same checkpoint.';
export const VLM_SCORE_NOTE =
  'VLM scores are the model’s own 1–5 card ratings (5 clearly fits, 1 clearly does not) for this checkpoint and prompt version; they are not probabilities.';
export const BOTH_NOTE =
  'This image has predictions from two classifiers. Each is shown with its own checkpoint; their scores are on different scales and are not compared.';

const FLAG_LABELS: Record<string, string> = {
  invalid_json: 'invalid JSON',
  repaired_json: 'JSON repaired',
  unknown_category: 'unknown category dropped',
  renamed_category: 'category name corrected',
  duplicate_category: 'duplicate category',
  missing_category: 'missing category score',
  bad_score: 'bad score corrected',
  inconsistent_score: 'conflicting scores',
  malformed_entry: 'malformed entry ignored',
  single_label_split: 'single-label split corrected',
  forced_classification: 'forced classification undone',
  inconsistent_prediction: 'prediction recomputed',
  inconsistent_fits_any: 'fits_any recomputed',
  inconsistent_confidence: 'confidence recomputed',
  inconsistent_route: 'route recomputed',
  basis_missing: 'decision basis missing',
  basis_truncated: 'decision basis shortened',
  evidence_missing: 'evidence missing',
  evidence_truncated: 'evidence shortened',
};

/** A short human label for a flag kind; unknown kinds read as their words. */
export function flagLabel(kind: string): string {
  return FLAG_LABELS[kind] ?? (String(kind).replace(/_/g, ' ').trim() || 'flag');
}

export interface FlagView {
  kind: string;
  label: string;
  detail: string;
}

export interface EvidenceView {
  name: string;
  score: number;
  confidence: string;
  text: string;
}

export interface PredictionView {
  kind: ClassifierKind;
  title: string;
  checkpoint: string;
  /** [term, value] rows under the checkpoint: prompt version (VLM), weights (zero-shot), mode. */
  about: [string, string][];
  /** Column header of the card scores. */
  cardScoreLabel: string;
  /** Column header of the zero-shot model's own scores; null for a VLM. */
  rawScoreLabel: string | null;
  scoreNote: string;
  /** Predicted, confidence, fits any, route, decision basis. */
  outcome: [string, string][];
  evidence: EvidenceView[];
  flags: FlagView[];
  warnings: string[];
}

const str = (v: unknown, dflt = '—') => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : dflt);

export function classifierTitle(kind: ClassifierKind | string): string {
  return kind === 'vlm' ? 'Vision-language model' : 'Zero-shot';
}

export function describePrediction(p: Prediction): PredictionView {
  const vlm = p.classifier === 'vlm';
  const predicted = Array.isArray(p.predicted_categories) ? p.predicted_categories : [];
  const best = [...predicted].sort((a, b) => b.score - a.score)[0];
  const about: [string, string][] = [];
  if (vlm) about.push(['Prompt version', str(p.prompt_version, 'not recorded')]);
  else about.push(['Weights', `${str(p.dtype, '?')}${p.revision ? ` · revision ${p.revision}` : ''}`]);
  about.push(['Mode', str(p.mode)]);
  const zs = p.zero_shot;
  return {
    kind: p.classifier,
    title: `${classifierTitle(p.classifier)} prediction`,
    checkpoint: str(p.checkpoint, 'unknown checkpoint'),
    about,
    cardScoreLabel: vlm ? 'VLM card score (1–5)' : 'Card score (1–5)',
    rawScoreLabel: vlm ? null : zs ? `${zs.score_kind} score (uncalibrated)` : null,
    scoreNote: vlm && !zs ? VLM_SCORE_NOTE : CALIBRATION_NOTE,
    outcome: [
      ['Predicted', predicted.length ? predicted.map((c) => c.name).join(', ') : 'nothing fits'],
      ['Confidence', best ? str(best.confidence) : '—'],
      ['Fits any', p.fits_any ? 'yes' : 'no'],
      ['Route', str(p.would_route_to)],
      ['Decision basis', str(p.decision_basis)],
    ],
    evidence: predicted.map((c) => ({ name: str(c.name, '?'), score: c.score, confidence: str(c.confidence), text: str(c.visual_evidence) })),
    flags: (Array.isArray(p.flags) ? p.flags : []).map((f: PredictionFlag) => ({ kind: str(f?.kind, 'flag'), label: flagLabel(str(f?.kind, 'flag')), detail: str(f?.detail, '') })),
    warnings: (Array.isArray(p.warnings) ? p.warnings : []).map((w) => String(w)),
  };
}

/**
 * The predictions to show, the one the grid shows first: `effective` (decided by the host with the
 * core's one rule: the VLM's where it ran), else the newest.
 */
export function orderPredictions(predictions: Partial<Record<ClassifierKind, Prediction | undefined>>, effective?: ClassifierKind | null): Prediction[] {
  const all = Object.values(predictions).filter((p): p is Prediction => !!p);
  return all.sort((a, b) => {
    if (effective && (a.classifier === effective) !== (b.classifier === effective)) return a.classifier === effective ? -1 : 1;
    return a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0;
  });
}

const labelsOf = (p: Prediction) => [...(p.predicted_categories ?? []).map((c) => c.name)].sort();

/**
 * For two classifiers' predictions, whether their labels (never their scores) disagree, as a
 * sentence; null when they agree or when there are fewer than two.
 */
export function disagreement(preds: Prediction[]): string | null {
  if (preds.length < 2) return null;
  const sets = preds.map(labelsOf);
  if (sets.every((s) => s.join('\u0000') === sets[0].join('\u0000'))) return null;
  return `The classifiers disagree: ${preds.map((p, i) => `${classifierTitle(p.classifier).toLowerCase()} → ${sets[i].length ? sets[i].join(', ') : 'nothing fits'}`).join('; ')}.`;
}

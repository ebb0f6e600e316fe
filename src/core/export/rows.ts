// One export row from an image's effective labels: the scores that go with the labels come from the
// effective prediction (card score 1..5, and the raw zero-shot score, which is not calibrated).
import type { EffectiveLabels } from './labelSource';
import type { Prediction } from '../types';
import { predictedLabels } from '../sidecar';
import type { ExportRow } from './types';

/** `zeroShot`: the image's zero-shot prediction, whose raw scores go with the row even when a VLM's answer is the effective one. */
export function buildRow(relPath: string, absPath: string, e: EffectiveLabels, zeroShot?: Prediction): ExportRow {
  const p = e.prediction;
  const zsPred = p?.zero_shot ? p : zeroShot?.zero_shot ? zeroShot : undefined;
  const zs = zsPred?.zero_shot;
  const best = (vals: (number | undefined)[]) => {
    const v = vals.filter((x): x is number => typeof x === 'number');
    return v.length ? Math.max(...v) : null;
  };
  const predicted = predictedLabels(p);
  const top = predicted[0];
  return {
    relPath,
    absPath,
    labels: e.labels,
    source: e.source,
    status: e.status,
    stale: e.stale,
    classifier: p?.classifier ?? null,
    checkpoint: p?.checkpoint ?? null,
    cardScore: p ? best(e.labels.map((l) => p.category_scores[l])) : null,
    modelScore: zs ? best(e.labels.map((l) => zs.scores[l])) : null,
    scoreKind: zs?.score_kind ?? null,
    scores: zs ? { ...zs.scores } : null,
    scoresCheckpoint: zsPred?.checkpoint ?? null,
    predictedLabels: predicted,
    predictedScore: top === undefined || !p ? null : p.zero_shot ? (p.zero_shot.scores[top] ?? null) : (p.category_scores[top] ?? 0) / 5,
    split: 'train',
    file: null,
  };
}

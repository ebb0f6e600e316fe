// Metrics of a multi_label category set against human label sets, computed the way scikit-learn does
// on label-indicator matrices: per-label precision/recall/F1 (precision_recall_fscore_support,
// zero_division=0), macro and micro averages, subset accuracy (accuracy_score: the whole set must
// match), hamming_loss and multilabel_confusion_matrix ([[tn, fp], [fn, tp]] per label). Top-k counts
// an image when one of its true labels is among the k highest-scoring categories (images with at least
// one true label); calibration pairs every category's score with whether it is a true label.
import { calibration, coverageCurve, type Metrics } from './metrics';

export interface MultiLabelSample {
  /** Indices of the true labels (empty: a person said none of the categories fits). */
  truth: number[];
  /** Indices of the predicted labels (the card's chosen set; empty: nothing fits). */
  predicted: number[];
  /** Class indices best first. */
  ranked: number[];
  /** The model's score per class in [0,1] (class order), or null when it has none (a VLM card). */
  scores: number[] | null;
}

export interface MultiLabelExtra {
  subset_accuracy: number;
  hamming_loss: number;
  micro_precision: number;
  micro_recall: number;
  micro_f1: number;
  /** Per label [[tn, fp], [fn, tp]] (scikit-learn's multilabel_confusion_matrix). */
  label_confusion: number[][][];
  /** Images with at least one true label: the denominator of top-1 and top-5. */
  top_k_images: number;
  /** Images whose truth / prediction is the empty set. */
  empty_truth: number;
  empty_prediction: number;
}

const div = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function computeMultiLabelMetrics(classes: readonly string[], samples: readonly MultiLabelSample[]): Metrics & { multi_label: MultiLabelExtra } {
  const K = classes.length;
  const tp = new Array<number>(K).fill(0);
  const fp = new Array<number>(K).fill(0);
  const fn = new Array<number>(K).fill(0);
  const noPrediction = new Array<number>(K).fill(0);
  let exact = 0;
  let top1 = 0;
  let top5 = 0;
  let withTruth = 0;
  let emptyTruth = 0;
  let emptyPred = 0;
  const pairs: { confidence: number; correct: boolean }[] = [];
  const tops: { confidence: number; correct: boolean }[] = [];
  for (const s of samples) {
    const t = new Set(s.truth);
    const p = new Set(s.predicted);
    for (let k = 0; k < K; k++) {
      if (t.has(k) && p.has(k)) tp[k]++;
      else if (p.has(k)) fp[k]++;
      else if (t.has(k)) fn[k]++;
      if (t.has(k) && p.size === 0) noPrediction[k]++;
      if (s.scores) pairs.push({ confidence: s.scores[k], correct: t.has(k) });
    }
    if (t.size === p.size && [...t].every((k) => p.has(k))) exact++;
    if (!t.size) emptyTruth++;
    if (!p.size) emptyPred++;
    if (t.size) {
      withTruth++;
      const hit1 = t.has(s.ranked[0]);
      if (hit1) top1++;
      if (s.ranked.slice(0, 5).some((k) => t.has(k))) top5++;
      if (s.scores) tops.push({ confidence: s.scores[s.ranked[0]], correct: hit1 });
    }
  }
  const per_class = classes.map((name, k) => ({
    name,
    precision: div(tp[k], tp[k] + fp[k]),
    recall: div(tp[k], tp[k] + fn[k]),
    f1: div(2 * tp[k], 2 * tp[k] + fp[k] + fn[k]),
    support: tp[k] + fn[k],
  }));
  const mean = (f: (c: (typeof per_class)[number]) => number) => div(per_class.reduce((a, c) => a + f(c), 0), K);
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const [TP, FP, FN] = [sum(tp), sum(fp), sum(fn)];
  const scored = samples.length > 0 && samples.every((s) => s.scores !== null);
  const cal = scored ? calibration(pairs) : null;
  const n = samples.length;
  return {
    n,
    top1: div(top1, withTruth),
    top5: div(top5, withTruth),
    per_class,
    macro_precision: mean((c) => c.precision),
    macro_recall: mean((c) => c.recall),
    macro_f1: mean((c) => c.f1),
    confusion: [],
    no_prediction: noPrediction,
    ece: cal ? cal.ece : null,
    reliability: cal ? cal.reliability : [],
    coverage: scored ? coverageCurve(tops) : [],
    multi_label: {
      subset_accuracy: div(exact, n),
      hamming_loss: div(FP + FN, n * K),
      micro_precision: div(TP, TP + FP),
      micro_recall: div(TP, TP + FN),
      micro_f1: div(2 * TP, 2 * TP + FP + FN),
      label_confusion: classes.map((_, k) => [
        [n - tp[k] - fp[k] - fn[k], fp[k]],
        [fn[k], tp[k]],
      ]),
      top_k_images: withTruth,
      empty_truth: emptyTruth,
      empty_prediction: emptyPred,
    },
  };
}

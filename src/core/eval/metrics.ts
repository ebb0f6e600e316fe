// Classification metrics against ground truth, computed the way scikit-learn does (accuracy_score,
// precision_recall_fscore_support with zero_division=0, confusion_matrix with labels=classes), plus
// top-5 accuracy, expected calibration error over equal-width bins with its reliability table, and
// accuracy against coverage (keep only the most confident X%).

export interface EvalSample {
  /** Index of the true class. */
  truth: number;
  /** Class indices best first; an empty list or `noPrediction` means the model chose nothing. */
  ranked: number[];
  /** Whether the model declined to choose (top-1 counts as wrong; no confusion cell). */
  noPrediction?: boolean;
  /** The model's score of its top-1 class, or null when it has none. */
  confidence: number | null;
}

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence and accuracy of the samples in the bin (null when empty). */
  confidence: number | null;
  accuracy: number | null;
}

export interface CoveragePoint {
  coverage: number;
  n: number;
  accuracy: number;
}

export interface Metrics {
  n: number;
  top1: number;
  top5: number;
  per_class: ClassMetrics[];
  macro_precision: number;
  macro_recall: number;
  macro_f1: number;
  /** Rows: true class; columns: predicted class (classes order). */
  confusion: number[][];
  /** Per true class: images where the model chose nothing. */
  no_prediction: number[];
  /** null when the model gives no scores to calibrate. */
  ece: number | null;
  reliability: ReliabilityBin[];
  coverage: CoveragePoint[];
}

export const ECE_BINS = 15;

const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
const top1Of = (s: EvalSample) => (s.noPrediction || !s.ranked.length ? -1 : s.ranked[0]);

/** Expected calibration error over `bins` equal-width bins (lower, upper], the first also taking 0. */
export function calibration(samples: readonly { confidence: number; correct: boolean }[], bins = ECE_BINS): { ece: number; reliability: ReliabilityBin[] } {
  const count = new Array(bins).fill(0);
  const conf = new Array(bins).fill(0);
  const hit = new Array(bins).fill(0);
  for (const s of samples) {
    const c = Math.min(1, Math.max(0, s.confidence));
    let b = 0;
    while (b < bins - 1 && c > (b + 1) / bins) b++;
    count[b]++;
    conf[b] += c;
    hit[b] += s.correct ? 1 : 0;
  }
  let ece = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b];
    if (n) ece += (n / samples.length) * Math.abs(hit[b] / n - conf[b] / n);
    reliability.push({ lower: b / bins, upper: (b + 1) / bins, count: n, confidence: n ? conf[b] / n : null, accuracy: n ? hit[b] / n : null });
  }
  return { ece, reliability };
}

/** Accuracy of the most confident fraction, at 5% steps (ties kept in input order). */
export function coverageCurve(samples: readonly { confidence: number; correct: boolean }[], steps = 20): CoveragePoint[] {
  const order = samples.map((s, i) => ({ ...s, i })).sort((a, b) => b.confidence - a.confidence || a.i - b.i);
  const prefix: number[] = [0];
  for (const s of order) prefix.push(prefix[prefix.length - 1] + (s.correct ? 1 : 0));
  const out: CoveragePoint[] = [];
  for (let k = 1; k <= steps && order.length; k++) {
    const coverage = k / steps;
    const n = Math.max(1, Math.ceil(coverage * order.length - 1e-9));
    out.push({ coverage, n, accuracy: prefix[n] / n });
  }
  return out;
}

export function computeMetrics(classes: readonly string[], samples: readonly EvalSample[]): Metrics {
  const K = classes.length;
  const confusion = classes.map(() => new Array<number>(K).fill(0));
  const noPrediction = new Array<number>(K).fill(0);
  let top1 = 0;
  let top5 = 0;
  for (const s of samples) {
    const p = top1Of(s);
    if (p === s.truth) top1++;
    if (!s.noPrediction && s.ranked.slice(0, 5).includes(s.truth)) top5++;
    if (p < 0) noPrediction[s.truth]++;
    else confusion[s.truth][p]++;
  }
  const per_class = classes.map((name, k) => {
    const tp = confusion[k][k];
    const predicted = confusion.reduce((a, row) => a + row[k], 0);
    const support = confusion[k].reduce((a, b) => a + b, 0) + noPrediction[k];
    const precision = div(tp, predicted);
    const recall = div(tp, support);
    return { name, precision, recall, f1: div(2 * tp, predicted + support), support };
  });
  const mean = (f: (c: ClassMetrics) => number) => div(per_class.reduce((a, c) => a + f(c), 0), K);
  const scored = samples.filter((s) => s.confidence !== null).map((s) => ({ confidence: s.confidence as number, correct: top1Of(s) === s.truth }));
  const withScores = scored.length === samples.length && samples.length > 0;
  const cal = withScores ? calibration(scored) : null;
  return {
    n: samples.length,
    top1: div(top1, samples.length),
    top5: div(top5, samples.length),
    per_class,
    macro_precision: mean((c) => c.precision),
    macro_recall: mean((c) => c.recall),
    macro_f1: mean((c) => c.f1),
    confusion,
    no_prediction: noPrediction,
    ece: cal ? cal.ece : null,
    reliability: cal ? cal.reliability : [],
    coverage: withScores ? coverageCurve(scored) : [],
  };
}

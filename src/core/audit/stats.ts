// Statistics behind the audit and the trust report: Wilson score intervals, the sample size for a
// target margin of error, Cohen's kappa, the confusion matrix and accuracy. Pure functions.

/** Two-sided 95% normal quantile. */
export const Z95 = 1.959964;

/** Row/column for "nothing": a rejected image, or a prediction that chose no category. */
export const NONE_LABEL = '(none)';

/** A proportion k/n with its Wilson score interval. All null when n is 0. */
export interface Proportion {
  k: number;
  n: number;
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * Wilson score interval for k successes in n trials:
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).
 * 2 of 8 gives 0.25 with [0.0715, 0.5907].
 */
export function wilson(k: number, n: number, z = Z95): Proportion {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) {
    throw new RangeError(`wilson: need integers 0 <= k <= n, got k=${k}, n=${n}`);
  }
  if (n === 0) return { k, n, rate: null, lower: null, upper: null };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Clamp only float noise: the exact interval always lies in [0, 1].
  return { k, n, rate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** Half-width of the Wilson interval for an observed proportion p over n trials. */
export function wilsonHalfWidth(p: number, n: number, z = Z95): number {
  const z2 = z * z;
  return (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/**
 * Smallest sample size whose 95% Wilson interval has a half-width of at most `margin`.
 * Worst case p = 0.5 (the default) has the closed form n = z²/(4m²) − z²: 381 for m = 0.05
 * (the Wald formula would say 385). With `population` (sampling without replacement from N items)
 * the finite-population correction n/(1 + (n−1)/N) is applied, rounded up, never above N.
 */
export function sampleSizeForMargin(margin: number, opts: { p?: number; z?: number; population?: number } = {}): number {
  const z = opts.z ?? Z95;
  const p = opts.p ?? 0.5;
  if (!(margin > 0 && margin < 1)) throw new RangeError(`margin must be in (0, 1), got ${margin}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  // The half-width is largest at p = 0.5, so the worst-case size bounds the search.
  const worst = Math.max(1, Math.ceil(z * z / (4 * margin * margin) - z * z));
  let n = worst;
  if (p !== 0.5) {
    n = 1;
    while (n < worst && wilsonHalfWidth(p, n, z) > margin) n++;
  } else {
    // Guard the closed form against float rounding at the boundary.
    while (n > 1 && wilsonHalfWidth(0.5, n - 1, z) <= margin) n--;
    while (wilsonHalfWidth(0.5, n, z) > margin) n++;
  }
  const N = opts.population;
  if (N !== undefined) {
    if (!Number.isInteger(N) || N < 0) throw new RangeError(`population must be a non-negative integer, got ${N}`);
    n = Math.min(N, Math.ceil(n / (1 + (n - 1) / N) - 1e-9));
  }
  return n;
}

export interface Kappa {
  n: number;
  /** Observed agreement p_o. */
  observed: number | null;
  /** Agreement expected by chance p_e = Σ_c pA(c)·pB(c). */
  expected: number | null;
  /** (p_o − p_e) / (1 − p_e); null when n = 0 or p_e = 1 (both raters always used one same label). */
  kappa: number | null;
}

/** Cohen's kappa of two raters over the same items, one label each. */
export function cohenKappa(pairs: readonly (readonly [string, string])[]): Kappa {
  const n = pairs.length;
  if (n === 0) return { n, observed: null, expected: null, kappa: null };
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [label, ca] of a) expected += (ca / n) * ((b.get(label) ?? 0) / n);
  const kappa = expected >= 1 - 1e-12 ? null : (observed - expected) / (1 - expected);
  return { n, observed, expected, kappa };
}

/** Predicted labels against human labels for one image. Empty = nothing / rejected. */
export interface LabelPair {
  predicted: readonly string[];
  actual: readonly string[];
}

export interface ConfusionMatrix {
  /** Row and column labels, in the same order; NONE_LABEL last when present. */
  labels: string[];
  /** matrix[i][j]: predicted labels[i], human label labels[j]. */
  matrix: number[][];
  total: number;
  /** Sum of the diagonal (NONE_LABEL × NONE_LABEL included: "nothing fits", confirmed). */
  correct: number;
}

/**
 * The cells one image contributes. Labels in both sets go on the diagonal. If exactly one predicted
 * and one human label remain, they pair up (a substitution). Otherwise each remaining predicted label
 * pairs with NONE_LABEL (a false positive) and each remaining human label with NONE_LABEL as the
 * prediction (a miss). Nothing on both sides is one NONE_LABEL × NONE_LABEL cell. For single-label
 * images this is exactly one cell: (predicted or none) × (human label or none).
 */
export function confusionCells(predicted: readonly string[], actual: readonly string[]): [string, string][] {
  const p = [...new Set(predicted)];
  const a = [...new Set(actual)];
  if (p.length === 0 && a.length === 0) return [[NONE_LABEL, NONE_LABEL]];
  const cells: [string, string][] = [];
  for (const l of p) if (a.includes(l)) cells.push([l, l]);
  const restP = p.filter((l) => !a.includes(l));
  const restA = a.filter((l) => !p.includes(l));
  if (restP.length === 1 && restA.length === 1) {
    cells.push([restP[0], restA[0]]);
  } else {
    for (const l of restP) cells.push([l, NONE_LABEL]);
    for (const l of restA) cells.push([NONE_LABEL, l]);
  }
  return cells;
}

/** Confusion matrix of predicted against human labels. `order` puts known categories first. */
export function confusionMatrix(pairs: readonly LabelPair[], order: readonly string[] = []): ConfusionMatrix {
  return confusionFromCells(pairs.flatMap((x) => confusionCells(x.predicted, x.actual)), order);
}

/** Confusion matrix from raw (row, column) cells. */
export function confusionFromCells(cells: readonly (readonly [string, string])[], order: readonly string[] = []): ConfusionMatrix {
  const seen = new Set<string>();
  for (const [r, c] of cells) {
    seen.add(r);
    seen.add(c);
  }
  const labels = [
    ...order.filter((l) => seen.has(l) && l !== NONE_LABEL),
    ...[...seen].filter((l) => !order.includes(l) && l !== NONE_LABEL).sort(),
  ];
  if (seen.has(NONE_LABEL)) labels.push(NONE_LABEL);
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const [r, c] of cells) matrix[index.get(r)!][index.get(c)!]++;
  const correct = labels.reduce((s, _, i) => s + matrix[i][i], 0);
  return { labels, matrix, total: cells.length, correct };
}

/** Exact-match accuracy: the predicted label set equals the human label set (both empty counts). */
export function accuracy(pairs: readonly LabelPair[], z = Z95): Proportion {
  let k = 0;
  for (const { predicted, actual } of pairs) {
    const p = new Set(predicted);
    const a = new Set(actual);
    if (p.size === a.size && [...p].every((l) => a.has(l))) k++;
  }
  return wilson(k, pairs.length, z);
}

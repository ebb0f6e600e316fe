// k-fold cross-validation of the adapter against plain zero-shot on the same human labels. Folds are
// stratified by label and seeded; images with the same bytes (sha256) always share a fold, so no
// held-out image was ever trained on, not even as a copy under another name.
import { mulberry32, shuffled } from '../audit/prng';
import { wilson, type Proportion } from '../audit/stats';

/** Fold index per row: groups (same sha256) dealt round-robin per label after a seeded shuffle. */
export function assignFolds(labels: readonly number[], groups: readonly string[], k: number, seed: number): Int32Array {
  const groupRows = new Map<string, number[]>();
  groups.forEach((g, i) => {
    if (!groupRows.has(g)) groupRows.set(g, []);
    groupRows.get(g)!.push(i);
  });
  const byLabel = new Map<number, string[]>();
  for (const [g, rows] of groupRows) {
    const l = labels[rows[0]];
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(g);
  }
  const fold = new Int32Array(labels.length);
  const rng = mulberry32(seed);
  let next = 0;
  for (const l of [...byLabel.keys()].sort((a, b) => a - b)) {
    for (const g of shuffled(byLabel.get(l)!.sort(), rng)) {
      for (const r of groupRows.get(g)!) fold[r] = next % k;
      next++;
    }
  }
  return fold;
}

export interface CvResult {
  folds: number;
  n: number;
  /** Pooled over the held-out rows of every fold. */
  adapter: Proportion;
  zero_shot: Proportion;
}

/**
 * Runs `fitAndPredict(trainRows, testRows)` per fold (it returns the predicted label per test row) and
 * compares with the zero-shot prediction of the same rows. Train and test rows never overlap.
 */
export async function crossValidate(
  y: ArrayLike<number>,
  fold: Int32Array,
  k: number,
  zeroShot: (row: number) => number,
  fitAndPredict: (train: Int32Array, test: Int32Array) => Promise<ArrayLike<number>>,
): Promise<CvResult> {
  let ok = 0;
  let okZs = 0;
  let n = 0;
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
    if (!test.length) continue;
    const pred = await fitAndPredict(Int32Array.from(train), Int32Array.from(test));
    test.forEach((row, j) => {
      n++;
      if (pred[j] === y[row]) ok++;
      if (zeroShot(row) === y[row]) okZs++;
    });
  }
  return { folds: k, n, adapter: wilson(ok, n), zero_shot: wilson(okZs, n) };
}

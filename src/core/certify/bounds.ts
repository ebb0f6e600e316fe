// The one-sided upper confidence bound behind certification: Clopper–Pearson (exact binomial).
// Chosen over Wilson because Wilson's one-sided bound under-covers for rates near 0, exactly where an
// auto-accept threshold lives; Clopper–Pearson never under-covers (it is conservative). Sampling
// without replacement from a finite folder only makes the binomial bound more conservative.

/** log P(X <= k) for X ~ Binomial(n, p), summed in log space (no underflow at n in the millions). */
function logBinomCdf(k: number, n: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return k >= n ? 0 : -Infinity;
  const lq = Math.log1p(-p);
  const ratio = Math.log(p) - lq;
  let term = n * lq; // log pmf(0)
  let acc = term;
  for (let i = 0; i < k; i++) {
    term += Math.log((n - i) / (i + 1)) + ratio;
    acc = acc > term ? acc + Math.log1p(Math.exp(term - acc)) : term + Math.log1p(Math.exp(acc - term));
  }
  return Math.min(0, acc);
}

/**
 * One-sided Clopper–Pearson upper bound on an error rate, k errors in n judged items: the p with
 * P(X <= k | n, p) = 1 − confidence. With k = 0 it is 1 − (1 − confidence)^(1/n) (≈ 3/n at 95%).
 * n = 0 or k = n gives 1.
 */
export function clopperPearsonUpper(k: number, n: number, confidence = 0.95): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) throw new RangeError(`need integers 0 <= k <= n, got k=${k}, n=${n}`);
  if (n === 0 || k === n) return 1;
  const alpha = 1 - confidence;
  if (k === 0) return 1 - Math.pow(alpha, 1 / n);
  const la = Math.log(alpha);
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (logBinomCdf(k, n, mid) > la) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The stop rule: how many more judged items, none of them wrong, bring the bound to `target` or
 * below. 0 when it already is; null when more than `cap` would be needed.
 */
export function moreNeeded(k: number, n: number, target: number, confidence = 0.95, cap = 1_000_000): number | null {
  if (clopperPearsonUpper(k, n, confidence) <= target) return 0;
  let hi = 1;
  while (clopperPearsonUpper(k, n + hi, confidence) > target) {
    hi *= 2;
    if (hi > cap) return null;
  }
  let lo = Math.floor(hi / 2);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (clopperPearsonUpper(k, n + mid, confidence) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

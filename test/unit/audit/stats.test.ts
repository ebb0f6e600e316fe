import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NONE_LABEL,
  Z95,
  accuracy,
  cohenKappa,
  confusionCells,
  confusionMatrix,
  sampleSizeForMargin,
  wilson,
  wilsonHalfWidth,
} from '../../../src/core/audit/stats';
import { close } from './fixtures';

test('Wilson interval: 2 of 8 is 0.25 with [0.0715, 0.5907] (the issue\'s worked value)', () => {
  const w = wilson(2, 8);
  assert.equal(w.rate, 0.25);
  assert.equal(w.k, 2);
  assert.equal(w.n, 8);
  // z² = 3.841459; denominator 1 + z²/8 = 1.480182; centre (0.25 + 0.240091)/1.480182 = 0.331102;
  // half-width 1.959964·√(0.0234375 + 0.0150057)/1.480182 = 0.259619.
  assert.ok(close(w.lower, 0.0715, 5e-5), `lower ${w.lower}`);
  assert.ok(close(w.upper, 0.5907, 5e-5), `upper ${w.upper}`);
  assert.ok(close(w.lower, 0.071479, 1e-6) && close(w.upper, 0.590725, 1e-6));
});

test('Wilson interval: edge cases worked by hand', () => {
  // 0 of 10: centre = half = (z²/20)/(1 + z²/10) = 0.192073/1.384146 = 0.138766; upper = 0.277533.
  const zero = wilson(0, 10);
  assert.equal(zero.rate, 0);
  assert.equal(zero.lower, 0);
  assert.ok(close(zero.upper, 0.277533, 1e-6), `upper ${zero.upper}`);
  // 1 of 1: centre (1 + z²/2)/(1 + z²) = 2.920729/4.841459 = 0.603270; half z·√(z²/4)/(1+z²) = 0.396730.
  const one = wilson(1, 1);
  assert.ok(close(one.lower, 0.20654, 1e-5) && close(one.upper, 1, 1e-12));
  // 2 of 4: symmetric around 0.5; half = z·√(1/16 + z²/64)/(1 + z²/4) = 0.349961.
  const half = wilson(2, 4);
  assert.ok(close(half.lower, 0.150039, 1e-6) && close(half.upper, 0.849961, 1e-6));
  assert.deepEqual(wilson(0, 0), { k: 0, n: 0, rate: null, lower: null, upper: null });
  assert.throws(() => wilson(3, 2), RangeError);
  assert.throws(() => wilson(1.5, 4), RangeError);
});

test('sample size for a Wilson margin: worst case, with a population, and with a given p', () => {
  // p = 0.5: half-width = z/(2√(n + z²)) ≤ m  ⇔  n ≥ z²/(4m²) − z² = 384.146 − 3.841 = 380.30 → 381.
  assert.equal(sampleSizeForMargin(0.05), 381);
  assert.ok(wilsonHalfWidth(0.5, 381) <= 0.05 && wilsonHalfWidth(0.5, 380) > 0.05);
  // m = 0.1: 96.04 − 3.84 = 92.2 → 93.
  assert.equal(sampleSizeForMargin(0.1), 93);
  // Finite population N = 1000: 381/(1 + 380/1000) = 276.09 → 277.
  assert.equal(sampleSizeForMargin(0.05, { population: 1000 }), 277);
  // Never more than the population.
  assert.equal(sampleSizeForMargin(0.05, { population: 10 }), 10);
  // p = 0.1, m = 0.05: at n = 141, z·√(0.09/141 + z²/(4·141²))/(1 + z²/141) = 0.051357/1.027244 = 0.049995;
  // at n = 140 it is 0.051553/1.027439 = 0.050177 > 0.05. So 141.
  assert.equal(sampleSizeForMargin(0.05, { p: 0.1 }), 141);
  assert.throws(() => sampleSizeForMargin(0));
  assert.throws(() => sampleSizeForMargin(0.05, { p: 2 }));
});

test("Cohen's kappa on a worked 2×2 table: 0.4", () => {
  // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. p_o = 35/50 = 0.7;
  // A says yes 25/50, B says yes 30/50: p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/0.5 = 0.4.
  const pairs: [string, string][] = [
    ...Array(20).fill(['yes', 'yes']),
    ...Array(5).fill(['yes', 'no']),
    ...Array(10).fill(['no', 'yes']),
    ...Array(15).fill(['no', 'no']),
  ];
  const k = cohenKappa(pairs);
  assert.equal(k.n, 50);
  assert.ok(close(k.observed, 0.7, 1e-12) && close(k.expected, 0.5, 1e-12) && close(k.kappa, 0.4, 1e-12));
});

test("Cohen's kappa on a worked 3-label table with 'none'", () => {
  // cat/cat 3, cat/dog 1, dog/dog 4, dog/none 1, none/none 1. p_o = 8/10.
  // A: cat .4, dog .5, none .1; B: cat .3, dog .5, none .2. p_e = .12 + .25 + .02 = .39.
  // κ = (.8 − .39)/(1 − .39) = .41/.61 = 0.672131.
  const pairs: [string, string][] = [
    ...Array(3).fill(['cat', 'cat']),
    ['cat', 'dog'],
    ...Array(4).fill(['dog', 'dog']),
    ['dog', NONE_LABEL],
    [NONE_LABEL, NONE_LABEL],
  ];
  const k = cohenKappa(pairs);
  assert.ok(close(k.observed, 0.8, 1e-12) && close(k.expected, 0.39, 1e-12));
  assert.ok(close(k.kappa, 0.672131, 1e-6), `kappa ${k.kappa}`);
  // Undefined cases.
  assert.equal(cohenKappa([]).kappa, null);
  assert.equal(cohenKappa([['a', 'a'], ['a', 'a']]).kappa, null, 'p_e = 1: kappa undefined');
  // Perfect disagreement on two balanced labels: p_o = 0, p_e = .5 → −1.
  assert.equal(cohenKappa([['a', 'b'], ['b', 'a']]).kappa, -1);
});

test('confusion cells: one cell per single-label image, with (none) for rejected or nothing predicted', () => {
  assert.deepEqual(confusionCells(['cat'], ['cat']), [['cat', 'cat']]);
  assert.deepEqual(confusionCells(['cat'], ['dog']), [['cat', 'dog']]);
  assert.deepEqual(confusionCells([], ['dog']), [[NONE_LABEL, 'dog']]);
  assert.deepEqual(confusionCells(['cat'], []), [['cat', NONE_LABEL]]);
  assert.deepEqual(confusionCells([], []), [[NONE_LABEL, NONE_LABEL]]);
  // Multi-label: shared labels on the diagonal, one leftover each pairs up, otherwise against (none).
  assert.deepEqual(confusionCells(['a', 'b'], ['a', 'c']), [['a', 'a'], ['b', 'c']]);
  assert.deepEqual(confusionCells(['a', 'b', 'c'], ['a']), [['a', 'a'], ['b', NONE_LABEL], ['c', NONE_LABEL]]);
  assert.deepEqual(confusionCells(['a'], ['b', 'c']), [['a', NONE_LABEL], [NONE_LABEL, 'b'], [NONE_LABEL, 'c']]);
});

test('confusion matrix: counts, label order with (none) last, diagonal', () => {
  const m = confusionMatrix(
    [
      { predicted: ['cat'], actual: ['cat'] },
      { predicted: ['cat'], actual: ['cat'] },
      { predicted: ['cat'], actual: ['dog'] },
      { predicted: ['dog'], actual: [] },
      { predicted: [], actual: ['bird'] },
      { predicted: [], actual: [] },
    ],
    ['dog', 'cat', 'bird', 'fish'],
  );
  assert.deepEqual(m.labels, ['dog', 'cat', 'bird', NONE_LABEL]);
  // rows predicted, columns human:       dog cat bird none
  assert.deepEqual(m.matrix, [
    [0, 0, 0, 1], // dog
    [1, 2, 0, 0], // cat
    [0, 0, 0, 0], // bird
    [0, 0, 1, 1], // none
  ]);
  assert.equal(m.total, 6);
  assert.equal(m.correct, 3);
});

test('accuracy is exact label-set match with a Wilson interval', () => {
  const a = accuracy([
    { predicted: ['cat'], actual: ['cat'] },
    { predicted: ['b', 'a'], actual: ['a', 'b'] },
    { predicted: [], actual: [] },
    { predicted: ['a'], actual: ['a', 'b'] },
  ]);
  assert.equal(a.k, 3);
  assert.equal(a.n, 4);
  assert.equal(a.rate, 0.75);
  assert.equal(Z95, 1.959964);
});

// The certification bound: one-sided 95% Clopper–Pearson, checked against scipy's beta quantile
// (scipy.stats.beta.ppf(0.95, k + 1, n − k), Debian python3-scipy through scripts/pyref.sh, values
// pasted here), and the stop rule's count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clopperPearsonUpper, moreNeeded } from '../../../src/core/certify/bounds';

test('Clopper–Pearson one-sided 95% upper bounds match scipy', () => {
  const cases: [number, number, number][] = [
    [0, 149, 0.019904816220685073],
    [1, 100, 0.046559811453538935],
    [5, 200, 0.05184333912029053],
    [50, 100, 0.5863782853690883],
  ];
  for (const [k, n, want] of cases) assert.ok(Math.abs(clopperPearsonUpper(k, n) - want) < 1e-9, `${k}/${n}: ${clopperPearsonUpper(k, n)} vs ${want}`);
  assert.equal(clopperPearsonUpper(0, 0), 1, 'no data: no bound');
  assert.equal(clopperPearsonUpper(3, 3), 1);
  assert.ok(clopperPearsonUpper(0, 10_000_000) < 1e-6, 'large n does not underflow into nonsense');
  assert.throws(() => clopperPearsonUpper(4, 3), RangeError);
});

test('the stop rule: how many more, none wrong, certify the target', () => {
  assert.equal(moreNeeded(0, 0, 0.02), 149, 'the classic ≈3/n rule: 149 clean audits certify 2%');
  assert.equal(moreNeeded(0, 149, 0.02), 0);
  assert.equal(moreNeeded(0, 148, 0.02), 1);
  const m = moreNeeded(1, 100, 0.02)!;
  assert.ok(clopperPearsonUpper(1, 100 + m) <= 0.02 && clopperPearsonUpper(1, 100 + m - 1) > 0.02, 'the smallest such count');
  assert.equal(moreNeeded(0, 0, 1e-9, 0.95, 1000), null, 'out of reach within the cap');
});

// The adapter's math: the ORT graph's loss and gradient equal the plain-JS reference; L-BFGS moves
// the prototypes to fit the labels; folds keep copies of an image together and never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmaxRow, fitAdapter, jsLossGrad, type FitProblem } from '../../../src/core/adapt/fit';
import { assignFolds, crossValidate } from '../../../src/core/adapt/cv';
import { ortLossGrad } from '../../../src/classifiers/zeroShot/adapterGraph';
import { mulberry32 } from '../../../src/core/audit/prng';

function problem(kind: 'softmax' | 'sigmoid', n = 60, d = 16, k = 3): FitProblem {
  const rng = mulberry32(5);
  const g = () => rng() * 2 - 1;
  const protos = Array.from({ length: k }, () => Array.from({ length: d }, g));
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (x[i * d + j] = protos[y[i]][j] + 0.6 * g()) ** 2;
    for (let j = 0; j < d; j++) x[i * d + j] /= Math.sqrt(norm);
  }
  // Prototypes of the wrong class: zero-shot is systematically wrong.
  const v0 = new Float32Array(k * d);
  for (let c = 0; c < k; c++) {
    const src = protos[(c + 1) % k];
    const norm = Math.hypot(...src);
    src.forEach((v, j) => (v0[c * d + j] = v / norm));
  }
  return { x, y, n, d, k, v0, scale: kind === 'softmax' ? 100 : 10, bias: kind === 'softmax' ? 0 : -5, kind };
}

for (const kind of ['softmax', 'sigmoid'] as const) {
  test(`${kind}: the ORT loss and gradient match the JS reference`, async () => {
    const p = problem(kind);
    const rows = Int32Array.from({ length: p.n }, (_, i) => i).filter((i) => i % 4 !== 0);
    const v = Float64Array.from(p.v0, (a, i) => a + 0.05 * Math.sin(i));
    const g1 = new Float64Array(p.k * p.d);
    const g2 = new Float64Array(p.k * p.d);
    const l1 = await jsLossGrad(p, rows)(v, g1);
    const o = await ortLossGrad({ ...p, rows });
    const l2 = await o.fn(v, g2);
    await o.dispose();
    assert.ok(Math.abs(l1 - l2) / Math.abs(l1) < 1e-4, `${l1} vs ${l2}`);
    for (let i = 0; i < g1.length; i++) assert.ok(Math.abs(g1[i] - g2[i]) <= 1e-3 * (1 + Math.abs(g1[i])), `grad[${i}] ${g1[i]} vs ${g2[i]}`);
  });

  test(`${kind}: the fit overturns wrong prototypes with labels`, async () => {
    const p = problem(kind);
    const acc = (v: Float32Array) => Array.from({ length: p.n }, (_, i) => argmaxRow(p.x, i, p.d, v, p.k) === p.y[i]).filter(Boolean).length / p.n;
    assert.ok(acc(p.v0) < 0.2, 'zero-shot is wrong by construction');
    const r = await fitAdapter(p);
    assert.ok(acc(r.v) > 0.95, `fitted accuracy ${acc(r.v)}`);
  });
}

test('folds: stratified, copies of an image in one fold, train and test never overlap', async () => {
  const labels = Array.from({ length: 40 }, (_, i) => i % 2);
  const groups = labels.map((_, i) => `sha${Math.floor(i / 4) * 2 + (i % 2)}`); // every image has a copy
  const fold = assignFolds(labels, groups, 5, 7);
  for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) if (groups[i] === groups[j]) assert.equal(fold[i], fold[j], 'copies share a fold');
  for (let f = 0; f < 5; f++) for (const l of [0, 1]) assert.ok(labels.some((x, i) => x === l && fold[i] === f), `fold ${f} holds label ${l}`);
  const seen: number[] = [];
  const cv = await crossValidate(labels, fold, 5, () => 0, async (train, test) => {
    const tr = new Set(train);
    for (const t of test) {
      assert.ok(!tr.has(t), 'a held-out row is never a training row');
      assert.ok(!Array.from(train).some((r) => groups[r] === groups[t]), 'nor a copy of one');
    }
    seen.push(...test);
    return Array.from(test, (r) => labels[r]);
  });
  assert.deepEqual(seen.sort((a, b) => a - b), labels.map((_, i) => i), 'every row is held out exactly once');
  assert.equal(cv.adapter.rate, 1);
  assert.equal(cv.zero_shot.rate, 0.5);
});

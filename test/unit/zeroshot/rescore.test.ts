// The typed-array rescore (live preview) must make exactly the decisions of the full prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot/zeroShotClassifier';
import { CONF_HIGH, CONF_LOW, CONF_MEDIUM, ROUTE_TO_REVIEW, matrixRows, rescoreMatrix } from '../../../src/classifiers/zeroShot/rescore';
import { l2normalise } from '../../../src/classifiers/zeroShot/scoring';
import { mulberry32 } from '../../../src/core/audit/prng';
import type { CategorySet } from '../../../src/core/types';

const D = 16;
const rng = mulberry32(42);
const vec = (bias: number[]) => l2normalise(Float32Array.from({ length: D }, (_, i) => (rng() - 0.5) + (bias[i] ?? 0)));

for (const [kind, mode, scale, bias, thresholds] of [
  ['softmax', 'single_label', 8, 0, undefined],
  ['softmax', 'multi_label', 30, 0, undefined],
  ['sigmoid', 'single_label', 10, -2, undefined],
  ['sigmoid', 'multi_label', 12, -1, undefined],
  ['sigmoid', 'single_label', 10, -2, { sigmoid: { logit_scores: [-3, -2, -1, 0.5], min_margin: 0.3 } }],
  ['softmax', 'single_label', 8, 0, { softmax: { scores: [0.05, 0.15, 0.3, 0.5], high_margin: 0.1 } }],
] as const) {
  test(`rescoreMatrix agrees with predict() on every image (${kind}, ${mode}${thresholds ? ', file thresholds' : ''})`, () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const set: CategorySet = { mode, categories: names.map((n) => ({ name: n, description: n })), templates: ['{name}'], ...(thresholds ? { thresholds: thresholds as CategorySet['thresholds'] } : {}) };
    const cats = names.map((_, j) => vec(Array.from({ length: D }, (_, i) => (i === j ? 1.5 : 0))));
    const fake = Object.create(ZeroShotClassifier.prototype) as ZeroShotClassifier;
    Object.assign(fake, { towers: { scoreKind: kind, modelType: kind === 'softmax' ? 'clip' : 'siglip' }, logit: { scale, bias }, info: { checkpoint: 'x', revision: 'r', dtype: 'fp32' } });
    const catEmb = { names, ensembled: cats, prompts: names.map((n) => [n]), promptEmbeddings: cats.map((c) => [c]) };
    const n = 400;
    const imgs = Array.from({ length: n }, (_, i) => vec(Array.from({ length: D }, (_, t) => (t === i % 5 ? (i % 7) * 0.4 : t === (i + 1) % 5 ? (i % 3) * 0.3 : 0))));
    const mat = new Float32Array(n * D);
    imgs.forEach((v, i) => mat.set(v, i * D));
    const r = rescoreMatrix(matrixRows(mat, D), cats, mode, kind, scale, bias, set.thresholds);
    const seen = new Set<string>();
    imgs.forEach((v, i) => {
      const p = fake.predict(v, `sha${i}`, set, catEmb, 'h', 'now');
      names.forEach((name, j) => {
        assert.equal(r.cardScores[i * 5 + j], p.category_scores[name], `image ${i} ${name} score`);
        assert.ok(Math.abs(r.scores[i * 5 + j] - p.zero_shot!.scores[name]) < 1e-5);
      });
      const chosen = names.filter((_, j) => r.chosen[i * 5 + j]);
      assert.deepEqual(chosen.sort(), p.predicted_categories.map((c) => c.name).sort(), `image ${i} labels`);
      assert.equal(r.fitsAny[i] === 1, p.fits_any);
      assert.equal(r.route[i] === ROUTE_TO_REVIEW ? 'review' : names[r.route[i]], p.would_route_to, `image ${i} route`);
      const worst = p.predicted_categories.reduce((w, c) => Math.min(w, { low: CONF_LOW, medium: CONF_MEDIUM, high: CONF_HIGH }[c.confidence]), CONF_HIGH);
      assert.equal(r.confidence[i], p.predicted_categories.length ? worst : CONF_LOW);
      seen.add(`${p.fits_any}/${p.would_route_to === 'review'}/${p.predicted_categories.length}`);
    });
    assert.ok(seen.size >= 2, `the sample covers several outcomes: ${[...seen].join(' ')}`);
  });
}

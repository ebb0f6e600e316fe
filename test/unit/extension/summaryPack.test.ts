// The packed summaries a large folder's panel receives after `init` unpack to exactly the summaries
// the host had, and are several times smaller than the objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSummaries, unpackSummaries } from '../../../src/core/summaryPack';
import { summarize } from '../../../src/core/imageSummary';
import type { ImageSummary } from '../../../src/core/imageSummary';
import { applyPrediction, applyReview, newSidecar } from '../../../src/core/sidecar';
import type { Prediction } from '../../../src/core/types';

function pred(label: string, i: number): Prediction {
  return {
    classifier: i % 3 ? 'zero-shot' : 'vlm',
    checkpoint: `model-${i % 2}`,
    revision: 'r',
    dtype: 'fp32',
    categories_hash: 'h',
    mode: 'single_label',
    created_at: new Date(0).toISOString(),
    image_sha256: 'x',
    warnings: [],
    predicted_categories: i % 5 ? [{ name: label, score: 1 + (i % 5), confidence: i % 2 ? 'high' : 'low', visual_evidence: 'e' }] : [],
    fits_any: i % 5 !== 0,
    category_scores: { [label]: 1 + (i % 5), other: 1 },
    would_route_to: i % 5 ? label : 'review',
    decision_basis: 'b',
    zero_shot: { score_kind: 'softmax', scores: { [label]: 0.1 * (i % 10), other: 0.05 }, cosines: { [label]: 0.3, other: 0.1 }, top5: [{ name: label, score: 0.1 * (i % 10), cosine: 0.3 }, { name: 'other', score: 0.05, cosine: 0.1 }], templates: ['{name}'], logit_scale: 100 },
  } as Prediction;
}

test('packed summaries unpack to the same summaries, every field, and are far smaller', () => {
  const list: ImageSummary[] = [];
  for (let i = 0; i < 400; i++) {
    const id = i % 7 ? `cls${i % 4}/img-${i}.png` : `top-${i}.jpg`;
    let sc = i % 11 === 0 ? null : applyPrediction(newSidecar({ name: id, sha256: 'x', size: 1 }), pred(`cls${i % 4}`, i));
    if (sc && i % 3 === 0) sc = applyReview(sc, { action: 'label', labels: [`cls${(i + 1) % 4}`] }, { by: 'tess' }, new Date(i).toISOString());
    const s = summarize(id, sc, i % 13 === 0 ? 'unreadable sidecar' : undefined);
    if (i === 5) s.name = 'a different display name';
    list.push(s);
  }
  const packed = packSummaries(list);
  const wire = JSON.parse(JSON.stringify(packed));
  assert.deepEqual(unpackSummaries(wire), list);
  const ratio = JSON.stringify(list).length / JSON.stringify(packed).length;
  assert.ok(ratio > 2.5, `packed is ${ratio.toFixed(1)}× smaller`);
});

test('an empty chunk packs and unpacks', () => {
  assert.deepEqual(unpackSummaries(packSummaries([])), []);
});

// The panel's view of a cascade: the grid shows the effective prediction (the VLM's where it ran),
// marks images where the VLM disagreed with zero-shot, and the "VLM disagreed with zero-shot" filter
// lists exactly those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../../src/core/imageSummary';
import { applyPrediction } from '../../../src/core/sidecar';
import { applyFilter, DEFAULT_FILTER, headerCounts } from '../../../webview/filters';
import { orderPredictions } from '../../../webview/predictionView';
import { prediction, sidecarWith } from './fixtures';

const vlm = (label: string, at = '2020-01-01T00:00:00.000Z') =>
  prediction(label, 0.9, { classifier: 'vlm', checkpoint: 'm @ host', created_at: at, zero_shot: undefined, cascade: { zero_shot: 'f', when: 'score<=3' } });

test('summaries: the VLM\'s labels are the effective ones even when zero-shot is newer; disagreement is marked', () => {
  const zs = prediction('blue', 0.5, { created_at: '2030-01-01T00:00:00.000Z' });
  const both = applyPrediction(sidecarWith('a.png', zs), vlm('red'));
  const s = summarize('a.png', both);
  assert.equal(s.effective, 'vlm');
  assert.deepEqual(s.predicted, ['red']);
  assert.equal(s.checkpoint, 'm @ host');
  assert.equal(s.vlmDisagrees, true);
  const agree = summarize('b.png', applyPrediction(sidecarWith('b.png', zs), vlm('blue')));
  assert.equal(agree.vlmDisagrees, false);
  const only = summarize('c.png', sidecarWith('c.png', zs));
  assert.deepEqual([only.effective, only.vlmDisagrees], ['zero-shot', false]);
});

test('the filter "VLM disagreed with zero-shot" lists exactly the disagreeing images, and the header counts them', () => {
  const zs = prediction('blue', 0.5);
  const imgs = [
    summarize('a.png', applyPrediction(sidecarWith('a.png', zs), vlm('red'))),
    summarize('b.png', applyPrediction(sidecarWith('b.png', zs), vlm('blue'))),
    summarize('c.png', sidecarWith('c.png', zs)),
    summarize('d.png', applyPrediction(sidecarWith('d.png', zs), vlm('green'))),
  ];
  assert.deepEqual(applyFilter(imgs, { ...DEFAULT_FILTER, vlmDisagreed: true }).map((i) => i.id), ['a.png', 'd.png']);
  assert.equal(applyFilter(imgs, DEFAULT_FILTER).length, 4);
  assert.equal(headerCounts(imgs, ['red', 'green', 'blue']).vlmDisagreed, 2);
});

test('the detail pane lists the effective prediction first, whatever its age', () => {
  const zs = prediction('blue', 0.5, { created_at: '2030-01-01T00:00:00.000Z' });
  const v = vlm('red');
  assert.deepEqual(orderPredictions({ 'zero-shot': zs, vlm: v }, 'vlm').map((p) => p.classifier), ['vlm', 'zero-shot']);
  assert.deepEqual(orderPredictions({ 'zero-shot': zs, vlm: v }).map((p) => p.classifier), ['zero-shot', 'vlm'], 'without it: newest first');
});

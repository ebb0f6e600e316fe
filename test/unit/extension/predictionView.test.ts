// What the detail pane says about predictions (webview/predictionView.ts, no DOM): a VLM prediction's
// checkpoint, prompt version, confidence, evidence, basis and every flag; both classifiers side by
// side without comparing their scores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOTH_NOTE, CALIBRATION_NOTE, VLM_SCORE_NOTE, describePrediction, disagreement, flagLabel, orderPredictions } from '../../../webview/predictionView';
import type { Prediction } from '../../../src/core/types';
import { prediction } from './fixtures';

const XSS = '<img src=x onerror=alert(1)>';

function vlm(over: Partial<Prediction> = {}): Prediction {
  return {
    ...prediction('red'),
    classifier: 'vlm',
    checkpoint: 'test-vlm @ 127.0.0.1:8080',
    revision: '',
    dtype: 'n/a',
    prompt_version: 'routing-card-v1',
    created_at: '2025-02-01T00:00:00.000Z',
    zero_shot: undefined,
    predicted_categories: [{ name: 'red', score: 4, confidence: 'medium', visual_evidence: `a red square ${XSS}` }],
    category_scores: { red: 4, green: 1, blue: 2 },
    decision_basis: 'Mostly red pixels.',
    flags: [
      { kind: 'unknown_category', detail: 'category_scores has "purple", which is not a category; dropped' },
      { kind: 'single_label_split', detail: 'predicted 2 categories in single_label mode; kept "red"' },
      { kind: 'some_new_kind', detail: 'x' },
    ],
    ...over,
  };
}

const row = (rows: [string, string][], key: string) => rows.find(([k]) => k === key)?.[1];

test('a VLM prediction: checkpoint, prompt version, confidence, basis, evidence (verbatim) and every flag with kind and detail', () => {
  const v = describePrediction(vlm());
  assert.equal(v.kind, 'vlm');
  assert.equal(v.title, 'Vision-language model prediction');
  assert.equal(v.checkpoint, 'test-vlm @ 127.0.0.1:8080');
  assert.equal(row(v.about, 'Prompt version'), 'routing-card-v1');
  assert.equal(row(v.outcome, 'Confidence'), 'medium');
  assert.equal(row(v.outcome, 'Decision basis'), 'Mostly red pixels.');
  assert.equal(row(v.outcome, 'Predicted'), 'red');
  assert.deepEqual(v.evidence, [{ name: 'red', score: 4, confidence: 'medium', text: `a red square ${XSS}` }]);
  assert.deepEqual(
    v.flags.map((f) => [f.kind, f.label]),
    [
      ['unknown_category', 'unknown category dropped'],
      ['single_label_split', 'single-label split corrected'],
      ['some_new_kind', 'some new kind'],
    ],
  );
  assert.match(v.flags[0].detail, /"purple", which is not a category/);
  // VLM scores are card scores 1–5, with their own note; no raw-score column, no calibration claim.
  assert.equal(v.cardScoreLabel, 'VLM card score (1–5)');
  assert.equal(v.rawScoreLabel, null);
  assert.equal(v.scoreNote, VLM_SCORE_NOTE);
});

test('a zero-shot prediction keeps the uncalibrated note and its raw score column', () => {
  const v = describePrediction(prediction('blue'));
  assert.equal(v.title, 'Zero-shot prediction');
  assert.equal(v.scoreNote, CALIBRATION_NOTE);
  assert.match(CALIBRATION_NOTE, /uncalibrated, this checkpoint only/);
  assert.equal(v.rawScoreLabel, 'softmax score (uncalibrated)');
  assert.equal(row(v.about, 'Weights'), 'fp32 · revision local');
  assert.equal(row(v.about, 'Prompt version'), undefined);
  assert.deepEqual(v.flags, []);
});

test('a VLM prediction that fits nothing, without prompt version or flags, still reads sensibly', () => {
  const v = describePrediction(vlm({ predicted_categories: [], fits_any: false, would_route_to: 'review', prompt_version: undefined, flags: undefined, decision_basis: '' }));
  assert.equal(row(v.outcome, 'Predicted'), 'nothing fits');
  assert.equal(row(v.outcome, 'Confidence'), '—');
  assert.equal(row(v.outcome, 'Fits any'), 'no');
  assert.equal(row(v.outcome, 'Route'), 'review');
  assert.equal(row(v.outcome, 'Decision basis'), '—');
  assert.equal(row(v.about, 'Prompt version'), 'not recorded');
  assert.deepEqual(v.flags, []);
});

test('both classifiers: newest first (the grid shows it), each with its own checkpoint; disagreement is about labels only', () => {
  const zs = prediction('blue');
  const vl = vlm();
  const ordered = orderPredictions({ 'zero-shot': zs, vlm: vl });
  assert.deepEqual(ordered.map((p) => p.classifier), ['vlm', 'zero-shot']);
  assert.deepEqual(ordered.map((p) => describePrediction(p).checkpoint), ['test-vlm @ 127.0.0.1:8080', 'tiny-clip']);
  assert.equal(disagreement(ordered), 'The classifiers disagree: vision-language model → red; zero-shot → blue.');
  // Same labels, different scores: no disagreement (scores are never compared).
  assert.equal(disagreement([vl, prediction('red', 0.4)]), null);
  assert.equal(disagreement([vl]), null);
  assert.equal(disagreement([vlm({ predicted_categories: [] }), prediction(null)]), null);
  assert.match(BOTH_NOTE, /not compared/);
  assert.deepEqual(orderPredictions({}), []);
});

test('flag labels: the card failure modes read as badges', () => {
  assert.equal(flagLabel('forced_classification'), 'forced classification undone');
  assert.equal(flagLabel('repaired_json'), 'JSON repaired');
  assert.equal(flagLabel('bad_score'), 'bad score corrected');
  assert.equal(flagLabel(''), 'flag');
});

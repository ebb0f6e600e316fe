// `report --fail-if`: the grammar, per-group evaluation, exit 3 naming each failed condition, an
// unknown field as a usage error; and `report --probe N` filling the probe section from cached
// embeddings (no image re-encoded) with the real tiny model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir as itTemp, tinyModel } from '../../support/fixtures';
import { GateSyntaxError, evaluateGate, parseGate } from '../../../src/core/audit/gate';
import { buildReport } from '../../../src/core/audit/report';
import { done, pred, review, sidecar, tempDir, writeImage } from './fixtures';

test('the grammar: fields, operators, percentages; unknown fields and bad syntax are errors', () => {
  assert.deepEqual(parseGate('hallucination.upper>0.05, kappa<0.6,accuracy <= 90%').map((c) => [c.field, c.op, c.value]), [
    ['hallucination.upper', '>', 0.05],
    ['kappa', '<', 0.6],
    ['accuracy', '<=', 0.9],
  ]);
  assert.throws(() => parseGate('halucination>0.1'), (e: Error) => e instanceof GateSyntaxError && /unknown field "halucination"/.test(e.message));
  assert.throws(() => parseGate('accuracy<'), /cannot read condition/);
  assert.throws(() => parseGate('accuracy<0.9,'), /empty condition/);
});

test('each group is checked; no data fails the gate', () => {
  const images = [0, 1, 2, 3].map((i) => ({
    relPath: `i${i}.png`,
    sidecar: sidecar(`i${i}.png`, {
      preds: [pred({ top: 'cat' })],
      review: review(i < 3 ? 'accepted' : 'overridden', i < 3 ? ['cat'] : ['dog'], { classifier: 'vlm', labels: ['cat'] }),
      audit: [done({ verdict: i === 0 ? 'hallucinated' : 'accurate', predicted_labels: ['cat'] })],
    }),
  }));
  const r = buildReport(images);
  const g = evaluateGate(r, parseGate('accuracy<0.9,hallucination.rate>0.5,kappa<0.6'));
  assert.deepEqual(g.failures.map((f) => [f.condition, f.value]), [
    ['accuracy<0.9', 0.75],
    ['kappa<0.6', null],
  ]);
  assert.equal(evaluateGate(r, parseGate('accuracy<0.5')).passed, true);
});

test('report --fail-if exits 3 naming each failed condition, 0 when it passes, 1 on an unknown field', async () => {
  const dir = await tempDir('gate-');
  for (let i = 0; i < 5; i++) {
    await writeImage(dir, `i${i}.png`, sidecar(`i${i}.png`, { preds: [pred({ top: 'cat', flags: i < 2 ? ['forced_classification'] : [] })], audit: [done({ verdict: i === 0 ? 'hallucinated' : 'accurate', predicted_labels: ['cat'] })] }));
  }
  const fail = await cli(['report', dir, '--format', 'json', '--fail-if', 'hallucination.upper>0.05,forced_classification.rate>0.1,confidence.low>0.5']);
  assert.equal(fail.code, 3, fail.err);
  assert.match(fail.err, /quality gate FAILED \(2\)/);
  assert.match(fail.err, /hallucination\.upper>0\.05: vlm vlm-A = 0\.6/);
  assert.match(fail.err, /forced_classification\.rate>0\.1: vlm vlm-A = 0\.4/);
  assert.doesNotMatch(fail.err, /confidence\.low/);
  assert.equal(JSON.parse(fail.out).schema, 'image-triage/trust-report', 'the report is still written');
  const pass = await cli(['report', dir, '--format', 'json', '--fail-if', 'hallucination.rate>0.5']);
  assert.equal(pass.code, 0, pass.err);
  assert.match(pass.err, /quality gate passed/);
  const unknown = await cli(['report', dir, '--fail-if', 'precision<0.9']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /--fail-if: unknown field "precision"/);
});

test('report --probe N fills the probe section from cached embeddings, encoding no image', async () => {
  const root = await itTemp('rprobe-');
  const cache = await itTemp();
  for (const c of ['red', 'green', 'blue', 'yellow']) for (const s of [30, 40, 50]) await fs.writeFile(path.join(root, `${c}-${s}.png`), await solidColorPng(c, s));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: ['red', 'green', 'blue', 'yellow'].map((c, i) => ({ name: `bin_${i}`, description: `an image that is ${c}` })), templates: ['{description}'] }));
  assert.equal((await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', cache])).code, 0);
  const r = await cli(['report', root, '--format', 'json', '--probe', '12', '--seed', '2', '--cache-dir', cache, '--fail-if', 'probe.descriptions_ignored==1']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /description probe: 12 of 12 images with cached embeddings .*; 0 images encoded/);
  const rep = JSON.parse(r.out);
  assert.equal(rep.description_probe.n, 12);
  assert.equal(rep.description_probe.shuffled_changed.k, 12, 'the descriptions carry the meaning');
  assert.equal(rep.description_probe.descriptions_ignored, false);
  const md = await cli(['report', root, '--probe', '12', '--cache-dir', cache]);
  assert.match(md.out, /Description-ignored probe/);
  const noProbe = await cli(['report', root, '--fail-if', 'probe.shuffled_changed<0.5', '--format', 'json']);
  assert.equal(noProbe.code, 3, 'without --probe there is no probe data: the gate fails');
  assert.match(noProbe.err, /probe\.shuffled_changed<0\.5: no data/);
});

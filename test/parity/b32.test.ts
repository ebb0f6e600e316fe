// Parity on the shape-faithful ViT-B/32 (exactly Xenova/clip-vit-base-patch32's graphs and file names,
// random weights, the real tokenizer from ../shared): Image Triage's probabilities equal
// transformers.js's own pipeline('zero-shot-image-classification') to 1e-4 on 20 hymenoptera photos.
// Separate from the unit run because generating the model takes ~2 minutes on 2 cores
// (`npm run test:parity`, part of `npm run test:all`); it reuses .bench/ when `npm run bench:model` made it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BENCH_OUT, generateBenchModel } from '../../src/devmodels/benchModel';
import { PARITY_TOLERANCE, photosAtInputSize, probabilityDiff } from '../support/parity';

const ROOT = path.resolve(__dirname, '../..');
const MODEL = path.join(ROOT, DEFAULT_BENCH_OUT);
const LABELS = ['ant', 'bee', 'wasp', 'butterfly', 'flower', 'leaf', 'spider', 'a person'];

test('shape-faithful ViT-B/32 with the real tokenizer: probabilities equal transformers.js\'s pipeline to 1e-4 on 20 hymenoptera photos', { timeout: 30 * 60_000 }, async () => {
  if (!existsSync(path.join(MODEL, 'onnx', 'model.onnx')) || !existsSync(path.join(MODEL, 'onnx', 'vision_model.onnx'))) {
    const t0 = Date.now();
    process.chdir(ROOT);
    await generateBenchModel(MODEL, { log: (l) => console.log(l) });
    console.log(`generated the ViT-B/32 model in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const t0 = Date.now();
  // The photos at the model's input size (224 px PNG): both sides read the same pixels (resizing differs
  // on purpose, see test/unit/zeroshot/parity.test.ts), so this compares tokenising, towers and scoring.
  const { max, n } = await probabilityDiff(MODEL, await photosAtInputSize(20, 224), LABELS);
  console.log(`ViT-B/32: max |ours − pipeline| = ${max.toExponential(2)} over ${n} scores in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  assert.equal(n, 20 * LABELS.length);
  assert.ok(max <= PARITY_TOLERANCE, `max difference ${max}`);
});

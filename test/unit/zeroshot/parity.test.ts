// Parity with transformers.js on the generated tiny CLIP and SigLIP (the shape-faithful ViT-B/32 with
// the real tokenizer runs in test/parity/, `npm run test:parity`, part of test:all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARITY_TOLERANCE, photosAtInputSize, preprocessingDiff, probabilityDiff } from '../../support/parity';
import { photos, tinyModel } from '../../support/fixtures';

// Colour words are what the tiny models know; real photos give them mixed, non-trivial scores.
const LABELS = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'gray', 'orange'];

for (const kind of ['clip', 'siglip'] as const) {
  test(`tiny ${kind}: probabilities equal transformers.js's own zero-shot pipeline to 1e-4 on 20 hymenoptera photos`, async () => {
    const model = await tinyModel(kind);
    // As the photos are (JPEG, resized by each side) and at the input size (same pixels on both sides).
    for (const files of [await photos(20), await photosAtInputSize(20, 32)]) {
      const { max, n } = await probabilityDiff(model, files, LABELS);
      console.log(`tiny ${kind}: max |ours − pipeline| = ${max.toExponential(2)} over ${n} scores`);
      assert.equal(n, 20 * LABELS.length);
      assert.ok(max <= PARITY_TOLERANCE, `max difference ${max}`);
    }
  });
}

test('preprocessing: our pixel tensor against transformers.js AutoProcessor, with the bound and its reason', async () => {
  // Same pixels in (the photos at the input size, PNG): the tensors agree to float rounding.
  const same = await preprocessingDiff(await tinyModel('clip'), await photosAtInputSize(20, 32));
  console.log(`input-size PNGs: max |Δ| = ${same.max.toExponential(2)}, mean ${same.mean.toExponential(2)} (normalised units)`);
  assert.ok(same.max <= 1e-5, `max ${same.max}`);
  // The JPEGs resized by each side differ on purpose: transformers.js on Node downsamples with sharp's
  // affine() + bicubic *interpolation* (no low-pass filter: aliasing on edges); Image Triage resizes with
  // a filter whose support grows with the reduction, as Pillow and the Python CLIPImageProcessor do.
  // Measured on these 20 photos: max ≈ 3 at 32 px (one aliased edge pixel), mean ≈ 0.2; the bound is
  // on the mean (most of the image agrees), with max ≤ 4.5 (a full-range swing is ≈ 3.7).
  const resized = await preprocessingDiff(await tinyModel('clip'), await photos(20));
  console.log(`resized JPEGs: max |Δ| = ${resized.max.toFixed(3)}, mean ${resized.mean.toFixed(4)} (normalised units)`);
  assert.ok(resized.mean <= 0.35, `mean ${resized.mean}`);
  assert.ok(resized.max <= 4.5, `max ${resized.max}`);
});

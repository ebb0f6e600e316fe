// Our sharp preprocessing must feed the vision tower what transformers.js's own processor would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { outputSize, preprocessInto, specFromConfig } from '../../../src/classifiers/zeroShot/preprocess';
import { transformers } from '../../../src/classifiers/zeroShot/modelLoader';
import sharp from 'sharp';
import { CIFAR, SHARED, photos } from '../../support/fixtures';

const CLIP_DIR = path.join(SHARED, 'models/clip-vit-base-patch32');

test('CLIP preprocessing of a real photo matches transformers.js AutoProcessor closely', async () => {
  const cfg = JSON.parse(await fs.readFile(path.join(CLIP_DIR, 'preprocessor_config.json'), 'utf8'));
  const spec = specFromConfig(cfg, 'clip');
  assert.deepEqual(outputSize(spec), { height: 224, width: 224 });
  const T = await transformers();
  T.env.allowRemoteModels = false;
  const processor = await T.AutoProcessor.from_pretrained(CLIP_DIR);
  for (const file of await photos(3)) {
    const bytes = await fs.readFile(file);
    const ours = new Float32Array(3 * 224 * 224);
    await preprocessInto(bytes, spec, ours, 0);
    const image = await T.RawImage.read(file);
    const theirs = ((await processor(image)) as { pixel_values: { data: Float32Array; dims: number[] } }).pixel_values;
    assert.deepEqual(theirs.dims, [1, 3, 224, 224]);
    let diff = 0;
    let corr = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < ours.length; i++) {
      diff += Math.abs(ours[i] - theirs.data[i]);
      corr += ours[i] * theirs.data[i];
      na += ours[i] ** 2;
      nb += theirs.data[i] ** 2;
    }
    const mad = diff / ours.length;
    const cos = corr / Math.sqrt(na * nb);
    // Same size, same crop, same normalisation. The kernels differ on purpose: sharp's resize
    // antialiases like PIL's bicubic (the reference CLIP preprocessing), transformers.js's affine does
    // not, so fine texture differs a little; a shifted crop or wrong scale would be far above this.
    assert.ok(mad < 0.12, `${path.basename(file)}: mean abs diff ${mad}`);
    assert.ok(cos > 0.98, `${path.basename(file)}: cosine ${cos}`);
  }
});

test('SigLIP-style configs resize straight to height×width with mean/std 0.5', () => {
  const spec = specFromConfig({ do_resize: true, size: { height: 224, width: 224 }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], rescale_factor: 1 / 255 }, 'siglip');
  assert.deepEqual(spec.resize, { height: 224, width: 224 });
  assert.equal(spec.crop, undefined);
  assert.deepEqual(outputSize(spec), { height: 224, width: 224 });
});

/** The same preprocessing done by sharp alone (decode, cubic resize, center crop), normalised. */
async function sharpOnly(bytes: Buffer, cfg: { image_mean: number[]; image_std: number[] }): Promise<Float32Array> {
  const { width: w, height: h } = await sharp(bytes).metadata();
  const f = 224 / Math.min(w!, h!);
  const rw = Math.floor(Number((w! * f).toFixed(2)));
  const rh = Math.floor(Number((h! * f).toFixed(2)));
  const px = await sharp(bytes).resize(rw, rh, { fit: 'fill', kernel: 'cubic' }).extract({ left: (rw - 224) >> 1, top: (rh - 224) >> 1, width: 224, height: 224 }).raw().toBuffer();
  const out = new Float32Array(3 * 224 * 224);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 224 * 224; i++) out[c * 224 * 224 + i] = (px[i * 3 + c] / 255 - cfg.image_mean[c]) / cfg.image_std[c];
  return out;
}

test('small images (upscaled in JS, Pillow-exact) and photos (fast JPEG decoder) match sharp-only preprocessing', async () => {
  const cfg = JSON.parse(await fs.readFile(path.join(CLIP_DIR, 'preprocessor_config.json'), 'utf8'));
  const spec = specFromConfig(cfg, 'clip');
  const files: [string, number][] = [
    [path.join(CIFAR, 'cat/0001.jpg'), 0.03],
    [path.join(CIFAR, 'ship/0002.jpg'), 0.03],
    ...(await photos(2)).map((f): [string, number] => [f, 0.01]),
  ];
  for (const [file, limit] of files) {
    const bytes = await fs.readFile(file);
    const ours = new Float32Array(3 * 224 * 224);
    await preprocessInto(bytes, spec, ours, 0);
    const ref = await sharpOnly(bytes, cfg);
    let diff = 0;
    for (let i = 0; i < ours.length; i++) diff += Math.abs(ours[i] - ref[i]);
    // One 8-bit level is ~0.015 after normalisation: the paths differ by rounding, not by a shift or a channel swap.
    assert.ok(diff / ours.length < limit, `${path.basename(file)}: mean abs diff ${diff / ours.length}`);
  }
});

// Parity with transformers.js, the real consumer of the same weights: Image Triage's probabilities
// against transformers.js's own pipeline('zero-shot-image-classification') with the same single
// template, on 20 hymenoptera photos; and its pixel tensor against transformers.js's AutoProcessor.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AutoProcessor, RawImage, pipeline } from '@huggingface/transformers';
import { ZeroShotClassifier } from '../../src/classifiers/zeroShot';
import { outputSize, preprocessInto } from '../../src/classifiers/zeroShot/preprocess';
import type { CategorySet } from '../../src/core/types';
import { photos, tempDir } from './fixtures';

export const PARITY_TOLERANCE = 1e-4;

/**
 * The 20 photos at the model's input size (center crop, PNG): both sides then decode the same
 * pixels and resize nothing, so any difference is in tokenising, the towers, pooling or scoring.
 * (Resizing differs on purpose; see preprocessingDiff.)
 */
export async function photosAtInputSize(n: number, size: number): Promise<string[]> {
  const dir = await tempDir(`parity-${size}-`);
  return Promise.all(
    (await photos(n)).map(async (f) => {
      const out = path.join(dir, path.basename(f).replace(/\.jpe?g$/i, '.png'));
      await sharp(f).resize(size, size, { fit: 'cover' }).png().toFile(out);
      return out;
    }),
  );
}

/** Max |ours − transformers.js pipeline| over every photo and label. */
export async function probabilityDiff(model: string, files: string[], labels: string[]): Promise<{ max: number; n: number }> {
  const template = 'a photo of {}';
  const pipe = await pipeline('zero-shot-image-classification', model);
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype: 'fp32', cacheDir: await tempDir() });
  const set: CategorySet = { mode: 'single_label', categories: labels.map((name) => ({ name, description: name })), templates: [template.replace('{}', '{name}')] };
  let max = 0;
  let n = 0;
  try {
    for (const f of files) {
      const bytes = await fs.readFile(f);
      const theirs = (await pipe(f, labels, { hypothesis_template: template })) as { label: string; score: number }[];
      const [o] = await c.classifyBatch([{ path: f, relPath: path.basename(f), bytes, sha256: createHash('sha256').update(bytes).digest('hex') }], set);
      assert.ok(o.ok, o.ok ? '' : o.error);
      assert.equal(theirs.length, labels.length);
      for (const t of theirs) {
        max = Math.max(max, Math.abs(t.score - o.prediction.zero_shot!.scores[t.label]));
        n++;
      }
    }
  } finally {
    await c.dispose();
    await (pipe as unknown as { dispose?: () => Promise<void> }).dispose?.();
  }
  return { max, n };
}

/** Max and mean |Image Triage pixel tensor − transformers.js AutoProcessor's| over the photos. */
export async function preprocessingDiff(model: string, files: string[]): Promise<{ max: number; mean: number }> {
  const proc = await AutoProcessor.from_pretrained(model);
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model, dtype: 'fp32', cacheDir: await tempDir() });
  const { height, width } = outputSize(c.towers.preprocess);
  let max = 0;
  let sum = 0;
  let count = 0;
  try {
    for (const f of files) {
      const ours = new Float32Array(3 * height * width);
      await preprocessInto(await fs.readFile(f), c.towers.preprocess, ours, 0);
      const theirs = (await proc(await RawImage.read(f))).pixel_values.data as Float32Array;
      assert.equal(theirs.length, ours.length);
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs(ours[i] - theirs[i]);
        if (d > max) max = d;
        sum += d;
      }
      count += ours.length;
    }
  } finally {
    await c.dispose();
  }
  return { max, mean: sum / count };
}

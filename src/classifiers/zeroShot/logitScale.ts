// The scale (and SigLIP bias) that turn cosines into the model's logits. The split towers do not
// carry them, so: CLIP uses exp(logit_scale) = 100 (every OpenAI CLIP checkpoint trains to that
// clamp); SigLIP's learned scale and bias are measured once from the checkpoint's own joint model
// (onnx/model.onnx) by a least-squares fit of logits against cosines, then cached.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Towers } from './modelLoader';
import { dot, l2normalise } from './scoring';
import { outputSize } from './preprocess';
import { embeddingKeyId } from './embeddingCache';

export const CLIP_LOGIT_SCALE = 100;
const PROBE_TEXTS = ['a photo of a red car', 'a photo of a cat', 'a blue sky', 'green', 'a text document', 'black', 'white', 'a dog'];

export interface LogitScale {
  scale: number;
  bias: number;
}

/** Least-squares fit of l = s·c + b. */
export function fitLine(c: number[], l: number[]): LogitScale {
  const n = c.length;
  const mc = c.reduce((a, b) => a + b, 0) / n;
  const ml = l.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (c[i] - mc) * (l[i] - ml);
    sxx += (c[i] - mc) ** 2;
  }
  if (sxx < 1e-12) throw new Error('probe texts gave identical cosines; cannot measure the logit scale');
  const scale = sxy / sxx;
  return { scale, bias: ml - scale * mc };
}

export async function logitScaleFor(towers: Towers, cacheDir: string): Promise<LogitScale> {
  if (towers.modelType === 'clip') return { scale: CLIP_LOGIT_SCALE, bias: 0 };
  const file = path.join(cacheDir, 'calibration', embeddingKeyId({ model: towers.checkpoint, revision: towers.revision, dtype: towers.dtype }) + '.json');
  try {
    const cached = JSON.parse(await fs.readFile(file, 'utf8')) as LogitScale;
    if (Number.isFinite(cached.scale) && Number.isFinite(cached.bias)) return cached;
  } catch {
    /* not measured yet */
  }
  const { height, width } = outputSize(towers.preprocess);
  // A smooth colour gradient: any image works, it only needs to give the texts different cosines.
  const px = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++) for (let i = 0; i < height * width; i++) px[c * height * width + i] = ((i % width) / width) * (c === 0 ? 1.5 : -1) + (c === 2 ? 0.5 : 0);
  let res;
  try {
    res = await towers.jointLogits(PROBE_TEXTS, px, height, width);
  } catch (e) {
    throw new Error(`SigLIP scores need the checkpoint's logit scale and bias, read from its joint model onnx/model.onnx, which could not be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  const img = l2normalise(res.image);
  const cos = res.text.map((t) => dot(l2normalise(t), img));
  const fit = fitLine(cos, res.logits);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(fit));
  return fit;
}

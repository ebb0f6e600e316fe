// The scale (and SigLIP bias) that turn cosines into the model's logits. The split towers do not
// carry them. CLIP: exp(logit_scale) = 100 (every OpenAI CLIP checkpoint trains to that clamp).
// SigLIP, without the joint model where possible, in this order:
//   1. a table of known checkpoints keyed by hub id (values with their source);
//   2. the user's --logit-scale / --logit-bias (or the imageTriage.logitScale / logitBias settings);
//   3. the smallest joint model, onnx/model_quantized.onnx (the 8-bit quantiser leaves the two
//      scalars alone), run once on probe texts, fitted by least squares, freed, and cached;
//   4. otherwise an error naming 2 and 3.
// The source is recorded in every prediction (zero_shot.logit_source).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Towers } from './modelLoader';
import { ModelLoadError } from './errors';
import { dot, l2normalise } from './scoring';
import { outputSize } from './preprocess';
import { embeddingKeyId } from './embeddingCache';
import { writeFileAtomic } from '../../core/atomicWrite';

export const CLIP_LOGIT_SCALE = 100;
const PROBE_TEXTS = ['a photo of a red car', 'a photo of a cat', 'a blue sky', 'green', 'a text document', 'black', 'white', 'a dog'];

/** Where the scale and bias came from. */
export type LogitSource = 'clip-default' | 'known-checkpoint' | 'flags' | 'setting' | 'joint-model';

export interface LogitScale {
  /** The multiplier applied to the cosine (exp of the stored logit_scale parameter). */
  scale: number;
  /** Added after scaling (SigLIP; 0 for CLIP). */
  bias: number;
  source: LogitSource;
}

/** The user's values: scale is the multiplier (117.33 for siglip-base), bias is added after. */
export interface UserLogit {
  scale?: number;
  bias?: number;
  from: 'flags' | 'setting';
}

/**
 * Known SigLIP checkpoints. google/siglip-base-patch16-224 (and its Xenova ONNX port, the same
 * weights): exp(logit_scale) = 117.330765, logit_bias = −12.932437, as issue #11 states them from
 * its check of the checkpoint. Add others only with a cited source.
 */
export const KNOWN_SIGLIP: Readonly<Record<string, { scale: number; bias: number }>> = Object.freeze({
  'google/siglip-base-patch16-224': { scale: 117.330765, bias: -12.932437 },
  'xenova/siglip-base-patch16-224': { scale: 117.330765, bias: -12.932437 },
});

export function knownSiglip(checkpoint: string): { scale: number; bias: number } | undefined {
  return KNOWN_SIGLIP[checkpoint.toLowerCase()];
}

/** Least-squares fit of l = s·c + b. */
export function fitLine(c: number[], l: number[]): { scale: number; bias: number } {
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

export function checkUserLogit(u: UserLogit | undefined, kind: 'clip' | 'siglip'): string | undefined {
  if (!u || (u.scale === undefined && u.bias === undefined)) return undefined;
  const name = u.from === 'flags' ? ['--logit-scale', '--logit-bias'] : ['imageTriage.logitScale', 'imageTriage.logitBias'];
  if (u.scale !== undefined && !(Number.isFinite(u.scale) && u.scale > 0)) return `${name[0]} must be a positive number: the multiplier applied to the cosine (117.33 for siglip-base), not its logarithm`;
  if (u.bias !== undefined && !Number.isFinite(u.bias)) return `${name[1]} must be a number`;
  if (kind === 'siglip' && (u.scale === undefined) !== (u.bias === undefined)) return `SigLIP needs both ${name[0]} and ${name[1]}`;
  return undefined;
}

export async function logitScaleFor(towers: Towers, cacheDir: string, user?: UserLogit): Promise<LogitScale> {
  const bad = checkUserLogit(user, towers.modelType);
  if (bad) throw new ModelLoadError(bad);
  const given = user && user.scale !== undefined ? { scale: user.scale, bias: user.bias ?? 0, source: user.from } : undefined;
  if (towers.modelType === 'clip') return given ?? { scale: CLIP_LOGIT_SCALE, bias: 0, source: 'clip-default' };
  const known = towers.isLocal ? undefined : knownSiglip(towers.checkpoint);
  if (known) return { ...known, source: 'known-checkpoint' };
  if (given) return given;
  const file = path.join(cacheDir, 'calibration', embeddingKeyId({ model: towers.checkpoint, revision: towers.revision, dtype: 'joint-q8' }) + '.json');
  try {
    const cached = JSON.parse(await fs.readFile(file, 'utf8')) as LogitScale;
    if (Number.isFinite(cached.scale) && Number.isFinite(cached.bias)) return { scale: cached.scale, bias: cached.bias, source: 'joint-model' };
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
    throw new ModelLoadError(
      `SigLIP scores need the checkpoint's logit scale and bias. "${towers.checkpoint}" is not in the table of known checkpoints, and its joint model onnx/model_quantized.onnx could not be read (${(e as Error).message.split('\n')[0]}). ` +
        'Either pass --logit-scale <exp(logit_scale), e.g. 117.33> and --logit-bias <bias, e.g. -12.93> (in VS Code: imageTriage.logitScale and imageTriage.logitBias), from the checkpoint\'s model card or weights, ' +
        'or put onnx/model_quantized.onnx next to the towers (it is read once, then cached).',
    );
  }
  const img = l2normalise(res.image);
  const cos = res.text.map((t) => dot(l2normalise(t), img));
  const fit = fitLine(cos, res.logits);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(fit));
  return { ...fit, source: 'joint-model' };
}

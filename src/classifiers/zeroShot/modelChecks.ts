// What a checkpoint must be to load, and a local model's fingerprint.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ModelLoadError } from './errors';

const SUFFIX: Record<string, string> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

/**
 * The model type, or a refusal that says what works. SigLIP 2 NaFlex (model_type "siglip2", a
 * variable number of patches) would pass a name check and then fail deep inside preprocessing.
 */
export function refuseUnsupported(id: string, config: Record<string, unknown>, pp: Record<string, unknown>): 'clip' | 'siglip' {
  const type = String(config.model_type ?? '');
  const vision = (config.vision_config ?? {}) as Record<string, unknown>;
  if (type === 'siglip2' || 'max_num_patches' in pp || 'max_num_patches' in vision) {
    throw new ModelLoadError(
      `"${id}" is a SigLIP 2 NaFlex checkpoint (model_type "${type}", a variable number of patches per image), which Image Triage does not support. ` +
        'Use a fixed-resolution SigLIP 2 export, whose config.json says model_type "siglip" (for example the -224/-256/-384 ports of google/siglip2-base-patch16-224), or a SigLIP or CLIP checkpoint.',
    );
  }
  if (type === 'siglip') return 'siglip';
  if (type === 'clip') return 'clip';
  throw new ModelLoadError(`"${id}" has model_type "${type}"; Image Triage zero-shot supports CLIP (model_type "clip") and SigLIP, including fixed-resolution SigLIP 2 exports (model_type "siglip").`);
}

/** Every file loading reads, for a dtype: configs, tokenizer, the two towers (and their external data), SigLIP's joint q8 file. */
export function filesRead(dir: string, dtype: string, modelType: 'clip' | 'siglip'): string[] {
  const sfx = SUFFIX[dtype] ?? `_${dtype}`;
  const onnx = [`text_model${sfx}.onnx`, `vision_model${sfx}.onnx`, ...(modelType === 'siglip' ? ['model_quantized.onnx'] : [])];
  const withData = onnx.flatMap((f) => {
    const out = [`onnx/${f}`];
    for (let i = 0; existsSync(path.join(dir, 'onnx', `${f}_data${i ? '_' + i : ''}`)); i++) out.push(`onnx/${f}_data${i ? '_' + i : ''}`);
    return out;
  });
  const configs = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt', 'spiece.model'];
  return [...configs, ...withData].filter((f) => existsSync(path.join(dir, f)));
}

/** A local model's revision: a fingerprint (name, size, mtime) of every file loading reads, so replacing any of them invalidates caches. */
export function localFingerprint(dir: string, dtype: string, modelType: 'clip' | 'siglip'): string {
  const h = createHash('sha256');
  for (const f of filesRead(dir, dtype, modelType)) {
    const s = statSync(path.join(dir, f), { throwIfNoEntry: false });
    if (!s) continue; // towers served by --encoder-url need not be here
    h.update(`${f}:${s.size}:${s.mtimeMs}\n`);
  }
  return 'local-' + h.digest('hex').slice(0, 12);
}

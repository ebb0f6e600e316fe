// Writes a tiny, meaningful CLIP or SigLIP model directory that transformers.js loads offline:
// configs, a WordPiece tokenizer and ONNX graphs (joint + split towers) in fp32, q8 and fp16 files.
// A solid red image scores ~1 for "a photo of red". See tinyModelSpec for the constants.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { type TinyGraphPart, type TinyVariant, buildTinyGraph } from './tinyModelGraphs';
import { tinyConfig, tinyPreprocessorConfig, tinyTokenizerConfig, tinyTokenizerJson } from './tinyModelConfigs';
import { type TinyKind, colorRgb } from './tinyModelSpec';

export {
  TINY_CLIP_LOGIT_SCALE,
  TINY_COLORS,
  TINY_COLOR_NAMES,
  TINY_EMBED_DIM,
  TINY_IMAGE_SIZE,
  TINY_MAX_LENGTH,
  TINY_SIGLIP_BIAS,
  TINY_SIGLIP_SCALE,
  type TinyKind,
} from './tinyModelSpec';

export interface TinyModelOptions {
  kind: TinyKind;
}

const FILE_STEM: Record<TinyGraphPart, string> = { joint: 'model', text: 'text_model', vision: 'vision_model' };
const SUFFIX: Record<TinyVariant, string> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

/** The ONNX files writeTinyModel creates, relative to the model directory. */
export const TINY_ONNX_FILES: readonly string[] = (['joint', 'text', 'vision'] as const).flatMap((p) =>
  (['fp32', 'q8', 'fp16'] as const).map((v) => `onnx/${FILE_STEM[p]}${SUFFIX[v]}.onnx`),
);

const json = (v: object) => JSON.stringify(v, null, 2) + '\n';

/**
 * Writes a complete transformers.js model directory for `kind` into `dir` (created if missing).
 * q8 files store the token embedding table as uint8 (Gather + DequantizeLinear); fp16 files store
 * every float weight as float16 and cast to float32 inside, with float32 inputs and outputs.
 */
export async function writeTinyModel(dir: string, opts: TinyModelOptions): Promise<void> {
  const { kind } = opts;
  if (kind !== 'clip' && kind !== 'siglip') throw new Error(`unknown tiny model kind: ${String(kind)}`);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'config.json'), json(tinyConfig(kind))),
    writeFile(join(dir, 'preprocessor_config.json'), json(tinyPreprocessorConfig(kind))),
    writeFile(join(dir, 'tokenizer.json'), json(tinyTokenizerJson(kind))),
    writeFile(join(dir, 'tokenizer_config.json'), json(tinyTokenizerConfig(kind))),
  ]);
  for (const part of ['joint', 'text', 'vision'] as const) {
    for (const variant of ['fp32', 'q8', 'fp16'] as const) {
      const bytes = buildTinyGraph(kind, part, variant).toModel();
      await writeFile(join(dir, 'onnx', `${FILE_STEM[part]}${SUFFIX[variant]}.onnx`), Buffer.concat(bytes.parts));
    }
  }
}

/** A solid-colour PNG (`size` x `size`) of a TINY_COLORS name or a '#rrggbb' string. */
export async function solidColorPng(color: string, size = 64): Promise<Buffer> {
  const [r, g, b] = colorRgb(color);
  return sharp({ create: { width: size, height: size, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

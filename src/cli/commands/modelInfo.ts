// `image-triage model info <hub id | dir> [--json]`: what a user needs to trust a checkpoint — id,
// revision sha, files and sizes per dtype, score kind, text token limit, image size and resampling,
// logit scale and bias with their source, the device it runs on, and a self-test (one prompt and one generated image encoded).
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import type { Dtype } from '../../classifiers/config';
import { createZeroShotClassifier } from '../../classifiers/zeroShot';
import { outputSize } from '../../classifiers/zeroShot/preprocess';
import { DTYPE_SUFFIX } from '../../classifiers/zeroShot/hub';
import { defaultCacheDir } from '../../core/cacheDir';
import { encoderUrlFromFlags, logitFlags } from '../classifierFlags';
import { DEVICES } from '../../classifiers/device';
import { UsageError, choiceFlag, flag, has, parseArgs, type CliIO } from '../args';

export const MODEL_INFO_ARGS = { booleans: ['json', 'send-images'], values: ['dtype', 'revision', 'cache-dir', 'logit-scale', 'logit-bias', 'device', 'encoder-url'] };
export const MODEL_INFO_USAGE = `usage: image-triage model info <hub id|dir> [--json] [--dtype fp32|q8|fp16] [--revision <branch|tag|sha>]
         [--cache-dir <dir>] [--logit-scale <x> --logit-bias <b>] [--device auto|cpu|cuda|dml|coreml|webgpu]
         [--encoder-url <url> [--send-images]]
  Loads the checkpoint as classify would and prints what it will score with, plus a self-test.`;

const RESAMPLING: Record<string, string> = { nearest: 'nearest', linear: 'bilinear', cubic: 'bicubic', lanczos3: 'lanczos' };

export async function modelCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'info') throw new UsageError(`unknown model sub-command "${sub ?? ''}"; use "model info <hub id|dir>"`);
  const a = parseArgs(rest, MODEL_INFO_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('model info takes exactly one hub id or model directory');
  const dtype = choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']) ?? 'fp32';
  const c = await createZeroShotClassifier({
    kind: 'zero-shot',
    model: a.positionals[0],
    dtype,
    cacheDir: flag(a, 'cache-dir') ?? defaultCacheDir(io.env),
    revision: flag(a, 'revision'),
    logit: logitFlags(a),
    device: choiceFlag(a, 'device', DEVICES) ?? 'auto',
    encoderUrl: encoderUrlFromFlags(a, io.env),
  });
  try {
    const t = c.towers;
    const size = outputSize(t.preprocess);
    const prompt = 'a photo of a cat';
    const [text] = await c.encodeTexts([prompt]);
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
    const [img] = await c.embedImages([{ path: '<generated>', relPath: '<generated>', bytes: png, sha256: createHash('sha256').update(png).digest('hex') }]);
    if (img instanceof Error) throw img;
    const files = t.files ?? [];
    const perDtype = Object.fromEntries(
      Object.entries(DTYPE_SUFFIX).map(([d, sfx]) => {
        const own = files.filter((f) => new RegExp(`^onnx/[a-z_]+?${sfx}\\.onnx(_data(_\\d+)?)?$`).test(f.path) && (sfx !== '' || !/_(quantized|fp16|int8|uint8|q4|q4f16|bnb4)\.onnx/.test(f.path)));
        return [d, { files: own.map((f) => ({ path: f.path, bytes: f.size ?? null })), bytes: own.reduce((s, f) => s + (f.size ?? 0), 0) }];
      }),
    );
    const info = {
      checkpoint: t.checkpoint,
      revision: t.revision,
      revision_requested: t.revisionRequested ?? null,
      model_type: t.modelType,
      dtype,
      device: t.device,
      device_note: t.deviceNote ?? null,
      score_kind: t.scoreKind,
      text_max_tokens: t.textMaxTokens,
      image_size: size,
      resampling: RESAMPLING[t.preprocess.kernel] ?? t.preprocess.kernel,
      logit_scale: c.logit.scale,
      logit_bias: c.logit.bias,
      logit_source: c.logit.source,
      files: perDtype,
      other_files: files.filter((f) => !f.path.startsWith('onnx/')).map((f) => ({ path: f.path, bytes: f.size ?? null })),
      self_test: { prompt, text_embedding_size: text.length, image: 'generated 64×48 PNG', image_embedding_size: img.length, ok: text.length === img.length && text.length > 0 },
    };
    if (has(a, 'json')) {
      io.out(JSON.stringify(info, null, 2) + '\n');
    } else {
      const mb = (b: number) => (b / 1e6).toFixed(b < 1e5 ? 3 : 1) + ' MB';
      const lines = [
        `checkpoint:      ${info.checkpoint}`,
        `revision:        ${info.revision}${info.revision_requested && info.revision_requested !== info.revision ? ` (asked: ${info.revision_requested})` : ''}`,
        `device:          ${info.device}${info.device_note ? ` (${info.device_note})` : ''}`,
        `model type:      ${info.model_type} → ${info.score_kind} scores (uncalibrated; comparable only within this checkpoint)`,
        `text tokens:     ${info.text_max_tokens} (longer prompts are cut to ${info.text_max_tokens - 1} + end-of-text, with a warning)`,
        `image size:      ${size.width}×${size.height}, ${info.resampling} resampling`,
        `logit scale:     ${info.logit_scale}${t.modelType === 'siglip' ? `, bias ${info.logit_bias}` : ''} (source: ${info.logit_source})`,
        'files per dtype:',
        ...Object.entries(perDtype).map(([d, v]) => `  ${d.padEnd(5)} ${v.files.length ? `${v.files.map((f) => f.path.replace('onnx/', '')).join(', ')} — ${mb(v.bytes)}` : '(none)'}${d === dtype ? (t.device.startsWith('remote:') ? '   ← in use, served by the encoder server' : '   ← in use') : ''}`),
        `self-test:       "${prompt}" → ${text.length}-d text embedding; generated image → ${img.length}-d image embedding: ${info.self_test.ok ? 'OK' : 'MISMATCH'}`,
      ];
      io.out(lines.join('\n') + '\n');
    }
    return info.self_test.ok ? 0 : 2;
  } finally {
    await c.dispose();
  }
}

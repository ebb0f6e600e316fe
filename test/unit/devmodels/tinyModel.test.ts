// The tiny generated CLIP/SigLIP models, through the real transformers.js code paths (offline).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPModel,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  SiglipModel,
  SiglipTextModel,
  SiglipVisionModel,
  type Tensor,
  env,
  pipeline,
} from '@huggingface/transformers';
import {
  TINY_CLIP_LOGIT_SCALE,
  TINY_COLORS,
  TINY_COLOR_NAMES,
  TINY_EMBED_DIM,
  TINY_MAX_LENGTH,
  TINY_ONNX_FILES,
  TINY_SIGLIP_BIAS,
  TINY_SIGLIP_SCALE,
  solidColorPng,
  writeTinyModel,
} from '../../../src/devmodels/tinyModel';

let root: string;
let clipDir: string;
let siglipDir: string;
const LABELS = ['red', 'green', 'blue', 'yellow', 'gray', 'dog'];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tiny-model-'));
  env.allowRemoteModels = false;
  env.localModelPath = root;
  env.cacheDir = join(root, 'cache');
  clipDir = join(root, 'clip');
  siglipDir = join(root, 'siglip');
  await writeTinyModel(clipDir, { kind: 'clip' });
  await writeTinyModel(siglipDir, { kind: 'siglip' });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function image(color: string): Promise<RawImage> {
  return RawImage.fromBlob(new Blob([new Uint8Array(await solidColorPng(color))]));
}

function rows(t: Tensor): number[][] {
  return t.tolist() as number[][];
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) + 1e-9);
}

test('writes every file quickly and small', async () => {
  const dir = join(root, 'timed');
  const t0 = performance.now();
  await writeTinyModel(dir, { kind: 'clip' });
  console.log(`tiny model written in ${(performance.now() - t0).toFixed(0)} ms`);
  for (const f of ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', ...TINY_ONNX_FILES]) {
    const s = await stat(join(dir, f));
    assert.ok(s.size > 0 && s.size < 64 * 1024, `${f} is ${s.size} bytes`);
  }
  assert.equal(TINY_ONNX_FILES.length, 9);
});

test('CLIP zero-shot pipeline: every solid colour wins its own label with a score near 1', async () => {
  const classify = await pipeline('zero-shot-image-classification', clipDir);
  for (const color of ['red', 'green', 'blue', 'yellow', 'gray']) {
    const out = (await classify(await image(color), LABELS, { hypothesis_template: 'a photo of {}' })) as {
      label: string;
      score: number;
    }[];
    assert.equal(out[0].label, color);
    assert.ok(out[0].score > 0.99, `${color}: ${out[0].score}`);
    const sum = out.reduce((s, r) => s + r.score, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, 'softmax scores sum to 1');
  }
});

test('SigLIP zero-shot pipeline: sigmoid ~1 for the right colour, ~0 for the rest, no NaN', async () => {
  const classify = await pipeline('zero-shot-image-classification', siglipDir);
  const out = (await classify(await image('red'), LABELS, { hypothesis_template: 'a photo of {}' })) as {
    label: string;
    score: number;
  }[];
  assert.equal(out[0].label, 'red');
  assert.ok(out[0].score > 0.99, `red: ${out[0].score}`);
  for (const r of out.slice(1)) {
    assert.ok(Number.isFinite(r.score) && r.score < 0.01, `${r.label}: ${r.score}`);
  }
});

test('CLIP joint model applies logit scale 100 inside the graph', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained(clipDir);
  const processor = await AutoProcessor.from_pretrained(clipDir);
  const model = await CLIPModel.from_pretrained(clipDir);
  const text = tokenizer(['a photo of red', 'a photo of blue', 'a photo of a dog'], { padding: true, truncation: true });
  const { pixel_values } = await processor([await image('red'), await image('blue')]);
  const out = await model({ ...text, pixel_values });
  assert.deepEqual(out.logits_per_image.dims, [2, 3]);
  assert.deepEqual(out.logits_per_text.dims, [3, 2]);
  const li = rows(out.logits_per_image);
  assert.ok(Math.abs(li[0][0] - TINY_CLIP_LOGIT_SCALE) < 0.1, `red/red ${li[0][0]}`);
  assert.ok(Math.abs(li[1][1] - TINY_CLIP_LOGIT_SCALE) < 0.1, `blue/blue ${li[1][1]}`);
  assert.ok(Math.abs(li[0][1]) < 0.1 && li[0][2] === 0 && li[1][2] === 0, 'other pairs are ~0');
  assert.deepEqual(out.text_embeds.dims, [3, TINY_EMBED_DIM]);
});

test('SigLIP joint model: logits = cos * exp(scale) + bias', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained(siglipDir);
  const processor = await AutoProcessor.from_pretrained(siglipDir);
  const model = await SiglipModel.from_pretrained(siglipDir);
  const text = tokenizer(['a photo of green', 'nothing'], { padding: 'max_length', truncation: true });
  assert.deepEqual(text.input_ids.dims, [2, TINY_MAX_LENGTH.siglip], 'SigLIP pads to model_max_length');
  const { pixel_values } = await processor(await image('green'));
  const out = await model({ ...text, pixel_values });
  const [[match, none]] = rows(out.logits_per_image);
  assert.ok(Math.abs(match - (TINY_SIGLIP_SCALE + TINY_SIGLIP_BIAS)) < 0.01, `match ${match}`);
  assert.ok(Math.abs(none - TINY_SIGLIP_BIAS) < 1e-6, `none ${none}`);
});

test('CLIP split towers: cosine picks the right colour; non-colour text embeds to zero', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained(clipDir);
  const processor = await AutoProcessor.from_pretrained(clipDir);
  const textModel = await CLIPTextModelWithProjection.from_pretrained(clipDir);
  const visionModel = await CLIPVisionModelWithProjection.from_pretrained(clipDir);
  const prompts = TINY_COLOR_NAMES.map((c) => `a photo of ${c}`);
  const { text_embeds } = await textModel(tokenizer([...prompts, 'a photo of a dog'], { padding: true, truncation: true }));
  assert.deepEqual(text_embeds.dims, [prompts.length + 1, TINY_EMBED_DIM]);
  const texts = rows(text_embeds);
  assert.deepEqual(texts.at(-1), new Array(TINY_EMBED_DIM).fill(0));
  const images = await Promise.all(TINY_COLORS.map((c) => image(c.name)));
  const { image_embeds } = await visionModel(await processor(images));
  assert.deepEqual(image_embeds.dims, [TINY_COLORS.length, TINY_EMBED_DIM]);
  rows(image_embeds).forEach((img, i) => {
    const cos = texts.slice(0, -1).map((t) => cosine(img, t));
    const best = cos.indexOf(Math.max(...cos));
    assert.equal(TINY_COLOR_NAMES[best], TINY_COLOR_NAMES[i]);
    assert.ok(cos[best] > 0.99, `${TINY_COLOR_NAMES[i]} cos ${cos[best]}`);
  });
});

test('SigLIP split towers output pooler_output and agree with the colours', async () => {
  const tokenizer = await AutoTokenizer.from_pretrained(siglipDir);
  const processor = await AutoProcessor.from_pretrained(siglipDir);
  const textModel = await SiglipTextModel.from_pretrained(siglipDir);
  const visionModel = await SiglipVisionModel.from_pretrained(siglipDir);
  assert.deepEqual(textModel.sessions.model.inputNames, ['input_ids']);
  const t = await textModel(tokenizer(['a photo of cyan', 'a photo of Magenta'], { padding: 'max_length', truncation: true }));
  const v = await visionModel(await processor([await image('magenta'), await image('cyan')]));
  const [cyanText, magentaText] = rows(t.pooler_output);
  const [magentaImg, cyanImg] = rows(v.pooler_output);
  assert.ok(cosine(cyanImg, cyanText) > 0.99 && cosine(cyanImg, magentaText) < 0.01);
  assert.ok(cosine(magentaImg, magentaText) > 0.99 && cosine(magentaImg, cyanText) < 0.01);
});

test("dtype 'q8' loads the _quantized files and 'fp16' the _fp16 files", async () => {
  const dir = join(root, 'dtypes');
  await writeTinyModel(dir, { kind: 'clip' });
  // Without the fp32 files, only the suffixed files can satisfy the loads.
  for (const f of ['model.onnx', 'text_model.onnx', 'vision_model.onnx']) await unlink(join(dir, 'onnx', f));
  await assert.rejects(CLIPVisionModelWithProjection.from_pretrained(dir, { dtype: 'fp32' }), /vision_model\.onnx/);
  for (const dtype of ['q8', 'fp16'] as const) {
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    const textModel = await CLIPTextModelWithProjection.from_pretrained(dir, { dtype });
    const { text_embeds } = await textModel(tokenizer(['orange', 'white'], { padding: true }));
    const [orange, white] = rows(text_embeds);
    assert.equal(orange[TINY_COLOR_NAMES.indexOf('orange')], 1, dtype);
    assert.equal(white[TINY_COLOR_NAMES.indexOf('white')], 1, dtype);
    const classify = await pipeline('zero-shot-image-classification', dir, { dtype });
    const out = (await classify(await image('orange'), LABELS.concat('orange'))) as { label: string; score: number }[];
    assert.equal(out[0].label, 'orange', dtype);
    assert.ok(out[0].score > 0.99, `${dtype}: ${out[0].score}`);
  }
});

test('solidColorPng makes a PNG of the requested colour and size', async () => {
  const png = await solidColorPng('purple', 20);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.format, 'raw');
  assert.equal(info.width, 20);
  assert.equal(info.height, 20);
  assert.deepEqual([...data.subarray(0, 3)], [128, 0, 128]);
  const hex = await sharp(await solidColorPng('#102030')).raw().toBuffer();
  assert.deepEqual([...hex.subarray(0, 3)], [16, 32, 48]);
  await assert.rejects(solidColorPng('not-a-colour'), /unknown colour/);
});

// Loads a generated bench model through the real transformers.js code paths (split towers and the
// zero-shot pipeline), checks output shapes and finiteness, and times one batch per dtype.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  type Tensor,
  env,
  pipeline,
} from '@huggingface/transformers';
import { solidColorPng } from './tinyModel';
import { TINY_COLOR_NAMES } from './tinyModelSpec';

export type BenchDtype = 'fp32' | 'q8';

export interface BenchTiming {
  dtype: BenchDtype;
  /** Seconds to load the vision tower. */
  visionLoadS: number;
  /** Median seconds of one image batch through the vision tower (after one warm-up run). */
  visionBatchS: number;
  visionDims: number[];
  /** Seconds of one text batch (after one warm-up run). */
  textBatchS: number;
  textDims: number[];
  /** Seconds of one zero-shot pipeline call: one image, three labels (after one warm-up run). */
  pipelineS: number;
}

export interface VerifyOptions {
  batch?: number;
  dtypes?: readonly BenchDtype[];
  /** Timed repetitions of the vision batch (the median is reported). */
  repeats?: number;
  log?: (line: string) => void;
}

function assertFinite(t: Tensor, what: string, dims: number[]): void {
  if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i])) {
    throw new Error(`${what}: dims [${t.dims}] != [${dims}]`);
  }
  for (const v of t.data as Float32Array) if (!Number.isFinite(v)) throw new Error(`${what}: non-finite output`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Verifies `dir` and returns per-dtype timings; throws on a wrong shape or a non-finite value. */
export async function verifyBenchModel(dir: string, opts: VerifyOptions = {}): Promise<BenchTiming[]> {
  const batch = opts.batch ?? 8;
  const log = opts.log ?? (() => {});
  const abs = resolve(dir);
  const cache = await mkdtemp(join(tmpdir(), 'bench-model-cache-'));
  env.allowRemoteModels = false;
  env.localModelPath = dirname(abs);
  env.cacheDir = cache;
  try {
    const processor = await AutoProcessor.from_pretrained(abs);
    const tokenizer = await AutoTokenizer.from_pretrained(abs);
    const images = await Promise.all(
      Array.from({ length: batch }, async (_, i) =>
        RawImage.fromBlob(new Blob([new Uint8Array(await solidColorPng(TINY_COLOR_NAMES[i % TINY_COLOR_NAMES.length], 256))])),
      ),
    );
    const { pixel_values } = await processor(images);
    const prompts = Array.from({ length: batch }, (_, i) => `a photo of a ${TINY_COLOR_NAMES[i % TINY_COLOR_NAMES.length]} thing`);
    const textInputs = tokenizer(prompts, { padding: true, truncation: true });
    const out: BenchTiming[] = [];
    for (const dtype of opts.dtypes ?? (['fp32', 'q8'] as const)) {
      const [vision, visionLoadS] = await timed(() => CLIPVisionModelWithProjection.from_pretrained(abs, { dtype }));
      const runVision = async () => (await vision({ pixel_values })).image_embeds as Tensor;
      const first = await runVision();
      const projection = first.dims[1];
      assertFinite(first, `${dtype} image_embeds`, [batch, projection]);
      const times: number[] = [];
      for (let r = 0; r < (opts.repeats ?? 3); r++) times.push((await timed(runVision))[1]);
      await vision.dispose();

      const text = await CLIPTextModelWithProjection.from_pretrained(abs, { dtype });
      await text(textInputs);
      const [textOut, textBatchS] = await timed(async () => (await text(textInputs)).text_embeds as Tensor);
      assertFinite(textOut, `${dtype} text_embeds`, [batch, projection]);
      await text.dispose();

      const classify = await pipeline('zero-shot-image-classification', abs, { dtype });
      const labels = ['cat', 'dog', 'car'];
      await classify(images[0], labels);
      const [res, pipelineS] = await timed(async () => (await classify(images[0], labels)) as { score: number }[]);
      const sum = res.reduce((s, r) => s + r.score, 0);
      if (res.length !== 3 || !Number.isFinite(sum) || Math.abs(sum - 1) > 1e-3) throw new Error(`${dtype} pipeline scores invalid`);
      await classify.dispose();

      const timing = {
        dtype,
        visionLoadS,
        visionBatchS: median(times),
        visionDims: [...first.dims],
        textBatchS,
        textDims: [...textOut.dims],
        pipelineS,
      };
      log(
        `${dtype}: vision load ${visionLoadS.toFixed(2)} s, ${batch}-image batch ${timing.visionBatchS.toFixed(3)} s ` +
          `(median of ${times.length}) -> [${timing.visionDims}]; ${batch}-text batch ${textBatchS.toFixed(3)} s; ` +
          `pipeline (1 image, 3 labels) ${pipelineS.toFixed(3)} s`,
      );
      out.push(timing);
    }
    return out;
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

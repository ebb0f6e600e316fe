// Loads a CLIP / SigLIP checkpoint's split text and vision towers through @huggingface/transformers
// (onnxruntime-node underneath): a hub id (downloaded once into the cache dir, with progress) or a
// local model directory. Failures become messages that say what to do.
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ZeroShotConfig } from '../config';
import { outputSize, specFromConfig, type PreprocessSpec } from './preprocess';
import type { ScoreKind } from './scoring';
import { textTokenLimit, tokenizeBatch, type TokenizerLike } from './textInputs';
import { ModelLoadError } from './errors';
import { authError, checkDtypeFiles, hubEndpoint, localFiles, noOnnxError, removePartialDownloads, resolveRevision, type RepoFile } from './hub';
import { localFingerprint, refuseUnsupported } from './modelChecks';
import { devicePlan, deviceSessionOptions, fallbackMessage, knownUnavailable, type Device } from '../device';
import { connectEncoders, type RemoteEncoders } from '../remote/remoteEncoders';
import { EncoderServerError } from '../remote/openInference';

type TJS = typeof import('@huggingface/transformers');
let tjsPromise: Promise<TJS> | undefined;
export function transformers(): Promise<TJS> {
  return (tjsPromise ??= import('@huggingface/transformers'));
}

export { ModelLoadError };

export interface Towers {
  modelType: 'clip' | 'siglip';
  /** The id or absolute directory the scores come from. */
  checkpoint: string;
  /** The commit sha the weights were loaded at (hub), or the local files' fingerprint. */
  revision: string;
  /** The branch, tag or sha asked for (hub). */
  revisionRequested?: string;
  /** The model's files with sizes (hub: from the hub's listing; local: the directory). */
  files?: RepoFile[];
  dtype: string;
  isLocal: boolean;
  /** The directory or hub id handed to transformers.js. */
  source: string;
  preprocess: PreprocessSpec;
  scoreKind: ScoreKind;
  /** The text tower's token limit (77 CLIP, 64 SigLIP; from the model's config). */
  textMaxTokens: number;
  /** Tokens per text before any cut (special tokens included; SigLIP texts normalised first). */
  tokenCounts(texts: string[]): Promise<number[]>;
  /** Embeds texts; one over the limit is cut to limit − 1 tokens plus its end-of-text token. */
  /** The execution provider the towers run on, or `remote:<url>` (an --encoder-url server). */
  device: Device | `remote:${string}`;
  /** Why the requested device was not used (it could not start), if so. */
  deviceNote?: string;
  encodeText(texts: string[]): Promise<Float32Array[]>;
  encodeImages(pixels: Float32Array, n: number, h: number, w: number): Promise<Float32Array[]>;
  /** Runs the joint model (onnx/model.onnx) on texts × one image: raw logits and both embeddings. */
  jointLogits(texts: string[], pixels: Float32Array, h: number, w: number): Promise<{ logits: number[]; text: Float32Array[]; image: Float32Array }>;
  dispose(): Promise<void>;
  /** Image batches the towers can encode at once (vision lanes, workerTowers.ts; 1 when absent). */
  lanes?: number;
  /** A pixel buffer of exactly `length` floats, reused across batches where the towers pool them. Contents are stale. */
  pixelBuffer?(length: number): Float32Array;
  /** Diagnostics, where the towers run in a worker: that thread's V8 heap (after a full GC when asked and possible). */
  heap?(gc?: boolean): Promise<WorkerHeap>;
}

export interface WorkerHeap {
  used: number;
  total: number;
  external: number;
  malloced: number;
}

/** The part of an onnxruntime InferenceSession used to fetch a single output. */
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>, fetches: string[]): Promise<Record<string, { dims: number[]; data: Float32Array }>>;
}

export function resolveLocalModel(model: string): string | undefined {
  const looksLikePath = model.startsWith('.') || model.startsWith('/') || model.startsWith('~') || /^[A-Za-z]:[\\/]/.test(model);
  const p = path.resolve(model.startsWith('~') ? path.join(os.homedir(), model.slice(1)) : model);
  if (existsSync(p) && statSync(p).isDirectory()) return p;
  if (looksLikePath) throw new ModelLoadError(`Model directory ${p} does not exist. Pass --model <dir> with config.json, tokenizer.json, preprocessor_config.json and onnx/*.onnx, or a Hugging Face model id.`);
  return undefined;
}

/** A tokenizer from a revision's cached tokenizer.json + tokenizer_config.json, as AutoTokenizer builds it. */
async function cachedTokenizer(T: TJS, dir: string): Promise<InstanceType<TJS['PreTrainedTokenizer']> | undefined> {
  try {
    const json = JSON.parse(await fs.readFile(path.join(dir, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(await fs.readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    const name = String(config.tokenizer_class ?? 'PreTrainedTokenizer').replace(/Fast$/, '');
    const Cls = ((T as unknown as Record<string, unknown>)[name] ?? T.PreTrainedTokenizer) as TJS['PreTrainedTokenizer'];
    return new Cls(json, config);
  } catch {
    return undefined;
  }
}

/** IEEE half floats (as stored bits) → float32. */
export function halfToFloat(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i];
    const sign = x & 0x8000 ? -1 : 1;
    const e = (x >> 10) & 0x1f;
    const m = x & 0x3ff;
    out[i] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m ? NaN : sign * Infinity) : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

/** How many external-data chunks (`<file>_data`, `<file>_data_1`, …) sit next to a local ONNX file. */
function externalChunks(dir: string, file: string): number {
  let n = 0;
  while (existsSync(path.join(dir, 'onnx', `${file}_data${n === 0 ? '' : '_' + n}`))) n++;
  return n;
}

function explain(err: unknown, cfg: ZeroShotConfig, isLocal: boolean): ModelLoadError {
  const msg = err instanceof Error ? err.message : String(err);
  const status = (err as { status?: number }).status;
  if (!isLocal && (status === 401 || status === 403 || /Unauthorized access|\b40[13]\b/.test(msg))) return authError(cfg.model, status ?? 401);
  if (!isLocal && /onnx\//.test(msg) && /not found|Could not locate|404/i.test(msg) && /^(openai|google|laion|facebook|apple)\//i.test(cfg.model)) return noOnnxError(cfg.model);
  if (/Could not locate file|ModelFileNotFound|not found|ENOENT/i.test(msg) && isLocal) {
    return new ModelLoadError(`Model directory ${cfg.model} is incomplete: ${msg}. It needs config.json, tokenizer.json, tokenizer_config.json, preprocessor_config.json and onnx/text_model${cfg.dtype === 'fp32' ? '' : '_<dtype>'}.onnx + onnx/vision_model…onnx.`);
  }
  if (!isLocal && /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network|getaddrinfo|Unable to connect|local_files_only|allowRemoteModels/i.test(msg)) {
    return new ModelLoadError(`Could not download "${cfg.model}" from the Hugging Face hub (${msg.split('\n')[0]}). If this machine is offline, download the model elsewhere and pass --model <dir> (or set imageTriage.model to that folder).`);
  }
  return new ModelLoadError(`Could not load model "${cfg.model}": ${msg.split('\n')[0]}`);
}

/** Loads the towers on the calling thread. Everywhere an event loop matters, use loadTowersInWorker (workerTowers.ts). */
export async function loadTowersDirect(cfg: ZeroShotConfig): Promise<Towers> {
  const T = await transformers();
  const localDir = resolveLocalModel(cfg.model);
  const isLocal = !!localDir;
  T.env.allowLocalModels = true;
  T.env.allowRemoteModels = !isLocal && cfg.allowRemote !== false;
  T.env.cacheDir = path.join(cfg.cacheDir, 'models');
  T.env.logLevel = T.LogLevel?.ERROR ?? T.env.logLevel;
  T.env.remoteHost = hubEndpoint();
  await fs.mkdir(T.env.cacheDir, { recursive: true });
  await removePartialDownloads(T.env.cacheDir);
  const source = localDir ?? cfg.model;
  // Hub: load at the commit the revision resolves to. Local: fingerprint every file loading reads.
  const hub = isLocal ? undefined : await resolveRevision(cfg.model, cfg.revision || 'main', { cacheDir: cfg.cacheDir, allowRemote: T.env.allowRemoteModels });
  const files: RepoFile[] | undefined = isLocal
    ? await Promise.all((await localFiles(localDir!)).map(async (f) => ({ path: f, size: (await fs.stat(path.join(localDir!, f)).catch(() => undefined))?.size })))
    : hub!.files;
  if (files) {
    const names = files.map((f) => f.path);
    if (!isLocal && names.length && !names.some((f) => f.startsWith('onnx/'))) throw noOnnxError(cfg.model);
    const missing = cfg.encoderUrl ? undefined : checkDtypeFiles(isLocal ? `Model directory ${localDir}` : `"${cfg.model}"`, names, cfg.dtype);
    if (missing) throw missing;
  }
  let revision = isLocal ? '' : hub!.sha;
  const threads = cfg.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  // Progress is only news for downloads: a local directory loads in moments.
  const progress_callback = (p: { status: string; file?: string; loaded?: number; total?: number }) => {
    if (!isLocal) cfg.onProgress?.({ status: p.status, file: p.file ?? '', loaded: p.loaded, total: p.total });
  };
  // transformers.js is told `cpu` (it refuses devices it does not list for the platform); the
  // execution provider we want goes straight into ORT's session options, which take precedence.
  const optionsFor = (device: Device) => ({
    dtype: cfg.dtype,
    device: 'cpu' as const,
    progress_callback,
    ...(isLocal ? {} : { revision }),
    session_options: {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all' as const,
      executionMode: 'sequential' as const,
      enableCpuMemArena: true,
      enableMemPattern: device !== 'webgpu',
      ...deviceSessionOptions(device),
    },
  });
  try {
    const config = (await T.AutoConfig.from_pretrained(source, { progress_callback, ...(isLocal ? {} : { revision }) })) as unknown as Record<string, unknown>;
    const ppFile = isLocal ? path.join(localDir!, 'preprocessor_config.json') : undefined;
    const ppCfg = ppFile
      ? JSON.parse(await fs.readFile(ppFile, 'utf8'))
      : ((await T.AutoProcessor.from_pretrained(source, { progress_callback, revision })) as unknown as { image_processor: { config: Record<string, unknown> } }).image_processor.config;
    const modelType = refuseUnsupported(cfg.model, config, ppCfg);
    if (isLocal) revision = localFingerprint(localDir!, cfg.dtype, modelType);
    const preprocess = specFromConfig(ppCfg, modelType);
    const tokenizer = await T.AutoTokenizer.from_pretrained(source, { progress_callback, ...(isLocal ? {} : { revision }) }).catch(async (e: Error) => {
      // transformers.js #1751: AutoTokenizer probes tokenizer_config.json at "main" over the network,
      // ignoring the revision, so a pinned revision fails offline. Build it from the cached files.
      const cached = isLocal ? undefined : await cachedTokenizer(T, path.join(T.env.cacheDir!, cfg.model, revision));
      if (!cached) throw e;
      return cached;
    });
    const TextCls = modelType === 'clip' ? T.CLIPTextModelWithProjection : T.SiglipTextModel;
    const VisionCls = modelType === 'clip' ? T.CLIPVisionModelWithProjection : T.SiglipVisionModel;
    type Model = Awaited<ReturnType<typeof TextCls.from_pretrained>>;
    const choice = cfg.device ?? 'auto';
    let device: Device = 'cpu';
    let deviceNote: string | undefined;
    let textM: Model | undefined;
    let visionM: Model | undefined;
    const textOut = modelType === 'clip' ? 'text_embeds' : 'pooler_output';
    const visionOut = modelType === 'clip' ? 'image_embeds' : 'pooler_output';
    // --encoder-url: both towers run on an Open Inference Protocol server; nothing loads here.
    let remote: RemoteEncoders | undefined;
    if (cfg.encoderUrl) {
      remote = await connectEncoders({ url: cfg.encoderUrl, dtype: cfg.dtype, textOutput: textOut, visionOutput: visionOut, ...outputSize(preprocess), client: { timeoutMs: cfg.encoderTimeoutMs } });
    }
    for (const d of remote ? [] : devicePlan(choice)) {
      const known = knownUnavailable(d);
      if (known) {
        deviceNote ??= fallbackMessage(choice, d, known);
        continue;
      }
      try {
        textM = cfg.visionOnly ? undefined : await TextCls.from_pretrained(source, optionsFor(d) as never);
        visionM = await VisionCls.from_pretrained(source, optionsFor(d) as never);
        device = d;
        break;
      } catch (e) {
        await textM?.dispose?.();
        textM = undefined;
        if (d === 'cpu') throw e;
        deviceNote ??= fallbackMessage(choice, d, e instanceof Error ? e.message : String(e));
      }
    }
    if (!remote && ((!textM && !cfg.visionOnly) || !visionM)) throw new Error('no device could start');
    const [text, vision] = [textM, visionM!];
    const common = optionsFor(device);
    const visionSession = (vision as unknown as { sessions?: { model?: OrtSession } } | undefined)?.sessions?.model;
    const tok = tokenizer as unknown as TokenizerLike;
    const textMaxTokens = textTokenLimit(config, tok, modelType);
    const textInputs = (texts: string[]) => {
      const b = tokenizeBatch(tok, texts, textMaxTokens, modelType);
      const dims = [texts.length, b.ids[0]?.length ?? 0];
      return {
        input_ids: new T.Tensor('int64', BigInt64Array.from(b.ids.flat(), BigInt), dims),
        attention_mask: new T.Tensor('int64', BigInt64Array.from(b.mask.flat(), BigInt), dims),
      };
    };
    const rows = (t: { dims: number[]; data: Float32Array | Uint16Array; type?: string }) => {
      const [n, d] = t.dims;
      // fp16 exports may hand back float16 outputs: as raw halves (Uint16Array) on Node 20.
      const data = t.data instanceof Uint16Array ? halfToFloat(t.data) : t.data;
      return Array.from({ length: n }, (_, i) => Float32Array.from(data.subarray(i * d, (i + 1) * d)));
    };
    return {
      modelType,
      checkpoint: cfg.model,
      revision,
      ...(hub ? { revisionRequested: hub.requested } : {}),
      ...(files ? { files } : {}),
      dtype: cfg.dtype,
      isLocal,
      source,
      preprocess,
      scoreKind: modelType === 'clip' ? 'softmax' : 'sigmoid',
      textMaxTokens,
      async tokenCounts(texts) {
        return tokenizeBatch(tok, texts, textMaxTokens, modelType).counts;
      },
      device: remote?.device ?? device,
      ...(deviceNote ? { deviceNote } : {}),
      async encodeText(texts) {
        if (remote) {
          const b = tokenizeBatch(tok, texts, textMaxTokens, modelType);
          return remote.encodeText(b.ids, b.mask);
        }
        if (!text) throw new Error('This vision lane has no text tower.');
        const out = (await text(textInputs(texts))) as Record<string, { dims: number[]; data: Float32Array }>;
        return rows(out[textOut]);
      },
      async encodeImages(pixels, n, h, w) {
        if (remote) return remote.encodeImages(pixels, n, h, w);
        const pixel_values = new T.Tensor('float32', pixels, [n, 3, h, w]);
        if (cfg.dtype !== 'fp16' && visionSession?.inputNames.length === 1 && visionSession.outputNames.includes(visionOut)) {
          // Fetch the embedding only: the [n, 50, 768] hidden state stays inside ORT's arena instead of
          // becoming a fresh multi-megabyte JS buffer per batch (steady memory over long runs).
          const out = await visionSession.run({ [visionSession.inputNames[0]]: (pixel_values as unknown as { ort_tensor: unknown }).ort_tensor }, [visionOut]);
          return rows(out[visionOut]);
        }
        const out = (await vision({ pixel_values })) as Record<string, { dims: number[]; data: Float32Array }>;
        return rows(out[visionOut]);
      },
      async jointLogits(texts, pixels, h, w) {
        // The smallest joint file (8-bit: the quantiser leaves logit_scale and logit_bias alone),
        // loaded once, run once, freed. External data (large checkpoints) is fetched when present.
        const JointCls = modelType === 'clip' ? T.CLIPModel : T.SiglipModel;
        const ext = isLocal ? externalChunks(localDir!, 'model_quantized.onnx') : 0;
        const load = (chunks: number) => JointCls.from_pretrained(source, { ...common, dtype: 'q8', ...(chunks ? { use_external_data_format: { 'model_quantized.onnx': chunks } } : {}) } as never);
        const joint = await load(ext).catch((e: Error) => (!isLocal && /external|_data|protobuf parsing failed/i.test(e.message) ? load(1) : Promise.reject(e)));
        try {
          const pixel_values = new T.Tensor('float32', pixels, [1, 3, h, w]);
          const out = (await joint({ ...textInputs(texts), pixel_values })) as Record<string, { dims: number[]; data: Float32Array }>;
          return { logits: Array.from(out.logits_per_image.data), text: rows(out.text_embeds), image: rows(out.image_embeds)[0] };
        } finally {
          await joint.dispose?.();
        }
      },
      async dispose() {
        await Promise.all([text?.dispose?.(), vision?.dispose?.()]);
      },
    };
  } catch (e) {
    if (e instanceof ModelLoadError) throw e;
    if (e instanceof EncoderServerError) throw new ModelLoadError(e.message);
    throw explain(e, cfg, isLocal);
  }
}

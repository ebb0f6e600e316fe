// The VLM classifier: per image, re-encode → the card prompt → backend → parse → validate. One repair
// request when the answer is not a usable card; after that the image's outcome is an error, never a
// fabricated prediction. Requests share a concurrency limit; cancellation aborts what is in flight,
// waits for it to settle, then rejects with an AbortError.
import type { Classifier, ClassifierInfo, ClassifyOutcome, ImageInput, UsageTotals } from '../../core/classifier';
import type { CategorySet, PredictionFlag, PredictionUsage } from '../../core/types';
import { categoriesHash as coreCategoriesHash } from '../../core/categories';
import type { TokenUsage, VlmBackend, VlmImage } from './backend';
import { VlmSetupError, redact } from './backend';
import { DEFAULT_MAX_IMAGE_SIDE, ImagePrepareError, prepareImage } from './image';
import { createOpenAiBackend, normaliseBaseUrl } from './openaiBackend';
import { extractJson } from './parse';
import { PROMPT_VERSION, buildPrompt, buildRepairPrompt, cardJsonSchema, type VlmPrompt } from './prompt';
import type { RetryPolicy, TransportClock } from './transport';
import { Limiter, abortError } from './transport';
import { validateCard, type ValidateResult } from './validate';

export const DEFAULT_CONCURRENCY = 4;

export interface VlmClassifierOptions {
  /** OpenAI-compatible base URL, e.g. 'http://localhost:11434/v1'. Named in the checkpoint and messages. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Per request attempt (default 120 s). */
  timeoutMs?: number;
  /** Retries on 429, 5xx and network errors (default 4). */
  maxRetries?: number;
  /** Another backend (the VS Code Language Model API); default: OpenAI-compatible HTTP at baseUrl. */
  backend?: VlmBackend;
  /** Images are downscaled to fit this side (default 1024). */
  maxImageSide?: number;
  /** Overrides the checkpoint shown next to every score (default '<model> @ <base URL host>'). */
  checkpoint?: string;
  maxTokens?: number;
  /** false: never send response_format. */
  responseFormat?: boolean;
  /** Diagnostic lines; never contain the API key. */
  log?: (line: string) => void;
  // Injection points for tests.
  fetch?: typeof fetch;
  clock?: Partial<TransportClock>;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
}

export type { UsageTotals };

export interface VlmClassifier extends Classifier {
  usage(): UsageTotals;
}

/** Checkpoint recorded for a VLM prediction: the model and where it ran. */
export function vlmCheckpoint(model: string, baseUrl: string): string {
  return `${model} @ ${normaliseBaseUrl(baseUrl).host}`;
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host || baseUrl;
  } catch {
    return baseUrl;
  }
}

export function createVlmClassifier(opts: VlmClassifierOptions): VlmClassifier {
  if (!opts.model?.trim()) throw new VlmSetupError('no VLM model name is set');
  // The default backend needs an http(s) base URL; another backend may name its source any way.
  const host = opts.backend ? hostOf(opts.baseUrl) : normaliseBaseUrl(opts.baseUrl).host;
  const limiter = new Limiter(opts.concurrency ?? DEFAULT_CONCURRENCY);
  const maxSide = opts.maxImageSide ?? DEFAULT_MAX_IMAGE_SIDE;
  if (!Number.isInteger(maxSide) || maxSide < 16) throw new RangeError(`maximum image side must be a whole number ≥ 16 (got ${maxSide})`);
  const now = opts.now ?? (() => new Date());
  const key = opts.apiKey?.trim() || undefined;
  const safe = (s: string) => redact(s, key);
  const backend: VlmBackend =
    opts.backend ??
    createOpenAiBackend({
      baseUrl: opts.baseUrl,
      model: opts.model,
      apiKey: key,
      timeoutMs: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      maxTokens: opts.maxTokens,
      responseFormat: opts.responseFormat,
      retry: opts.retry,
      clock: opts.clock,
      fetch: opts.fetch,
      log: opts.log ? (l) => opts.log!(safe(l)) : undefined,
    });
  const info: ClassifierInfo = {
    kind: 'vlm',
    checkpoint: opts.checkpoint ?? `${opts.model} @ ${host}`,
    revision: '',
    dtype: 'n/a',
    promptVersion: PROMPT_VERSION,
  };
  const totals: UsageTotals = { requests: 0, reported: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };

  const addUsage = (u: TokenUsage | undefined) => {
    totals.requests++;
    if (!u) return;
    totals.reported++;
    totals.promptTokens += u.promptTokens ?? 0;
    totals.completionTokens += u.completionTokens ?? 0;
    totals.totalTokens += u.totalTokens ?? (u.promptTokens ?? 0) + (u.completionTokens ?? 0);
  };

  /** One request. Slots are taken in call order, so requests go out in image order. */
  async function ask(p: VlmPrompt, image: Promise<VlmImage>, schema: object, signal: AbortSignal, used: TokenUsage[]): Promise<string> {
    const answer = await limiter.run(async () => backend.complete({ system: p.system, user: p.user, image: await image, jsonSchema: schema }, signal), signal);
    if (signal.aborted) throw abortError();
    if (typeof answer === 'string') {
      addUsage(undefined);
      return answer;
    }
    addUsage(answer?.usage);
    if (answer?.usage) used.push(answer.usage);
    return typeof answer?.text === 'string' ? answer.text : '';
  }

  async function classifyOne(img: ImageInput, set: CategorySet, hash: string, schema: object, signal: AbortSignal): Promise<ClassifyOutcome> {
    // Encoding starts now, in parallel with the other images; the request waits for it in its slot.
    const image = prepareImage(img.bytes, maxSide);
    image.catch(() => undefined); // handled where awaited
    const interpret = (raw: string, prior: PredictionFlag[] = []): ValidateResult => {
      const parsed = extractJson(raw);
      if (!parsed.ok) return { ok: false, error: parsed.error };
      const meta = { checkpoint: info.checkpoint, categoriesHash: hash, imageSha256: img.sha256, createdAt: now().toISOString(), promptVersion: PROMPT_VERSION };
      return validateCard(parsed.value, set, meta, prior);
    };

    const used: TokenUsage[] = [];
    const withUsage = (r: ValidateResult & { ok: true }): ClassifyOutcome => {
      const usage = predictionUsage(used);
      return { ok: true, prediction: usage ? { ...r.prediction, usage } : r.prediction };
    };
    let first: string;
    try {
      first = await ask(buildPrompt(set), image, schema, signal, used);
    } catch (e) {
      if (e instanceof ImagePrepareError) return { ok: false, error: e.message };
      throw e;
    }
    const r1 = interpret(first);
    if (r1.ok) return withUsage(r1);

    opts.log?.(safe(`VLM answer for ${img.relPath} was not a usable card (${r1.error}); asking once more with a repair instruction`));
    const second = await ask(buildRepairPrompt(set, r1.error, first), image, schema, signal, used);
    const r2 = interpret(second, [{ kind: 'repaired_json', detail: `the first answer was not a usable card (${r1.error}); the repair request gave one` }]);
    if (r2.ok) return withUsage(r2);
    return { ok: false, error: `the VLM gave no usable routing card, even after a repair request: first ${r1.error}; then ${r2.error}` };
  }

  async function classifyBatch(images: ImageInput[], set: CategorySet, signal?: AbortSignal): Promise<ClassifyOutcome[]> {
    if (signal?.aborted) throw abortError('The run was cancelled.');
    const hash = coreCategoriesHash(set);
    const schema = cardJsonSchema(set);
    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let fatal: Error | undefined;
    try {
      const outcomes = await Promise.all(
        images.map(async (img): Promise<ClassifyOutcome> => {
          try {
            return await classifyOne(img, set, hash, schema, ctrl.signal);
          } catch (e) {
            if (e instanceof VlmSetupError) {
              fatal ??= e;
              ctrl.abort(); // every other request would fail the same way
            }
            if (ctrl.signal.aborted) return { ok: false, error: 'cancelled' };
            return { ok: false, error: safe(e instanceof Error ? e.message : String(e)) };
          }
        }),
      );
      if (signal?.aborted) throw abortError('The run was cancelled.');
      if (fatal) throw fatal;
      return outcomes;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    info,
    classifyBatch,
    usage: () => ({ ...totals }),
    async dispose() {
      /* nothing held between batches */
    },
  };
}

/** The tokens the server reported for one image's requests (the first and any repair); undefined if none. */
export function predictionUsage(used: TokenUsage[]): PredictionUsage | undefined {
  const prompt = used.filter((u) => u.promptTokens !== undefined);
  const completion = used.filter((u) => u.completionTokens !== undefined);
  if (!prompt.length && !completion.length) return undefined;
  return {
    ...(prompt.length ? { prompt_tokens: prompt.reduce((n, u) => n + u.promptTokens!, 0) } : {}),
    ...(completion.length ? { completion_tokens: completion.reduce((n, u) => n + u.completionTokens!, 0) } : {}),
  };
}

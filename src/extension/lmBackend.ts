// A VlmBackend over the VS Code Language Model API (VS Code 1.106+): one User message with the
// card's instructions as text and the image as a data part; the streamed answer is collected into
// one string. Cancellation (the run's AbortSignal, or the request timeout) cancels the request's
// CancellationToken and rejects at once, even when the stream has stalled. No vscode import: the API
// object is a parameter (see lmApi.ts).
import { VlmSetupError, type VlmBackend, type VlmRequest } from '../classifiers/vlm/backend';
import { abortError } from '../classifiers/vlm/transport';
import type { LmApi, LmCancellationToken, LmChatModel } from './lmApi';

export const LM_JUSTIFICATION = 'Image Triage sends each image with your category descriptions to this model to classify it.';
export const DEFAULT_LM_TIMEOUT_MS = 120_000;

export interface LmBackendOptions {
  /** Per request (default 120 s). */
  timeoutMs?: number;
  justification?: string;
}

/** The request as Language Model API messages: one User message [instructions, question, image]. */
export function buildLmMessages(api: Pick<LmApi, 'LanguageModelChatMessage' | 'LanguageModelTextPart' | 'LanguageModelDataPart'>, req: VlmRequest): unknown[] {
  const bytes = new Uint8Array(Buffer.from(req.image.base64, 'base64'));
  const parts: unknown[] = [];
  // The API has no system role: the instructions go first in the user's message.
  if (req.system.trim()) parts.push(new api.LanguageModelTextPart(req.system));
  parts.push(new api.LanguageModelTextPart(req.user));
  parts.push(api.LanguageModelDataPart.image(bytes, req.image.mime));
  return [api.LanguageModelChatMessage.User(parts)];
}

/** Rejects with an AbortError as soon as `signal` aborts; otherwise settles as `p` does. */
export function raceAbort<T>(p: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(p).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Joins a streamed answer. Rejects with an AbortError when `signal` aborts, and closes the stream. */
export async function collectText(stream: AsyncIterable<string>, signal: AbortSignal): Promise<string> {
  const it = stream[Symbol.asyncIterator]();
  let out = '';
  try {
    for (;;) {
      const r = await raceAbort(it.next(), signal);
      if (r.done) return out;
      if (typeof r.value === 'string') out += r.value;
    }
  } catch (e) {
    // Tell the producer we stopped listening; its own failure to close is not ours to report.
    Promise.resolve(it.return?.()).catch(() => undefined);
    throw e;
  }
}

/** A CancellationToken that is cancelled when `signal` aborts. `dispose` unhooks it. */
export function tokenFromSignal(api: Pick<LmApi, 'CancellationTokenSource'>, signal: AbortSignal): { token: LmCancellationToken; dispose(): void } {
  const cts = new api.CancellationTokenSource();
  const onAbort = () => cts.cancel();
  if (signal.aborted) cts.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    token: cts.token,
    dispose() {
      signal.removeEventListener('abort', onAbort);
      cts.dispose();
    },
  };
}

/** A LanguageModelError (by its `code`, since the class may not exist here) as the classifier's error. */
export function lmError(e: unknown, model: Pick<LmChatModel, 'name' | 'vendor'>): Error {
  const code = e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  const msg = e instanceof Error ? e.message : String(e);
  const what = `the language model "${model.name}" (${model.vendor})`;
  if (code === 'NoPermissions') return new VlmSetupError(`VS Code did not allow Image Triage to use ${what}${msg ? `: ${msg}` : ''}. Allow it when VS Code asks, or choose another model with "Image Triage: Choose Language Model".`);
  if (code === 'NotFound') return new VlmSetupError(`${what} is not available any more${msg ? `: ${msg}` : ''}. Choose another with "Image Triage: Choose Language Model".`);
  if (code === 'Blocked') return new VlmSetupError(`${what} refused the request (quota or policy)${msg ? `: ${msg}` : ''}.`);
  return new Error(`${what} failed: ${msg || 'unknown error'}`);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function createLmBackend(api: Pick<LmApi, 'LanguageModelChatMessage' | 'LanguageModelTextPart' | 'LanguageModelDataPart' | 'CancellationTokenSource'>, model: LmChatModel, opts: LmBackendOptions = {}): VlmBackend {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LM_TIMEOUT_MS;
  const justification = opts.justification ?? LM_JUSTIFICATION;
  return {
    async complete(req, signal) {
      if (signal?.aborted) throw abortError();
      const ctrl = new AbortController();
      const onAbort = () => ctrl.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctrl.abort();
      }, timeoutMs);
      const link = tokenFromSignal(api, ctrl.signal);
      try {
        const messages = buildLmMessages(api, req);
        const response = await raceAbort(model.sendRequest(messages, { justification }, link.token), ctrl.signal);
        return await collectText(response.text, ctrl.signal);
      } catch (e) {
        if (signal?.aborted) throw abortError();
        if (timedOut) throw new Error(`the language model "${model.name}" (${model.vendor}) did not answer within ${formatMs(timeoutMs)}; raise imageTriage.vlm.timeoutMs or choose a faster model`);
        throw lmError(e, model);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        link.dispose();
      }
    },
  };
}

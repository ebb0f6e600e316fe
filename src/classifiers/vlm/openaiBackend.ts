// OpenAI-compatible Chat Completions backend (OpenAI, Ollama /v1, LM Studio, vLLM, llama.cpp server).
// The image goes as an image_url data URL, at temperature 0, with a strict JSON-schema response_format
// until the server says it does not take one. The API key is sent only as a Bearer header: it is never
// logged and never appears in an error message.
import type { TokenUsage, VlmBackend, VlmCompletion, VlmRequest } from './backend';
import { VlmSetupError, isAbortError, redact } from './backend';
import { CARD_SCHEMA_NAME, VLM_TEMPERATURE } from './prompt';
import { plainText } from './text';
import type { RetryPolicy, TransportClock } from './transport';
import { TransportError, formatMs, parseRetryAfter, withRetries, REAL_CLOCK } from './transport';

export const DEFAULT_TIMEOUT_MS = 120_000;
/** Larger answers are refused: a card is a few KB. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const API_KEY_HINT = 'set IMAGE_TRIAGE_VLM_API_KEY or the Image Triage: Set VLM API Key command';

export interface OpenAiBackendOptions {
  /** e.g. 'https://api.openai.com/v1' or 'http://localhost:11434/v1'. A trailing /chat/completions is accepted. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Sent as max_tokens when set (some servers default to very short answers). */
  maxTokens?: number;
  /** false: never send response_format. Default: send it until the server rejects it. */
  responseFormat?: boolean;
  retry?: Partial<RetryPolicy>;
  clock?: Partial<TransportClock>;
  fetch?: typeof fetch;
  /** Diagnostic lines (retries, fallbacks). Never contains the API key. */
  log?: (line: string) => void;
}

export interface OpenAiBackend extends VlmBackend {
  /** The base URL as shown in messages (no credentials, no query). */
  readonly endpoint: string;
  /** undefined until a request told; false once the server rejected response_format this session. */
  readonly responseFormatSupported: boolean | undefined;
}

/** Validates and normalises a base URL. Throws VlmSetupError with a clear message. */
export function normaliseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new VlmSetupError(`the VLM base URL ${JSON.stringify(plainText(raw, 200).text)} is not a valid URL (example: http://localhost:11434/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VlmSetupError(`the VLM base URL must start with http:// or https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw new VlmSetupError('the VLM base URL must not contain a user name or password; give the API key separately');
  }
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '') || '/';
  return url;
}

/** The base URL for messages and checkpoints: origin and path only. */
export function displayEndpoint(url: URL): string {
  return url.origin + (url.pathname === '/' ? '' : url.pathname);
}

async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new TransportError('http', `the answer is larger than ${max} bytes`, { status: res.status });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The server's own error message from an error body, as short plain text. */
function serverMessage(body: string): string {
  let msg: unknown = body;
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const e = j?.error as Record<string, unknown> | string | undefined;
    msg = (typeof e === 'object' && e ? e.message : e) ?? j?.message ?? j?.detail ?? body;
  } catch {
    /* not JSON: the text itself */
  }
  return plainText(typeof msg === 'string' ? msg : JSON.stringify(msg), 300).text;
}

function networkCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: string; errors?: { code?: string }[] } })?.cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? (e as { code?: string })?.code;
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : ''))
      .join('');
  }
  return undefined;
}

function usageOf(u: unknown): TokenUsage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const r = u as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const usage = { promptTokens: num(r.prompt_tokens), completionTokens: num(r.completion_tokens), totalTokens: num(r.total_tokens) };
  return Object.values(usage).some((v) => v !== undefined) ? usage : undefined;
}

const rejectsResponseFormat = (e: unknown) =>
  e instanceof TransportError &&
  e.kind === 'http' &&
  (e.status === 400 || e.status === 422) &&
  /response_format|json_schema|structured output|schema/i.test(e.details.body ?? '');

export function createOpenAiBackend(opts: OpenAiBackendOptions): OpenAiBackend {
  const base = normaliseBaseUrl(opts.baseUrl);
  const endpoint = displayEndpoint(base);
  const url = `${base.origin}${base.pathname === '/' ? '' : base.pathname}/chat/completions${base.search}`;
  const key = opts.apiKey?.trim() || undefined;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = opts.fetch ?? fetch;
  const clock = { ...REAL_CLOCK, ...opts.clock };
  const safe = (s: string) => redact(s, key);
  const log = (line: string) => opts.log?.(safe(line));
  let schemaOk: boolean | undefined = opts.responseFormat === false ? false : undefined;

  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;

  async function attempt(body: string, signal: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(url, { method: 'POST', headers, body, signal });
    } catch (e) {
      if (signal.aborted) throw e;
      const code = networkCode(e);
      throw new TransportError('network', code ? `connection failed (${code})` : 'connection failed', { code });
    }
    let text: string;
    try {
      text = await readBounded(res, MAX_RESPONSE_BYTES);
    } catch (e) {
      if (signal.aborted || e instanceof TransportError) throw e;
      throw new TransportError('network', `the connection broke while reading the answer (${networkCode(e) ?? 'reset'})`);
    }
    if (!res.ok) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      const msg = serverMessage(text);
      throw new TransportError('http', `HTTP ${res.status}${msg ? `: ${msg}` : ''}`, { status: res.status, retryAfterMs, body: text.slice(0, 4000) });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`the VLM endpoint ${endpoint} answered HTTP ${res.status} with a body that is not JSON; is the base URL an OpenAI-compatible API (it usually ends in /v1)?`);
    }
  }

  /** Turns a final transport failure into the message a user sees. */
  function describe(e: unknown): Error {
    if (isAbortError(e) || e instanceof VlmSetupError) return e as Error;
    if (!(e instanceof TransportError)) return e instanceof Error ? new Error(safe(e.message)) : new Error(safe(String(e)));
    const tries = e.attempts > 1 ? ` after ${e.attempts} attempts` : '';
    if (e.kind === 'timeout') {
      return new Error(`the VLM endpoint ${endpoint} did not answer within ${formatMs(timeoutMs)}${tries}; check that the server is running and not overloaded, or raise the timeout`);
    }
    if (e.kind === 'network') {
      return new Error(`cannot reach the VLM endpoint ${endpoint}: ${e.message}${tries}; check that the server is running and the base URL is right`);
    }
    const s = e.status ?? 0;
    if (s === 401) {
      return new VlmSetupError(
        key ? `the VLM endpoint rejected the API key (${API_KEY_HINT})` : `the VLM endpoint ${endpoint} needs an API key (${API_KEY_HINT})`,
      );
    }
    if (s === 403) return new VlmSetupError(safe(`the VLM endpoint ${endpoint} refused access (${e.message}); check the API key's permissions for model ${JSON.stringify(opts.model)}`));
    if (s === 404) {
      return new VlmSetupError(safe(`the VLM endpoint ${url} answered ${e.message}; check the base URL (it usually ends in /v1) and that model ${JSON.stringify(opts.model)} exists there`));
    }
    if (s === 429) return new Error(safe(`the VLM endpoint ${endpoint} is rate-limiting requests (${e.message})${tries}; lower the concurrency or try later`));
    return new Error(safe(`the VLM endpoint ${endpoint} failed with ${e.message}${tries}`));
  }

  async function send(payload: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(payload);
    return withRetries((s) => attempt(body, s), {
      timeoutMs,
      signal,
      clock,
      policy: { ...opts.retry, ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) },
      onRetry: (r) => log(`VLM request to ${endpoint} failed (${r.error.message}); retry ${r.attempt} in ${formatMs(r.delayMs)}${r.fromRetryAfter ? ' (Retry-After)' : ''}`),
    });
  }

  async function complete(req: VlmRequest, signal?: AbortSignal): Promise<VlmCompletion> {
    const payload: Record<string, unknown> = {
      model: opts.model,
      temperature: VLM_TEMPERATURE,
      stream: false,
      messages: [
        { role: 'system', content: req.system },
        {
          role: 'user',
          content: [
            { type: 'text', text: req.user },
            { type: 'image_url', image_url: { url: `data:${req.image.mime};base64,${req.image.base64}` } },
          ],
        },
      ],
    };
    if (opts.maxTokens) payload.max_tokens = opts.maxTokens;
    let json: unknown;
    if (req.jsonSchema && schemaOk !== false) {
      const withSchema = { ...payload, response_format: { type: 'json_schema', json_schema: { name: CARD_SCHEMA_NAME, schema: req.jsonSchema, strict: true } } };
      try {
        json = await send(withSchema, signal);
        schemaOk = true;
      } catch (e) {
        if (!rejectsResponseFormat(e)) throw describe(e);
        log(`the VLM endpoint ${endpoint} does not accept response_format json_schema (${(e as Error).message}); continuing without it`);
        try {
          json = await send(payload, signal);
        } catch (e2) {
          throw describe(e2);
        }
        schemaOk = false;
      }
    } else {
      try {
        json = await send(payload, signal);
      } catch (e) {
        throw describe(e);
      }
    }
    return toCompletion(json);
  }

  function toCompletion(json: unknown): VlmCompletion {
    const j = json as { choices?: { message?: { content?: unknown; refusal?: unknown } }[]; usage?: unknown };
    const message = Array.isArray(j?.choices) ? j.choices[0]?.message : undefined;
    if (!message || typeof message !== 'object') {
      throw new Error(`the VLM endpoint ${endpoint} answered without choices[0].message; is it an OpenAI-compatible /chat/completions API?`);
    }
    if (typeof message.refusal === 'string' && message.refusal.trim()) {
      throw new Error(`the model refused to answer: ${JSON.stringify(plainText(message.refusal, 200).text)}`);
    }
    return { text: contentText(message.content) ?? '', usage: usageOf(j.usage) };
  }

  return {
    endpoint,
    get responseFormatSupported() {
      return schemaOk;
    },
    complete,
  };
}

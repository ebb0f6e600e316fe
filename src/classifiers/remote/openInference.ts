// A client for the Open Inference Protocol (KServe v2) REST API, the one NVIDIA Triton and KServe
// serve: /v2/health/ready, model metadata (GET /v2/models/<name>) and POST /v2/models/<name>/infer
// with tensors as JSON or, by default, as raw little-endian bytes after the JSON header (the binary
// data extension: Inference-Header-Content-Length). Retries, timeouts and backoff are the VLM
// transport's (vlm/transport.ts).
import { TransportError, formatMs, parseRetryAfter, withRetries, type RetryPolicy, type TransportClock } from '../vlm/transport';

export type OipDatatype = 'FP32' | 'FP16' | 'INT64' | 'INT32';
export interface OipTensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}
export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: OipTensorMeta[];
  outputs: OipTensorMeta[];
}
export interface OipInput {
  name: string;
  datatype: 'FP32' | 'INT64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}
export interface OipOutput {
  shape: number[];
  data: Float32Array;
}

export interface OpenInferenceOptions {
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Send and ask for tensors as raw bytes (the binary data extension; default true) or as JSON. */
  binary?: boolean;
  policy?: Partial<RetryPolicy>;
  clock?: Partial<TransportClock>;
  onRetry?: (message: string) => void;
}

/** A failure talking to the encoder server; the message says what happened and what to do. */
export class EncoderServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncoderServerError';
  }
}

/** The URL as shown to a user: no credentials, no query. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

function halfToFloat(bytes: Uint8Array): Float32Array {
  const h = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const x = h[i];
    const e = (x >> 10) & 0x1f;
    const m = x & 0x3ff;
    const s = x & 0x8000 ? -1 : 1;
    out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

export class OpenInferenceClient {
  readonly url: string;
  private readonly opts: Required<Pick<OpenInferenceOptions, 'timeoutMs' | 'binary'>> & OpenInferenceOptions;

  constructor(url: string, opts: OpenInferenceOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new EncoderServerError(`--encoder-url "${url}" is not a URL: give the server's HTTP address, e.g. http://triton.internal:8000`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new EncoderServerError(`--encoder-url must be http:// or https:// (got ${u.protocol})`);
    this.url = url.replace(/\/+$/, '');
    this.opts = { ...opts, timeoutMs: opts.timeoutMs ?? 60_000, binary: opts.binary ?? true };
  }

  private async request(what: string, pathname: string, init: RequestInit = {}, signal?: AbortSignal): Promise<Response> {
    const where = `${displayUrl(this.url)}${pathname}`;
    try {
      return await withRetries(
        async (s) => {
          let res: Response;
          try {
            res = await fetch(`${this.url}${pathname}`, { ...init, signal: s });
          } catch (e) {
            if (s.aborted) throw e;
            const cause = (e as { cause?: { code?: string; message?: string } }).cause;
            throw new TransportError('network', `cannot reach ${where} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
          }
          if (!res.ok) {
            const body = (await res.text().catch(() => '')).slice(0, 300);
            let detail = body;
            try {
              detail = String((JSON.parse(body) as { error?: unknown }).error ?? body);
            } catch {
              /* not JSON */
            }
            throw new TransportError('http', `HTTP ${res.status} from ${where}${detail ? `: ${detail}` : ''}`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()) });
          }
          return res;
        },
        {
          timeoutMs: this.opts.timeoutMs,
          policy: this.opts.policy,
          clock: this.opts.clock,
          signal,
          onRetry: (e) => this.opts.onRetry?.(`encoder server: ${e.error.message}; retry ${e.attempt} in ${formatMs(e.delayMs)}`),
        },
      );
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      const tries = e.attempts > 1 ? ` (after ${e.attempts} attempts)` : '';
      const hint =
        e.kind === 'timeout'
          ? ` Is the server overloaded? Check its queue and load (each request may take ${formatMs(this.opts.timeoutMs)}).`
          : e.kind === 'network'
            ? ` Is an Open Inference Protocol server (Triton, KServe) running there? Check --encoder-url (imageTriage.encoderUrl).`
            : e.status === 404
              ? ` The server does not serve this model: see the README's Triton model repository layout.`
              : '';
      throw new EncoderServerError(`${what}: ${e.kind === 'timeout' ? `no answer from ${where} within ${formatMs(this.opts.timeoutMs)}` : e.message}${tries}.${hint}`);
    }
  }

  /** Throws unless /v2/health/ready answers 200. */
  async ready(signal?: AbortSignal): Promise<void> {
    await this.request('Encoder server not ready', '/v2/health/ready', {}, signal);
  }

  async metadata(model: string, signal?: AbortSignal): Promise<OipModelMetadata> {
    const res = await this.request(`Encoder model "${model}" metadata`, `/v2/models/${encodeURIComponent(model)}`, {}, signal);
    const m = (await res.json().catch(() => undefined)) as OipModelMetadata | undefined;
    if (!m || !Array.isArray(m.inputs) || !Array.isArray(m.outputs)) throw new EncoderServerError(`Encoder model "${model}" at ${displayUrl(this.url)}: the metadata has no inputs/outputs lists (is this an Open Inference Protocol v2 server?)`);
    return m;
  }

  /** Runs `model` on `inputs`; returns the named outputs as float32 (FP16 is widened). */
  async infer(model: string, inputs: OipInput[], outputs: string[], signal?: AbortSignal): Promise<Record<string, OipOutput>> {
    const binary = this.opts.binary;
    const header = {
      inputs: inputs.map((t) => ({
        name: t.name,
        shape: t.shape,
        datatype: t.datatype,
        ...(binary ? { parameters: { binary_data_size: t.data.byteLength } } : { data: Array.from(t.data as ArrayLike<number | bigint>, Number) }),
      })),
      outputs: outputs.map((name) => ({ name, parameters: { binary_data: binary } })),
    };
    const json = Buffer.from(JSON.stringify(header));
    const body = binary ? Buffer.concat([json, ...inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))]) : json;
    const headers: Record<string, string> = binary ? { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) } : { 'content-type': 'application/json' };
    const what = `Encoder model "${model}" inference`;
    const res = await this.request(what, `/v2/models/${encodeURIComponent(model)}/infer`, { method: 'POST', headers, body }, signal);
    const raw = Buffer.from(await res.arrayBuffer());
    const hlen = res.headers.get('inference-header-content-length');
    const jsonLen = hlen !== null ? Number(hlen) : raw.length;
    if (!Number.isInteger(jsonLen) || jsonLen < 0 || jsonLen > raw.length) throw new EncoderServerError(`${what}: Inference-Header-Content-Length ${hlen} does not fit the ${raw.length}-byte answer`);
    let parsed: { outputs?: { name: string; datatype: string; shape: number[]; data?: number[]; parameters?: { binary_data_size?: number } }[] };
    try {
      parsed = JSON.parse(raw.subarray(0, jsonLen).toString('utf8'));
    } catch {
      throw new EncoderServerError(`${what}: the answer is not Open Inference Protocol JSON`);
    }
    const result: Record<string, OipOutput> = {};
    let offset = jsonLen;
    for (const o of parsed.outputs ?? []) {
      const count = (o.shape ?? []).reduce((a, b) => a * b, 1);
      let data: Float32Array;
      const size = o.parameters?.binary_data_size;
      if (size !== undefined) {
        if (offset + size > raw.length) throw new EncoderServerError(`${what}: output "${o.name}" says ${size} bytes, the answer has ${raw.length - offset} left`);
        const bytes = new Uint8Array(raw.subarray(offset, offset + size));
        offset += size;
        if (o.datatype === 'FP32') data = new Float32Array(bytes.buffer, 0, size / 4);
        else if (o.datatype === 'FP16') data = halfToFloat(bytes);
        else throw new EncoderServerError(`${what}: output "${o.name}" is ${o.datatype}; the embeddings must be FP32 or FP16`);
      } else if (Array.isArray(o.data)) {
        data = Float32Array.from(o.data.flat(Infinity as 1) as number[]);
      } else throw new EncoderServerError(`${what}: output "${o.name}" has neither data nor binary_data_size`);
      if (data.length !== count) throw new EncoderServerError(`${what}: output "${o.name}" has ${data.length} values for shape [${o.shape}]`);
      result[o.name] = { shape: o.shape, data };
    }
    for (const name of outputs) if (!result[name]) throw new EncoderServerError(`${what}: the answer lacks output "${name}" (it has: ${Object.keys(result).join(', ') || 'none'})`);
    return result;
  }
}

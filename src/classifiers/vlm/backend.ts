// The seam between the VLM classifier and whatever serves the model: an OpenAI-compatible HTTP
// endpoint (openaiBackend.ts) or, in the extension, the VS Code Language Model API. No vscode import.

export interface VlmImage {
  /** e.g. 'image/jpeg'. */
  mime: string;
  base64: string;
}

export interface VlmRequest {
  system: string;
  user: string;
  image: VlmImage;
  /** JSON schema of the answer, for backends that can constrain decoding. Optional to honour. */
  jsonSchema?: object;
}

export interface TokenUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

/** A backend may return just the text, or the text with the token usage the server reported. */
export interface VlmCompletion {
  text: string;
  usage?: TokenUsage;
}

export interface VlmBackend {
  /**
   * One completion for one image at temperature 0. Resolves with the model's raw text (parsing and
   * validation are the classifier's job). Rejects with an AbortError when `signal` aborts, with a
   * VlmSetupError when no request can succeed (bad key, wrong URL, no model), and with an Error whose
   * message is safe to show (no secrets) for a failure of this one request.
   */
  complete(req: VlmRequest, signal?: AbortSignal): Promise<string | VlmCompletion>;
}

/** A failure that would repeat for every image (rejected key, unknown endpoint or model): stops the run. */
export class VlmSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VlmSetupError';
  }
}

export function isAbortError(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'AbortError';
}

/** Replaces every occurrence of `secret` in `text` (no-op without a secret). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('[redacted]');
}

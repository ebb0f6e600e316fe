// The VS Code Language Model API as Image Triage uses it, typed structurally: we build against
// @types/vscode 1.100, where images cannot be sent to a chat model, and find out at run time whether
// the running VS Code can (1.106+: LanguageModelDataPart is stable). No vscode import, so the logic
// is unit tested against a fake `vscode`-like object.

export interface LmCancellationToken {
  readonly isCancellationRequested: boolean;
}

export interface LmCancellationTokenSource {
  readonly token: LmCancellationToken;
  cancel(): void;
  dispose(): void;
}

export interface LmChatResponse {
  /** The answer's text fragments, streamed. */
  readonly text: AsyncIterable<string>;
}

export interface LmRequestOptions {
  /** Shown by VS Code when it asks the user to allow this extension to use the model. */
  justification?: string;
  modelOptions?: Record<string, unknown>;
}

export interface LmChatModel {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  readonly version: string;
  readonly maxInputTokens: number;
  /** Not part of every version's API; when present and false, the model takes no images. */
  readonly capabilities?: { readonly supportsImageToText?: boolean; readonly imageInput?: boolean };
  sendRequest(messages: unknown[], options?: LmRequestOptions, token?: LmCancellationToken): PromiseLike<LmChatResponse>;
}

export interface LmSelector {
  id?: string;
  vendor?: string;
  family?: string;
}

/** The members of the `vscode` namespace this feature needs, each possibly missing. */
export interface LmHost {
  readonly version: string;
  readonly lm?: { selectChatModels?(selector?: LmSelector): PromiseLike<readonly LmChatModel[]> };
  readonly LanguageModelChatMessage?: { User?(content: string | unknown[], name?: string): unknown };
  readonly LanguageModelTextPart?: new (value: string) => unknown;
  readonly LanguageModelDataPart?: { image?(data: Uint8Array, mime: string): unknown };
  readonly CancellationTokenSource?: new () => LmCancellationTokenSource;
}

/** The same members, known to be present. */
export interface LmApi {
  readonly version: string;
  readonly lm: { selectChatModels(selector?: LmSelector): PromiseLike<readonly LmChatModel[]> };
  readonly LanguageModelChatMessage: { User(content: string | unknown[], name?: string): unknown };
  readonly LanguageModelTextPart: new (value: string) => unknown;
  readonly LanguageModelDataPart: { image(data: Uint8Array, mime: string): unknown };
  readonly CancellationTokenSource: new () => LmCancellationTokenSource;
}

/** The first VS Code whose stable API sends images to a chat model (LanguageModelDataPart finalized). */
export const LM_MIN_VERSION: readonly [number, number] = [1, 106];

export type LmSupport = { ok: true; api: LmApi } | { ok: false; reason: string; message: string };

/** [major, minor] of '1.100.3' or '1.106.0-insider'; undefined when unreadable. */
export function parseVersion(v: unknown): [number, number] | undefined {
  const m = typeof v === 'string' ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function atLeast(v: [number, number], min: readonly [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

/** What to tell a user whose VS Code cannot send images to a language model (the reason goes to the log). */
export function lmUnsupportedMessage(version: string): string {
  return (
    `The "vscode-lm" VLM provider needs VS Code ${LM_MIN_VERSION.join('.')} or later (this is ${version || 'an unknown version'}): older versions cannot send images to a language model. ` +
    `Use an OpenAI-compatible endpoint instead: set imageTriage.vlm.provider to "openai-compatible", imageTriage.vlm.baseUrl (e.g. http://localhost:11434/v1 for Ollama) and imageTriage.vlm.model.`
  );
}

/**
 * Whether `host` (the `vscode` namespace) can send images to a chat model. The version matters as
 * well as the members: VS Code 1.100 already ships the proposed LanguageModelDataPart class, but its
 * stable API does not send it.
 */
export function detectLmApi(host: LmHost | undefined | null): LmSupport {
  const version = typeof host?.version === 'string' ? host.version : '';
  const fail = (reason: string): LmSupport => ({ ok: false, reason, message: lmUnsupportedMessage(version) });
  if (!host) return fail('no VS Code API');
  if (typeof host.lm?.selectChatModels !== 'function') return fail('vscode.lm.selectChatModels is missing');
  if (typeof host.LanguageModelDataPart?.image !== 'function') return fail('vscode.LanguageModelDataPart is missing');
  const v = parseVersion(version);
  if (!v) return fail(`unreadable version "${version}"`);
  if (!atLeast(v, LM_MIN_VERSION)) return fail(`LanguageModelDataPart is not stable before ${LM_MIN_VERSION.join('.')}`);
  if (typeof host.LanguageModelChatMessage?.User !== 'function') return fail('vscode.LanguageModelChatMessage.User is missing');
  if (typeof host.LanguageModelTextPart !== 'function') return fail('vscode.LanguageModelTextPart is missing');
  if (typeof host.CancellationTokenSource !== 'function') return fail('vscode.CancellationTokenSource is missing');
  return { ok: true, api: host as LmApi };
}

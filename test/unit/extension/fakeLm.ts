// A stand-in for the parts of the `vscode` namespace the Language Model backend uses (no vscode
// import): message and part classes that record what they were built from, a CancellationTokenSource,
// and chat models whose answers are scripted streams.
import type { LmCancellationToken, LmChatModel, LmChatResponse, LmHost, LmRequestOptions, LmSelector } from '../../../src/extension/lmApi';

export class FakeTextPart {
  constructor(readonly value: string) {}
}

export class FakeDataPart {
  constructor(
    readonly data: Uint8Array,
    readonly mimeType: string,
  ) {}
  static image(data: Uint8Array, mime: string): FakeDataPart {
    return new FakeDataPart(data, mime);
  }
}

export interface FakeMessage {
  role: 'user';
  content: unknown;
  name?: string;
}

export class FakeTokenSource {
  static made: FakeTokenSource[] = [];
  disposed = false;
  readonly token: LmCancellationToken & { isCancellationRequested: boolean };
  constructor() {
    this.token = { isCancellationRequested: false };
    FakeTokenSource.made.push(this);
  }
  cancel(): void {
    this.token.isCancellationRequested = true;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface SentRequest {
  messages: FakeMessage[];
  options?: LmRequestOptions;
  token?: LmCancellationToken;
}

/** A scripted answer: text chunks streamed in order, or a rejection of sendRequest. */
export type Answer = { chunks: string[]; stallAfter?: number; chunkDelayMs?: number } | { reject: unknown };

export class FakeModel implements LmChatModel {
  readonly sent: SentRequest[] = [];
  /** Streams whose consumer called return() (stopped listening). */
  closedStreams = 0;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly vendor: string,
    private readonly script: (req: SentRequest, index: number) => Answer,
    readonly family = 'test-family',
    readonly version = '1',
    readonly maxInputTokens = 128_000,
    readonly capabilities?: LmChatModel['capabilities'],
  ) {}

  sendRequest(messages: unknown[], options?: LmRequestOptions, token?: LmCancellationToken): PromiseLike<LmChatResponse> {
    const req: SentRequest = { messages: messages as FakeMessage[], options, token };
    this.sent.push(req);
    const answer = this.script(req, this.sent.length - 1);
    if ('reject' in answer) return Promise.reject(answer.reject);
    let i = 0;
    const stream: AsyncIterableIterator<string> = {
      next: async () => {
        if ('stallAfter' in answer && answer.stallAfter === i) await new Promise(() => undefined);
        if ('chunkDelayMs' in answer && answer.chunkDelayMs) await new Promise((r) => setTimeout(r, answer.chunkDelayMs));
        return i < answer.chunks.length ? { done: false, value: answer.chunks[i++] } : { done: true, value: undefined };
      },
      return: async () => {
        this.closedStreams++;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return Promise.resolve({ text: stream });
  }
}

/** A `vscode`-like object of the given version with the given models. */
export function fakeHost(version: string, models: FakeModel[], omit: (keyof LmHost)[] = []): LmHost & { selections: (LmSelector | undefined)[] } {
  const selections: (LmSelector | undefined)[] = [];
  const host: Record<string, unknown> = {
    version,
    selections,
    lm: {
      selectChatModels: async (sel?: LmSelector) => {
        selections.push(sel);
        return models.filter((m) => (!sel?.id || m.id === sel.id) && (!sel?.vendor || m.vendor === sel.vendor));
      },
    },
    LanguageModelChatMessage: { User: (content: unknown, name?: string): FakeMessage => ({ role: 'user', content, name }) },
    LanguageModelTextPart: FakeTextPart,
    LanguageModelDataPart: FakeDataPart,
    CancellationTokenSource: FakeTokenSource,
  };
  for (const k of omit) delete host[k];
  return host as unknown as LmHost & { selections: (LmSelector | undefined)[] };
}

// The host's end of the panel protocol: every message from the webview is validated (validate.ts),
// commands go to their handler, and every request is answered exactly once by `respond`: with the
// handler's result, or with a typed error when the message is refused, the handler throws a
// RequestError (or an error mapped to a code), or it fails unexpectedly (logged, code 'failed').
// While a large folder's sidecars load behind the grid, messages that need them wait (`gate`).
// The handler tables are mapped types over the protocol's declarations: a declared request or
// command without a handler does not compile.
// Pure (no vscode): unit tested.
import type { CommandType, ErrorCode, HostMessage, RequestMessage, RequestResult, RequestType, ResponseError, WebviewMessageOf } from '../../shared/protocol';
import { RequestError, isRequest } from '../../shared/protocol';
import { parseWebviewMessage, type KnownNames } from '../../shared/validate';
import type { Logger } from '../log';

export type RequestHandlers = {
  [K in RequestType]: (m: WebviewMessageOf<K>) => Promise<RequestResult<K>> | RequestResult<K>;
};
export type CommandHandlers = {
  [K in CommandType]: (m: WebviewMessageOf<K>) => unknown;
};

export interface EndpointOptions {
  /** What the folder holds now (checked on every message). */
  known(): KnownNames;
  requests: RequestHandlers;
  commands: CommandHandlers;
  post(m: HostMessage): void;
  log: Pick<Logger, 'warn' | 'error'>;
  /** Names the panel in log lines. */
  where(): string;
  /** Codes for errors other than RequestError that handlers may throw (e.g. a corrupt sidecar). */
  codeOf?(e: unknown): ErrorCode | undefined;
  /** Awaited before any message but those in `UNGATED` (the session's full sidecars still loading). */
  gate?(): Promise<unknown>;
}

/** What the grid needs while the full sidecars load: its data, thumbnails, opening a sidecar file. */
const UNGATED: ReadonlySet<string> = new Set(['ready', 'requestThumbs', 'openSidecar']);

export class Endpoint {
  constructor(private readonly o: EndpointOptions) {}

  async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw, this.o.known());
    if (!parsed.ok) {
      this.o.log.warn(`Refused a message from the review panel of ${this.o.where()}: ${parsed.problem}. Message: ${JSON.stringify(raw)?.slice(0, 300)}`);
      if (parsed.requestId !== undefined) this.answer(parsed.requestId, { code: parsed.code, message: parsed.problem });
      return;
    }
    const m = parsed.message;
    if (!UNGATED.has(m.type)) await this.o.gate?.();
    if (isRequest(m)) return this.respond(m);
    await (this.o.commands[m.type] as (m: unknown) => unknown)(m);
  }

  /** Runs the request's handler and answers it, exactly once, whatever happens. */
  async respond(m: RequestMessage): Promise<void> {
    let result: unknown;
    try {
      result = await (this.o.requests[m.type] as (m: RequestMessage) => Promise<RequestResult<RequestType>>)(m);
    } catch (e) {
      const code = e instanceof RequestError ? e.code : this.o.codeOf?.(e);
      const message = (e as Error)?.message ?? String(e);
      if (code) this.o.log.warn(`Review panel ${m.type} refused (${code}): ${message}`);
      else this.o.log.error(`Review panel ${m.type} failed: ${(e as Error)?.stack ?? message}`);
      return this.answer(m.requestId, { code: code ?? 'failed', message });
    }
    this.o.post({ type: 'response', requestId: m.requestId, ok: true, result: result ?? null });
  }

  private answer(requestId: number, error: ResponseError): void {
    this.o.post({ type: 'response', requestId, ok: false, error });
  }
}

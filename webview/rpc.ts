// The webview's one correlator for requests to the host: `sendRequest` posts a request with a fresh
// id and returns a Promise of its typed result; the host's `response` (exactly one per request)
// settles it, with the result or a RequestError carrying a typed code. A request the host does not
// answer in its declared time rejects with code 'timeout', so nothing waits forever.
import { REQUESTS, RequestError, type HostMessageOf, type RequestParams, type RequestResult, type RequestType, type WebviewMessage } from '../src/shared/protocol';
import { send } from './vscodeApi';

interface Pending {
  resolve(result: unknown): void;
  reject(e: RequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Rpc {
  private next = 1;
  private pending = new Map<number, Pending>();

  constructor(private readonly post: (m: WebviewMessage) => void = send) {}

  sendRequest<K extends RequestType>(type: K, params: RequestParams<K>, timeoutMs: number = REQUESTS[type].timeoutMs): Promise<RequestResult<K>> {
    const requestId = this.next++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        const secs = Math.round(timeoutMs / 1000);
        reject(new RequestError('timeout', `the extension did not answer within ${secs} s; see the Image Triage output, then try again`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve: resolve as (r: unknown) => void, reject, timer });
      this.post({ ...params, type, requestId } as WebviewMessage);
    });
  }

  /** Settles the request a response answers. False when none is waiting (it timed out). */
  onResponse(m: HostMessageOf<'response'>): boolean {
    const p = this.pending.get(m.requestId);
    if (!p) return false;
    this.pending.delete(m.requestId);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(m.result);
    else p.reject(new RequestError(m.error.code, m.error.message));
    return true;
  }

  /** Rejects every request still waiting (the panel is going away; tests). */
  dispose(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RequestError('failed', 'the panel closed'));
      this.pending.delete(id);
    }
  }

  /** Requests sent and not yet settled. */
  get inFlight(): number {
    return this.pending.size;
  }
}

/** What went wrong with a request, for a notice. */
export function problemOf(e: unknown): { code: RequestError['code']; message: string } {
  return e instanceof RequestError ? { code: e.code, message: e.message } : { code: 'failed', message: (e as Error)?.message ?? String(e) };
}

/** The panel's correlator (main.ts routes the host's responses to it). */
export const rpc = new Rpc();

// The typed channel to the extension host.
import type { HostMessage, WebviewMessage } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewMessage): void {
  api.postMessage(message);
}

export function onHostMessage(handler: (m: HostMessage) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as HostMessage;
    if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
  });
}

export function saveState(state: unknown): void {
  api.setState(state);
}
export function loadState<T>(): T | undefined {
  return api.getState() as T | undefined;
}

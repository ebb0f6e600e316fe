// A scripted OpenAI-compatible /chat/completions server on 127.0.0.1 (real HTTP, ephemeral port) for
// the VLM tests. It records every request, counts concurrent ones and refuses past a request budget.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Raw body (a string or Buffer is sent as is, anything else as JSON). */
  body?: unknown;
  /** Shortcut: a chat.completion whose message content is this text. */
  content?: string;
  usage?: Record<string, number>;
  delayMs?: number;
  /** Never answer (the socket is closed when the server closes). */
  hang?: boolean;
}

export interface RecordedRequest {
  index: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Whatever JSON the client sent. */
  body: any;
}

export type Script = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Most requests being handled at once. */
  readonly maxConcurrent: number;
  /** Requests being handled now. */
  readonly active: number;
  /** Requests whose client went away before the answer was sent. */
  readonly aborted: number;
  /** Requests beyond the budget (answered 418). */
  readonly overBudget: number;
  close(): Promise<void>;
}

export function chat(content: string, usage?: Record<string, number>): Record<string, unknown> {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'test-vlm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(usage ? { usage } : {}),
  };
}

/**
 * `script` is a function of the request, or a list of replies taken in order. `host`: the address to
 * listen on (default 127.0.0.1; the end-to-end consent test uses a non-loopback one).
 */
export async function startServer(script: Script | Reply[], opts: { maxRequests?: number; host?: string } = {}): Promise<FakeServer> {
  const list = Array.isArray(script) ? script : undefined;
  const fn = Array.isArray(script) ? undefined : script;
  const budget = opts.maxRequests ?? (list ? list.length : 50);
  const requests: RecordedRequest[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  let aborted = 0;
  let overBudget = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const rec: RecordedRequest = { index: requests.length, method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body };
      requests.push(rec);
      if (rec.index >= budget) {
        overBudget++;
        res.writeHead(418, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'test request budget exceeded' } }));
        return;
      }
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      let finished = false;
      res.on('close', () => {
        concurrent--;
        if (!finished) aborted++;
      });
      const reply = list ? list[rec.index] : await fn!(rec);
      if (reply.hang) return;
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const payload =
        reply.content !== undefined
          ? JSON.stringify(chat(reply.content, reply.usage))
          : typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
            ? reply.body
            : JSON.stringify(reply.body ?? {});
      finished = true;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(payload);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    requests,
    get maxConcurrent() {
      return maxConcurrent;
    },
    get active() {
      return concurrent;
    },
    get aborted() {
      return aborted;
    },
    get overBudget() {
      return overBudget;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// The VLM classifier's transport against a real local server: retries, Retry-After, timeouts,
// cancellation, the concurrency limit, the response_format fallback and the API key's handling.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createVlmClassifier, type VlmClassifierOptions } from '../../../src/classifiers/vlm/vlmClassifier';
import { VlmSetupError } from '../../../src/classifiers/vlm/backend';
import type { ClassifyOutcome } from '../../../src/core/classifier';
import { startServer, type FakeServer, type Reply, type Script } from './fakeServer';
import { API_KEY, SET, cardText, pngImage } from './fixtures';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(script: Script | Reply[], maxRequests?: number) {
  const s = await startServer(script, { maxRequests });
  servers.push(s);
  return s;
}
const images = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => pngImage(40 + i, 30, `t${i}.png`)));
const errorOf = (o: ClassifyOutcome): string => {
  assert.ok(!o.ok, 'expected an error outcome');
  return o.error;
};
function classifier(server: FakeServer, opts: Partial<VlmClassifierOptions> = {}, sleeps: number[] = []) {
  return createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm', clock: { sleep: async (ms) => void sleeps.push(ms) }, ...opts });
}

test('429 with Retry-After is honoured, then the answer is used', async () => {
  const server = await serve([{ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached' } } }, { content: cardText() }]);
  const sleeps: number[] = [];
  const [o] = await classifier(server, {}, sleeps).classifyBatch(await images(1), SET);
  assert.equal(o.ok, true);
  assert.deepEqual(sleeps, [2000]);
  assert.equal(server.requests.length, 2);
});

test('500s exhaust the bounded retries: an error outcome naming the endpoint', async () => {
  const server = await serve(() => ({ status: 500, body: { error: { message: 'internal model failure' } } }), 3);
  const sleeps: number[] = [];
  const [o] = await classifier(server, { maxRetries: 2 }, sleeps).classifyBatch(await images(1), SET);
  const err = errorOf(o);
  assert.ok(err.includes(server.baseUrl), err);
  assert.match(err, /HTTP 500: internal model failure after 3 attempts/);
  assert.equal(server.requests.length, 3);
  assert.equal(server.overBudget, 0);
  assert.equal(sleeps.length, 2);
  assert.ok(sleeps[0] <= 500 && sleeps[1] <= 1000, `backoff within its ceilings: ${sleeps}`);
});

test('a server that hangs past the timeout: an error outcome, promptly', async () => {
  const server = await serve([{ hang: true }]);
  const start = Date.now();
  const [o] = await classifier(server, { timeoutMs: 300 }).classifyBatch(await images(1), SET);
  const err = errorOf(o);
  assert.match(err, /did not answer within 300 ms; check that the server is running/);
  assert.ok(err.includes(server.baseUrl));
  assert.ok(Date.now() - start < 8000, 'at its timeout, not never');
  assert.equal(server.requests.length, 1);
});

test('connection refused: retried, then an error naming the base URL', async () => {
  const gone = await startServer([]);
  const baseUrl = gone.baseUrl;
  await gone.close();
  const sleeps: number[] = [];
  const clf = createVlmClassifier({ baseUrl, model: 'm', maxRetries: 2, clock: { sleep: async (ms) => void sleeps.push(ms) } });
  const [o] = await clf.classifyBatch(await images(1), SET);
  const err = errorOf(o);
  assert.match(err, /cannot reach the VLM endpoint http:\/\/127\.0\.0\.1:\d+\/v1: connection failed \(ECONNREFUSED\) after 3 attempts; check that the server is running/);
  assert.equal(sleeps.length, 2);
});

test('cancellation aborts in-flight requests promptly and rejects with AbortError', async () => {
  const server = await serve(() => ({ content: cardText(), delayMs: 10_000 }));
  const ctrl = new AbortController();
  const clf = classifier(server, { concurrency: 2 });
  const batch = clf.classifyBatch(await images(3), SET, ctrl.signal);
  setTimeout(() => ctrl.abort(), 200);
  const start = Date.now();
  await assert.rejects(batch, { name: 'AbortError' });
  assert.ok(Date.now() - start < 5000, 'prompt: well before the 10 s answers');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.requests.length, 2, 'the queued image was never sent');
  assert.equal(server.aborted, 2, 'both in-flight requests were aborted');
  assert.equal(server.active, 0);
  await assert.rejects(clf.classifyBatch(await images(1), SET, ctrl.signal), { name: 'AbortError' });
});

test('the concurrency limit is never exceeded', async () => {
  const server = await serve(() => ({ content: cardText(), delayMs: 80 }), 9);
  const outcomes = await classifier(server, { concurrency: 3 }).classifyBatch(await images(9), SET);
  assert.ok(outcomes.every((o) => o.ok));
  assert.equal(server.requests.length, 9);
  assert.equal(server.maxConcurrent, 3);
});

test('N slow requests at concurrency N take about one latency', async () => {
  const server = await serve(() => ({ content: cardText(), delayMs: 600 }), 4);
  const imgs = await images(4);
  const start = Date.now();
  const outcomes = await classifier(server, { concurrency: 4 }).classifyBatch(imgs, SET);
  const elapsed = Date.now() - start;
  assert.ok(outcomes.every((o) => o.ok));
  assert.equal(server.maxConcurrent, 4);
  assert.ok(elapsed >= 600 && elapsed < 4 * 600, `took ${elapsed} ms: in parallel, not one after another`);
});

test('a server that rejects response_format: one retry without it, remembered for the session', async () => {
  const server = await serve((r) =>
    r.body.response_format
      ? { status: 400, body: { error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model." } } }
      : { content: cardText() },
  4);
  const log: string[] = [];
  const outcomes = await classifier(server, { concurrency: 1, log: (l) => log.push(l) }).classifyBatch(await images(3), SET);
  assert.ok(outcomes.every((o) => o.ok));
  assert.deepEqual(server.requests.map((r) => 'response_format' in r.body), [true, false, false, false]);
  assert.ok(log.some((l) => /does not accept response_format/.test(l)));
});

test('another 400 is an error for the image, without the fallback', async () => {
  const server = await serve([{ status: 400, body: { error: { message: 'image too small' } } }]);
  const [o] = await classifier(server).classifyBatch(await images(1), SET);
  assert.match(errorOf(o), /HTTP 400: image too small/);
  assert.equal(server.requests.length, 1);
});

test('the API key goes as a Bearer header and nowhere else', async () => {
  const server = await serve([{ content: cardText() }]);
  const [o] = await classifier(server, { apiKey: API_KEY }).classifyBatch(await images(1), SET);
  assert.equal(o.ok, true);
  assert.equal(server.requests[0].headers.authorization, `Bearer ${API_KEY}`);
  assert.ok(!server.requests[0].raw.includes(API_KEY), 'not in the body');
  assert.ok(!JSON.stringify(o).includes(API_KEY));
});

test('401: the run stops with the API-key message, which never contains the key', async () => {
  const server = await serve([{ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}` } } }], 2);
  const clf = classifier(server, { apiKey: API_KEY, concurrency: 1 });
  await assert.rejects(clf.classifyBatch(await images(2), SET), (e: Error) => {
    assert.ok(e instanceof VlmSetupError);
    assert.equal(e.message, 'the VLM endpoint rejected the API key (set IMAGE_TRIAGE_VLM_API_KEY or the Image Triage: Set VLM API Key command)');
    return true;
  });
  assert.equal(server.requests.length, 1, 'no retry, no further image');
  const noKey = await serve([{ status: 401, body: {} }]);
  await assert.rejects(classifier(noKey).classifyBatch(await images(1), SET), /needs an API key \(set IMAGE_TRIAGE_VLM_API_KEY/);
});

test('a server echoing the key in errors: redacted from error outcomes and log lines; nothing printed', async () => {
  const echo = { error: { message: `backend down for key ${API_KEY}` } };
  const server = await serve([{ status: 503, body: echo }, { status: 503, body: echo }, { content: 'not json' }, { content: `still not json ${API_KEY}` }]);
  const log: string[] = [];
  const printed: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };
  for (const k of Object.keys(saved) as (keyof typeof saved)[]) console[k] = (...a: unknown[]) => void printed.push(a.map(String).join(' '));
  let outcomes: ClassifyOutcome[];
  try {
    const clf = classifier(server, { apiKey: API_KEY, maxRetries: 1, log: (l) => log.push(l) });
    outcomes = [
      ...(await clf.classifyBatch(await images(1), SET)),
      ...(await clf.classifyBatch(await images(1), SET)),
    ];
  } finally {
    Object.assign(console, saved);
  }
  const first = errorOf(outcomes[0]);
  assert.match(first, /HTTP 503: backend down for key \[redacted\]/);
  errorOf(outcomes[1]);
  assert.ok(log.length >= 1);
  for (const text of [...outcomes.map((o) => JSON.stringify(o)), ...log, ...printed]) assert.ok(!text.includes(API_KEY), text);
  assert.deepEqual(printed, []);
});

test('404: a setup error that names the URL and suggests checking the base URL and model', async () => {
  const server = await serve([{ status: 404, body: { error: { message: 'model "llava" not found, try pulling it first' } } }]);
  await assert.rejects(
    classifier(server).classifyBatch(await images(1), SET),
    (e: Error) => e instanceof VlmSetupError && e.message.includes(`${server.baseUrl}/chat/completions`) && /check the base URL/.test(e.message),
  );
});

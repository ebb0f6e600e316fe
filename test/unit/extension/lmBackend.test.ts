// The VS Code Language Model API backend without vscode: detection on a fake `vscode`-like object,
// the message it builds, collecting the streamed answer, cancellation and timeout, error mapping,
// the model picker's rows, and a whole classification through createVlmClassifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLmApi, parseVersion, type LmApi } from '../../../src/extension/lmApi';
import { buildLmMessages, collectText, createLmBackend, lmError, tokenFromSignal } from '../../../src/extension/lmBackend';
import { findLmModel, lmCheckpoint, modelPickItems } from '../../../src/extension/lmModels';
import { createVlmClassifier } from '../../../src/classifiers/vlm/vlmClassifier';
import { VlmSetupError } from '../../../src/classifiers/vlm/backend';
import { PROMPT_VERSION } from '../../../src/classifiers/vlm/prompt';
import { FakeDataPart, FakeModel, FakeTextPart, FakeTokenSource, fakeHost, type FakeMessage } from './fakeLm';
import { SET, cardText, flagKinds, pngImage } from '../vlm/fixtures';

const req = { system: 'SYSTEM RULES', user: 'USER QUESTION', image: { mime: 'image/jpeg', base64: Buffer.from([1, 2, 3, 250]).toString('base64') } };
const api = (models: FakeModel[] = [], version = '1.106.0') => {
  const s = detectLmApi(fakeHost(version, models));
  assert.ok(s.ok, 'the fake host is supported');
  return s.api;
};
const model = (answer: (i: number) => string[] | { reject: unknown }, id = 'gpt-test') =>
  new FakeModel(id, 'GPT Test', 'copilot', (_r, i) => {
    const a = answer(i);
    return Array.isArray(a) ? { chunks: a } : a;
  });

test('detection: 1.106+ with every member is supported; the API object is the host itself', () => {
  const host = fakeHost('1.106.0', []);
  const s = detectLmApi(host);
  assert.ok(s.ok);
  assert.equal(s.api, host);
  assert.ok(detectLmApi(fakeHost('1.107.0-insider', [])).ok);
  assert.ok(detectLmApi(fakeHost('2.0.0', [])).ok);
});

test('detection: VS Code 1.100 ships a proposed LanguageModelDataPart but is not supported; the message says 1.106 and how to use an endpoint', () => {
  const s = detectLmApi(fakeHost('1.100.3', []));
  assert.equal(s.ok, false);
  assert.ok(!s.ok);
  assert.match(s.reason, /not stable before 1\.106/);
  assert.match(s.message, /needs VS Code 1\.106 or later \(this is 1\.100\.3\)/);
  assert.match(s.message, /imageTriage\.vlm\.provider to "openai-compatible"/);
  assert.match(s.message, /imageTriage\.vlm\.baseUrl/);
  assert.match(s.message, /http:\/\/localhost:11434\/v1/);
});

test('detection: each missing member is named; no host at all is handled', () => {
  const reasons = (omit: Parameters<typeof fakeHost>[2]) => {
    const s = detectLmApi(fakeHost('1.110.0', [], omit));
    assert.ok(!s.ok);
    return s.reason;
  };
  assert.match(reasons(['LanguageModelDataPart']), /LanguageModelDataPart is missing/);
  assert.match(reasons(['lm']), /selectChatModels is missing/);
  assert.match(reasons(['LanguageModelChatMessage']), /LanguageModelChatMessage\.User is missing/);
  assert.match(reasons(['LanguageModelTextPart']), /LanguageModelTextPart is missing/);
  assert.match(reasons(['CancellationTokenSource']), /CancellationTokenSource is missing/);
  const none = detectLmApi(undefined);
  assert.ok(!none.ok && /no VS Code API/.test(none.reason));
  const odd = detectLmApi(fakeHost('unknown', []));
  assert.ok(!odd.ok && /unreadable version/.test(odd.reason));
  assert.deepEqual(parseVersion('1.100.3'), [1, 100]);
  assert.equal(parseVersion(undefined), undefined);
});

test('message: one User message with the instructions, the question and the image bytes as a data part', () => {
  const [m, ...rest] = buildLmMessages(api(), req) as FakeMessage[];
  assert.equal(rest.length, 0);
  assert.equal(m.role, 'user');
  const parts = m.content as unknown[];
  assert.ok(Array.isArray(parts));
  assert.deepEqual(parts.slice(0, 2), [new FakeTextPart('SYSTEM RULES'), new FakeTextPart('USER QUESTION')]);
  const img = parts[2] as FakeDataPart;
  assert.ok(img instanceof FakeDataPart);
  assert.equal(img.mimeType, 'image/jpeg');
  assert.ok(img.data instanceof Uint8Array);
  assert.deepEqual([...img.data], [1, 2, 3, 250]);
  // No system text: no empty part.
  const [m2] = buildLmMessages(api(), { ...req, system: '  ' }) as FakeMessage[];
  assert.equal((m2.content as unknown[]).length, 2);
});

test('stream collection joins every fragment in order', async () => {
  async function* gen() {
    yield '{"a":';
    yield ' 1';
    yield '}';
  }
  assert.equal(await collectText(gen(), new AbortController().signal), '{"a": 1}');
  assert.equal(await collectText((async function* () {})(), new AbortController().signal), '');
});

test('stream collection: an abort rejects at once even when the stream stalls, and closes the stream', async () => {
  let closed = 0;
  const stalled: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<string>>(() => undefined),
      return: async () => (closed++, { done: true, value: undefined }),
    }),
  };
  const ctrl = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ctrl.abort(), 30);
  await assert.rejects(collectText(stalled, ctrl.signal), { name: 'AbortError' });
  assert.ok(Date.now() - t0 < 5000, 'the stalled stream never ends by itself');
  assert.equal(closed, 1);
});

test('the AbortSignal drives a CancellationTokenSource; dispose unhooks it', () => {
  const ctrl = new AbortController();
  const link = tokenFromSignal(api(), ctrl.signal);
  assert.equal(link.token.isCancellationRequested, false);
  ctrl.abort();
  assert.equal(link.token.isCancellationRequested, true);
  link.dispose();
  assert.equal(FakeTokenSource.made.at(-1)!.disposed, true);
  const done = new AbortController();
  done.abort();
  assert.equal(tokenFromSignal(api(), done.signal).token.isCancellationRequested, true, 'an already aborted signal gives a cancelled token');
});

test('backend: sends the message with a justification and the token, returns the streamed text', async () => {
  const m = model(() => ['{"x"', ': 1}']);
  const backend = createLmBackend(api([m]), m);
  assert.equal(await backend.complete(req), '{"x": 1}');
  const sent = m.sent[0];
  assert.match(sent.options?.justification ?? '', /Image Triage/);
  assert.ok(sent.token, 'a cancellation token is passed');
  assert.equal((sent.messages[0].content as unknown[]).length, 3);
  assert.equal(FakeTokenSource.made.at(-1)!.disposed, true, 'the token source is disposed after the request');
});

test('backend: cancelling mid-stream cancels the token, closes the stream and rejects with AbortError', async () => {
  const m = new FakeModel('slow', 'Slow', 'test', () => ({ chunks: ['{', '"a"', '}'], stallAfter: 1 }));
  const backend = createLmBackend(api([m]), m);
  const ctrl = new AbortController();
  const p = backend.complete(req, ctrl.signal);
  setTimeout(() => ctrl.abort(), 30);
  await assert.rejects(p, { name: 'AbortError' });
  assert.equal(m.sent[0].token?.isCancellationRequested, true);
  assert.equal(m.closedStreams, 1);
  // Already cancelled: nothing is sent.
  await assert.rejects(backend.complete(req, ctrl.signal), { name: 'AbortError' });
  assert.equal(m.sent.length, 1);
});

test('backend: a stalled answer times out with a message naming the model and the setting', async () => {
  const m = new FakeModel('slow', 'Slow Model', 'test', () => ({ chunks: ['{'], stallAfter: 0 }));
  const backend = createLmBackend(api([m]), m, { timeoutMs: 40 });
  await assert.rejects(backend.complete(req), (e: Error) => e.name !== 'AbortError' && /"Slow Model" \(test\) did not answer within 40 ms/.test(e.message) && /imageTriage\.vlm\.timeoutMs/.test(e.message));
  assert.equal(m.sent[0].token?.isCancellationRequested, true, 'the timeout cancels the request');
});

test('errors: LanguageModelError codes become setup errors (stop the run); others fail one image', async () => {
  const err = (code: string, message: string) => Object.assign(new Error(message), { code });
  const who = { name: 'GPT Test', vendor: 'copilot' };
  assert.ok(lmError(err('NoPermissions', 'user said no'), who) instanceof VlmSetupError);
  assert.match(lmError(err('NoPermissions', 'user said no'), who).message, /did not allow Image Triage.*user said no.*Choose Language Model/);
  assert.ok(lmError(err('NotFound', ''), who) instanceof VlmSetupError);
  assert.ok(lmError(err('Blocked', 'quota'), who) instanceof VlmSetupError);
  const other = lmError(new Error('model overloaded'), who);
  assert.ok(!(other instanceof VlmSetupError));
  assert.match(other.message, /"GPT Test" \(copilot\) failed: model overloaded/);

  const denied = model(() => ({ reject: err('NoPermissions', 'no') }));
  await assert.rejects(createLmBackend(api([denied]), denied).complete(req), (e: Error) => e instanceof VlmSetupError);
});

test('picker rows: current first, image-capable before models without image input; find the chosen model by id', async () => {
  const a = new FakeModel('b-model', 'Beta', 'zeta', () => ({ chunks: [] }));
  const b = new FakeModel('a-model', 'Alpha', 'acme', () => ({ chunks: [] }), 'fam', '2', 0, { supportsImageToText: false });
  const c = new FakeModel('c-model', 'Gamma', 'acme', () => ({ chunks: [] }), 'fam', '3', 64000, { supportsImageToText: true });
  const rows = modelPickItems([a, b, c], 'b-model');
  assert.deepEqual(rows.map((r) => r.id), ['b-model', 'c-model', 'a-model']);
  assert.equal(rows[0].picked, true);
  assert.match(rows[0].detail, /id b-model — current/);
  assert.match(rows[1].detail, /takes images, 64,000 input tokens/);
  assert.match(rows[2].detail, /no image input/);
  assert.equal(rows[1].description, 'acme · fam · 3');

  const host = fakeHost('1.106.0', [a, b, c]);
  const s = detectLmApi(host);
  assert.ok(s.ok);
  assert.equal(await findLmModel(s.api, 'c-model'), c);
  assert.deepEqual(host.selections.at(-1), { id: 'c-model' });
  assert.equal(await findLmModel(s.api, 'gone'), undefined);
  assert.equal(await findLmModel(s.api, ''), undefined);
  assert.equal(lmCheckpoint(c), 'c-model @ vscode-lm:acme');
});

test('a classification through the LM backend: the card becomes a prediction with checkpoint, prompt version and flags', async () => {
  // The model invents a category: it is dropped and flagged, never stored as a label.
  const m = model(() => ['```json\n', cardText({ category_scores: { cat: 5, dog: 1, bird: 1, unicorn: 4 } }), '\n```']);
  const a: LmApi = api([m]);
  const clf = createVlmClassifier({ baseUrl: 'vscode-lm:copilot', model: m.id, checkpoint: lmCheckpoint(m), backend: createLmBackend(a, m), concurrency: 2 });
  const [o] = await clf.classifyBatch([await pngImage()], SET);
  assert.ok(o.ok, JSON.stringify(o));
  assert.equal(o.prediction.classifier, 'vlm');
  assert.equal(o.prediction.checkpoint, 'gpt-test @ vscode-lm:copilot');
  assert.equal(o.prediction.prompt_version, PROMPT_VERSION);
  assert.deepEqual(o.prediction.predicted_categories.map((c) => c.name), ['cat']);
  assert.ok(flagKinds(o.prediction).includes('unknown_category'));
  assert.ok(!('unicorn' in o.prediction.category_scores));
  // The image went as a JPEG data part.
  const img = (m.sent[0].messages[0].content as unknown[])[2] as FakeDataPart;
  assert.equal(img.mimeType, 'image/jpeg');
  assert.deepEqual([...img.data.subarray(0, 2)], [0xff, 0xd8]);
});

test('a run cancelled while the LM streams rejects with AbortError and leaves no request open', async () => {
  const m = new FakeModel('slow', 'Slow', 'test', () => ({ chunks: ['{'], stallAfter: 0 }));
  const clf = createVlmClassifier({ baseUrl: 'vscode-lm:test', model: 'slow', backend: createLmBackend(api([m]), m), concurrency: 2 });
  const ctrl = new AbortController();
  const p = clf.classifyBatch([await pngImage(), await pngImage(20, 20, 'b.png')], SET, ctrl.signal);
  setTimeout(() => ctrl.abort(), 200);
  await assert.rejects(p, { name: 'AbortError' });
  assert.equal(m.sent.length, 2);
  assert.ok(m.sent.every((r) => r.token?.isCancellationRequested), 'every request was cancelled');
});

// The VlmBackend seam (what a VS Code Language Model API backend implements), with in-process fakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVlmClassifier } from '../../../src/classifiers/vlm/vlmClassifier';
import { VlmSetupError, type VlmBackend, type VlmRequest } from '../../../src/classifiers/vlm/backend';
import { SET, cardText, flagKinds, pngImage } from './fixtures';

test('a backend returning plain strings works; its requests carry prompt, image and schema', async () => {
  const seen: VlmRequest[] = [];
  const backend: VlmBackend = { complete: async (req) => (seen.push(req), seen.length === 1 ? 'no json here' : cardText()) };
  const clf = createVlmClassifier({ baseUrl: 'vscode-lm://copilot', model: 'gpt-4o', backend, checkpoint: 'gpt-4o (VS Code)' });
  const [o] = await clf.classifyBatch([await pngImage()], SET);
  assert.ok(o.ok);
  assert.equal(o.prediction.checkpoint, 'gpt-4o (VS Code)');
  assert.deepEqual(flagKinds(o.prediction), ['repaired_json']);
  assert.equal(seen.length, 2);
  assert.equal(seen[0].image.mime, 'image/jpeg');
  assert.ok(seen[0].image.base64.length > 100);
  assert.ok(seen[0].jsonSchema);
  assert.deepEqual(clf.usage(), { requests: 2, reported: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 });
});

test('without a checkpoint option, a non-HTTP source is named as given', () => {
  const clf = createVlmClassifier({ baseUrl: 'vscode-lm', model: 'claude', backend: { complete: async () => '' } });
  assert.equal(clf.info.checkpoint, 'claude @ vscode-lm');
});

test('a backend error fails only its image; a VlmSetupError stops the batch', async () => {
  let n = 0;
  const flaky: VlmBackend = { complete: async () => (n++ === 0 ? Promise.reject(new Error('model overloaded')) : cardText()) };
  const clf = createVlmClassifier({ baseUrl: 'x', model: 'm', backend: flaky, concurrency: 1 });
  const outcomes = await clf.classifyBatch([await pngImage(), await pngImage(30, 30, 'b.png')], SET);
  assert.deepEqual(outcomes.map((o) => o.ok), [false, true]);
  assert.equal((outcomes[0] as { error: string }).error, 'model overloaded');

  const denied: VlmBackend = { complete: async () => Promise.reject(new VlmSetupError('no language model is available; pick one first')) };
  await assert.rejects(
    createVlmClassifier({ baseUrl: 'x', model: 'm', backend: denied }).classifyBatch([await pngImage()], SET),
    (e: Error) => e instanceof VlmSetupError && /pick one first/.test(e.message),
  );
});

test('cancellation reaches the backend through the signal and rejects with AbortError', async () => {
  let sawAbort = 0;
  const slow: VlmBackend = {
    complete: (_req, signal) =>
      new Promise((_, reject) =>
        signal?.addEventListener('abort', () => {
          sawAbort++;
          const e = new Error('aborted');
          e.name = 'AbortError';
          reject(e);
        }),
      ),
  };
  const ctrl = new AbortController();
  const p = createVlmClassifier({ baseUrl: 'x', model: 'm', backend: slow, concurrency: 2 }).classifyBatch([await pngImage(), await pngImage(20, 20, 'c.png')], SET, ctrl.signal);
  setTimeout(() => ctrl.abort(), 50);
  await assert.rejects(p, { name: 'AbortError' });
  assert.equal(sawAbort, 2);
});

test('invalid options are refused up front', () => {
  assert.throws(() => createVlmClassifier({ baseUrl: 'http://localhost:1/v1', model: ' ' }), VlmSetupError);
  assert.throws(() => createVlmClassifier({ baseUrl: 'localhost:11434', model: 'm' }), VlmSetupError);
  assert.throws(() => createVlmClassifier({ baseUrl: 'http://localhost:1/v1', model: 'm', concurrency: 0 }), RangeError);
  assert.throws(() => createVlmClassifier({ baseUrl: 'http://localhost:1/v1', model: 'm', maxImageSide: 4 }), RangeError);
});

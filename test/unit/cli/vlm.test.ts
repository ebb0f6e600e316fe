// The CLI with the VLM classifier against a local OpenAI-compatible server: the key comes from the
// environment and never shows, remote endpoints need consent, and a new prompt version re-classifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir } from '../../support/fixtures';
import { startServer, type RecordedRequest } from '../vlm/fakeServer';
import { readSidecar } from '../../../src/core/sidecarStore';
import { applyPrediction } from '../../../src/core/sidecar';
import { writeSidecar } from '../../../src/core/sidecarStore';

const KEY = 'sk-test-0123456789abcdef';

async function folder() {
  const root = await tempDir('cli-vlm-');
  await fs.writeFile(path.join(root, 'red.png'), await solidColorPng('red', 32));
  await fs.writeFile(path.join(root, 'blue.png'), await solidColorPng('blue', 33));
  await fs.writeFile(
    path.join(root, 'categories.json'),
    JSON.stringify({ mode: 'single_label', categories: [{ name: 'warm', description: 'Mostly red or orange.' }, { name: 'cool', description: 'Mostly blue or green.' }] }),
  );
  return root;
}

function answer(r: RecordedRequest): { content: string } {
  const url: string = r.body.messages[1].content.find((c: { type: string }) => c.type === 'image_url').image_url.url;
  const warm = url.length % 2 === 0; // decided by which image it is, not by order
  const name = warm ? 'warm' : 'cool';
  return {
    content: JSON.stringify({
      predicted_categories: [{ name, score: 5, confidence: 'high', visual_evidence: `The whole image is one ${warm ? 'red' : 'blue'} colour.` }],
      fits_any: true,
      category_scores: { warm: warm ? 5 : 1, cool: warm ? 1 : 5 },
      would_route_to: name,
      decision_basis: 'A single flat colour fills the frame.',
    }),
  };
}

test('classify --classifier vlm writes VLM predictions with the prompt version, sends the key, never prints it', async (t) => {
  const root = await folder();
  const server = await startServer(answer, { maxRequests: 10 });
  t.after(() => server.close());
  const r = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', server.baseUrl, '--vlm-model', 'test-vlm', '--json'], { IMAGE_TRIAGE_VLM_API_KEY: KEY });
  assert.equal(r.code, 0, r.err);
  assert.ok(!(r.out + r.err).includes(KEY), 'the API key is never printed');
  assert.equal(server.requests[0].headers.authorization, `Bearer ${KEY}`);
  const sc = await readSidecar(path.join(root, 'red.png'));
  const p = sc!.predictions.vlm!;
  assert.equal(p.classifier, 'vlm');
  assert.match(p.checkpoint, /test-vlm @ 127\.0\.0\.1/);
  assert.ok(p.prompt_version);
  assert.equal(p.predicted_categories.length, 1);

  // Same prompt version: skipped. A prediction made with an older prompt: classified again.
  const again = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', server.baseUrl, '--vlm-model', 'test-vlm', '--json']);
  assert.equal(JSON.parse(again.out.trim().split('\n').at(-1)!).skipped, 2);
  await writeSidecar(path.join(root, 'red.png'), applyPrediction(sc!, { ...p, prompt_version: 'routing-card-v0' }));
  const third = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', server.baseUrl, '--vlm-model', 'test-vlm', '--json']);
  const s3 = JSON.parse(third.out.trim().split('\n').at(-1)!);
  assert.deepEqual([s3.classified, s3.skipped], [1, 1]);
});

test('a remote VLM endpoint needs --send-images; without it nothing is sent and nothing written', async () => {
  const root = await folder();
  const r = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', 'https://vlm.example.com/v1', '--vlm-model', 'm']);
  assert.equal(r.code, 1);
  assert.match(r.err, /uploaded.*--send-images/);
  assert.deepEqual((await fs.readdir(root)).filter((f) => f.endsWith('.labels.json')), []);
  const lookalike = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', 'http://127.0.0.1.example.com/v1', '--vlm-model', 'm']);
  assert.equal(lookalike.code, 1, 'a host that only starts with 127. is not this machine');
  const noModel = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', 'http://localhost:1/v1']);
  assert.equal(noModel.code, 1);
  assert.match(noModel.err, /--vlm-model/);
});

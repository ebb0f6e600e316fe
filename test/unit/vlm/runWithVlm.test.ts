// End to end through the core run: a folder classified by the VLM classifier against the local test
// server, with the sidecars checked (flags stored, errors recorded, nothing invented) and a re-run that
// skips current predictions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { runClassification } from '../../../src/core/run';
import { categoriesHash } from '../../../src/core/categories';
import { SIDECAR_SUFFIX, type Sidecar } from '../../../src/core/types';
import { createVlmClassifier } from '../../../src/classifiers/vlm/vlmClassifier';
import { PROMPT_VERSION } from '../../../src/classifiers/vlm/prompt';
import { startServer, type RecordedRequest } from './fakeServer';
import { API_KEY, SET, cardText } from './fixtures';

let dir = '';
after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

/** The server answers by the width of the image it was sent, so the script does not depend on order. */
async function widthOf(r: RecordedRequest): Promise<number> {
  const url: string = r.body.messages[1].content[1].image_url.url;
  return (await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata()).width ?? 0;
}

test('a folder classified through the run: flagged predictions and a recorded error in the sidecars', async (t) => {
  dir = await mkdtemp(join(tmpdir(), 'vlm-run-'));
  const files = { 'a_good.png': 40, 'b_forced.png': 41, 'c_garbage.png': 42 };
  for (const [name, w] of Object.entries(files)) {
    await writeFile(join(dir, name), await sharp({ create: { width: w, height: 30, channels: 3, background: '#888' } }).png().toBuffer());
  }
  const forced = cardText({ category_scores: { cat: 2, dog: 1, bird: 1 }, predicted_categories: [{ name: 'cat', score: 2, confidence: 'low', visual_evidence: 'Grey fur?' }] });
  const server = await startServer(async (r) => {
    const w = await widthOf(r);
    return { content: w === 40 ? cardText() : w === 41 ? forced : 'Sorry, I can only describe the image: a grey square.' };
  }, { maxRequests: 6 });
  t.after(() => server.close());
  const log: string[] = [];
  const classifier = createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm', apiKey: API_KEY, concurrency: 2, log: (l) => log.push(l) });

  const summary = await runClassification({ root: dir, set: SET, categoriesHash: categoriesHash(SET), classifier });
  assert.deepEqual([summary.total, summary.classified, summary.failed], [3, 2, 1]);
  assert.equal(server.requests.length, 4, 'one request each, plus one repair for the garbage answer');
  assert.equal(summary.reviewQueue, 1);

  const sidecar = async (name: string) => JSON.parse(await readFile(join(dir, name + SIDECAR_SUFFIX), 'utf8')) as Sidecar;
  const a = (await sidecar('a_good.png')).predictions.vlm!;
  assert.deepEqual([a.would_route_to, a.fits_any, a.prompt_version, a.checkpoint], ['cat', true, PROMPT_VERSION, `test-vlm @ 127.0.0.1:${server.port}`]);
  assert.deepEqual(a.flags, []);
  assert.equal(a.predicted_categories[0].visual_evidence, 'A tabby cat sits on a sofa, facing the camera.');
  const b = (await sidecar('b_forced.png')).predictions.vlm!;
  assert.deepEqual([b.would_route_to, b.fits_any], ['review', false]);
  assert.ok(b.flags!.some((f) => f.kind === 'forced_classification'));

  // The garbage answer: no sidecar prediction at all (the run writes error records only into existing sidecars).
  assert.equal(summary.errors[0].relPath, 'c_garbage.png');
  assert.match(summary.errors[0].message, /no usable routing card, even after a repair request/);

  const all = JSON.stringify(summary) + (await Promise.all(['a_good.png', 'b_forced.png'].map((n) => readFile(join(dir, n + SIDECAR_SUFFIX), 'utf8')))).join('') + log.join('\n');
  assert.ok(!all.includes(API_KEY));

  // A second run: the two current predictions are skipped; only the failed image is asked again.
  const again = await runClassification({ root: dir, set: SET, categoriesHash: categoriesHash(SET), classifier });
  assert.deepEqual([again.skipped, again.classified, again.failed], [2, 0, 1]);
  assert.equal(server.requests.length, 6);
});

// The VLM classifier against a real local OpenAI-compatible server with scripted answers: what each
// kind of answer becomes (a correct, flagged prediction, or an error outcome; never an invented one).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createVlmClassifier, type VlmClassifierOptions } from '../../../src/classifiers/vlm/vlmClassifier';
import { PROMPT_VERSION } from '../../../src/classifiers/vlm/prompt';
import { categoriesHash } from '../../../src/core/categories';
import type { ClassifyOutcome } from '../../../src/core/classifier';
import type { Prediction } from '../../../src/core/types';
import { startServer, type FakeServer, type Reply } from './fakeServer';
import { SET, cardText, corruptImage, flagKinds, goodCard, pngImage } from './fixtures';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function run(replies: Reply[], opts: Partial<VlmClassifierOptions> = {}, n = 1) {
  const server = await startServer(replies);
  servers.push(server);
  const clf = createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm', clock: { sleep: async () => {} }, ...opts });
  const images = await Promise.all(Array.from({ length: n }, (_, i) => pngImage(64, 48, `img${i}.png`)));
  const outcomes = await clf.classifyBatch(images, SET);
  return { server, clf, images, outcomes };
}
const pred = (o: ClassifyOutcome): Prediction => {
  assert.ok(o.ok, o.ok ? '' : o.error);
  return o.prediction;
};

test('a good answer becomes the correct prediction, with the request as specified', async () => {
  const { server, clf, images, outcomes } = await run([{ content: cardText(), usage: { prompt_tokens: 812, completion_tokens: 95, total_tokens: 907 } }]);
  const p = pred(outcomes[0]);
  assert.deepEqual(p.flags, []);
  assert.deepEqual(p.predicted_categories, goodCard().predicted_categories);
  assert.equal(p.would_route_to, 'cat');
  assert.equal(p.fits_any, true);
  assert.equal(p.checkpoint, `test-vlm @ 127.0.0.1:${server.port}`);
  assert.equal(clf.info.checkpoint, p.checkpoint);
  assert.equal(clf.info.kind, 'vlm');
  assert.equal(clf.info.promptVersion, PROMPT_VERSION);
  assert.equal(p.prompt_version, PROMPT_VERSION);
  assert.equal(p.categories_hash, categoriesHash(SET));
  assert.equal(p.image_sha256, images[0].sha256);
  assert.equal(p.dtype, 'n/a');
  assert.deepEqual(clf.usage(), { requests: 1, reported: 1, promptTokens: 812, completionTokens: 95, totalTokens: 907 });

  assert.equal(server.requests.length, 1);
  const req = server.requests[0];
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/v1/chat/completions');
  assert.equal(req.headers.authorization, undefined, 'no key, no Authorization header');
  const body = req.body;
  assert.equal(body.model, 'test-vlm');
  assert.equal(body.temperature, 0);
  assert.equal(body.messages[0].role, 'system');
  const parts = body.messages[1].content;
  assert.equal(parts[0].type, 'text');
  assert.match(parts[0].text, /Mode: single_label/);
  assert.ok(parts[0].text.includes('"description": "A domestic cat is the main subject."'));
  assert.equal(parts[1].type, 'image_url');
  const url: string = parts[1].image_url.url;
  assert.match(url, /^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/);
  const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 64, 48]);
  assert.equal(body.response_format.type, 'json_schema');
  assert.equal(body.response_format.json_schema.strict, true);
  assert.deepEqual(body.response_format.json_schema.schema.properties.category_scores.required, ['cat', 'dog', 'bird']);
});

test('fenced JSON with prose around it is accepted without a repair', async () => {
  const { server, outcomes } = await run([{ content: `Here is the card:\n\`\`\`json\n${cardText()}\n\`\`\`\nAnything else?` }]);
  assert.deepEqual(pred(outcomes[0]).flags, []);
  assert.equal(server.requests.length, 1);
});

test('truncated JSON, then a valid answer after the repair request: flagged repaired_json', async () => {
  const text = cardText();
  const { server, outcomes } = await run([{ content: text.slice(0, 60) }, { content: text }]);
  const p = pred(outcomes[0]);
  assert.deepEqual(flagKinds(p), ['repaired_json']);
  assert.match(p.flags![0].detail, /incomplete/);
  assert.equal(server.requests.length, 2);
  const repairText: string = server.requests[1].body.messages[1].content[0].text;
  assert.match(repairText, /could not be used/);
  assert.ok(repairText.includes(text.slice(0, 60)));
  assert.equal(server.requests[1].body.messages[1].content[1].type, 'image_url');
});

test('invalid twice: an error outcome, no prediction, exactly one repair request', async () => {
  const { server, outcomes, clf } = await run([{ content: 'I think it is a cat.' }, { content: '{"category_scores": oops}' }]);
  assert.equal(outcomes[0].ok, false);
  assert.match((outcomes[0] as { error: string }).error, /no usable routing card, even after a repair request/);
  assert.ok(!('prediction' in outcomes[0]));
  assert.equal(server.requests.length, 2);
  assert.equal(clf.usage().requests, 2);
});

test('valid JSON that is not a card (no category_scores) also gets the repair request', async () => {
  const { server, outcomes } = await run([{ content: '{"answer": "cat"}' }, { content: cardText() }]);
  assert.deepEqual(flagKinds(pred(outcomes[0])), ['repaired_json']);
  assert.equal(server.requests.length, 2);
});

test('hallucinated category: dropped and flagged', async () => {
  const card = goodCard({
    category_scores: { cat: 1, dog: 1, bird: 1, unicorn: 5 },
    predicted_categories: [{ name: 'unicorn', score: 5, confidence: 'high', visual_evidence: 'A horn.' }],
    would_route_to: 'unicorn',
  });
  const { outcomes } = await run([{ content: JSON.stringify(card) }]);
  const p = pred(outcomes[0]);
  assert.ok(!JSON.stringify(p.predicted_categories).includes('unicorn'));
  assert.ok(!('unicorn' in p.category_scores));
  assert.equal(p.would_route_to, 'review');
  assert.equal(p.fits_any, false);
  assert.equal(flagKinds(p).filter((k) => k === 'unknown_category').length, 2);
});

test('missing category flagged; score 7 and 2.5 clamped/rounded and flagged', async () => {
  const { outcomes } = await run([
    { content: cardText({ category_scores: { cat: 5, bird: 1 } }) },
    { content: cardText({ category_scores: { cat: 7, dog: 2.5, bird: 1 } }) },
  ], { concurrency: 1 }, 2);
  const a = pred(outcomes[0]);
  assert.deepEqual(flagKinds(a), ['missing_category']);
  assert.equal(a.category_scores.dog, 1);
  const b = pred(outcomes[1]);
  assert.deepEqual(b.category_scores, { cat: 5, dog: 3, bird: 1 });
  assert.deepEqual(flagKinds(b), ['bad_score', 'bad_score']);
});

test('single-label split, forced classification, inconsistent route/confidence: corrected and flagged', async () => {
  const split = cardText({
    category_scores: { cat: 5, dog: 4, bird: 1 },
    predicted_categories: [
      { name: 'cat', score: 5, confidence: 'high', visual_evidence: 'A cat.' },
      { name: 'dog', score: 4, confidence: 'medium', visual_evidence: 'A dog behind it.' },
    ],
  });
  const forced = cardText({ category_scores: { cat: 1, dog: 2, bird: 1 }, predicted_categories: [{ name: 'dog', score: 2, confidence: 'low', visual_evidence: 'Fur?' }], would_route_to: 'dog' });
  const inconsistent = cardText({ category_scores: { cat: 4, dog: 1, bird: 1 }, predicted_categories: [{ name: 'cat', score: 4, confidence: 'high', visual_evidence: 'A cat.' }], would_route_to: 'review' });
  const { outcomes } = await run([{ content: split }, { content: forced }, { content: inconsistent }], { concurrency: 1 }, 3);
  const [a, b, c] = outcomes.map(pred);
  assert.deepEqual(flagKinds(a), ['single_label_split']);
  assert.deepEqual(a.predicted_categories.map((x) => x.name), ['cat']);
  assert.ok(flagKinds(b).includes('forced_classification'));
  assert.deepEqual([b.fits_any, b.would_route_to, b.predicted_categories.length], [false, 'review', 0]);
  assert.deepEqual(flagKinds(c), ['inconsistent_confidence', 'inconsistent_route']);
  assert.deepEqual([c.predicted_categories[0].confidence, c.would_route_to], ['medium', 'cat']);
});

test('decision_basis over 30 words is cut and flagged', async () => {
  const basis = 'The image shows ' + Array.from({ length: 40 }, () => 'very').join(' ') + ' clearly a cat.';
  const { outcomes } = await run([{ content: cardText({ decision_basis: basis }) }]);
  const p = pred(outcomes[0]);
  assert.deepEqual(flagKinds(p), ['basis_truncated']);
  assert.equal(p.decision_basis.split(/\s+/).length, 30);
});

test('a corrupt image is an error for that image only, and sends no request', async () => {
  const server = await startServer([{ content: cardText() }]);
  servers.push(server);
  const clf = createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm' });
  const outcomes = await clf.classifyBatch([corruptImage(), await pngImage()], SET);
  assert.equal(outcomes[0].ok, false);
  assert.match((outcomes[0] as { error: string }).error, /not a supported image/);
  assert.equal(outcomes[1].ok, true);
  assert.equal(server.requests.length, 1);
});

test('outcomes come back one per image, in input order, whatever order the answers arrive in', async () => {
  const server = await startServer((r) => ({ content: cardText(), delayMs: (4 - r.index) * 30 }));
  servers.push(server);
  const clf = createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm', concurrency: 4 });
  const images = await Promise.all([0, 1, 2, 3].map((i) => pngImage(20 + i, 20, `o${i}.png`)));
  const outcomes = await clf.classifyBatch(images, SET);
  assert.equal(outcomes.length, 4);
  assert.deepEqual(outcomes.map((o) => pred(o).image_sha256), images.map((i) => i.sha256));
});

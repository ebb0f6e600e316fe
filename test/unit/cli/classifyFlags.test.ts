// The classify flags a user can find: every flag the parser accepts is listed in `classify --help`
// and in the README (and nothing is listed that the parser refuses); the documented names and their
// aliases reach the VLM client; --vlm-max-side changes what is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir } from '../../support/fixtures';
import { CLASSIFY_ARGS } from '../../../src/cli/commands/classify';
import { startServer, type RecordedRequest } from '../vlm/fakeServer';

const flagsIn = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));

test('classify --help lists exactly the flags the parser accepts, and the README names each', async () => {
  const r = await cli(['classify', '--help']);
  assert.equal(r.code, 0, r.err);
  const accepted = new Set([...CLASSIFY_ARGS.booleans, ...CLASSIFY_ARGS.values]);
  const listed = flagsIn(r.out);
  assert.deepEqual([...accepted].filter((f) => !listed.has(f)).sort(), [], 'accepted but not in --help');
  assert.deepEqual([...listed].filter((f) => !accepted.has(f)).sort(), [], 'in --help but refused by the parser');
  const readme = flagsIn(await fs.readFile(path.resolve(__dirname, '../../../README.md'), 'utf8'));
  assert.deepEqual([...accepted].filter((f) => !readme.has(f)).sort(), [], 'accepted but not in the README');
  // Every listed flag really parses (a refused one is a usage error naming it).
  for (const f of listed) {
    const p = await cli(['classify', '/nonexistent-folder', `--${f}`, ...(CLASSIFY_ARGS.values.includes(f) ? ['1'] : [])]);
    assert.doesNotMatch(p.err, /unknown option/, `--${f}`);
  }
});

async function folder() {
  const root = await tempDir('cli-flags-');
  await fs.writeFile(path.join(root, 'wide.png'), await sharp({ create: { width: 300, height: 100, channels: 3, background: '#c33' } }).png().toBuffer());
  await fs.writeFile(path.join(root, 'blue.png'), await solidColorPng('blue', 33));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: [{ name: 'warm', description: 'Mostly red.' }, { name: 'cool', description: 'Mostly blue.' }] }));
  return root;
}

const CARD = JSON.stringify({
  predicted_categories: [{ name: 'warm', score: 5, confidence: 'high', visual_evidence: 'A flat red field.' }],
  fits_any: true,
  category_scores: { warm: 5, cool: 1 },
  would_route_to: 'warm',
  decision_basis: 'One flat colour fills the frame.',
});

async function sentWidth(r: RecordedRequest): Promise<number> {
  const url: string = r.body.messages[1].content.find((c: { type: string }) => c.type === 'image_url').image_url.url;
  return (await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata()).width!;
}

test('--endpoint, --concurrency, --vlm-timeout and --vlm-max-side reach the client; --vlm-url/--vlm-concurrency are aliases', async (t) => {
  const root = await folder();
  const server = await startServer(() => ({ content: CARD, delayMs: 30 }), { maxRequests: 10 });
  t.after(() => server.close());
  const r = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-model', 'm', '--concurrency', '1', '--vlm-timeout', '5000', '--vlm-max-side', '64', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(server.requests.length, 2);
  assert.equal(server.maxConcurrent, 1, '--concurrency 1: one request at a time');
  assert.deepEqual((await Promise.all(server.requests.map(sentWidth))).sort((a, b) => a - b), [33, 64], 'the 300 px image is sent at 64 px; the 33 px one is not enlarged');

  const alias = await cli(['classify', root, '--classifier', 'vlm', '--vlm-url', server.baseUrl, '--vlm-model', 'm', '--vlm-concurrency', '2', '--force']);
  assert.equal(alias.code, 0, alias.err);
  assert.equal(server.requests.length, 4);
  assert.deepEqual((await Promise.all(server.requests.slice(2).map(sentWidth))).sort((a, b) => a - b), [33, 300], 'default maximum side 1024');

  const clash = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-url', 'http://127.0.0.1:1/v1', '--vlm-model', 'm']);
  assert.equal(clash.code, 1);
  assert.match(clash.err, /--endpoint and its alias --vlm-url disagree/);
  const small = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-model', 'm', '--vlm-max-side', '8']);
  assert.equal(small.code, 1);
  assert.match(small.err, /--vlm-max-side must be an integer from 16/);
  assert.equal(server.requests.length, 4, 'refused flags send nothing');
});

test('token usage: per prediction in the sidecar, totalled in the text and --json; "not reported" (null), never 0', async (t) => {
  const root = await folder();
  const server = await startServer(() => ({ content: CARD, usage: { prompt_tokens: 700, completion_tokens: 90, total_tokens: 790 } }), { maxRequests: 10 });
  t.after(() => server.close());
  const r = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-model', 'm', '--json']);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.deepEqual(s.tokens, { prompt: 1400, completion: 180, total: 1580 });
  assert.equal(s.vlm_calls, 2);
  assert.match(r.out, /Tokens: 1,400 prompt \+ 180 completion = 1,580 total/);
  const sc = JSON.parse(await fs.readFile(path.join(root, 'wide.png.labels.json'), 'utf8'));
  assert.deepEqual(sc.predictions.vlm.usage, { prompt_tokens: 700, completion_tokens: 90 });

  const silent = await startServer(() => ({ content: CARD }), { maxRequests: 10 });
  t.after(() => silent.close());
  const q = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', silent.baseUrl, '--vlm-model', 'm', '--json', '--force']);
  assert.equal(q.code, 0, q.err);
  const s2 = JSON.parse(q.out.trim().split('\n').at(-1)!);
  assert.equal(s2.tokens, null);
  assert.equal(s2.vlm_calls, 2);
  assert.match(q.out, /Tokens: not reported by the server/);
  assert.doesNotMatch(q.out, /Tokens: 0/);
  const sc2 = JSON.parse(await fs.readFile(path.join(root, 'wide.png.labels.json'), 'utf8'));
  assert.equal(sc2.predictions.vlm.usage, undefined, 'no usage recorded rather than zeros');
});

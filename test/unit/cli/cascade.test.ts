// `classify --classifier cascade` against the local OpenAI-compatible test server, scripted per
// image: zero-shot (the tiny colour CLIP) settles the solid colours, only the uncertain photos reach
// the VLM; the summary counts calls, saved calls and tokens; a re-run with nothing changed makes no
// VLM call; each stage resumes on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { cli } from '../../support/cli';
import { photos, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { effectivePrediction, zeroShotFingerprint } from '../../../src/core/effectivePrediction';
import { startServer, type RecordedRequest } from '../vlm/fakeServer';
import { runCascade } from '../../../src/core/cascade';
import { DEFAULT_CASCADE_WHEN, parseCascadeRule } from '../../../src/core/cascadeRule';
import { categoriesHash, parseCategories } from '../../../src/core/categories';
import { createZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { createVlmClassifier } from '../../../src/classifiers/vlm/vlmClassifier';

const COLOURS = ['red', 'green', 'blue', 'yellow'];
const jsonLine = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

async function folder() {
  const root = await tempDir('cli-cascade-');
  const dims = new Map<string, number[]>(); // each image's file name → its mean R, G, B
  for (const [i, c] of COLOURS.entries()) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 40 + i * 7));
  for (const p of await photos(3)) await fs.copyFile(p, path.join(root, path.basename(p)));
  for (const n of await fs.readdir(root)) dims.set(n, await meanRgb(await fs.readFile(path.join(root, n))));
  await fs.writeFile(
    path.join(root, 'categories.json'),
    JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} image` })), templates: ['a photo of {name}', '{description}'] }),
  );
  return { root, dims, cache: await tempDir('cli-cascade-cache-') };
}

async function meanRgb(bytes: Buffer): Promise<number[]> {
  return (await sharp(bytes).removeAlpha().stats()).channels.map((c) => c.mean);
}

/** Which image a request carries: the test server "looks" at it (the nearest mean colour; re-encoding shifts it slightly). */
async function imageOf(r: RecordedRequest, dims: Map<string, number[]>): Promise<string> {
  const url: string = r.body.messages[1].content.find((c: { type: string }) => c.type === 'image_url').image_url.url;
  const m = await meanRgb(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  const dist = (v: number[]) => v.reduce((d, x, i) => d + (x - m[i]) ** 2, 0);
  const [best, second] = [...dims.entries()].sort((a, b) => dist(a[1]) - dist(b[1]));
  assert.ok(dist(best[1]) < 4 && dist(second[1]) > 25, 'the test images are told apart by colour');
  return best[0];
}

const card = (name: string) =>
  JSON.stringify({
    predicted_categories: [{ name, score: 5, confidence: 'high', visual_evidence: `Mostly ${name} in the frame.` }],
    fits_any: true,
    category_scores: Object.fromEntries(COLOURS.map((c) => [c, c === name ? 5 : 1])),
    would_route_to: name,
    decision_basis: `The image is mostly ${name}.`,
  });

test('cascade: only the uncertain images reach the VLM; counts, tokens, both predictions, and a re-run makes 0 VLM calls', async (t) => {
  const { root, dims, cache } = await folder();
  const model = await tinyModel('clip');
  const photoNames = [...dims.keys()].filter((n) => n.endsWith('.jpg')).sort();
  // Scripted per image: the first photo answers with usage 600+40, the second with 500+30, the third reports none.
  const usage: Record<string, Record<string, number> | undefined> = { [photoNames[0]]: { prompt_tokens: 600, completion_tokens: 40 }, [photoNames[1]]: { prompt_tokens: 500, completion_tokens: 30 } };
  const seen: string[] = [];
  const server = await startServer(async (r) => {
    const name = await imageOf(r, dims);
    seen.push(name);
    return { content: card('yellow'), usage: usage[name] };
  }, { maxRequests: 20 });
  t.after(() => server.close());
  const args = ['classify', root, '--model', model, '--cache-dir', cache, '--classifier', 'cascade', '--endpoint', server.baseUrl, '--vlm-model', 'test-vlm', '--json'];

  const r = await cli(args);
  assert.equal(r.code, 0, r.err);
  const s = jsonLine(r.out);
  t.diagnostic(r.out.split('\n').slice(0, -2).join('\n'));
  // Independently of the cascade: which zero-shot cards the default rule calls uncertain.
  const uncertain: string[] = [];
  for (const n of dims.keys()) {
    const zs = (await readSidecar(path.join(root, n)))!.predictions['zero-shot']!;
    const top = Math.max(...zs.predicted_categories.map((c) => c.score), 0);
    if (!zs.fits_any || zs.predicted_categories.some((c) => c.confidence === 'low') || top <= 3) uncertain.push(n);
  }
  assert.deepEqual(uncertain.sort(), photoNames, 'the tiny colour model is sure of the solid colours and unsure of the photos');
  assert.deepEqual(seen.sort(), photoNames, 'exactly the uncertain images reached the server');
  assert.equal(s.classifier, 'cascade');
  assert.deepEqual([s.total, s.classified, s.failed, s.vlm_calls, s.vlm_calls_saved, s.vlm_current], [7, 7, 0, 3, 4, 0]);
  assert.deepEqual(s.tokens, { prompt: 1100, completion: 70, total: 1170 });
  assert.equal(s.cascade_when, 'fits_any=false,confidence=low,score<=3');
  assert.match(r.out, /vlm_calls 3, vlm_calls_saved 4 \(settled by zero-shot\)/);
  assert.match(r.out, /Tokens: 1,100 prompt \+ 70 completion = 1,170 total \(usage reported for 2 of 3 requests\)/);
  assert.equal(s.perCategory.yellow, 4, 'counts follow the effective prediction: the VLM said yellow for the three photos');

  for (const n of photoNames) {
    const sc = (await readSidecar(path.join(root, n)))!;
    const zs = sc.predictions['zero-shot']!;
    const vlm = sc.predictions.vlm!;
    assert.ok(zs && vlm, `${n} keeps both predictions`);
    assert.deepEqual(vlm.cascade, { zero_shot: zeroShotFingerprint(zs), when: s.cascade_when });
    assert.equal(effectivePrediction(sc), vlm);
  }
  assert.deepEqual((await readSidecar(path.join(root, photoNames[0])))!.predictions.vlm!.usage, { prompt_tokens: 600, completion_tokens: 40 });
  for (const c of COLOURS) {
    const sc = (await readSidecar(path.join(root, `${c}.png`)))!;
    assert.equal(sc.predictions.vlm, undefined, `${c}.png was settled by zero-shot`);
    assert.equal(effectivePrediction(sc)!.predicted_categories[0].name, c);
  }

  // Nothing changed: no VLM call at all.
  const again = jsonLine((await cli(args)).out);
  assert.deepEqual([again.skipped, again.vlm_calls, again.vlm_calls_saved, again.vlm_current], [7, 0, 4, 3]);
  assert.deepEqual(again.tokens, { prompt: 0, completion: 0, total: 0 });
  assert.equal(server.requests.length, 3);

  // Per stage: a changed zero-shot result and a missing VLM answer are asked again, nothing else.
  const p0 = path.join(root, photoNames[0]);
  const sc0 = (await readSidecar(p0))!;
  const zs0 = sc0.predictions['zero-shot']!;
  await writeSidecar(p0, { ...sc0, predictions: { ...sc0.predictions, 'zero-shot': { ...zs0, category_scores: { ...zs0.category_scores, red: zs0.category_scores.red === 1 ? 2 : 1 } } } });
  const p1 = path.join(root, photoNames[1]);
  const sc1 = (await readSidecar(p1))!;
  await writeSidecar(p1, { ...sc1, predictions: { 'zero-shot': sc1.predictions['zero-shot'] } });
  seen.length = 0;
  const third = jsonLine((await cli(args)).out);
  assert.deepEqual(seen.sort(), [photoNames[0], photoNames[1]]);
  assert.deepEqual([third.vlm_calls, third.vlm_current], [2, 1]);
});

test('cascade: --cascade-when chooses the images; a bad rule, a missing endpoint or a remote one without consent sends nothing', async (t) => {
  const { root, dims, cache } = await folder();
  const model = await tinyModel('clip');
  const server = await startServer(async () => ({ content: card('red') }), { maxRequests: 20 });
  t.after(() => server.close());
  const base = ['classify', root, '--model', model, '--cache-dir', cache, '--classifier', 'cascade', '--vlm-model', 'test-vlm', '--json'];
  const r = await cli([...base, '--endpoint', server.baseUrl, '--cascade-when', 'always']);
  assert.equal(r.code, 0, r.err);
  const s = jsonLine(r.out);
  assert.deepEqual([s.vlm_calls, s.vlm_calls_saved], [dims.size, 0]);
  assert.equal(s.tokens, null, 'the server reported no usage');
  assert.match(r.out, /Tokens: not reported by the server/);

  const bad = await cli([...base, '--endpoint', server.baseUrl, '--cascade-when', 'score<9']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--cascade-when: unknown cascade rule term "score<9"/);
  const noUrl = await cli(base);
  assert.equal(noUrl.code, 1);
  assert.match(noUrl.err, /--classifier cascade needs --endpoint/);
  const remote = await cli([...base, '--endpoint', 'https://vlm.example.com/v1']);
  assert.equal(remote.code, 1);
  assert.match(remote.err, /--send-images/);
  const notCascade = await cli(['classify', root, '--model', model, '--cascade-when', 'always']);
  assert.equal(notCascade.code, 1);
  assert.match(notCascade.err, /applies only to --classifier cascade/);
  assert.equal(server.requests.length, dims.size);
});

test('cascade: the consent hook is asked once zero-shot ran, with the count of uncertain images; declining sends nothing and keeps zero-shot', async (t) => {
  const { root, dims, cache } = await folder();
  const model = await tinyModel('clip');
  const server = await startServer(async () => ({ content: card('yellow') }), { maxRequests: 20 });
  t.after(() => server.close());
  const raw = await fs.readFile(path.join(root, 'categories.json'), 'utf8');
  const { set } = parseCategories(raw);
  const zeroShot = await createZeroShotClassifier({ kind: 'zero-shot', model, dtype: 'fp32', cacheDir: cache });
  const vlm = createVlmClassifier({ baseUrl: server.baseUrl, model: 'test-vlm' });
  t.after(() => zeroShot.dispose?.());
  const asked: number[] = [];
  const o = { root, set, categoriesHash: categoriesHash(set), zeroShot, vlm, rule: parseCascadeRule(DEFAULT_CASCADE_WHEN) };
  const declined = await runCascade({ ...o, beforeVlm: async (n) => (asked.push(n, server.requests.length), false) });
  const photoCount = [...dims.keys()].filter((n) => n.endsWith('.jpg')).length;
  assert.deepEqual(asked, [photoCount, 0], 'asked with the real number of uncertain images, before any request');
  assert.deepEqual([declined.vlm_calls, declined.vlm_declined, declined.vlm_calls_saved], [0, photoCount, dims.size - photoCount]);
  assert.equal(server.requests.length, 0, 'declining sends nothing');
  for (const n of dims.keys()) assert.equal((await readSidecar(path.join(root, n)))!.predictions.vlm, undefined);

  asked.length = 0;
  const agreed = await runCascade({ ...o, beforeVlm: async (n) => (asked.push(n), true) });
  assert.deepEqual(asked, [photoCount]);
  assert.deepEqual([agreed.vlm_calls, agreed.vlm_declined], [photoCount, undefined]);
  assert.equal(server.requests.length, photoCount);
  asked.length = 0;
  const again = await runCascade({ ...o, beforeVlm: async (n) => (asked.push(n), true) });
  assert.deepEqual([asked, again.vlm_calls], [[], 0], 'nothing uncertain left to send: no question');
});

// The zero-shot classifier through the real transformers.js + onnxruntime-node code paths, on
// generated tiny CLIP and SigLIP models whose embeddings mean colours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { ensemble } from '../../../src/classifiers/zeroShot/scoring';
import type { ImageInput } from '../../../src/core/classifier';
import type { CategorySet } from '../../../src/core/types';
import { colourCategories, solidColorPng, tempDir, tinyModel, writeBadInputs } from '../../support/fixtures';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

async function input(name: string, bytes: Buffer): Promise<ImageInput> {
  return { path: `/x/${name}`, relPath: name, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
async function colours(names: string[]): Promise<ImageInput[]> {
  return Promise.all(names.map(async (n) => input(`${n}.png`, await solidColorPng(n, 48))));
}
async function make(kind: 'clip' | 'siglip', cacheDir?: string) {
  return ZeroShotClassifier.create({ kind: 'zero-shot', model: await tinyModel(kind), dtype: 'fp32', cacheDir: cacheDir ?? (await tempDir('zs-cache-')) });
}
const top = (o: Awaited<ReturnType<ZeroShotClassifier['classifyBatch']>>[number]) => (o.ok ? o.prediction.predicted_categories.map((p) => p.name) : o.error);

for (const kind of ['clip', 'siglip'] as const) {
  test(`${kind}: solid-colour images get their colour, with the checkpoint named`, async () => {
    const c = await make(kind);
    const names = ['red', 'green', 'blue', 'yellow', 'purple'];
    const out = await c.classifyBatch(await colours(names), colourCategories(names));
    assert.deepEqual(out.map(top), names.map((n) => [n]));
    for (const o of out) {
      assert.ok(o.ok);
      assert.equal(o.prediction.checkpoint, await tinyModel(kind));
      assert.equal(o.prediction.zero_shot!.score_kind, kind === 'clip' ? 'softmax' : 'sigmoid');
      assert.equal(o.prediction.predicted_categories[0].confidence, 'high');
      assert.equal(o.prediction.would_route_to, o.prediction.predicted_categories[0].name);
    }
    await c.dispose();
  });
}

test('siglip: the scale and bias are measured from the joint model (tiny model: siglip-base\'s 117.330765 and -12.932437)', async () => {
  const c = await make('siglip');
  assert.ok(Math.abs(c.logit.scale - 117.330765) < 1e-2, `scale ${c.logit.scale}`);
  assert.ok(Math.abs(c.logit.bias + 12.932437) < 1e-2, `bias ${c.logit.bias}`);
});

test('fits_any is false and the image goes to review when nothing fits', async () => {
  const sig = await make('siglip');
  const [o] = await sig.classifyBatch(await colours(['red']), colourCategories(['green', 'blue']));
  assert.ok(o.ok);
  assert.equal(o.prediction.fits_any, false);
  assert.equal(o.prediction.would_route_to, 'review');
  assert.ok(o.prediction.warnings.some((w) => /Best sigmoid logit .* is below -5/.test(w)), o.prediction.warnings.join('; '));
  // CLIP's softmax always sums to 1, so "none" needs enough alternatives to spread the mass.
  const clip = await make('clip');
  const [p] = await clip.classifyBatch(await colours(['red']), colourCategories(['green', 'blue', 'cyan', 'white', 'gray']));
  assert.ok(p.ok);
  assert.equal(p.prediction.fits_any, false);
  assert.equal(p.prediction.would_route_to, 'review');
});

test('multi_label predicts every fitting category; single_label only the best', async () => {
  const c = await make('siglip');
  const cats = (mode: 'single_label' | 'multi_label'): CategorySet => ({
    mode,
    categories: [
      { name: 'stop_sign', description: 'red' },
      { name: 'tomato', description: 'red' },
      { name: 'sky', description: 'blue' },
    ],
    templates: ['{description}'],
  });
  const imgs = await colours(['red']);
  const [multi] = await c.classifyBatch(imgs, cats('multi_label'));
  assert.ok(multi.ok);
  assert.deepEqual(multi.prediction.predicted_categories.map((p) => p.name).sort(), ['stop_sign', 'tomato']);
  assert.equal(multi.prediction.category_scores.sky, 1);
  const [single] = await c.classifyBatch(imgs, cats('single_label'));
  assert.ok(single.ok);
  assert.equal(single.prediction.predicted_categories.length, 1);
});

test('prompt ensembling averages the normalised template embeddings', async () => {
  const c = await make('clip');
  const set: CategorySet = { mode: 'single_label', categories: [{ name: 'a', description: 'red' }, { name: 'b', description: 'blue' }], templates: ['a photo of red and green', '{description}'] };
  const cats = await c.categoryEmbeddings(set);
  const [t1, t2] = await c.encodeTexts(['a photo of red and green', 'red']);
  const expected = ensemble([t1, t2]);
  cats.ensembled[0].forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6));
  // red+green mixed with pure red leans red but keeps a green component.
  assert.ok(cats.ensembled[0][0] > cats.ensembled[0][1] && cats.ensembled[0][1] > 0.1);
});

test('two batches started together encode each distinct prompt once (a run keeps two in flight)', async () => {
  const c = await make('clip');
  const set: CategorySet = { mode: 'single_label', categories: [{ name: 'x', description: 'red' }, { name: 'y', description: 'green' }, { name: 'z', description: 'blue' }], templates: ['{description}', 'a photo of {name}.'] };
  const [a, b] = await Promise.all([c.classifyBatch(await colours(['red', 'green']), set), c.classifyBatch(await colours(['blue']), set)]);
  assert.deepEqual([...a, ...b].map(top), [['x'], ['y'], ['z']]);
  // 6 prompts, and the one probe text ('a photo') that tells the cache the embedding size.
  assert.equal(c.stats.textsEncoded, 7);
  await c.dispose();
});

test('cache: a second classifier encodes 0 images; an edited description re-scores with 0 image encodes', async () => {
  const cacheDir = await tempDir('zs-cache-');
  const imgs = await colours(['red', 'green', 'blue']);
  const set: CategorySet = { mode: 'single_label', categories: [{ name: 'x', description: 'red' }, { name: 'y', description: 'green' }, { name: 'z', description: 'blue' }], templates: ['{description}'] };
  const first = await make('clip', cacheDir);
  await first.classifyBatch(imgs, set);
  assert.equal(first.stats.imagesEncoded, 3);
  await first.dispose();

  const second = await make('clip', cacheDir);
  const again = await second.classifyBatch(imgs, set);
  assert.equal(second.stats.imagesEncoded, 0, 'no image encoded on the second run');
  assert.equal(second.stats.imageCacheHits, 3);
  assert.deepEqual(again.map(top), [['x'], ['y'], ['z']]);

  const textsBefore = second.stats.textsEncoded;
  const edited: CategorySet = { ...set, categories: [{ name: 'x', description: 'blue' }, set.categories[1], { name: 'z', description: 'red' }] };
  const rescored = await second.classifyBatch(imgs, edited);
  assert.equal(second.stats.imagesEncoded, 0, 'editing a description encodes no image');
  assert.equal(second.stats.textsEncoded - textsBefore, 0, 'both edited texts were already known');
  assert.deepEqual(rescored.map(top), [['z'], ['y'], ['x']]);

  // The live-preview path makes the same decisions from the cache alone.
  const { result, missing } = await second.rescoreCached(imgs.map((i) => i.sha256), edited);
  assert.deepEqual(missing, []);
  assert.equal(second.stats.imagesEncoded, 0);
  assert.deepEqual([...result.route], [2, 1, 0]);
});

test('bad images fail one by one with clear messages; good ones in the same batch still classify', async () => {
  const dir = await tempDir('zs-bad-');
  const files = await writeBadInputs(dir);
  const c = await make('clip');
  const inputs = [
    ...(await colours(['red'])),
    ...(await Promise.all(Object.values(files).map(async (f) => input(f, await fs.readFile(path.join(dir, f)))))),
    ...(await colours(['blue'])),
  ];
  const out = await c.classifyBatch(inputs, colourCategories(['red', 'blue']));
  assert.deepEqual(top(out[0]), ['red']);
  assert.deepEqual(top(out[out.length - 1]), ['blue']);
  const errors = Object.fromEntries(Object.keys(files).map((k, i) => [k, out[i + 1].ok ? 'ok' : (out[i + 1] as { error: string }).error]));
  assert.match(errors.text, /not a supported image/);
  assert.match(errors.truncated, /truncated or corrupt|cannot decode/);
  assert.match(errors.huge, /too large to decode safely/);
  assert.notEqual(errors.empty, 'ok');
});

test('q8 loads the quantized files and still gets colours right', async () => {
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'q8', cacheDir: await tempDir('zs-q8-') });
  assert.equal(c.info.dtype, 'q8');
  const out = await c.classifyBatch(await colours(['red', 'orange']), colourCategories(['red', 'orange', 'blue']));
  assert.deepEqual(out.map(top), [['red'], ['orange']]);
});

test('a missing local model directory and an incomplete one give errors that say what to do', async () => {
  await assert.rejects(
    ZeroShotClassifier.create({ kind: 'zero-shot', model: '/nonexistent/model-dir', dtype: 'fp32', cacheDir: await tempDir() }),
    /does not exist.*--model <dir>/,
  );
  const dir = await tempDir('incomplete-');
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'clip' }));
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'fp32', cacheDir: await tempDir() }), /incomplete|Could not load/);
});

test('a hub id with the hub unreachable points the user to --model <dir>', async () => {
  await assert.rejects(
    ZeroShotClassifier.create({ kind: 'zero-shot', model: 'Xenova/clip-vit-base-patch32', dtype: 'fp32', cacheDir: await tempDir(), allowRemote: false }),
    (e: Error) => /--model <dir>/.test(e.message),
  );
});

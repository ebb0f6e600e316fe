// A run's first sidecar for an image is created without the lock file, and never replaces a sidecar
// that appeared meanwhile (another process, a reviewer): that one is read, merged and kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createSidecar, readSidecar, sidecarPath, updateSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { applyReview, newSidecar } from '../../../src/core/sidecar';
import { runClassification } from '../../../src/core/run';
import { categoriesHash } from '../../../src/core/categories';
import type { Classifier, ImageInput } from '../../../src/core/classifier';
import type { CategorySet } from '../../../src/core/types';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { colourCategories, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

test('createSidecar writes a new sidecar and leaves no temp or lock file behind', async () => {
  const dir = await tempDir('create-');
  const img = path.join(dir, 'a.png');
  await fs.writeFile(img, await solidColorPng('red', 8));
  const sc = newSidecar({ name: 'a.png', sha256: 'ab'.repeat(32), size: 1 });
  assert.equal(await createSidecar(img, sc), true);
  assert.deepEqual(await readSidecar(img), sc);
  assert.deepEqual((await fs.readdir(dir)).sort(), ['a.png', 'a.png.labels.json']);
});

test('createSidecar never replaces an existing sidecar, nor writes through a symlink', async () => {
  const dir = await tempDir('create-');
  const img = path.join(dir, 'a.png');
  await fs.writeFile(img, await solidColorPng('red', 8));
  const human = applyReview(newSidecar({ name: 'a.png', sha256: 'ab'.repeat(32), size: 1 }), { action: 'label', labels: ['red'] }, { by: 'ann' });
  await writeSidecar(img, human);
  const before = await fs.readFile(sidecarPath(img), 'utf8');
  assert.equal(await createSidecar(img, newSidecar({ name: 'a.png', sha256: 'cd'.repeat(32), size: 1 })), false);
  assert.equal(await fs.readFile(sidecarPath(img), 'utf8'), before, 'byte for byte the reviewer’s file');

  // A sidecar name that is a symlink to a file outside the folder: refused, the target untouched.
  const outside = await tempDir('outside-');
  const victim = path.join(outside, 'victim.json');
  await fs.writeFile(victim, 'keep');
  const img2 = path.join(dir, 'b.png');
  await fs.symlink(victim, sidecarPath(img2));
  assert.equal(await createSidecar(img2, newSidecar({ name: 'b.png', sha256: 'ef'.repeat(32), size: 1 })), false);
  assert.equal(await fs.readFile(victim, 'utf8'), 'keep');
  assert.deepEqual((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), []);
});

test('a reviewer’s sidecar written while the run classifies is merged with the prediction, not replaced', async () => {
  const root = await tempDir('create-run-');
  const names = ['red', 'green', 'blue'];
  for (const n of names) await fs.writeFile(path.join(root, `${n}.png`), await solidColorPng(n, 24));
  const real = await ZeroShotClassifier.create({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'fp32', cacheDir: await tempDir('create-cache-') });
  const set = colourCategories(names);
  const green = path.join(root, 'green.png');
  // The run loaded every image with no sidecar; while the model runs, a reviewer labels green.png.
  const racing: Classifier = {
    info: real.info,
    async classifyBatch(images: ImageInput[], s: CategorySet, signal?: AbortSignal) {
      await updateSidecar(green, (cur) => applyReview(cur ?? newSidecar({ name: 'green.png', sha256: images[1].sha256, size: images[1].bytes.length }), { action: 'label', labels: ['blue'] }, { by: 'ann' }));
      return real.classifyBatch(images, s, signal);
    },
  };
  const sum = await runClassification({ root, set, categoriesHash: categoriesHash(set), classifier: racing, batchSize: 8 });
  await real.dispose();
  assert.equal(sum.classified, 3);
  const sc = await readSidecar(green);
  assert.deepEqual(sc?.review?.labels, ['blue'], 'the reviewer’s label is kept');
  assert.equal(sc?.review?.by, 'ann');
  assert.ok(sc?.predictions['zero-shot'], 'and the prediction was added to it');
  for (const n of ['red', 'blue']) assert.ok((await readSidecar(path.join(root, `${n}.png`)))?.predictions['zero-shot'], `${n} classified`);
  assert.deepEqual((await fs.readdir(root)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')), []);
});

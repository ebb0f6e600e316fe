// The shared classification run on the real tiny model: symlink loops, corrupt sidecars, and
// cancellation leaving nothing half-written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runClassification, type RunEvent } from '../../../src/core/run';
import { categoriesHash } from '../../../src/core/categories';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { colourCategories, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

const NAMES = ['red', 'green', 'blue', 'yellow', 'cyan', 'magenta', 'orange', 'purple', 'white', 'black'];

async function setup() {
  const root = await tempDir('run-');
  for (const n of NAMES) await fs.writeFile(path.join(root, `${n}.png`), await solidColorPng(n, 24));
  const classifier = await ZeroShotClassifier.create({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'fp32', cacheDir: await tempDir('run-cache-') });
  const set = colourCategories(NAMES);
  return { root, classifier, set, hash: categoriesHash(set) };
}

test('a symlink loop terminates, images are not duplicated, and a corrupt sidecar is left untouched', async () => {
  const { root, classifier, set, hash } = await setup();
  await fs.mkdir(path.join(root, 'sub'));
  await fs.symlink(root, path.join(root, 'sub/loop'));
  const corrupt = path.join(root, 'red.png.labels.json');
  await fs.writeFile(corrupt, '{ not json');
  const events: RunEvent[] = [];
  const s = await runClassification({ root, set, categoriesHash: hash, classifier, batchSize: 3, onEvent: (e) => events.push(e) });
  assert.equal(s.total, NAMES.length);
  assert.equal(s.classified, NAMES.length - 1);
  assert.equal(s.failed, 1);
  assert.match(s.errors[0].message, /red\.png\.labels\.json is corrupt.*left untouched/);
  assert.equal(await fs.readFile(corrupt, 'utf8'), '{ not json');
  const live = events.filter((e) => e.type === 'image' && e.status === 'classified');
  assert.equal(live.length, NAMES.length - 1, 'every result is announced as it lands');
  assert.equal(s.perCategory.green, 1);
});

test('cancelling mid-run stops promptly and leaves only complete sidecars, no temp files', async () => {
  const { root, classifier, set, hash } = await setup();
  const ac = new AbortController();
  const s = await runClassification({
    root,
    set,
    categoriesHash: hash,
    classifier,
    batchSize: 2,
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'image' && e.status === 'classified') ac.abort();
    },
  });
  assert.equal(s.cancelled, true);
  assert.ok(s.classified >= 1 && s.classified < NAMES.length, `classified ${s.classified}`);
  const files = await fs.readdir(root);
  assert.deepEqual(files.filter((f) => f.endsWith('.tmp')), []);
  const sidecars = files.filter((f) => f.endsWith('.labels.json'));
  assert.equal(sidecars.length, s.classified);
  for (const f of sidecars) JSON.parse(await fs.readFile(path.join(root, f), 'utf8'));
  // Resuming finishes the rest and skips what was done.
  const again = await runClassification({ root, set, categoriesHash: hash, classifier, batchSize: 2 });
  assert.deepEqual([again.skipped, again.classified], [s.classified, NAMES.length - s.classified]);
});

// The pure parts of the extension's glue: model setting, categories lookup, progress text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveModelSetting } from '../../../src/extension/modelSetting';
import { candidateJsonFiles, categoriesFromScores, EXAMPLE_CATEGORIES, findCategoriesFile } from '../../../src/extension/categoriesFile';
import { EtaEstimator, formatBytes, formatDuration, progressMessage } from '../../../src/extension/eta';
import { parseCategories } from '../../../src/core/categories';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'it-ext-'));

test('model setting: hub id, absolute dir, and a dir relative to the workspace folder', () => {
  const ws = tmp();
  mkdirSync(path.join(ws, 'models', 'tiny'), { recursive: true });
  assert.deepEqual(resolveModelSetting('Xenova/clip-vit-base-patch32', ws), { model: 'Xenova/clip-vit-base-patch32', isLocal: false, missing: false });
  assert.deepEqual(resolveModelSetting('models/tiny', ws), { model: path.join(ws, 'models', 'tiny'), isLocal: true, missing: false });
  assert.deepEqual(resolveModelSetting('./models/tiny', ws), { model: path.join(ws, 'models', 'tiny'), isLocal: true, missing: false });
  assert.deepEqual(resolveModelSetting(path.join(ws, 'models'), undefined), { model: path.join(ws, 'models'), isLocal: true, missing: false });
  assert.deepEqual(resolveModelSetting('./nope', ws), { model: path.join(ws, 'nope'), isLocal: true, missing: true });
  assert.equal(resolveModelSetting('/does/not/exist', ws).missing, true);
});

test('categories.json is found in the folder or a parent inside the workspace, not above it', async () => {
  const ws = tmp();
  const deep = path.join(ws, 'a', 'b');
  mkdirSync(deep, { recursive: true });
  assert.equal(await findCategoriesFile(deep, ws), null);
  writeFileSync(path.join(ws, 'a', 'categories.json'), '{}');
  assert.equal(await findCategoriesFile(deep, ws), path.join(ws, 'a', 'categories.json'));
  writeFileSync(path.join(deep, 'categories.json'), '{}');
  assert.equal(await findCategoriesFile(deep, ws), path.join(deep, 'categories.json'));
  // Outside the workspace boundary: a categories.json above the workspace is not used.
  const outer = tmp();
  const inner = path.join(outer, 'ws');
  mkdirSync(path.join(inner, 'imgs'), { recursive: true });
  writeFileSync(path.join(outer, 'categories.json'), '{}');
  assert.equal(await findCategoriesFile(path.join(inner, 'imgs'), inner), null);
  assert.equal(await findCategoriesFile(path.join(inner, 'imgs'), undefined), null, 'no workspace: only the folder itself');
});

test('candidate JSON files skip sidecars and tooling files', async () => {
  const ws = tmp();
  const dir = path.join(ws, 'imgs');
  mkdirSync(dir);
  for (const f of ['cats.json', 'a.jpg.labels.json', 'package.json', '.hidden.json', 'notes.txt']) writeFileSync(path.join(dir, f), '{}');
  writeFileSync(path.join(ws, 'labels-v2.json'), '{}');
  assert.deepEqual(await candidateJsonFiles(dir, ws), [path.join(dir, 'cats.json'), path.join(ws, 'labels-v2.json')]);
});

test('the example categories file parses: three categories, comments allowed', () => {
  const { set } = parseCategories(EXAMPLE_CATEGORIES, 'categories.json');
  assert.deepEqual(set.categories.map((c) => c.name), ['warranty_claim', 'shipping_damage', 'misuse']);
  assert.equal(set.mode, 'single_label');
  assert.match(EXAMPLE_CATEGORIES, /^\/\//m);
});

test('categories from sidecar scores keep first-seen order', () => {
  assert.deepEqual(categoriesFromScores([{ b: 1, a: 2 }, undefined, { a: 1, c: 3 }]), ['b', 'a', 'c']);
});

test('ETA from the rate after the first result; durations and sizes read well', () => {
  let now = 0;
  const eta = new EtaEstimator(() => now);
  assert.equal(eta.update(0, 100), null);
  now = 5000; // model warm-up is not counted
  assert.equal(eta.update(10, 100), null);
  now = 7000;
  assert.equal(eta.update(20, 100), 16); // 10 images / 2 s → 80 left → 16 s
  assert.equal(formatDuration(16), '16s');
  assert.equal(formatDuration(125), '2m 05s');
  assert.equal(formatDuration(7260), '2h 01m');
  assert.equal(progressMessage(20, 100, 16), '20 / 100 images · about 16s left');
  assert.equal(progressMessage(0, 100, null), '0 / 100 images');
  assert.equal(formatBytes(350 * 1024 * 1024), '350.0 MB');
});

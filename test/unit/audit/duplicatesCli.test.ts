// Near duplicates in the report come from the cached zero-shot embeddings: no model is loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

test('report --duplicates pairs same-looking images and flags a pair labelled differently', async () => {
  const root = await tempDir('dups-');
  const cache = await tempDir('dups-cache-');
  await fs.writeFile(path.join(root, 'red-a.png'), await solidColorPng('red', 40));
  await fs.writeFile(path.join(root, 'red-b.png'), await solidColorPng('red', 56));
  await fs.writeFile(path.join(root, 'blue.png'), await solidColorPng('blue', 40));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: ['red', 'blue', 'green'].map((n) => ({ name: n, description: n })) }));
  assert.equal((await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', cache])).code, 0);
  await cli(['review', path.join(root, 'red-a.png'), '--accept']);
  await cli(['review', path.join(root, 'red-b.png'), '--label', 'green']);
  const r = await cli(['report', root, '--format', 'json', '--duplicates', '0.95', '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  const nd = JSON.parse(r.out).near_duplicates;
  assert.equal(nd.threshold, 0.95);
  assert.equal(nd.pairs.length, 1, JSON.stringify(nd.pairs));
  assert.deepEqual([nd.pairs[0].a, nd.pairs[0].b].sort(), ['red-a.png', 'red-b.png']);
  assert.equal(nd.different_labels, 1);
  assert.deepEqual(nd.search, { method: 'exact' }, 'the report says how the pairs were found');
  assert.match(r.err, /Exact search/);
  assert.equal((await cli(['report', root, '--duplicates', '2'])).code, 1);
});

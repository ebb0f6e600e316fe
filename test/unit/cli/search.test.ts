// `image-triage search` on a folder classified with the generated tiny CLIP model: the red images
// rank first for "red", --like ranks by an image, nothing is re-encoded, unembedded images are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

const COLOURS = ['red', 'green', 'blue', 'yellow', 'white', 'black'];

async function classified() {
  const root = await tempDir('search-');
  const cache = await tempDir('search-cache-');
  await fs.mkdir(path.join(root, 'sub'));
  for (const [i, c] of COLOURS.entries()) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 40 + i));
  await fs.writeFile(path.join(root, 'sub/red-big.png'), await solidColorPng('red', 90));
  await fs.writeFile(path.join(root, 'sub/red-small.png'), await solidColorPng('red', 24));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} image` })), templates: ['a photo of {name}', '{description}'] }));
  const model = await tinyModel('clip');
  const r = await cli(['classify', root, '--model', model, '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  return { root, cache, model };
}

test('search ranks the three red images first for "red", best first, with the recorded checkpoint', async () => {
  const { root, cache } = await classified();
  const r = await cli(['search', root, 'red', '--top', '4', '--json', '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  const paths = out.results.map((x: { path: string }) => x.path);
  assert.equal(paths.length, 4);
  assert.deepEqual(paths.slice(0, 3).sort(), ['red.png', 'sub/red-big.png', 'sub/red-small.png']);
  assert.notEqual(paths[3].includes('red'), true);
  const scores = out.results.map((x: { score: number }) => x.score);
  assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'best first');
  assert.ok(scores[2] > scores[3], 'the reds score above everything else');
  assert.deepEqual(out.missing, []);
  assert.match(r.err, /8 of 8 images have cached embeddings/);

  const text = await cli(['search', root, 'blue', '--top', '2', '--cache-dir', cache]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out.split('\n')[0], /^1 {2}\d\.\d{4} {2}blue\.png$/);
  assert.match(text.out, /not probabilities/);
});

test('--like ranks by an image (itself left out); a new image without an embedding is reported, not encoded', async () => {
  const { root, cache } = await classified();
  await fs.writeFile(path.join(root, 'new-red.png'), await solidColorPng('red', 33));
  const r = await cli(['search', root, '--like', path.join(root, 'sub/red-big.png'), '--top', '2', '--json', '--cache-dir', cache]);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(out.results.map((x: { path: string }) => x.path).sort(), ['red.png', 'sub/red-small.png']);
  assert.deepEqual(out.missing, ['new-red.png']);
  assert.match(r.err, /not searched .*new-red\.png/);
  assert.doesNotMatch(r.err, /encoded/);
});

test('search in a folder never classified says what to do and exits 1', async () => {
  const root = await tempDir('search-none-');
  await fs.writeFile(path.join(root, 'a.png'), await solidColorPng('red', 20));
  const r = await cli(['search', root, 'red']);
  assert.equal(r.code, 1);
  assert.match(r.err, /run "image-triage classify" first, or pass --model/);
  const u = await cli(['search', root]);
  assert.equal(u.code, 1);
  assert.match(u.err, /either a query text or --like/);
});

// The description probe run end to end with the real tiny model: categories whose descriptions carry
// the meaning follow a shuffle; categories whose names carry it do not, and the probe says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { shuffleDescriptions } from '../../../src/core/audit/probeRun';

const COLOURS = ['red', 'green', 'blue', 'yellow'];

async function folder(categories: { name: string; description: string }[]) {
  const root = await tempDir('probe-');
  for (const c of COLOURS) for (const s of [30, 40, 50, 60, 70]) await fs.writeFile(path.join(root, `${c}-${s}.png`), await solidColorPng(c, s));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories, templates: ['{description}'] }));
  return root;
}

test('descriptions that carry the meaning: shuffling them changes the predictions, no warning', async () => {
  const root = await folder(COLOURS.map((c, i) => ({ name: `bin_${i}`, description: `an image that is ${c}` })));
  const r = await cli(['audit', 'probe', root, '--size', '20', '--seed', '3', '--model', await tinyModel('clip'), '--cache-dir', await tempDir(), '--json']);
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.equal(res.n, 20);
  assert.equal(res.shuffled_changed.k, 20, 'every prediction follows its moved description');
  assert.equal(res.descriptions_ignored, false);
});

test('names that carry the meaning: shuffled descriptions change nothing and the probe warns', async () => {
  const root = await folder(COLOURS.map((c) => ({ name: c, description: 'a product photo' })));
  const r = await cli(['audit', 'probe', root, '--size', '20', '--model', await tinyModel('clip'), '--cache-dir', await tempDir()]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /shuffled descriptions\s+0\/20/);
  assert.match(r.out, /WARNING: Descriptions look ignored/);
});

test('the shuffle is a seeded derangement: no category keeps its own description', () => {
  const set = { mode: 'single_label' as const, templates: ['{description}'], categories: ['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: n, description: `d-${n}` })) };
  for (const seed of [1, 2, 3, 4, 5]) {
    const s = shuffleDescriptions(set, seed);
    s.categories.forEach((c) => assert.notEqual(c.description, `d-${c.name}`));
    assert.deepEqual(s.categories.map((c) => c.description).sort(), set.categories.map((c) => c.description).sort());
    assert.deepEqual(shuffleDescriptions(set, seed), s);
  }
});

// `eval --protocol cifar10 --write-categories`: the CLIP paper's CIFAR-10 classes and 18 templates,
// accepted by the categories parser, then the whole sequence (classify → eval) on real CIFAR-10
// test images in their folder-per-class layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { CIFAR, tempDir, tinyModel } from '../../support/fixtures';
import { fillTemplate, parseCategories } from '../../../src/core/categories';

test('writes the ten classes with the 18 CLIP CIFAR-10 templates; classify + eval on a CIFAR-10 sample', async () => {
  const dir = await tempDir('cifar-');
  const cats = path.join(dir, 'cifar10.json');
  const w = await cli(['eval', '--protocol', 'cifar10', '--write-categories', cats]);
  assert.equal(w.code, 0, w.err);
  const { set, warnings } = parseCategories(await fs.readFile(cats, 'utf8'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(set.categories.map((c) => c.name), ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
  assert.equal(set.templates.length, 18);
  const prompts = set.templates.map((t) => fillTemplate(t, set.categories[0]));
  assert.equal(prompts[0], 'a photo of a airplane.');
  assert.equal(prompts[17], 'a photo of the big airplane.');

  const data = path.join(dir, 'cifar10-test');
  for (const c of set.categories) {
    await fs.mkdir(path.join(data, c.name), { recursive: true });
    for (const f of ['0000.jpg', '0001.jpg']) await fs.copyFile(path.join(CIFAR, c.name, f), path.join(data, c.name, f));
  }
  const cls = await cli(['classify', data, '--categories', cats, '--model', await tinyModel('clip'), '--cache-dir', path.join(dir, 'cache')]);
  assert.equal(cls.code, 0, cls.err);
  const ev = await cli(['eval', data, '--json']);
  assert.equal(ev.code, 0, ev.err);
  const rep = JSON.parse(ev.out);
  assert.equal(rep.groups[0].n, 20);
  assert.deepEqual(rep.unmatched_folders, []);
  assert.equal(rep.confusion.flat().reduce((a: number, b: number) => a + b, 0), 20);
  assert.ok(rep.top5 >= rep.top1);
});

// `image-triage adapt` end to end with the real tiny model: a folder whose prompts make zero-shot
// systematically wrong, fixed on the held-out images by an adapter trained on a few labels; the
// honest refusal; and agreement with scikit-learn's LogisticRegression (Debian python3-sklearn via
// scripts/pyref.sh) on the same embeddings, labels and folds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { cli } from '../../support/cli';
import { tempDir, tinyModel } from '../../support/fixtures';
import { readSidecar } from '../../../src/core/sidecarStore';
import { indexFolder } from '../../../src/core/folderIndex';
import { humanLabels } from '../../../src/core/adapt/labels';
import { assignFolds } from '../../../src/core/adapt/cv';
import { folderMatrix, type ZeroShotKeyed } from '../../../src/classifiers/zeroShot/folderEmbeddings';
import { mulberry32 } from '../../../src/core/audit/prng';

const COLOURS: Record<string, [number, number, number]> = { red: [220, 20, 30], green: [30, 200, 40], blue: [20, 40, 230] };

async function png(file: string, rgb: [number, number, number], w: number) {
  await sharp({ create: { width: w, height: 40, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(file);
}

const json = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);
const snapshot = async (dir: string) => {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.labels.json')).sort();
  return Promise.all(files.map((f) => fs.readFile(path.join(dir, f), 'utf8')));
};

/** 24 reddish and greenish images whose categories are described by the other's colour, classified: zero-shot is always wrong. */
async function confusingFolder(prefix: string) {
  const dir = await tempDir(prefix);
  const cache = await tempDir();
  const rng = mulberry32(11);
  const names: string[] = [];
  for (let i = 0; i < 24; i++) {
    const red = i % 2 === 0;
    const hi = 170 + Math.floor(rng() * 80);
    const lo = [Math.floor(rng() * 70), Math.floor(rng() * 70)];
    const name = `${red ? 'r' : 'g'}${String(i).padStart(2, '0')}.png`;
    await png(path.join(dir, name), red ? [hi, lo[0], lo[1]] : [lo[0], hi, lo[1]], 40 + i);
    names.push(name);
  }
  // Each category is described by the other's colour: the tiny model follows the words.
  await fs.writeFile(path.join(dir, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: [{ name: 'red_bin', description: 'an image that is green' }, { name: 'green_bin', description: 'an image that is red' }], templates: ['{description}'] }));
  assert.equal((await cli(['classify', dir, '--model', await tinyModel('clip'), '--cache-dir', cache])).code, 0);
  const truth = (n: string) => (n.startsWith('r') ? 'red_bin' : 'green_bin');
  for (const n of names) assert.notEqual((await readSidecar(path.join(dir, n)))!.predictions['zero-shot']!.predicted_categories[0]?.name, truth(n), `${n}: zero-shot is wrong`);
  return { dir, cache, names, truth };
}

test('confusing prompts: zero-shot is always wrong, the adapter trained on a few labels fixes the held-out images', async () => {
  const { dir, cache, names, truth } = await confusingFolder('adapt-');

  // Four labels per category: refused, nothing written.
  const labelled = names.slice(0, 8);
  for (const n of labelled) assert.equal((await cli(['review', path.join(dir, n), '--label', truth(n)])).code, 0);
  const before = await snapshot(dir);
  const refused = await cli(['adapt', dir, '--cache-dir', cache, '--json']);
  assert.equal(refused.code, 1);
  const rj = json(refused.out);
  assert.match(rj.refused, /too few human labels.*red_bin 4, green_bin 4.*need 5 per category/);
  assert.equal(rj.rescored, 0);
  assert.deepEqual(await snapshot(dir), before, 'a refusal changes nothing');

  // Twelve labels (six per category): it learns, and the twelve held-out images are fixed.
  for (const n of names.slice(8, 12)) assert.equal((await cli(['review', path.join(dir, n), '--label', truth(n)])).code, 0);
  const r = await cli(['adapt', dir, '--cache-dir', cache, '--json']);
  assert.equal(r.code, 0, r.err);
  const a = json(r.out);
  for (const k of ['labels', 'cv_accuracy', 'zero_shot_accuracy', 'rescored']) assert.ok(k in a, `--json has ${k}`);
  assert.equal(a.labels, 12);
  assert.equal(a.zero_shot_accuracy, 0);
  assert.equal(a.cv_accuracy, 1);
  assert.equal(a.rescored, 12);
  assert.match(a.checkpoint, /\+adapter:[0-9a-f]{12}$/);
  for (const n of names.slice(12)) {
    const p = (await readSidecar(path.join(dir, n)))!.predictions['zero-shot']!;
    assert.equal(p.predicted_categories[0]?.name, truth(n), `${n}: held out, now right`);
    assert.equal(p.checkpoint, a.checkpoint);
    assert.equal(p.adapter!.labels, 12);
    assert.equal(p.adapter!.cv_accuracy, 1);
  }
  for (const n of labelled) assert.notEqual((await readSidecar(path.join(dir, n)))!.predictions['zero-shot']!.checkpoint, a.checkpoint, 'reviewed images are not re-scored');
  // Re-classifying with the base checkpoint puts zero-shot back (the undo).
  assert.equal((await cli(['classify', dir, '--model', await tinyModel('clip'), '--cache-dir', cache])).code, 0);
  assert.equal((await readSidecar(path.join(dir, names[12])))!.predictions['zero-shot']!.checkpoint, await tinyModel('clip'));
});

test('audit verdicts that name the right category are labels too: an audit alone teaches the adapter', async () => {
  const { dir, cache, names, truth } = await confusingFolder('adapt-audit-');
  const sampled = await cli(['audit', 'sample', dir, '--size', '14', '--seed', '5']);
  assert.equal(sampled.code, 0, sampled.err);
  const awaiting: string[] = [];
  for (const n of names) if ((await readSidecar(path.join(dir, n)))!.audit.some((a) => a.status === 'awaiting')) awaiting.push(n);
  assert.equal(awaiting.length, 14);
  // The auditor says each sampled prediction is wrong and names the right category; no review is made.
  for (const n of awaiting) assert.equal((await cli(['audit', 'mark', path.join(dir, n), '--category-wrong', truth(n)])).code, 0);
  const perCategory = (c: string) => awaiting.filter((n) => truth(n) === c).length;
  assert.ok(perCategory('red_bin') >= 5 && perCategory('green_bin') >= 5, `enough of each (${perCategory('red_bin')}, ${perCategory('green_bin')})`);
  const r = await cli(['adapt', dir, '--cache-dir', cache, '--json']);
  assert.equal(r.code, 0, r.err);
  const a = json(r.out);
  assert.equal(a.labels, 14, 'every audit verdict is a label');
  assert.equal(a.zero_shot_accuracy, 0);
  assert.equal(a.cv_accuracy, 1);
  for (const n of names.filter((x) => !awaiting.includes(x))) {
    assert.equal((await readSidecar(path.join(dir, n)))!.predictions['zero-shot']!.predicted_categories[0]?.name, truth(n), `${n}: not audited, now right`);
  }
  for (const n of awaiting) assert.equal((await readSidecar(path.join(dir, n)))!.review.status, 'pending', 'an audit verdict is not a review');
});

test('held-out accuracy agrees with scikit-learn LogisticRegression on the same embeddings, labels and folds (within 2 points)', async () => {
  const dir = await tempDir('adapt-sk-');
  const cache = await tempDir();
  const rng = mulberry32(3);
  const names = Object.keys(COLOURS);
  const truth = new Map<string, string>();
  for (let i = 0; i < 90; i++) {
    const a = names[i % 3];
    const other = names[((i % 3) + 1 + Math.floor(rng() * 2)) % 3];
    const w = 0.5 + rng() * 0.3;
    const rgb = COLOURS[a].map((v, j) => Math.round(w * v + (1 - w) * COLOURS[other][j])) as [number, number, number];
    const file = `img${String(i).padStart(2, '0')}.png`;
    await png(path.join(dir, file), rgb, 40 + (i % 7));
    truth.set(file, `${a}_item`);
  }
  await fs.writeFile(path.join(dir, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: names.map((n) => ({ name: `${n}_item`, description: `a product that is mostly ${n}` })), templates: ['a photo of {name}', '{description}'] }));
  assert.equal((await cli(['classify', dir, '--model', await tinyModel('clip'), '--cache-dir', cache])).code, 0);
  for (const n of names) {
    const files = [...truth].filter(([, l]) => l === `${n}_item`).map(([f]) => path.join(dir, f));
    assert.equal((await cli(['review', ...files, '--label', `${n}_item`])).code, 0);
  }
  const r = await cli(['adapt', dir, '--cache-dir', cache, '--json', '--dry-run']);
  assert.equal(r.code, 0, r.err);
  const ours = json(r.out);
  assert.equal(ours.labels, 90);

  // The same rows, labels and folds as adapt builds them. The same model family and strength: the
  // adapter's penalty ½‖V − V⁰‖² on logits 100·x·v is sklearn's C = 100² on x·w without an intercept;
  // sklearn centres its penalty on 0, the adapter on the zero-shot prototypes.
  const images = await indexFolder(dir);
  const labels = humanLabels(images, names.map((n) => `${n}_item`));
  const byRel = new Map(images.map((i) => [i.relPath, i]));
  const m = await folderMatrix(labels.map((l) => byRel.get(l.relPath)!) as unknown as ZeroShotKeyed[], path.join(cache, 'embeddings'));
  const lab = new Map(labels.map((l) => [l.relPath, l]));
  const y = m.ids.map((id) => names.map((n) => `${n}_item`).indexOf(lab.get(id)!.label));
  const fold = Array.from(assignFolds(y, m.ids.map((id) => lab.get(id)!.sha256), 5, 1));
  const data = path.join(cache, 'sk.json');
  await fs.writeFile(data, JSON.stringify({ x: Array.from(m.vectors), d: m.dim, y, fold }));
  const code = [
    'import json, sys, numpy as np',
    'from sklearn.linear_model import LogisticRegression',
    'j = json.load(open(sys.argv[1])); X = np.array(j["x"], dtype=np.float64).reshape(-1, j["d"]); y = np.array(j["y"]); f = np.array(j["fold"])',
    'ok = 0',
    'for k in range(5):',
    '    m = LogisticRegression(max_iter=10000, C=float(sys.argv[2]), fit_intercept=False).fit(X[f != k], y[f != k])',
    '    ok += int((m.predict(X[f == k]) == y[f == k]).sum())',
    'print(json.dumps({"acc": ok / len(y)}))',
  ].join('\n');
  const py = spawnSync('bash', [path.resolve(__dirname, '../../../scripts/pyref.sh'), '-c', code, data, String(100 ** 2)], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(py.status, 0, py.stderr);
  const sk = JSON.parse(py.stdout.trim().split('\n').at(-1)!).acc as number;
  assert.ok(sk > 0.5 && sk < 1, `a task with something to learn and to get wrong: sklearn ${sk}`);
  assert.ok(Math.abs(ours.cv_accuracy - sk) <= 0.02, `adapter ${ours.cv_accuracy} vs sklearn ${sk}`);
});

// Export rules: where it may write, atomicity under cancel, label sources, _none, multi-label
// refusal, copy vs link vs none, splits and safe names.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync, lstatSync } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/fixtures';
import { indexFolder } from '../../../src/core/folderIndex';
import { exportDataset } from '../../../src/core/export';
import { labelFolders, FolderNamer, safeSegment } from '../../../src/core/export/names';
import { assignSplits, parseSplit } from '../../../src/core/export/split';
import { COLOURS, reviewedFolder, snapshot, type ReviewedFolder } from './fixture';

let src: ReviewedFolder;
before(async () => {
  src = await reviewedFolder();
});

const jsonOf = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

test('refuses an --out inside the reviewed folder, and a non-empty --out without --overwrite; --overwrite replaces it', async () => {
  const inside = await cli(['export', src.root, '--format', 'csv', '--out', path.join(src.root, 'out')]);
  assert.equal(inside.code, 1);
  assert.match(inside.err, /inside the reviewed folder/);
  const out = path.join(await tempDir('exp-'), 'set');
  await fs.mkdir(out);
  await fs.writeFile(path.join(out, 'keep.txt'), 'x');
  const busy = await cli(['export', src.root, '--format', 'csv', '--out', out]);
  assert.equal(busy.code, 1);
  assert.match(busy.err, /not empty.*--overwrite/);
  assert.ok(existsSync(path.join(out, 'keep.txt')));
  const ok = await cli(['export', src.root, '--format', 'csv', '--out', out, '--overwrite']);
  assert.equal(ok.code, 0, ok.err);
  assert.ok(!existsSync(path.join(out, 'keep.txt')) && existsSync(path.join(out, 'labels.csv')));
  assert.deepEqual((await fs.readdir(path.dirname(out))).filter((f) => f.includes('.tmp')), [], 'no temp folder left');
});

test('a cancelled export leaves neither the target nor a temporary folder; the reviewed folder is untouched', async () => {
  const before1 = await snapshot(src.root);
  const parent = await tempDir('exp-cancel-');
  const out = path.join(parent, 'set');
  const ac = new AbortController();
  await assert.rejects(
    exportDataset({
      root: src.root, images: await indexFolder(src.root), out, format: 'imagefolder', labels: 'human+auto', files: 'copy', includeNone: false,
      signal: ac.signal, onProgress: (done) => done === 5 && ac.abort(),
    }),
    /cancelled/,
  );
  assert.deepEqual(await fs.readdir(parent), []);
  assert.deepEqual(await snapshot(src.root), before1);
});

test('--labels human, human+auto and predicted choose rows by source; --include-none sends rejected images to _none', async () => {
  const run = async (...extra: string[]) => {
    const r = await cli(['export', src.root, '--format', 'imagefolder', '--out', path.join(await tempDir('exp-'), 's'), '--json', '--files', 'copy', ...extra]);
    assert.equal(r.code, 0, r.err);
    return jsonOf(r.out);
  };
  const human = await run('--labels', 'human');
  assert.deepEqual(human.by_source, { human: 18 });
  const predicted = await run('--labels', 'predicted', '--include-none');
  assert.deepEqual(predicted.by_source, { human: 19, predicted: 2 });
  assert.equal(predicted.counts.train._none, 1, 'the rejected image');
  assert.ok(existsSync(path.join(predicted.out, 'train', '_none')));
  assert.ok(lstatSync(path.join(predicted.out, 'train', 'green')).isDirectory());
  const file = (await fs.readdir(path.join(predicted.out, 'train', 'green')))[0];
  assert.ok(lstatSync(path.join(predicted.out, 'train', 'green', file)).isFile(), '--files copy writes real files');
  const skipped = human.skipped.map((s: { path: string; reason: string }) => `${s.path}: ${s.reason}`).join('\n');
  assert.match(skipped, /s1\/broken\.png: no sidecar/);
  assert.match(skipped, /s2\/blue3\.png: not reviewed yet/);
  assert.match(skipped, /s1\/red2\.png: no label \(rejected/);
});

test('a multi-label folder is refused by imagefolder with a pointer to hf, whose metadata then carries "labels" lists, as FiftyOne\'s targets do', async () => {
  const cats = path.join(await tempDir('exp-'), 'multi.json');
  await fs.writeFile(cats, JSON.stringify({ mode: 'multi_label', categories: COLOURS.map((c) => ({ name: c, description: c })) }));
  const r = await cli(['export', src.root, '--format', 'imagefolder', '--out', path.join(path.dirname(cats), 'o'), '--categories', cats]);
  assert.equal(r.code, 1);
  assert.match(r.err, /multi-label.*--format hf/);
  const out = path.join(path.dirname(cats), 'hf');
  assert.equal((await cli(['export', src.root, '--format', 'hf', '--out', out, '--categories', cats])).code, 0);
  const first = JSON.parse((await fs.readFile(path.join(out, 'train', 'metadata.jsonl'), 'utf8')).split('\n')[0]);
  assert.ok(Array.isArray(first.labels) && !('label' in first));
  // FiftyOneImageClassificationDataset: a multi-label target is a list of {label, confidence}.
  const fo = path.join(path.dirname(cats), 'fo');
  assert.equal((await cli(['export', src.root, '--format', 'fiftyone', '--out', fo, '--categories', cats])).code, 0);
  const doc = JSON.parse(await fs.readFile(path.join(fo, 'labels.json'), 'utf8'));
  const targets = Object.values(doc.labels) as unknown[];
  assert.ok(targets.length > 0);
  for (const t of targets) {
    assert.ok(Array.isArray(t), 'a list per image');
    for (const x of t as { label: number; confidence?: number }[]) assert.ok(Number.isInteger(x.label) && x.label >= 0 && x.label < doc.classes.length);
  }
});

test('--files none writes only metadata that points at the images in the reviewed folder', async () => {
  const out = path.join(await tempDir('exp-'), 'n');
  const r = await cli(['export', src.root, '--format', 'jsonl', '--out', out, '--files', 'none', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual((await fs.readdir(out)).sort(), ['export.json', 'label_map.json', 'labels.jsonl']);
  const row = JSON.parse((await fs.readFile(path.join(out, 'labels.jsonl'), 'utf8')).split('\n')[0]);
  assert.equal(row.file, null);
  assert.ok(existsSync(path.join(jsonOf(r.out).images_root, row.path)));
});

test('split: fractions must add up to 1; each label keeps its proportion; same seed, same split', () => {
  assert.throws(() => parseSplit('train=0.8,val=0.1'), /add up to 0.9/);
  assert.throws(() => parseSplit('train=0.8,train=0.2'), /twice/);
  const specs = parseSplit('train=0.8,val=0.1,test=0.1');
  const items = Array.from({ length: 100 }, (_, i) => ({ id: `img${i}`, label: i < 60 ? 'a' : 'b' }));
  const a = assignSplits(items, (x) => x.id, (x) => x.label, specs, 1);
  const count = (label: string, split: string) => items.filter((x) => x.label === label && a.get(x.id) === split).length;
  assert.deepEqual([count('a', 'train'), count('a', 'val'), count('a', 'test')], [48, 6, 6]);
  assert.deepEqual([count('b', 'train'), count('b', 'val'), count('b', 'test')], [32, 4, 4]);
  assert.deepEqual([...assignSplits(items, (x) => x.id, (x) => x.label, specs, 1)], [...a]);
  assert.notDeepEqual([...assignSplits(items, (x) => x.id, (x) => x.label, specs, 2)], [...a]);
});

test('names: labels become safe, unique folder names; same-named files get distinct names', () => {
  const m = labelFolders(['a/b', 'A:B', 'con', '..', '_none', 'ok']);
  assert.deepEqual([...m.values()], ['a_b', 'A_B-2', '_con', '_', '_none-2', 'ok']);
  assert.equal(safeSegment('x\u0000y?'), 'x_y_');
  const n = new FolderNamer();
  const names = ['s1/cat.jpg', 's2/cat.jpg', 's3/CAT.png', 's4/dog.jpg'].map((p) => n.name(p));
  assert.equal(names[0], 'cat.jpg');
  assert.equal(new Set(names.map((x) => x.toLowerCase().replace(/\.[^.]+$/, ''))).size, 4, names.join(' '));
});

test('failed images are listed (summary, --json, export.json) with exit 2; a corrupt sidecar is left as it was', async () => {
  const root = path.join(await tempDir('exp-failed-'), 'copy');
  await fs.cp(src.root, root, { recursive: true });
  const bad = path.join(root, 's1', 'green0.png.labels.json');
  const text = '{"schema": "image-triage/sidecar", "version": 1, "image": 5}';
  await fs.writeFile(bad, text);
  const out = path.join(await tempDir('exp-'), 'set');
  const r = await cli(['export', root, '--format', 'jsonl', '--out', out, '--json']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /Failed 1:\n\s+s1\/green0\.png: sidecar unreadable/);
  const summary = jsonOf(r.out);
  assert.deepEqual(summary.failed.map((f: { path: string }) => f.path), ['s1/green0.png']);
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(out, 'export.json'), 'utf8')).failed, summary.failed);
  assert.ok(!(await fs.readFile(path.join(out, 'labels.jsonl'), 'utf8')).includes('s1/green0.png'), 'no row for it');
  assert.equal(await fs.readFile(bad, 'utf8'), text, 'the corrupt sidecar is untouched');
});

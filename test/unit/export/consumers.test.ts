// Each export format read back by the tools users read it with: torchvision's ImageFolder, pandas,
// numpy (cleanlab's arrays), and field-by-field checks against the Hugging Face, Label Studio and
// FiftyOne specs. Python is Debian's, with packages unpacked by scripts/pyref.sh (never installed).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, existsSync, lstatSync } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import { tempDir } from '../../support/fixtures';
import { COLOURS, py, reviewedFolder, snapshot, type ReviewedFolder } from './fixture';

let src: ReviewedFolder;
let outs: string;
let before0: string[];
before(async () => {
  src = await reviewedFolder();
  outs = await tempDir('export-out-');
  before0 = await snapshot(src.root);
});

async function exportTo(format: string, extra: string[] = []) {
  const out = path.join(outs, `${format}-${Math.random().toString(36).slice(2, 8)}`);
  const r = await cli(['export', src.root, '--format', format, '--out', out, '--json', '--cache-dir', src.cache, ...extra]);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
  return { out, summary, err: r.err };
}

test('imagefolder: torchvision ImageFolder loads every split with the exported class counts; same-named files both kept', async () => {
  const { out, summary } = await exportTo('imagefolder', ['--split', 'train=0.6,val=0.2,test=0.2', '--seed', '7']);
  assert.deepEqual(Object.keys(summary.counts).sort(), ['test', 'train', 'val']);
  const labelMap = JSON.parse(await fs.readFile(path.join(out, 'label_map.json'), 'utf8')).folders;
  const seen = py(
    `import sys, json, collections
from torchvision.datasets import ImageFolder
res = {}
for split in ['train', 'val', 'test']:
    ds = ImageFolder(sys.argv[1] + '/' + split)
    for i in range(len(ds)): ds[i][0].load()
    c = collections.Counter(ds.targets)
    res[split] = {ds.classes[k]: n for k, n in c.items()}
print(json.dumps(res))`,
    [out],
  ) as Record<string, Record<string, number>>;
  for (const split of ['train', 'val', 'test']) {
    const byLabel = Object.fromEntries(Object.entries(seen[split]).map(([folder, n]) => [labelMap[folder], n]));
    assert.deepEqual(byLabel, summary.counts[split], split);
  }
  assert.equal(summary.exported, 18);
  const manifest = await fs.readFile(path.join(out, 'manifest.csv'), 'utf8');
  assert.match(manifest, /,s1\/red0\.png,/);
  assert.match(manifest, /,s2\/red0\.png,/);
  assert.ok(lstatSync(path.join(out, 'train', 'red', path.basename(manifest.split('\n').find((l) => l.includes('s1/red0.png'))!.split(',')[2]))));
  assert.deepEqual(await snapshot(src.root), before0, 'nothing in the reviewed folder changed');
});

test('csv and jsonl: pandas reads one row per image with path, labels, status, source, checkpoint and scores', async () => {
  const csv = await exportTo('csv', ['--labels', 'predicted']);
  const jsonl = await exportTo('jsonl', ['--labels', 'predicted']);
  const res = py(
    `import sys, json, pandas as pd
a = pd.read_csv(sys.argv[1] + '/labels.csv')
b = pd.read_json(sys.argv[2] + '/labels.jsonl', lines=True)
print(json.dumps({'csv_cols': list(a.columns), 'csv_rows': len(a), 'jsonl_cols': list(b.columns), 'jsonl_rows': len(b),
  'sources': a['source'].value_counts().to_dict(), 'paths': sorted(b['path']), 'labels0': b['labels'].iloc[0],
  'scores_ok': bool(((a['model_score'] >= 0) & (a['model_score'] <= 1)).all() and a['card_score'].between(1, 5).all())}))`,
    [csv.out, jsonl.out],
  ) as Record<string, any>;
  const cols = ['path', 'labels', 'review_status', 'source', 'checkpoint', 'card_score', 'model_score', 'split', 'file', 'stale'];
  assert.deepEqual(res.csv_cols, cols);
  assert.deepEqual(res.jsonl_cols, cols);
  assert.equal(res.csv_rows, csv.summary.exported);
  assert.equal(res.jsonl_rows, 20, '18 reviewed + 2 pending taken from the prediction');
  assert.deepEqual(res.sources, { human: 18, predicted: 2 });
  assert.ok(Array.isArray(res.labels0) && COLOURS.includes(res.labels0[0]));
  assert.ok(res.scores_ok);
  assert.ok(res.paths.includes('s2/blue3.png') && res.paths.includes('s2/green4.png'));
});

test('hf: metadata.jsonl per split, with file_name next to it and label, confidence, source, checkpoint (datasets ImageFolder spec)', async () => {
  const { out, summary } = await exportTo('hf', ['--split', 'train=0.8,test=0.2']);
  let n = 0;
  for (const split of ['train', 'test']) {
    const lines = (await fs.readFile(path.join(out, split, 'metadata.jsonl'), 'utf8')).trim().split('\n');
    for (const line of lines) {
      const m = JSON.parse(line);
      assert.equal(typeof m.file_name, 'string');
      assert.ok(!path.isAbsolute(m.file_name) && existsSync(path.join(out, split, m.file_name)), `${m.file_name} exists beside metadata.jsonl`);
      assert.ok(COLOURS.includes(m.label));
      assert.ok(m.confidence >= 0 && m.confidence <= 1);
      assert.equal(m.source, 'human');
      assert.equal(m.checkpoint, src.model);
      n++;
    }
  }
  assert.equal(n, summary.exported);
});

test('labelstudio: tasks with data.image, predictions and annotations whose from_name/to_name match the labeling config', async () => {
  const { out, summary } = await exportTo('labelstudio', ['--labels', 'predicted']);
  const tasks = JSON.parse(await fs.readFile(path.join(out, 'tasks.json'), 'utf8'));
  const cfg = py(
    `import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
img = root.find('Image'); ch = root.find('Choices')
print(json.dumps({'view': root.tag, 'image': img.get('name'), 'value': img.get('value'), 'choices': ch.get('name'), 'toName': ch.get('toName'), 'mode': ch.get('choice'), 'values': [c.get('value') for c in ch.findall('Choice')]}))`,
    [path.join(out, 'label_config.xml')],
  ) as Record<string, any>;
  assert.equal(cfg.view, 'View');
  assert.equal(cfg.value, '$image');
  assert.equal(cfg.toName, cfg.image);
  assert.equal(cfg.mode, 'single');
  assert.deepEqual(cfg.values, COLOURS);
  assert.ok(Array.isArray(tasks));
  assert.equal(tasks.length, summary.exported);
  let annotated = 0;
  for (const t of tasks) {
    const m = /^\/data\/local-files\/\?d=(.+)$/.exec(t.data.image);
    assert.ok(m && existsSync(path.join(out, decodeURIComponent(m[1]))), t.data.image);
    for (const r of [...t.predictions.flatMap((p: any) => p.result), ...t.annotations.flatMap((a: any) => a.result)]) {
      assert.equal(r.from_name, cfg.choices);
      assert.equal(r.to_name, cfg.image);
      assert.equal(r.type, 'choices');
      assert.ok(r.value.choices.every((c: string) => cfg.values.includes(c)));
    }
    for (const p of t.predictions) assert.ok(typeof p.model_version === 'string' && p.model_version.includes(src.model) && typeof p.score === 'number');
    if (t.annotations.length) annotated++;
    assert.equal(t.annotations.length > 0, t.data.source === 'human');
  }
  assert.equal(annotated, 18);
});

test('fiftyone: labels.json classes and one target per data/ file stem, with confidence', async () => {
  const { out, summary } = await exportTo('fiftyone');
  const doc = JSON.parse(await fs.readFile(path.join(out, 'labels.json'), 'utf8'));
  assert.deepEqual(doc.classes, COLOURS);
  const stems = (await fs.readdir(path.join(out, 'data'))).map((f) => f.replace(/\.[^.]+$/, '')).sort();
  assert.deepEqual(Object.keys(doc.labels).sort(), stems);
  assert.equal(stems.length, summary.exported);
  for (const t of Object.values(doc.labels) as any[]) {
    assert.ok(Number.isInteger(t.label) && t.label >= 0 && t.label < doc.classes.length);
    assert.ok(t.confidence >= 0 && t.confidence <= 1);
  }
  // --labels predicted: manifest.csv (pandas) marks each image's source, the predicted ones included.
  const pred = await exportTo('fiftyone', ['--labels', 'predicted']);
  const m = py(
    `import sys, json, pandas as pd
d = pd.read_csv(sys.argv[1])
print(json.dumps({'cols': list(d.columns), 'n': len(d), 'by': d['source'].value_counts().to_dict(), 'uuids': sorted(d['uuid'].astype(str))}))`,
    [path.join(pred.out, 'manifest.csv')],
  ) as { cols: string[]; n: number; by: Record<string, number>; uuids: string[] };
  assert.deepEqual(m.cols, ['split', 'uuid', 'labels', 'source_path', 'source', 'review_status']);
  assert.equal(m.n, pred.summary.exported);
  assert.deepEqual(m.by, pred.summary.by_source);
  assert.ok(m.by.predicted > 0, 'unreviewed images are marked predicted');
  const predLabels = JSON.parse(await fs.readFile(path.join(pred.out, 'labels.json'), 'utf8')).labels;
  assert.deepEqual(m.uuids, Object.keys(predLabels).sort());
});

test('cleanlab: labels (N), pred_probs (N×K, rows sum to 1 for CLIP softmax) and embeddings (N×D) load with numpy', async () => {
  const { out, summary } = await exportTo('cleanlab');
  const res = py(
    `import sys, json, numpy as np, pandas as pd
d = sys.argv[1]
l = np.load(d + '/labels.npy'); p = np.load(d + '/pred_probs.npy'); e = np.load(d + '/embeddings.npy')
idx = pd.read_csv(d + '/index.csv')
print(json.dumps({'l': list(l.shape), 'ldtype': str(l.dtype), 'p': list(p.shape), 'e': list(e.shape), 'maxdev': float(np.abs(p.sum(1) - 1).max()),
  'lmax': int(l.max()), 'idx': len(idx), 'match': bool((idx['label_index'].values == l).all())}))`,
    [out],
  ) as Record<string, any>;
  const N = summary.exported;
  assert.deepEqual(res.l, [N]);
  assert.equal(res.ldtype, 'int64');
  assert.deepEqual(res.p, [N, COLOURS.length]);
  assert.equal(res.e[0], N);
  assert.ok(res.maxdev < 1e-5, `rows sum to 1 (max deviation ${res.maxdev})`);
  assert.ok(res.lmax < COLOURS.length);
  assert.equal(res.idx, N);
  assert.ok(res.match);
});

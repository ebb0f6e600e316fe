// eval --json on a folder-per-class set equals scikit-learn on the same predictions (accuracy,
// per-class precision/recall/F1, macro F1, confusion matrix, to 1e-9), and ECE / top-5 / coverage
// equal a plain numpy computation. Truth folders match categories ignoring case, spaces, underscores.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { cli } from '../../support/cli';
import { tempDir, tinyModel } from '../../support/fixtures';
import { mulberry32 } from '../../../src/core/audit/prng';
import { readSidecar } from '../../../src/core/sidecarStore';
import { py } from '../export/fixture';

const CATS = ['red', 'green', 'dark_blue', 'yellow', 'white', 'black', 'orange'];
const FOLDERS: Record<string, string> = { red: 'Red', green: 'green', dark_blue: 'Dark Blue', yellow: 'YELLOW', white: 'white', black: 'Black', orange: 'orange' };
const PROTO: Record<string, number[]> = { red: [255, 0, 0], green: [0, 255, 0], dark_blue: [0, 0, 255], yellow: [255, 255, 0], white: [255, 255, 255], black: [0, 0, 0], orange: [255, 128, 0] };

let root: string;
const files: { rel: string; truth: string }[] = [];
before(async () => {
  root = await tempDir('eval-');
  const rng = mulberry32(11);
  for (const f of [...Object.values(FOLDERS), 'misc']) await fs.mkdir(path.join(root, f));
  for (let i = 0; i < 70; i++) {
    const rgb = [0, 1, 2].map(() => Math.floor(rng() * 256));
    const near = CATS.map((c) => ({ c, d: PROTO[c].reduce((a, v, k) => a + (v - rgb[k]) ** 2, 0) })).sort((a, b) => a.d - b.d)[0].c;
    const truth = rng() < 0.25 ? CATS[Math.floor(rng() * CATS.length)] : near; // label noise: a realistic confusion
    const rel = i < 3 ? `misc/m${i}.png` : `${FOLDERS[truth]}/img${i}.png`;
    await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path.join(root, rel));
    if (i >= 3) files.push({ rel, truth });
  }
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: CATS.map((c) => ({ name: c, description: `something ${c.replace('_', ' ')}` })), templates: ['a photo of {name}', '{description}'] }));
  const r = await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', await tempDir('eval-cache-')]);
  assert.equal(r.code, 0, r.err);
});

test('eval --json equals scikit-learn and numpy on the same predictions; unmatched folders are reported', async () => {
  const r = await cli(['eval', root, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /folder "misc" \(3 images\) matches no category/);
  const rep = JSON.parse(r.out);
  assert.deepEqual(rep.classes, CATS);
  assert.deepEqual(rep.unmatched_folders, [{ folder: 'misc', images: 3 }]);
  const yTrue: number[] = [];
  const scores: number[][] = [];
  for (const f of files) {
    const sc = await readSidecar(path.join(root, f.rel));
    yTrue.push(CATS.indexOf(f.truth));
    scores.push(CATS.map((c) => sc!.predictions['zero-shot']!.zero_shot!.scores[c]));
  }
  const ref = py(
    `import sys, json, numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, confusion_matrix, f1_score
d = json.load(open(sys.argv[1]))
y = np.array(d['y']); s = np.array(d['s']); K = s.shape[1]; labels = list(range(K))
order = np.lexsort((np.tile(np.arange(K), (len(y), 1)), -s), axis=1)  # best first, ties by category order
pred = order[:, 0]
p, r, f, sup = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
conf = s[np.arange(len(y)), pred]; hit = (pred == y)
ece = 0.0
edges = np.linspace(0, 1, 16)
for b in range(15):
    m = (conf > edges[b]) & (conf <= edges[b + 1]) if b else (conf <= edges[1])
    if m.any(): ece += m.mean() * abs(hit[m].mean() - conf[m].mean())
top5 = float(np.mean([y[i] in order[i, :5] for i in range(len(y))]))
srt = np.argsort(-conf, kind='stable'); half = int(np.ceil(0.5 * len(y)))
print(json.dumps({'acc': accuracy_score(y, pred), 'p': p.tolist(), 'r': r.tolist(), 'f': f.tolist(), 'sup': sup.tolist(),
  'macro_f1': f1_score(y, pred, labels=labels, average='macro', zero_division=0), 'cm': confusion_matrix(y, pred, labels=labels).tolist(),
  'ece': ece, 'top5': top5, 'cov50': float(hit[srt[:half]].mean())}))`,
    [await writeJson({ y: yTrue, s: scores })],
  ) as Record<string, any>;
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9, `${what}: ours ${a}, reference ${b}`);
  assert.equal(rep.groups[0].n, files.length);
  close(rep.top1, ref.acc, 'accuracy');
  assert.ok(rep.top1 > 0.3 && rep.top1 < 1, `a non-trivial accuracy (${rep.top1})`);
  rep.per_class.forEach((c: any, k: number) => {
    close(c.precision, ref.p[k], `precision ${c.name}`);
    close(c.recall, ref.r[k], `recall ${c.name}`);
    close(c.f1, ref.f[k], `F1 ${c.name}`);
    assert.equal(c.support, ref.sup[k]);
  });
  close(rep.macro_f1, ref.macro_f1, 'macro F1');
  assert.deepEqual(rep.confusion, ref.cm);
  close(rep.ece, ref.ece, 'ECE');
  close(rep.top5, ref.top5, 'top-5');
  close(rep.groups[0].coverage[9].accuracy, ref.cov50, 'accuracy at 50% coverage');
  assert.equal(rep.groups[0].reliability.length, 15);
});

test('md and html reports carry the tables and the SVG charts (F1, confusion, reliability, coverage)', async () => {
  const html = await cli(['eval', root, '--format', 'html']);
  assert.equal(html.code, 0, html.err);
  for (const t of ['Per-class F1', 'Confusion', 'Reliability (ECE', 'Accuracy vs coverage']) assert.ok(html.out.includes(t), t);
  assert.match(html.out, /Content-Security-Policy/);
  const out = path.join(await tempDir('eval-out-'), 'eval.md');
  const md = await cli(['eval', root, '--out', out]);
  assert.equal(md.code, 0, md.err);
  const text = await fs.readFile(out, 'utf8');
  assert.match(text, /\| class \| precision \| recall \| F1 \| support \|/);
  assert.equal((text.match(/data:image\/svg\+xml;base64/g) ?? []).length, 4);
});

test('--truth human evaluates against reviewed labels; no truth at all is a clear error', async () => {
  const none = await cli(['eval', root, '--truth', 'human']);
  assert.equal(none.code, 1);
  assert.match(none.err, /no image has both a human label and a prediction/);
  const red = files.filter((f) => f.truth === 'red').slice(0, 2).map((f) => path.join(root, f.rel));
  await cli(['review', ...red, '--label', 'red', '--by', 'ann']);
  const r = await cli(['eval', root, '--truth', 'human', '--json']);
  assert.equal(r.code, 0, r.err);
  const rep = JSON.parse(r.out);
  assert.equal(rep.groups[0].n, 2);
  assert.equal(rep.per_class[0].support, 2);
});

async function writeJson(v: unknown): Promise<string> {
  const f = path.join(await tempDir('eval-ref-'), 'd.json');
  await fs.writeFile(f, JSON.stringify(v));
  return f;
}

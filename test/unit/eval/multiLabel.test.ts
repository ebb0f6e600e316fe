// eval on a multi_label folder: against human label sets it reports set metrics equal to scikit-learn
// on the same indicator matrices (per-label precision/recall/F1, micro and macro F1, subset accuracy,
// hamming loss, multilabel_confusion_matrix, to 1e-9) and a per-label ECE equal to numpy's; against
// folder names (one label per image) it evaluates the top-1 category and says so.
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

const CATS = ['red', 'green', 'blue', 'yellow', 'white'];
const PROTO: Record<string, number[]> = { red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255], yellow: [255, 255, 0], white: [255, 255, 255] };

let root: string;
const truth = new Map<string, string[]>();
before(async () => {
  root = await tempDir('eval-ml-');
  const rng = mulberry32(5);
  for (const c of CATS) await fs.mkdir(path.join(root, c));
  const rels: string[] = [];
  for (let i = 0; i < 36; i++) {
    // Near-pure colours (some mixed), so the tiny model's sets are often right and sometimes not.
    const base = PROTO[CATS[i % CATS.length]];
    const rgb = base.map((v) => Math.max(0, Math.min(255, v + Math.floor((rng() - 0.5) * (i % 3 === 0 ? 300 : 60)))));
    const rel = `${CATS[i % CATS.length]}/img${i}.png`;
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path.join(root, rel));
    rels.push(rel);
  }
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'multi_label', categories: CATS.map((c) => ({ name: c, description: `something ${c}` })), templates: ['a photo of {name}', '{description}'] }));
  const r = await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', await tempDir('eval-ml-cache-')]);
  assert.equal(r.code, 0, r.err);
  // Human label sets: the folder's colour, sometimes a second label, a few "none of these", 4 not reviewed.
  for (const [i, rel] of rels.entries()) {
    if (i >= 32) continue;
    const set = i % 9 === 4 ? [] : [CATS[i % CATS.length]];
    if (set.length && rng() < 0.35) set.push(CATS[(i + 1 + Math.floor(rng() * 4)) % CATS.length]);
    const args = set.length ? set.flatMap((l) => ['--label', l]) : ['--reject'];
    const rv = await cli(['review', path.join(root, rel), ...args, '--by', 'ann']);
    assert.equal(rv.code, 0, rv.err);
    truth.set(rel, set);
  }
});

test('eval --truth human on a multi_label folder equals scikit-learn on the label sets', async () => {
  const r = await cli(['eval', root, '--truth', 'human', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /multi_label, 32 images\): subset accuracy/);
  const rep = JSON.parse(r.out);
  assert.equal(rep.evaluation, 'multi_label');
  assert.deepEqual(rep.classes, CATS);
  const Y: number[][] = [];
  const P: number[][] = [];
  const S: number[][] = [];
  for (const [rel, set] of truth) {
    const p = (await readSidecar(path.join(root, rel)))!.predictions['zero-shot']!;
    Y.push(CATS.map((c) => (set.includes(c) ? 1 : 0)));
    P.push(CATS.map((c) => (p.predicted_categories.some((x) => x.name === c) ? 1 : 0)));
    S.push(CATS.map((c) => p.zero_shot!.scores[c]));
  }
  assert.ok(Y.some((y) => y.reduce((a, b) => a + b) === 2) && Y.some((y) => y.every((v) => v === 0)), 'the truth has two-label and empty sets');
  const ref = py(
    `import sys, json, numpy as np
from sklearn.metrics import precision_recall_fscore_support, f1_score, accuracy_score, hamming_loss, multilabel_confusion_matrix
d = json.load(open(sys.argv[1]))
Y = np.array(d['Y']); P = np.array(d['P']); S = np.array(d['S'])
p, r, f, sup = precision_recall_fscore_support(Y, P, average=None, zero_division=0)
conf = S.ravel(); hit = Y.ravel() == 1
ece = 0.0
edges = np.linspace(0, 1, 16)
for b in range(15):
    m = (conf > edges[b]) & (conf <= edges[b + 1]) if b else (conf <= edges[1])
    if m.any(): ece += m.mean() * abs(hit[m].mean() - conf[m].mean())
has = Y.sum(1) > 0
top1 = float(np.mean([Y[i, np.argmax(S[i])] == 1 for i in range(len(Y)) if has[i]]))
print(json.dumps({'p': p.tolist(), 'r': r.tolist(), 'f': f.tolist(), 'sup': sup.tolist(),
  'macro_f1': f1_score(Y, P, average='macro', zero_division=0), 'micro_f1': f1_score(Y, P, average='micro', zero_division=0),
  'subset': accuracy_score(Y, P), 'hamming': hamming_loss(Y, P), 'mcm': multilabel_confusion_matrix(Y, P).tolist(), 'ece': ece, 'top1': top1}))`,
    [await writeJson({ Y, P, S })],
  ) as Record<string, any>;
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9, `${what}: ours ${a}, scikit-learn ${b}`);
  assert.equal(rep.groups[0].n, 32);
  rep.per_class.forEach((c: any, k: number) => {
    close(c.precision, ref.p[k], `precision ${c.name}`);
    close(c.recall, ref.r[k], `recall ${c.name}`);
    close(c.f1, ref.f[k], `F1 ${c.name}`);
    assert.equal(c.support, ref.sup[k], `support ${c.name}`);
  });
  close(rep.macro_f1, ref.macro_f1, 'macro F1');
  close(rep.micro_f1, ref.micro_f1, 'micro F1');
  close(rep.subset_accuracy, ref.subset, 'subset accuracy');
  close(rep.hamming_loss, ref.hamming, 'hamming loss');
  assert.deepEqual(rep.confusion, ref.mcm, 'multilabel_confusion_matrix');
  close(rep.ece, ref.ece, 'per-label ECE');
  close(rep.top1, ref.top1, 'top-1 (a true label ranked first)');
  assert.ok(rep.subset_accuracy > 0 && rep.subset_accuracy < 1, `a non-trivial subset accuracy (${rep.subset_accuracy})`);

  const md = await cli(['eval', root, '--truth', 'human']);
  assert.equal(md.code, 0, md.err);
  assert.match(md.out, /\| images \| subset accuracy \| hamming loss \| micro F1 \| macro F1 \|/);
  assert.match(md.out, /\| label \| precision \| recall \| F1 \| support \| TN \| FP \| FN \| TP \|/);
  assert.equal((md.out.match(/data:image\/svg\+xml;base64/g) ?? []).length, 3, 'F1, reliability and coverage charts (no class × class matrix)');
});

test('eval with folder truth on a multi_label folder evaluates the top-1 category and says why', async () => {
  const r = await cli(['eval', root, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /note: multi_label predictions evaluated against one folder-name label per image.*--truth human/);
  const rep = JSON.parse(r.out);
  assert.equal(rep.evaluation, 'single_label');
  assert.equal(rep.groups[0].n, 36);
  assert.equal(rep.confusion.length, CATS.length, 'a class × class confusion matrix');
});

async function writeJson(v: unknown): Promise<string> {
  const f = path.join(await tempDir('eval-ml-ref-'), 'd.json');
  await fs.writeFile(f, JSON.stringify(v));
  return f;
}

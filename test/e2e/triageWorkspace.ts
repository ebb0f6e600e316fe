// Workspaces for the Image Triage scenarios: real photos, solid-colour images the tiny model can
// label, a categories file, a generated tiny model, and a large CIFAR folder with sidecars.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';
import { newSidecar } from '../../src/core/sidecar';
import { writeSidecar } from '../../src/core/sidecarStore';
import type { Prediction } from '../../src/core/types';
import { REPO_ROOT } from './paths';

export const DATASETS = path.resolve(REPO_ROOT, '..', 'shared', 'datasets');
export const XSS = '<img src=x onerror=alert(1)>';
/** An image whose file name is markup: it must show as text. */
export const XSS_FILE = '<b onmouseover=alert(2)>bold.png';

export const BROKEN = 'broken.jpg';

export const COLOUR_CATEGORIES = {
  mode: 'single_label',
  categories: [
    { name: 'red', description: `red ${XSS}` },
    { name: 'green', description: 'green' },
    { name: 'blue', description: 'blue' },
  ],
  // Only the description, so that the closest prompt (shown as evidence) carries the XSS string.
  templates: ['{description}'],
};

/**
 * ws/photos: `photos` hymenoptera photos, red/green/blue solid images (+ a blue one with a markup
 * file name), a broken "image" and categories.json; ws/models/tiny-clip: the tiny colour model.
 */
export async function makeTriageWorkspace(ws: string, photos = 12): Promise<{ folder: string; colours: Record<string, string> }> {
  const folder = path.join(ws, 'photos');
  fs.mkdirSync(folder, { recursive: true });
  const src = path.join(DATASETS, 'hymenoptera', 'val');
  const picks = ['ants', 'bees'].flatMap((cls) =>
    fs.readdirSync(path.join(src, cls)).sort().slice(0, photos / 2).map((f) => ({ from: path.join(src, cls, f), to: `${cls}_${f}` })),
  );
  for (const p of picks) fs.copyFileSync(p.from, path.join(folder, p.to));
  const colours: Record<string, string> = { 'red.png': 'red', 'green.png': 'green', 'blue.png': 'blue', [XSS_FILE]: 'blue' };
  for (const [file, colour] of Object.entries(colours)) fs.writeFileSync(path.join(folder, file), await solidColorPng(colour, 96));
  // A file that is not an image: its card shows the error, the others are unaffected.
  fs.writeFileSync(path.join(folder, BROKEN), 'this is not a jpeg');
  fs.writeFileSync(path.join(folder, 'categories.json'), '// colour categories for the tiny model\n' + JSON.stringify(COLOUR_CATEGORIES, null, 2));
  await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
  return { folder, colours };
}

export function cifarPrediction(label: string, names: string[], i: number, sha: string): Prediction {
  const p = 0.4 + ((i * 37) % 60) / 100;
  const scores = Object.fromEntries(names.map((n) => [n, n === label ? p : (1 - p) / (names.length - 1)]));
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  return {
    classifier: 'zero-shot',
    checkpoint: 'pre-written-for-e2e',
    revision: 'test',
    dtype: 'fp32',
    categories_hash: 'e2e',
    mode: 'single_label',
    created_at: '2025-01-01T00:00:00.000Z',
    image_sha256: sha,
    warnings: [],
    predicted_categories: [{ name: label, score: 5, confidence: p > 0.7 ? 'high' : 'medium', visual_evidence: `closest to ${label}` }],
    fits_any: true,
    category_scores: Object.fromEntries(names.map((n) => [n, n === label ? 5 : 1])),
    would_route_to: label,
    decision_basis: `closest to ${label}`,
    zero_shot: {
      score_kind: 'softmax',
      scores,
      cosines: scores,
      top5: ranked.slice(0, 5).map(([name, score]) => ({ name, score, cosine: score })),
      templates: ['a photo of {name}.'],
      logit_scale: 100,
    },
  };
}

/** `count` CIFAR-10 test images (flat, named <class>_<file>) with a sidecar each. Returns the folder and ids in name order. */
export async function makeCifarFolder(ws: string, count = 2000, withSidecars = true): Promise<{ folder: string; ids: string[] }> {
  const folder = path.join(ws, 'cifar');
  fs.mkdirSync(folder, { recursive: true });
  const src = path.join(DATASETS, 'cifar10-test');
  const classes = fs.readdirSync(src).sort();
  const per = Math.ceil(count / classes.length);
  const ids: string[] = [];
  for (const cls of classes) {
    for (const f of fs.readdirSync(path.join(src, cls)).sort().slice(0, per)) {
      if (ids.length >= count) break;
      const id = `${cls}_${f}`;
      const bytes = fs.readFileSync(path.join(src, cls, f));
      fs.writeFileSync(path.join(folder, id), bytes);
      ids.push(id);
      if (!withSidecars) continue;
      const sha = createHash('sha256').update(bytes).digest('hex');
      const sc = newSidecar({ name: id, sha256: sha, size: bytes.length });
      sc.predictions['zero-shot'] = cifarPrediction(cls, classes, ids.length, sha);
      await writeSidecar(path.join(folder, id), sc);
    }
  }
  const cats = { mode: 'single_label', categories: classes.map((c) => ({ name: c, description: `a photo of a ${c}` })) };
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify(cats, null, 2));
  return { folder, ids: ids.sort() };
}

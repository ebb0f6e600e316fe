// Ground truth × stored predictions → metrics per classifier and checkpoint. Truth comes from the
// image's parent folder name (CIFAR-10 / ImageNet layouts; matched to category names ignoring case,
// spaces and underscores) or from human labels (the export's label-source rule, human decisions only).
// Top-1 is the checkpoint's highest-scoring category (the CLIP protocol), not the card's route.
import type { Prediction, Sidecar } from '../types';
import { labelsFor } from '../export/labelSource';
import { computeMetrics, type EvalSample, type Metrics } from './metrics';

export type TruthSource = 'folders' | 'human';

export interface GroupReport extends Metrics {
  classifier: string;
  checkpoint: string;
  classes: string[];
  /** softmax / sigmoid for zero-shot; "card" for a VLM (1..5 scores, no probabilities). */
  score_kind: string;
  /** Images with truth whose prediction was made against other categories. */
  other_categories: number;
}

export interface EvalReport {
  folder: string;
  truth: TruthSource;
  images: number;
  with_truth: number;
  unmatched_folders: { folder: string; images: number }[];
  without_prediction: number;
  groups: GroupReport[];
  notes: string[];
}

export const normaliseName = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '');

function parentFolder(relPath: string): string | null {
  const parts = relPath.split(/[\\/]/);
  return parts.length > 1 ? parts[parts.length - 2] : null;
}

/** What evaluation reads of an image (folderIndex's IndexedImage and the panel's images both fit). */
export interface EvalImage {
  relPath: string;
  sidecar: Sidecar | null;
}

interface Truthful {
  img: EvalImage;
  truth: string;
}

function ranking(p: Prediction, classes: string[]): { ranked: number[]; confidence: number | null; noPrediction: boolean; kind: string } {
  const order = (score: (c: string) => number, first: string[] = []) =>
    classes.map((c, i) => ({ i, s: score(c), f: first.includes(c) ? 1 : 0 })).sort((a, b) => b.f - a.f || b.s - a.s || a.i - b.i).map((x) => x.i);
  const zs = p.zero_shot;
  if (zs && classes.every((c) => typeof zs.scores[c] === 'number')) {
    const ranked = order((c) => zs.scores[c]);
    return { ranked, confidence: zs.scores[classes[ranked[0]]], noPrediction: false, kind: zs.score_kind };
  }
  const chosen = p.predicted_categories.map((c) => c.name).filter((n) => classes.includes(n));
  const ranked = order((c) => p.category_scores[c] ?? 0, chosen.slice(0, 1));
  return { ranked, confidence: null, noPrediction: chosen.length === 0, kind: 'card' };
}

export function evaluate(images: readonly EvalImage[], opts: { folder: string; truth: TruthSource }): EvalReport {
  const notes: string[] = [];
  const truthful: Truthful[] = [];
  const unmatched = new Map<string, number>();
  // Category names known to the folder's predictions, normalised → name.
  const known = new Map<string, string>();
  for (const img of images) for (const p of Object.values(img.sidecar?.predictions ?? {})) for (const c of Object.keys(p?.category_scores ?? {})) known.set(normaliseName(c), c);
  for (const img of images) {
    if (opts.truth === 'folders') {
      const folder = parentFolder(img.relPath);
      const name = folder === null ? undefined : known.get(normaliseName(folder));
      if (name === undefined) unmatched.set(folder ?? '(top level)', (unmatched.get(folder ?? '(top level)') ?? 0) + 1);
      else truthful.push({ img, truth: name });
    } else if (img.sidecar) {
      const o = labelsFor(img.sidecar, 'human');
      if ('ok' in o && o.ok.labels.length === 1) truthful.push({ img, truth: o.ok.labels[0] });
    }
  }
  const groups = new Map<string, Truthful[]>();
  let withoutPrediction = 0;
  for (const t of truthful) {
    const preds = Object.values(t.img.sidecar?.predictions ?? {}).filter((p): p is Prediction => !!p);
    if (!preds.length) withoutPrediction++;
    for (const p of preds) {
      const key = JSON.stringify([p.classifier, p.checkpoint]);
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(t);
    }
  }
  const out: GroupReport[] = [];
  for (const [key, members] of groups) {
    const [classifier, checkpoint] = JSON.parse(key) as [Prediction['classifier'], string];
    // The category set most predictions of this checkpoint were made against.
    const hashes = new Map<string, { n: number; classes: string[] }>();
    for (const m of members) {
      const p = m.img.sidecar!.predictions[classifier]!;
      const h = hashes.get(p.categories_hash) ?? { n: 0, classes: Object.keys(p.category_scores) };
      h.n++;
      hashes.set(p.categories_hash, h);
    }
    const [mainHash, main] = [...hashes.entries()].sort((a, b) => b[1].n - a[1].n)[0];
    const samples: EvalSample[] = [];
    let kind = 'card';
    let other = 0;
    for (const m of members) {
      const p = m.img.sidecar!.predictions[classifier]!;
      const truth = main.classes.indexOf(m.truth);
      if (p.categories_hash !== mainHash || truth < 0) {
        other++;
        continue;
      }
      const r = ranking(p, main.classes);
      kind = r.kind;
      samples.push({ truth, ranked: r.ranked, confidence: r.confidence, noPrediction: r.noPrediction });
    }
    out.push({ classifier, checkpoint, classes: main.classes, score_kind: kind, other_categories: other, ...computeMetrics(main.classes, samples) });
  }
  out.sort((a, b) => b.n - a.n);
  if (out.some((g) => g.classes.length <= 5)) notes.push('With 5 or fewer categories top-5 accuracy is 100% by construction.');
  if (out.some((g) => g.score_kind === 'sigmoid')) notes.push('SigLIP sigmoid scores are independent per category, not a distribution: their ECE says how far the top score is from the hit rate, nothing more.');
  if (out.some((g) => g.score_kind === 'card')) notes.push('VLM predictions have 1–5 card scores, not probabilities: no ECE; top-5 ranks categories by card score.');
  return {
    folder: opts.folder,
    truth: opts.truth,
    images: images.length,
    with_truth: truthful.length,
    unmatched_folders: [...unmatched].map(([folder, n]) => ({ folder, images: n })).sort((a, b) => b.images - a.images),
    without_prediction: withoutPrediction,
    groups: out,
    notes,
  };
}

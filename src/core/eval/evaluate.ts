// Ground truth × stored predictions → metrics per classifier and checkpoint. Truth comes from the
// image's parent folder name (CIFAR-10 / ImageNet layouts; matched to category names ignoring case,
// spaces and underscores) or from human labels (the export's label-source rule, human decisions only).
// Top-1 is the checkpoint's highest-scoring category (the CLIP protocol), not the card's route.
// A multi_label category set against human label sets gets set metrics (multiLabel.ts); against folder
// names (one label per image) it gets the single-label top-1 metrics, and a note says so.
import type { Mode, Prediction, Sidecar } from '../types';
import { labelsFor } from '../export/labelSource';
import { computeMetrics, type EvalSample, type Metrics } from './metrics';
import { computeMultiLabelMetrics, type MultiLabelExtra, type MultiLabelSample } from './multiLabel';

export type TruthSource = 'folders' | 'human';

export interface GroupReport extends Metrics {
  classifier: string;
  checkpoint: string;
  classes: string[];
  /** softmax / sigmoid for zero-shot; "card" for a VLM (1..5 scores, no probabilities). */
  score_kind: string;
  /** Images with truth whose prediction was made against other categories. */
  other_categories: number;
  /** The category set's mode, and how it was evaluated (multi_label only against human label sets). */
  mode: Mode;
  evaluation: Mode;
  /** Set metrics of a multi_label evaluation (per-label confusion, subset accuracy, micro averages). */
  multi_label?: MultiLabelExtra;
  /** Human-truth images left out of a single_label evaluation because they have no or several labels. */
  not_single?: number;
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
  /** The true labels: one from a folder name; any number from a human review (none: rejected). */
  truth: string[];
}

function ranking(p: Prediction, classes: string[]): { ranked: number[]; confidence: number | null; noPrediction: boolean; kind: string; scores: number[] | null } {
  const order = (score: (c: string) => number, first: string[] = []) =>
    classes.map((c, i) => ({ i, s: score(c), f: first.includes(c) ? 1 : 0 })).sort((a, b) => b.f - a.f || b.s - a.s || a.i - b.i).map((x) => x.i);
  const zs = p.zero_shot;
  if (zs && classes.every((c) => typeof zs.scores[c] === 'number')) {
    const ranked = order((c) => zs.scores[c]);
    return { ranked, confidence: zs.scores[classes[ranked[0]]], noPrediction: false, kind: zs.score_kind, scores: classes.map((c) => zs.scores[c]) };
  }
  const chosen = p.predicted_categories.map((c) => c.name).filter((n) => classes.includes(n));
  const ranked = order((c) => p.category_scores[c] ?? 0, chosen.slice(0, 1));
  return { ranked, confidence: null, noPrediction: chosen.length === 0, kind: 'card', scores: null };
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
      else truthful.push({ img, truth: [name] });
    } else if (img.sidecar) {
      const o = labelsFor(img.sidecar, 'human');
      if ('ok' in o) truthful.push({ img, truth: o.ok.labels });
    }
  }
  const groups = new Map<string, Truthful[]>();
  let withoutPrediction = 0;
  let multiByFolder = false;
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
    const hashes = new Map<string, { n: number; classes: string[]; mode: Mode }>();
    for (const m of members) {
      const p = m.img.sidecar!.predictions[classifier]!;
      const h = hashes.get(p.categories_hash) ?? { n: 0, classes: Object.keys(p.category_scores), mode: p.mode === 'multi_label' ? 'multi_label' : 'single_label' };
      h.n++;
      hashes.set(p.categories_hash, h);
    }
    const [mainHash, main] = [...hashes.entries()].sort((a, b) => b[1].n - a[1].n)[0];
    const multi = main.mode === 'multi_label' && opts.truth === 'human';
    if (main.mode === 'multi_label' && !multi) multiByFolder = true;
    const samples: EvalSample[] = [];
    const sets: MultiLabelSample[] = [];
    let kind = 'card';
    let other = 0;
    let notSingle = 0;
    for (const m of members) {
      const p = m.img.sidecar!.predictions[classifier]!;
      const truth = m.truth.map((t) => main.classes.indexOf(t));
      if (p.categories_hash !== mainHash || truth.some((t) => t < 0)) {
        other++;
        continue;
      }
      if (!multi && truth.length !== 1) {
        notSingle++;
        continue;
      }
      const r = ranking(p, main.classes);
      kind = r.kind;
      if (multi) sets.push({ truth, predicted: p.predicted_categories.map((c) => main.classes.indexOf(c.name)).filter((k) => k >= 0), ranked: r.ranked, scores: r.scores });
      else samples.push({ truth: truth[0], ranked: r.ranked, confidence: r.confidence, noPrediction: r.noPrediction });
    }
    const metrics = multi ? computeMultiLabelMetrics(main.classes, sets) : computeMetrics(main.classes, samples);
    out.push({
      classifier, checkpoint, classes: main.classes, score_kind: kind, other_categories: other, mode: main.mode, evaluation: multi ? 'multi_label' : 'single_label',
      ...(notSingle ? { not_single: notSingle } : {}), ...metrics,
    });
  }
  out.sort((a, b) => b.n - a.n);
  if (out.some((g) => g.classes.length <= 5)) notes.push('With 5 or fewer categories top-5 accuracy is 100% by construction.');
  if (out.some((g) => g.score_kind === 'sigmoid')) notes.push('SigLIP sigmoid scores are independent per category, not a distribution: their ECE says how far the top score is from the hit rate, nothing more.');
  if (multiByFolder) notes.push('multi_label predictions evaluated against one folder-name label per image: top-1 is the highest-scoring category. For set metrics (per-label precision/recall/F1, subset accuracy, hamming loss), evaluate against human label sets: --truth human.');
  if (out.some((g) => g.evaluation === 'multi_label')) notes.push('multi_label: per-label precision/recall/F1 compare the predicted set (categories scored 4 or 5) with the human set; subset accuracy needs the whole set right; top-k counts an image when a true label is among its k highest-scoring categories (images with at least one true label); ECE pairs every category score with whether the category is a true label.');
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

// The human labels an adapter learns from: a person's review (accepted, overridden, or stale: the
// person's labels stand) with exactly one label, else an audit verdict that names the right category
// (category right → the predicted one; wrong → the one the auditor gave). Machine decisions
// (auto-accepted) and rejections ("none of these") are not labels of a category.
import type { Sidecar } from '../types';

const HUMAN = new Set(['accepted', 'overridden', 'stale']);

export interface HumanLabel {
  relPath: string;
  path: string;
  sha256: string;
  label: string;
  source: 'review' | 'audit';
}

export function humanLabels(images: readonly { path: string; relPath: string; sidecar: Sidecar | null }[], categories: readonly string[]): HumanLabel[] {
  const known = new Set(categories);
  const out: HumanLabel[] = [];
  for (const img of images) {
    const sc = img.sidecar;
    if (!sc) continue;
    let label: string | undefined;
    let source: HumanLabel['source'] = 'review';
    if (HUMAN.has(sc.review.status) && sc.review.labels.length === 1) label = sc.review.labels[0];
    else if (sc.review.status === 'pending') {
      const e = [...sc.audit].reverse().find((a) => a.status === 'done' && a.category_correct !== undefined);
      if (e?.category_correct === false && e.correct_category) label = e.correct_category;
      else if (e?.category_correct === true && e.predicted_labels.length === 1) label = e.predicted_labels[0];
      source = 'audit';
    }
    if (label !== undefined && known.has(label)) out.push({ relPath: img.relPath, path: img.path, sha256: sc.image.sha256, label, source });
  }
  return out;
}

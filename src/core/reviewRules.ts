// The review rules both sides of the panel apply: which labels an image has now, and what "accept"
// needs. Pure, no imports but types: the host (core, review session) and the webview (through
// src/shared/protocol.ts) use these same functions.
import type { ReviewStatus } from './types';

/** What the rules need to know about an image: a sidecar's review and prediction, or a panel summary. */
export interface LabelState {
  status: ReviewStatus;
  /** The human's labels (meaningful once the status is not pending). */
  reviewLabels: readonly string[];
  /** The primary prediction's labels, best first; empty when nothing fits or not classified. */
  predicted: readonly string[];
}

/** The labels an image has now: the human's once decided (any status but pending), else the prediction's. */
export function currentLabels(s: LabelState): readonly string[] {
  return s.status === 'pending' ? s.predicted : s.reviewLabels;
}

/** "Accept" takes the prediction's labels, so only an image with a prediction can be accepted. */
export function canAccept(img: { classified: boolean }): boolean {
  return img.classified;
}

/** Why an accept of these images (none of which has a prediction, first named) cannot be done. */
export function nothingToAccept(id: string): string {
  return `Nothing to accept: ${id} has no prediction yet. Assign a category with 1–9 instead.`;
}

/** Labels after a multi-label toggle: `label` added (on) or removed (off) from the current ones. */
export function toggledLabels(current: readonly string[], label: string, on: boolean): string[] {
  const labels = current.filter((l) => l !== label);
  if (on) labels.push(label);
  return labels;
}

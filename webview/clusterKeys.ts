// The Clusters view's keys and bulk decisions. Pure (plain key descriptions and summaries): unit
// tested. A cluster's decisions go through the grid's `decide` request, on its still-unreviewed images.
import { currentLabels, type CategoryInfo, type Decision, type ImageSummary, type ReviewCluster } from '../src/shared/protocol';
import type { Mode } from '../src/core/types';
import type { KeyInput } from './keyboard';

export type ClusterKeyAction =
  | { kind: 'move'; by: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'accept' }
  | { kind: 'assign'; index: number }
  | { kind: 'reject' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'addCategory' }
  | { kind: 'recompute' }
  | { kind: 'help' }
  | { kind: 'grid' };

export function clusterKeyAction(e: KeyInput): ClusterKeyAction | null {
  if (e.altKey) return null;
  if (e.ctrlKey || e.metaKey) {
    const k = e.key.toLowerCase();
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y' && !e.shiftKey) return { kind: 'redo' };
    return null;
  }
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return { kind: 'move', by: 1 };
    case 'ArrowUp':
    case 'k':
      return { kind: 'move', by: -1 };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case 'Enter':
    case 'a':
      return { kind: 'accept' };
    case 'x':
      return { kind: 'reject' };
    case 'u':
      return { kind: 'undo' };
    case 'n':
      return { kind: 'addCategory' };
    case 'r':
      return { kind: 'recompute' };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'grid' };
  }
  if (/^[1-9]$/.test(e.key) && !e.shiftKey) return { kind: 'assign', index: Number(e.key) - 1 };
  return null;
}

export const CLUSTER_SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '↑ ↓, j / k, Home / End', action: 'Previous / next cluster, first / last' },
  { keys: 'Enter or a', action: "Accept the cluster's prediction for all its unreviewed images" },
  { keys: '1 – 9', action: 'Label all its unreviewed images with category N (toggles in multi-label mode)' },
  { keys: 'x', action: 'Reject all: none of these categories' },
  { keys: 'u or Ctrl+Z / Ctrl+Shift+Z', action: 'Undo / redo (the same undo as the grid)' },
  { keys: 'n', action: 'Add category… from this cluster (writes categories.json, re-scores)' },
  { keys: 'r', action: 'Recompute the clusters' },
  { keys: 'Esc', action: 'Back to the image grid' },
];

/** The cluster's images still unreviewed (pending), in the cluster's order. */
export function pendingIds(c: ReviewCluster, images: ReadonlyMap<string, ImageSummary>): string[] {
  return c.ids.filter((id) => images.get(id)?.status === 'pending');
}

/** A prediction as a key: its labels as a set (the host groups by the same key). */
export const predictionKey = (labels: readonly string[]): string => JSON.stringify([...labels].sort());

/** How a cluster's prediction reads: its labels, or that no category fits. */
export const majorityText = (c: Pick<ReviewCluster, 'majority'>): string => (c.majority.length ? c.majority.join(' + ') : 'fits no category');

export interface BulkDecision {
  decision: Decision;
  ids: string[];
  /** For notices and the undo entry, e.g. "accept red for 12 images". */
  label: string;
}

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

/**
 * The decision a key makes on a cluster's unreviewed images, or a reason it makes none.
 * Accept sets the cluster's (majority) prediction on each: an image predicted otherwise is thereby
 * overridden, which the strip marks before the key is pressed.
 */
export function bulkDecision(
  a: Extract<ClusterKeyAction, { kind: 'accept' | 'assign' | 'reject' }>,
  c: ReviewCluster,
  all: ReadonlyMap<string, ImageSummary>,
  categories: readonly CategoryInfo[],
  mode: Mode,
): BulkDecision | { none: string } {
  const ids = pendingIds(c, all);
  if (!ids.length) return { none: 'Every image of this cluster is reviewed already (u undoes).' };
  if (a.kind === 'reject') return { decision: { action: 'reject' }, ids, label: `reject ${images(ids.length)}` };
  if (a.kind === 'accept') return { decision: { action: 'label', labels: [...c.majority] }, ids, label: `accept "${majorityText(c)}" for ${images(ids.length)}` };
  const cat = categories[a.index];
  if (!cat) return { none: `There is no category ${a.index + 1}: this set has ${categories.length}.` };
  if (mode === 'multi_label') {
    const on = !ids.every((id) => currentLabels(all.get(id)!).includes(cat.name));
    return { decision: { action: 'toggle', label: cat.name, on }, ids, label: `${on ? 'add' : 'remove'} ${cat.name} on ${images(ids.length)}` };
  }
  return { decision: { action: 'label', labels: [cat.name] }, ids, label: `label ${images(ids.length)} ${cat.name}` };
}

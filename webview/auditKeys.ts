// Keys of the audit view and how a key press becomes a verdict. Pure (plain key descriptions and
// data): unit tested. The shortcut sheet's audit section is generated from AUDIT_SHORTCUTS.
import type { AuditVerdict } from '../src/core/types';
import type { AuditItem } from '../src/shared/auditData';
import type { KeyInput } from './keyboard';

export type AuditKeyAction =
  | { kind: 'evidence'; verdict: Exclude<AuditVerdict, 'skip'> }
  | { kind: 'skip' }
  | { kind: 'categoryRight' }
  | { kind: 'categoryWrong' }
  | { kind: 'note' }
  | { kind: 'move'; to: 'prev' | 'next' | 'first' | 'last' }
  | { kind: 'undo' }
  | { kind: 'help' }
  | { kind: 'leave' };

export function auditKeyAction(e: KeyInput): AuditKeyAction | null {
  if (e.altKey) return null;
  if (e.ctrlKey || e.metaKey) return e.key.toLowerCase() === 'z' && !e.shiftKey ? { kind: 'undo' } : null;
  switch (e.key) {
    case '1':
      return { kind: 'evidence', verdict: 'accurate' };
    case '2':
      return { kind: 'evidence', verdict: 'partly' };
    case '3':
      return { kind: 'evidence', verdict: 'hallucinated' };
    case 'c':
      return { kind: 'categoryRight' };
    case 'w':
      return { kind: 'categoryWrong' };
    case 's':
      return { kind: 'skip' };
    case 'n':
      return { kind: 'note' };
    case 'u':
      return { kind: 'undo' };
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'k':
      return { kind: 'move', to: 'prev' };
    case 'ArrowRight':
    case 'ArrowDown':
    case 'j':
      return { kind: 'move', to: 'next' };
    case 'Home':
      return { kind: 'move', to: 'first' };
    case 'End':
      return { kind: 'move', to: 'last' };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'leave' };
  }
  return null;
}

export const AUDIT_SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '1', action: 'Visual evidence accurate (saves, then the next image)' },
  { keys: '2', action: 'Evidence partly right' },
  { keys: '3', action: 'Evidence hallucinated: it describes what is not in the image' },
  { keys: 'c', action: 'Category right (assumed when you only judge the evidence). Zero-shot: saves alone, then the next image' },
  { keys: 'w', action: 'Category wrong: choose the right one (1–9, arrows + Enter). Zero-shot: saves alone' },
  { keys: 's', action: 'Skip this image (not counted in the rates)' },
  { keys: 'n', action: 'Add or edit a note' },
  { keys: 'u or Ctrl+Z', action: 'Undo the last verdict (restores the sidecar exactly)' },
  { keys: '← → (j / k), Home / End', action: 'Previous / next image in the sample' },
  { keys: 'Esc', action: 'Leave audit mode' },
];

/** A change to an item's verdict that one key (or the chooser, or the note) asks for. */
export interface VerdictChange {
  verdict?: AuditVerdict;
  categoryCorrect?: boolean;
  correctCategory?: string;
  note?: string;
}

/** What a verdict message carries, apart from its type, request id, image and classifier. */
export interface VerdictFields {
  /** Absent only for a zero-shot prediction judged on its category alone. */
  verdict?: AuditVerdict;
  categoryCorrect?: boolean;
  correctCategory?: string;
  note?: string;
}

const defined = (o: VerdictChange): VerdictChange => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * Whether a category verdict alone completes the item: a zero-shot prediction claims no visual
 * evidence (its "evidence" is the closest prompt), so, as with `audit mark --category-right`, its
 * evidence verdict is optional. A certification sample is judged this way.
 */
export const evidenceOptional = (item: Pick<AuditItem, 'classifier'>): boolean => item.classifier === 'zero-shot';

/**
 * The full verdict to write after `change`: the item's recorded verdict (or the judgments held for it
 * while it has none), with the change applied. Judging only the evidence records the category as
 * right, as the CLI does; a skip carries no category judgment. A category judgment on a VLM
 * prediction is held (`held` gets it) until its evidence verdict; on a zero-shot prediction it is
 * written alone (a category judgment on a skipped one replaces the skip).
 */
export function nextVerdict(item: AuditItem, held: VerdictChange, change: VerdictChange): { fields: VerdictFields | null; held: VerdictChange } {
  const recorded: VerdictChange =
    item.status === 'done'
      ? { verdict: item.verdict, categoryCorrect: item.categoryCorrect, correctCategory: item.correctCategory, note: item.note }
      : {};
  const next: VerdictChange = { ...defined(recorded), ...defined(held), ...defined(change) };
  if (change.categoryCorrect !== undefined && change.correctCategory === undefined) delete next.correctCategory;
  if (change.correctCategory !== undefined) next.categoryCorrect = false;
  const judgesCategory = change.categoryCorrect !== undefined || change.correctCategory !== undefined;
  const alone = evidenceOptional(item);
  if (alone && next.verdict === 'skip' && judgesCategory && change.verdict === undefined) delete next.verdict;
  const hold = (): { fields: null; held: VerdictChange } => {
    const { verdict: _v, ...keep } = next;
    return { fields: null, held: defined(keep) };
  };
  if (!next.verdict && !(alone && next.categoryCorrect !== undefined)) return hold();
  if (next.verdict === 'skip' && judgesCategory && change.verdict === undefined) return hold();
  const fields: VerdictFields = {};
  if (next.verdict) fields.verdict = next.verdict;
  if (next.verdict !== 'skip') {
    fields.categoryCorrect = next.categoryCorrect ?? true;
    if (!fields.categoryCorrect && next.correctCategory) fields.correctCategory = next.correctCategory;
  }
  if (next.note?.trim()) fields.note = next.note.trim();
  return { fields, held: {} };
}

/** The next item after `from`, other than it, still awaiting a verdict (wrapping around), or -1. */
export function nextAwaiting(items: readonly AuditItem[], from: number): number {
  for (let k = 1; k < items.length; k++) {
    const i = (from + k) % items.length;
    if (items[i].status === 'awaiting') return i;
  }
  return -1;
}

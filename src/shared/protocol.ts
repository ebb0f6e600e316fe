// The one message protocol between the review panel's host (extension) and its webview.
// Both sides import these types; the host runs `parseWebviewMessage` on every incoming message and
// refuses anything that does not match. Host → webview messages are "notifications" (state pushed to
// the view); webview → host messages are "commands" (requests for data or for a write).
// Pure module: no vscode, no DOM, no Node imports.
import type { AuditVerdict, ClassifierKind, Confidence, Mode, ReviewStatus, Sidecar } from '../core/types';
import type { AuditState, DashboardData, LabelIssues } from './auditData';

/** What the grid needs to know about one image. Compact: a folder may hold 10,000 of them. */
export interface ImageSummary {
  /** Path relative to the reviewed folder, '/' separated. The image's identity in every message. */
  id: string;
  name: string;
  status: ReviewStatus;
  /** Human labels (decided reviews). */
  reviewLabels: string[];
  /** Labels of the primary prediction, best first. Empty when nothing fits or not classified. */
  predicted: string[];
  classified: boolean;
  /** Card score (1..5) of the best predicted category, or of the best category when nothing fits. */
  cardScore: number | null;
  /** The model's own score of the best category in [0,1] (zero-shot), when known. Not calibrated. */
  rawScore: number | null;
  /** Best minus second-best score; small = uncertain. Raw scores when known, else card scores / 5. */
  margin: number | null;
  confidence: Confidence | null;
  fitsAny: boolean | null;
  route: string | null;
  inReviewQueue: boolean;
  /** Classification error or unreadable sidecar, as a message naming what to do. */
  error: string | null;
  checkpoint: string | null;
  /** Fingerprint of the review on disk; a write carries it so that a stale view never overwrites. */
  rev: string;
}

export interface CategoryInfo {
  name: string;
  description: string;
}

export interface PanelInit {
  folderName: string;
  /** Where the categories came from (a file path, or "derived from sidecars"). */
  categoriesSource: string;
  mode: Mode;
  categories: CategoryInfo[];
  images: ImageSummary[];
  /** Display size of thumbnails in CSS pixels. */
  thumbnailSize: number;
  running: boolean;
}

export type Decision =
  | { action: 'accept' }
  | { action: 'reject' }
  /** Set exactly these labels. */
  | { action: 'label'; labels: string[] }
  /** Multi-label: add (on) or remove (off) one label from each image's current labels. */
  | { action: 'toggle'; label: string; on: boolean };

export interface RunState {
  state: 'idle' | 'loading' | 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  message?: string;
}

// ---- host → webview -----------------------------------------------------------------------------

export type HostMessage =
  | { type: 'init'; init: PanelInit }
  /** New or changed images (live results, writes, external changes). */
  | { type: 'upsert'; images: ImageSummary[]; external: boolean }
  | { type: 'remove'; ids: string[] }
  | { type: 'thumbs'; items: { id: string; uri?: string; error?: string }[] }
  | { type: 'detail'; id: string; sidecar: Sidecar | null; src: string | null; sidecarError: string | null }
  | { type: 'run'; run: RunState }
  /** Answer to a `decide`, `undo` or `redo`. `changeId` identifies the change for undo/redo. */
  | {
      type: 'writeResult';
      requestId: number;
      ok: boolean;
      changeId?: number;
      /** Images whose sidecar changed on disk since the view saw them: nothing was written to them. */
      conflicts: string[];
      error?: string;
    }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string }
  /** The audit sample in progress (null: none). `enter` switches the panel to audit mode. */
  | { type: 'audit'; audit: AuditState | null; enter: boolean }
  /** Answer to an `auditVerdict` or `auditUndo`; `undone` names the unit an undo restored. */
  | { type: 'auditResult'; requestId: number; ok: boolean; error?: string; undone?: { id: string; classifier: ClassifierKind } }
  | { type: 'dashboard'; data: DashboardData }
  | { type: 'labelIssues'; issues: LabelIssues };

// ---- webview → host -----------------------------------------------------------------------------

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'requestThumbs'; ids: string[] }
  | { type: 'requestDetail'; id: string }
  | { type: 'decide'; requestId: number; decision: Decision; targets: { id: string; rev: string }[] }
  | { type: 'undo'; requestId: number; changeId: number }
  | { type: 'redo'; requestId: number; changeId: number }
  | { type: 'openSidecar'; id: string }
  /** Runs "Start Audit" on this panel's folder. */
  | { type: 'startAudit' }
  /** A verdict on one sampled prediction; written at once (a later verdict on the unit replaces it). */
  | {
      type: 'auditVerdict';
      requestId: number;
      id: string;
      classifier: ClassifierKind;
      verdict: AuditVerdict;
      categoryCorrect?: boolean;
      /** The right category when the predicted one is wrong: one of the panel's categories. */
      correctCategory?: string;
      note?: string;
    }
  /** Restores the audit list the last verdict replaced. */
  | { type: 'auditUndo'; requestId: number }
  | { type: 'requestDashboard' }
  | { type: 'requestLabelIssues' }
  /** Runs "Export Trust Report" on this panel's folder. */
  | { type: 'exportReport' };

export type HostMessageType = HostMessage['type'];
export type WebviewMessageType = WebviewMessage['type'];
export type HostMessageOf<T extends HostMessageType> = Extract<HostMessage, { type: T }>;
export type WebviewMessageOf<T extends WebviewMessageType> = Extract<WebviewMessage, { type: T }>;

// ---- runtime validation of incoming (webview → host) messages ---------------------------------

export const LIMITS = {
  /** Longest image id (relative path) accepted. */
  idLength: 4096,
  /** Most images one message may name (bulk actions over a 10,000-image filter are fine). */
  ids: 100_000,
  labels: 64,
  labelLength: 256,
  revLength: 128,
  noteLength: 2000,
} as const;

/** What the host knows, for the checks that need it: is an image in the folder, is a name a category. */
export interface KnownNames {
  image(id: string): boolean;
  category(name: string): boolean;
}

const CLASSIFIERS: readonly ClassifierKind[] = ['zero-shot', 'vlm'];
const VERDICTS: readonly AuditVerdict[] = ['accurate', 'partly', 'hallucinated', 'skip'];

export type ParseResult = { ok: true; message: WebviewMessage } | { ok: false; problem: string };

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= LIMITS.idLength && !v.includes('\0');
}

function onlyKeys(o: Obj, allowed: string[]): string | null {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return `unexpected field "${k}"`;
  return null;
}

function parseDecision(v: unknown): Decision | string {
  if (!isObj(v)) return 'decision is not an object';
  if (v.action === 'accept' || v.action === 'reject') {
    return onlyKeys(v, ['action']) ?? { action: v.action };
  }
  if (v.action === 'label') {
    const extra = onlyKeys(v, ['action', 'labels']);
    if (extra) return extra;
    const labels = v.labels;
    if (!Array.isArray(labels) || labels.length > LIMITS.labels) return 'labels must be a short list';
    for (const l of labels) {
      if (typeof l !== 'string' || l.length === 0 || l.length > LIMITS.labelLength) return 'a label is not a non-empty string';
    }
    return { action: 'label', labels: [...(labels as string[])] };
  }
  if (v.action === 'toggle') {
    const extra = onlyKeys(v, ['action', 'label', 'on']);
    if (extra) return extra;
    if (typeof v.label !== 'string' || v.label.length === 0 || v.label.length > LIMITS.labelLength) return 'label is not a non-empty string';
    if (typeof v.on !== 'boolean') return 'on must be true or false';
    return { action: 'toggle', label: v.label, on: v.on };
  }
  return 'unknown decision action';
}

function parseVerdict(raw: Obj, known?: KnownNames): WebviewMessageOf<'auditVerdict'> | string {
  const e = onlyKeys(raw, ['type', 'requestId', 'id', 'classifier', 'verdict', 'categoryCorrect', 'correctCategory', 'note']);
  if (e) return e;
  if (!isInt(raw.requestId)) return 'requestId must be a non-negative integer';
  if (!isId(raw.id)) return 'id must be an image id';
  if (known && !known.image(raw.id)) return 'unknown image';
  if (!CLASSIFIERS.includes(raw.classifier as ClassifierKind)) return 'classifier must be "zero-shot" or "vlm"';
  if (!VERDICTS.includes(raw.verdict as AuditVerdict)) return `verdict must be one of ${VERDICTS.join(', ')}`;
  const m: WebviewMessageOf<'auditVerdict'> = {
    type: 'auditVerdict',
    requestId: raw.requestId,
    id: raw.id,
    classifier: raw.classifier as ClassifierKind,
    verdict: raw.verdict as AuditVerdict,
  };
  if (raw.categoryCorrect !== undefined) {
    if (typeof raw.categoryCorrect !== 'boolean') return 'categoryCorrect must be true or false';
    m.categoryCorrect = raw.categoryCorrect;
  }
  if (raw.correctCategory !== undefined) {
    const c = raw.correctCategory;
    if (typeof c !== 'string' || !c.trim() || c.length > LIMITS.labelLength) return 'correctCategory is not a non-empty string';
    if (known && !known.category(c)) return 'correctCategory is not a known category';
    if (m.categoryCorrect === true) return 'a right category was given, but the category was marked correct';
    m.correctCategory = c;
  }
  if (m.verdict === 'skip' && (m.categoryCorrect !== undefined || m.correctCategory !== undefined)) return 'a skipped image gets no category judgment';
  if (raw.note !== undefined) {
    if (typeof raw.note !== 'string' || raw.note.length > LIMITS.noteLength) return `note must be text of at most ${LIMITS.noteLength} characters`;
    m.note = raw.note;
  }
  return m;
}

/**
 * Checks the shape of a message from the webview. With `known`, the audit messages are also checked
 * against the folder (is the image known, is the right category one of the categories); the host
 * checks the ids of the other messages itself once the shape is right.
 */
export function parseWebviewMessage(raw: unknown, known?: KnownNames): ParseResult {
  const bad = (problem: string): ParseResult => ({ ok: false, problem });
  if (!isObj(raw)) return bad('message is not an object');
  switch (raw.type) {
    case 'ready': {
      const e = onlyKeys(raw, ['type']);
      return e ? bad(e) : { ok: true, message: { type: 'ready' } };
    }
    case 'requestThumbs': {
      const e = onlyKeys(raw, ['type', 'ids']);
      if (e) return bad(e);
      if (!Array.isArray(raw.ids) || raw.ids.length > LIMITS.ids || !raw.ids.every(isId)) return bad('ids must be a list of image ids');
      return { ok: true, message: { type: 'requestThumbs', ids: [...(raw.ids as string[])] } };
    }
    case 'requestDetail':
    case 'openSidecar': {
      const e = onlyKeys(raw, ['type', 'id']);
      if (e) return bad(e);
      if (!isId(raw.id)) return bad('id must be an image id');
      return { ok: true, message: { type: raw.type, id: raw.id } };
    }
    case 'decide': {
      const e = onlyKeys(raw, ['type', 'requestId', 'decision', 'targets']);
      if (e) return bad(e);
      if (!isInt(raw.requestId)) return bad('requestId must be a non-negative integer');
      const decision = parseDecision(raw.decision);
      if (typeof decision === 'string') return bad(decision);
      const t = raw.targets;
      if (!Array.isArray(t) || t.length === 0 || t.length > LIMITS.ids) return bad('targets must be a non-empty list');
      const targets: { id: string; rev: string }[] = [];
      for (const x of t) {
        if (!isObj(x) || onlyKeys(x, ['id', 'rev']) || !isId(x.id)) return bad('a target is not {id, rev}');
        if (typeof x.rev !== 'string' || x.rev.length > LIMITS.revLength) return bad('a target rev is not a short string');
        targets.push({ id: x.id, rev: x.rev });
      }
      return { ok: true, message: { type: 'decide', requestId: raw.requestId, decision, targets } };
    }
    case 'undo':
    case 'redo': {
      const e = onlyKeys(raw, ['type', 'requestId', 'changeId']);
      if (e) return bad(e);
      if (!isInt(raw.requestId) || !isInt(raw.changeId)) return bad('requestId and changeId must be non-negative integers');
      return { ok: true, message: { type: raw.type, requestId: raw.requestId, changeId: raw.changeId } };
    }
    case 'startAudit':
    case 'requestDashboard':
    case 'requestLabelIssues':
    case 'exportReport': {
      const e = onlyKeys(raw, ['type']);
      return e ? bad(e) : { ok: true, message: { type: raw.type } };
    }
    case 'auditVerdict': {
      const m = parseVerdict(raw, known);
      return typeof m === 'string' ? bad(m) : { ok: true, message: m };
    }
    case 'auditUndo': {
      const e = onlyKeys(raw, ['type', 'requestId']);
      if (e) return bad(e);
      if (!isInt(raw.requestId)) return bad('requestId must be a non-negative integer');
      return { ok: true, message: { type: 'auditUndo', requestId: raw.requestId } };
    }
    default:
      return bad(`unknown message type ${JSON.stringify(String(raw.type)).slice(0, 60)}`);
  }
}

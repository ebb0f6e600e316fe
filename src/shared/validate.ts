// The host-side validator every message from the webview goes through: one parser per message type,
// in a table the compiler checks is complete (a type declared in protocol.ts without a parser here
// does not build). Parsers copy field by field, refuse unknown fields, and check every image id
// against the folder in one place (`imageId`). A refused request still yields its requestId, so the
// host can answer it with a typed error.
// Pure module: no vscode, no DOM, no Node imports.
import type { AuditVerdict, ClassifierKind } from '../core/types';
import type { Decision, ErrorCode, Target, WebviewMessage, WebviewMessageOf, WebviewMessageType } from './protocol';
import { isRequestType } from './protocol';

export const LIMITS = {
  /** Longest image id (relative path) accepted. */
  idLength: 4096,
  /** Most images one message may name (bulk actions over a 10,000-image filter are fine). */
  ids: 100_000,
  labels: 64,
  labelLength: 256,
  revLength: 128,
  noteLength: 2000,
  /** A search query's text, a category description edited in the panel. */
  queryLength: 1000,
  descriptionLength: 4000,
} as const;

/** What the host knows, for the checks that need it: is an image in the folder, is a name a category. */
export interface KnownNames {
  image(id: string): boolean;
  category(name: string): boolean;
}

export type ParseResult =
  | { ok: true; message: WebviewMessage }
  /** `requestId` is set when the message was a request whose id could be read: answer it. */
  | { ok: false; code: ErrorCode; problem: string; type?: string; requestId?: number };

const CLASSIFIERS: readonly ClassifierKind[] = ['zero-shot', 'vlm'];
const VERDICTS: readonly AuditVerdict[] = ['accurate', 'partly', 'hallucinated', 'skip'];

type Obj = Record<string, unknown>;

class Problem extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
const fail = (problem: string, code: ErrorCode = 'invalid'): never => {
  throw new Problem(code, problem);
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function onlyKeys(o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`unexpected field "${k}"`);
}

/** The one check of an image id: its shape, then (with `known`) that it is an image of the folder. */
function imageId(v: unknown, known: KnownNames | undefined, what = 'id'): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.idLength || v.includes('\0')) return fail(`${what} must be an image id`);
  if (known && !known.image(v)) fail(`unknown image or path outside the folder: ${JSON.stringify(v).slice(0, 200)}`, 'unknownImage');
  return v;
}

function label(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > LIMITS.labelLength) return fail(`${what} is not a non-empty string`);
  return v;
}

function parseDecision(v: unknown): Decision {
  if (!isObj(v)) return fail('decision is not an object');
  switch (v.action) {
    case 'accept':
    case 'reject':
      onlyKeys(v, ['action']);
      return { action: v.action };
    case 'label': {
      onlyKeys(v, ['action', 'labels']);
      if (!Array.isArray(v.labels) || v.labels.length > LIMITS.labels) return fail('labels must be a short list');
      return { action: 'label', labels: v.labels.map((l) => label(l, 'a label')) };
    }
    case 'toggle':
      onlyKeys(v, ['action', 'label', 'on']);
      if (typeof v.on !== 'boolean') return fail('on must be true or false');
      return { action: 'toggle', label: label(v.label, 'label'), on: v.on };
  }
  return fail('unknown decision action');
}

function parseTargets(t: unknown, known: KnownNames | undefined): Target[] {
  if (!Array.isArray(t) || t.length === 0 || t.length > LIMITS.ids) return fail('targets must be a non-empty list');
  return t.map((x): Target => {
    if (!isObj(x) || Object.keys(x).some((k) => k !== 'id' && k !== 'rev') || typeof x.id !== 'string') return fail('a target is not {id, rev}');
    if (typeof x.rev !== 'string' || x.rev.length > LIMITS.revLength) return fail('a target rev is not a short string');
    return { id: imageId(x.id, known, 'a target id'), rev: x.rev };
  });
}

function parseVerdict(raw: Obj, known: KnownNames | undefined): WebviewMessageOf<'auditVerdict'> {
  onlyKeys(raw, ['type', 'requestId', 'id', 'classifier', 'verdict', 'categoryCorrect', 'correctCategory', 'note']);
  const m: WebviewMessageOf<'auditVerdict'> = {
    type: 'auditVerdict',
    requestId: raw.requestId as number,
    id: imageId(raw.id, known),
    classifier: CLASSIFIERS.includes(raw.classifier as ClassifierKind) ? (raw.classifier as ClassifierKind) : fail('classifier must be "zero-shot" or "vlm"'),
  };
  if (raw.verdict !== undefined || m.classifier !== 'zero-shot') {
    m.verdict = VERDICTS.includes(raw.verdict as AuditVerdict) ? (raw.verdict as AuditVerdict) : fail(`verdict must be one of ${VERDICTS.join(', ')}${m.classifier === 'vlm' ? ' (a VLM states visual evidence: judge it)' : ''}`);
  }
  if (raw.categoryCorrect !== undefined) {
    if (typeof raw.categoryCorrect !== 'boolean') fail('categoryCorrect must be true or false');
    m.categoryCorrect = raw.categoryCorrect as boolean;
  }
  if (raw.correctCategory !== undefined) {
    const c = raw.correctCategory;
    if (typeof c !== 'string' || !c.trim() || c.length > LIMITS.labelLength) return fail('correctCategory is not a non-empty string');
    if (known && !known.category(c)) fail('correctCategory is not a known category');
    if (m.categoryCorrect === true) fail('a right category was given, but the category was marked correct');
    m.correctCategory = c;
  }
  if (m.verdict === 'skip' && (m.categoryCorrect !== undefined || m.correctCategory !== undefined)) fail('a skipped image gets no category judgment');
  if (m.verdict === undefined && m.categoryCorrect === undefined && m.correctCategory === undefined) {
    fail('give a verdict: the evidence (accurate, partly, hallucinated, skip) or, for a zero-shot prediction, the category alone');
  }
  if (raw.note !== undefined) {
    if (typeof raw.note !== 'string' || raw.note.length > LIMITS.noteLength) fail(`note must be text of at most ${LIMITS.noteLength} characters`);
    m.note = raw.note as string;
  }
  return m;
}

type Parser<K extends WebviewMessageType> = (raw: Obj, known: KnownNames | undefined) => WebviewMessageOf<K>;

/** Messages with no fields but their type (and a request's id). */
const bare =
  <K extends WebviewMessageType>(type: K, request = false): Parser<K> =>
  (raw) => {
    onlyKeys(raw, request ? ['type', 'requestId'] : ['type']);
    return (request ? { type, requestId: raw.requestId } : { type }) as WebviewMessageOf<K>;
  };

const undoRedo =
  <K extends 'undo' | 'redo'>(type: K): Parser<K> =>
  (raw) => {
    onlyKeys(raw, ['type', 'requestId', 'changeId']);
    if (!isInt(raw.changeId)) fail('changeId must be a non-negative integer');
    return { type, requestId: raw.requestId, changeId: raw.changeId } as WebviewMessageOf<K>;
  };

/** One parser per message type. A request's `requestId` is checked before its parser runs. */
const PARSERS: { [K in WebviewMessageType]: Parser<K> } = {
  ready: bare('ready'),
  requestThumbs: (raw, known) => {
    onlyKeys(raw, ['type', 'ids']);
    if (!Array.isArray(raw.ids) || raw.ids.length > LIMITS.ids) return fail('ids must be a list of image ids');
    return { type: 'requestThumbs', ids: raw.ids.map((id) => imageId(id, known, 'ids')) };
  },
  openSidecar: (raw, known) => {
    onlyKeys(raw, ['type', 'id']);
    return { type: 'openSidecar', id: imageId(raw.id, known) };
  },
  startAudit: bare('startAudit'),
  exportReport: bare('exportReport'),
  exportDataset: bare('exportDataset'),
  decide: (raw, known) => {
    onlyKeys(raw, ['type', 'requestId', 'decision', 'targets']);
    const decision = parseDecision(raw.decision);
    return { type: 'decide', requestId: raw.requestId as number, decision, targets: parseTargets(raw.targets, known) };
  },
  undo: undoRedo('undo'),
  redo: undoRedo('redo'),
  requestDetail: (raw, known) => {
    onlyKeys(raw, ['type', 'requestId', 'id']);
    return { type: 'requestDetail', requestId: raw.requestId as number, id: imageId(raw.id, known) };
  },
  auditVerdict: parseVerdict,
  auditUndo: bare('auditUndo', true),
  requestDashboard: bare('requestDashboard', true),
  requestLabelIssues: bare('requestLabelIssues', true),
  trustState: (raw) => ({ type: 'trustState', requestId: raw.requestId as number, maxError: maxErrorOf(raw) }),
  certifyDraw: (raw) => ({ type: 'certifyDraw', requestId: raw.requestId as number, maxError: maxErrorOf(raw) }),
  autoAccept: (raw) => ({ type: 'autoAccept', requestId: raw.requestId as number, maxError: maxErrorOf(raw) }),
  autoAcceptUndo: (raw) => {
    onlyKeys(raw, ['type', 'requestId', 'runId']);
    if (typeof raw.runId !== 'string' || !/^aa-[0-9a-z-]{6,60}$/.test(raw.runId)) fail('runId is not an auto-accept run id');
    return { type: 'autoAcceptUndo', requestId: raw.requestId as number, runId: raw.runId as string };
  },
  adapt: (raw) => {
    onlyKeys(raw, ['type', 'requestId', 'apply']);
    if (typeof raw.apply !== 'boolean') fail('apply must be true or false');
    return { type: 'adapt', requestId: raw.requestId as number, apply: raw.apply as boolean };
  },
  runProbe: (raw) => {
    onlyKeys(raw, ['type', 'requestId', 'size']);
    if (!isInt(raw.size) || (raw.size as number) < 1 || (raw.size as number) > 1000) fail('size must be an integer from 1 to 1000');
    return { type: 'runProbe', requestId: raw.requestId as number, size: raw.size as number };
  },
  requestClusters: bare('requestClusters', true),
  addCategory: (raw) => {
    onlyKeys(raw, ['type', 'requestId', 'name', 'description']);
    // Shape only here; the categories file's own rules (name, duplicate, refused topics) are applied by the host.
    for (const [k, max] of [['name', LIMITS.labelLength], ['description', LIMITS.noteLength]] as const) {
      const v = raw[k];
      if (typeof v !== 'string' || !v.trim() || v.length > max) fail(`${k} must be a non-empty string of at most ${max} characters`);
    }
    return { type: 'addCategory', requestId: raw.requestId as number, name: raw.name as string, description: raw.description as string };
  },
  search: (raw, known) => {
    onlyKeys(raw, ['type', 'requestId', 'query', 'top']);
    if (!isInt(raw.top) || (raw.top as number) < 1 || (raw.top as number) > LIMITS.ids) fail(`top must be an integer from 1 to ${LIMITS.ids}`);
    const q = raw.query;
    if (!isObj(q)) return fail('query must be {text} or {like}');
    if ('like' in q) {
      onlyKeys(q, ['like']);
      return { type: 'search', requestId: raw.requestId as number, query: { like: imageId(q.like, known, 'like') }, top: raw.top as number };
    }
    onlyKeys(q, ['text']);
    if (typeof q.text !== 'string' || !q.text.trim() || q.text.length > LIMITS.queryLength) fail(`the query text must be non-empty and at most ${LIMITS.queryLength} characters`);
    return { type: 'search', requestId: raw.requestId as number, query: { text: q.text as string }, top: raw.top as number };
  },
  previewDescription: (raw, known) => {
    onlyKeys(raw, ['type', 'requestId', 'name', 'description']);
    const name = label(raw.name, 'name');
    if (known && !known.category(name)) fail('name is not a known category');
    const d = raw.description;
    if (typeof d !== 'string' || !d.trim() || d.length > LIMITS.descriptionLength || d.includes('\0')) fail(`description must be non-empty text of at most ${LIMITS.descriptionLength} characters`);
    return { type: 'previewDescription', requestId: raw.requestId as number, name, description: d as string };
  },
  applyRescore: (raw) => ({ type: 'applyRescore', requestId: raw.requestId as number, previewId: previewIdOf(raw) }),
  discardRescore: (raw) => ({ type: 'discardRescore', requestId: raw.requestId as number, previewId: previewIdOf(raw) }),
};

function previewIdOf(raw: Obj): number {
  onlyKeys(raw, ['type', 'requestId', 'previewId']);
  if (!isInt(raw.previewId)) fail('previewId must be a non-negative integer');
  return raw.previewId as number;
}

function maxErrorOf(raw: Obj): number {
  onlyKeys(raw, ['type', 'requestId', 'maxError']);
  const v = raw.maxError;
  if (typeof v !== 'number' || !(v > 0 && v < 1)) fail('maxError must be a rate between 0 and 1');
  return v as number;
}

/** Every message type the webview may send (the validator's table, as a list). */
export const WEBVIEW_MESSAGE_TYPES = Object.keys(PARSERS) as WebviewMessageType[];

/**
 * Checks a message from the webview and copies it. With `known`, every image id is checked against
 * the folder and every named category against the categories; without it, only the shape.
 */
export function parseWebviewMessage(raw: unknown, known?: KnownNames): ParseResult {
  if (!isObj(raw)) return { ok: false, code: 'invalid', problem: 'message is not an object' };
  const type = raw.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(PARSERS, type)) {
    return { ok: false, code: 'invalid', problem: `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}` };
  }
  const isReq = isRequestType(type);
  if (isReq && !isInt(raw.requestId)) return { ok: false, code: 'invalid', problem: 'requestId must be a non-negative integer', type };
  try {
    return { ok: true, message: (PARSERS[type as WebviewMessageType] as Parser<WebviewMessageType>)(raw, known) };
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return { ok: false, code: e.code, problem: e.message, type, ...(isReq ? { requestId: raw.requestId as number } : {}) };
  }
}

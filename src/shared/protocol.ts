// The one message protocol between the review panel's host (extension) and its webview, declared
// once. Three kinds of message:
//  - commands (webview → host, no answer): `command<Params>('name')`;
//  - requests (webview → host, answered exactly once by a `response` carrying the result or a typed
//    error): `request<Params, Result>('name')`; the webview's `sendRequest` (webview/rpc.ts) keys each
//    by a `requestId` and times it out; the host's `Endpoint.respond` (extension/panel/endpoint.ts)
//    answers every one, refusals and thrown errors included;
//  - notifications (host → webview): `notification<Params>('name', policy)`; the policy says what
//    the host keeps of them while the webview is not ready yet (extension/panel/outbox.ts).
// Every incoming message is checked by `parseWebviewMessage` (validate.ts, beside this file).
// To add a request: declare it in REQUESTS, give it a parser in validate.ts and a handler on the
// host (RequestHandlers); the compiler points at whichever is missing.
// Pure module: no vscode, no DOM, no Node imports.
import type { AuditVerdict, ClassifierKind, Mode, Sidecar } from '../core/types';
import type { ReviewDecision } from '../core/sidecar';
import type { AuditState, DashboardData, LabelIssues } from './auditData';
import type { CertifyState } from '../core/certify/certify';
import type { AdaptResult } from '../core/adapt/result';
import type { ProbeResult } from '../core/audit/probe';
import type { ImageSummary } from '../core/imageSummary';
import type { ReviewCluster } from '../core/similarity/reviewClusters';
import type { ApplyResult, RescorePreview, SearchQuery, SearchResult } from './exploreData';
import type { PackedSummaries } from '../core/summaryPack';

/** The review rules both sides apply (one implementation, in core). */
export { canAccept, currentLabels, nothingToAccept } from '../core/reviewRules';
export { INIT_CHUNK, MORE_CHUNK, packSummaries, unpackSummaries, type PackedSummaries } from '../core/summaryPack';

/** What the grid needs to know about one image (core's type: the folder's summaries are built there). */
export type { ImageSummary };

export interface CategoryInfo {
  name: string;
  description: string;
}

/** The progress of the folder's classification run. */
export interface RunState {
  state: 'idle' | 'loading' | 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  message?: string;
}

export interface PanelInit {
  folderName: string;
  /** Where the categories came from (a file path, or "derived from sidecars"). */
  categoriesSource: string;
  mode: Mode;
  categories: CategoryInfo[];
  /** The first images (up to INIT_CHUNK); the rest follow packed in `initMore` chunks, `total` in all. */
  images: ImageSummary[];
  total?: number;
  /** Display size of thumbnails in CSS pixels. */
  thumbnailSize: number;
  /** The folder's run as it is now (a panel opened or reset mid-run shows its true progress). */
  run: RunState;
}

/** A human decision: core's type (accept, reject, label, toggle). */
export type Decision = ReviewDecision;

/** The panel's views. */
export type PanelView = 'grid' | 'audit' | 'dashboard' | 'clusters';

export interface Target {
  id: string;
  /** The review fingerprint the view saw (ImageSummary.rev). */
  rev: string;
}

/** The result of `decide`, `undo` and `redo`. */
export interface WriteResult {
  /** Identifies the change for undo/redo (absent when nothing was written). */
  changeId?: number;
  /** Images whose sidecar changed on disk since the view saw them: nothing was written to them. */
  conflicts: string[];
  /** Images whose sidecar could not be read (nothing written to them), as a message saying what to do. */
  unreadable?: string;
}

/** An image's full sidecar and a URI the webview can show it by. */
export interface Detail {
  id: string;
  sidecar: Sidecar | null;
  src: string | null;
  sidecarError: string | null;
}

/**
 * A verdict on one sampled prediction; written at once (a later verdict on the unit replaces it).
 * `verdict` (the evidence) may be left out for a zero-shot prediction given a category verdict: it
 * claims no visual evidence (a certification sample is judged right / wrong only).
 */
export interface VerdictParams {
  id: string;
  classifier: ClassifierKind;
  verdict?: AuditVerdict;
  categoryCorrect?: boolean;
  /** The right category when the predicted one is wrong: one of the panel's categories. */
  correctCategory?: string;
  note?: string;
}

// ---- declarations --------------------------------------------------------------------------------

type NoParams = Record<never, never>;

export interface CommandDecl<P> {
  readonly kind: 'command';
  readonly type: string;
  /** Phantom: carries the params type. */
  readonly params?: P;
}
export interface RequestDecl<P, R> {
  readonly kind: 'request';
  readonly type: string;
  readonly params?: P;
  readonly result?: R;
  /** How long the webview waits for the answer before it shows a timeout. */
  readonly timeoutMs: number;
}
export interface NotificationDecl<P> {
  readonly kind: 'notification';
  readonly type: string;
  readonly params?: P;
  /** While the webview is not ready: 'queue' keeps every one, 'latest' only the last of its type. */
  readonly whileNotReady: 'queue' | 'latest';
  /** Queued notifications of these types are dropped when this one is queued (it holds their news). */
  readonly supersedes: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export const command = <P extends object = NoParams>(type: string): CommandDecl<P> => ({ kind: 'command', type });
export const request = <P extends object, R>(type: string, timeoutMs = DEFAULT_TIMEOUT_MS): RequestDecl<P, R> => ({ kind: 'request', type, timeoutMs });
export const notification = <P extends object>(
  type: string,
  whileNotReady: 'queue' | 'latest' = 'queue',
  supersedes: readonly string[] = [],
): NotificationDecl<P> => ({ kind: 'notification', type, whileNotReady, supersedes });

/** Webview → host, no answer. */
export const COMMANDS = {
  /** The webview loaded: the host sends `init`, then what it queued. */
  ready: command('ready'),
  requestThumbs: command<{ ids: string[] }>('requestThumbs'),
  openSidecar: command<{ id: string }>('openSidecar'),
  /** Runs "Start Audit" on this panel's folder. */
  startAudit: command('startAudit'),
  /** Runs "Export Trust Report" on this panel's folder. */
  exportReport: command('exportReport'),
  /** Runs "Export Dataset…" on this panel's folder (format and options by QuickPick on the host). */
  exportDataset: command('exportDataset'),
} as const;

/** Webview → host, answered exactly once. Writes get longer: a bulk decision may touch 10,000 files. */
export const REQUESTS = {
  decide: request<{ decision: Decision; targets: Target[] }, WriteResult>('decide', 300_000),
  undo: request<{ changeId: number }, WriteResult>('undo', 300_000),
  redo: request<{ changeId: number }, WriteResult>('redo', 300_000),
  requestDetail: request<{ id: string }, Detail>('requestDetail'),
  auditVerdict: request<VerdictParams, null>('auditVerdict'),
  /** Restores the audit list the last verdict replaced; answers which unit it restored. */
  auditUndo: request<NoParams, { id: string; classifier: ClassifierKind }>('auditUndo'),
  requestDashboard: request<NoParams, DashboardData>('requestDashboard', 120_000),
  requestLabelIssues: request<NoParams, LabelIssues>('requestLabelIssues', 120_000),
  /** The dashboard's "act on trust" state: the latest certification sample, the human-label counts. */
  trustState: request<{ maxError: number }, TrustActionsState>('trustState', 120_000),
  /** Draws or extends the certification sample (as `image-triage certify` without --size). */
  certifyDraw: request<{ maxError: number }, TrustActionsState>('certifyDraw', 120_000),
  /** These four answer a refusal (nothing certified, too few labels...) as `refused`, with nothing changed. */
  autoAccept: request<{ maxError: number }, { runId: string | null; accepted: number; refused?: string }>('autoAccept', 600_000),
  autoAcceptUndo: request<{ runId: string }, { restored: number; changed: string[]; refused?: string }>('autoAcceptUndo', 600_000),
  /** Learn from corrections: apply false only fits and cross-validates. */
  adapt: request<{ apply: boolean }, Omit<AdaptResult, 'cv'>>('adapt', 600_000),
  runProbe: request<{ size: number }, { result: ProbeResult | null; refused?: string }>('runProbe', 600_000),
  /** The unreviewed images grouped by their cached embeddings (k-means in a worker thread). */
  requestClusters: request<NoParams, ClustersResult>('requestClusters', 300_000),
  /** Adds a category to the folder's categories.json (refused with the file's problems: 'invalid'), then re-scores the folder. */
  addCategory: request<CategoryInfo, AddCategoryResult>('addCategory', 60_000),
  /** Search by meaning (text through the prompt templates and text tower) or more like an image. */
  search: request<{ query: SearchQuery; top: number }, SearchResult>('search', 300_000),
  /** Re-scores every cached embedding with one category's description edited; nothing is written. */
  previewDescription: request<{ name: string; description: string }, RescorePreview | { refused: string }>('previewDescription', 300_000),
  /** Writes the preview: categories.json (a panel edit), then every re-scored sidecar, with progress and cancel. */
  applyRescore: request<{ previewId: number }, ApplyResult>('applyRescore', 3_600_000),
  discardRescore: request<{ previewId: number }, null>('discardRescore'),
} as const;

export type { ReviewCluster };

export interface ClustersResult {
  clusters: ReviewCluster[];
  /** Unreviewed images clustered, and those left out because they have no cached embedding. */
  clustered: number;
  unembedded: number;
  checkpoint: string | null;
  seed: number;
  seconds: number;
}

export interface AddCategoryResult {
  /** The categories file written (as shown to the user). */
  file: string;
  categories: number;
  warnings: string[];
  /** A re-scoring run of the folder was started (from cached embeddings). */
  rescoring: boolean;
}

export interface TrustActionsState {
  certify: CertifyState | null;
  /** Why a draw drew nothing, when so. */
  refused?: string;
  labels: { total: number; per_category: Record<string, number>; enough: boolean; min: number };
}

/** Host → webview. */
export const NOTIFICATIONS = {
  init: notification<{ init: PanelInit }>('init', 'latest', ['upsert', 'remove', 'run', 'initMore']),
  /** The rest of a large folder's images after `init`, packed (core/summaryPack.ts), in order; the grid refilters at the last. */
  initMore: notification<{ packed: PackedSummaries; last: boolean }>('initMore'),
  /** New or changed images (live results, writes, external changes). */
  upsert: notification<{ images: ImageSummary[]; external: boolean }>('upsert'),
  remove: notification<{ ids: string[] }>('remove'),
  thumbs: notification<{ items: { id: string; uri?: string; error?: string }[] }>('thumbs'),
  run: notification<{ run: RunState }>('run', 'latest'),
  notice: notification<{ level: 'info' | 'warning' | 'error'; text: string }>('notice'),
  /** The audit sample in progress (null: none). */
  audit: notification<{ audit: AuditState | null }>('audit', 'latest'),
  /** Switch the panel to a view (the audit, once a sample is drawn). */
  showView: notification<{ view: PanelView }>('showView', 'latest'),
  /** The live re-scoring preview (after categories.json is saved, or a panel edit); null: none. */
  rescorePreview: notification<{ preview: RescorePreview | null }>('rescorePreview', 'latest'),
} as const;

// ---- the wire types, derived from the declarations ------------------------------------------------

type Flat<T> = { [K in keyof T]: T[K] };
type ParamsOf<D> = D extends { readonly params?: infer P } ? P : never;
type ResultOf<D> = D extends { readonly result?: infer R } ? R : never;

export type CommandType = keyof typeof COMMANDS;
export type RequestType = keyof typeof REQUESTS;
export type NotificationType = keyof typeof NOTIFICATIONS;

export type RequestParams<K extends RequestType> = ParamsOf<(typeof REQUESTS)[K]>;
export type RequestResult<K extends RequestType> = ResultOf<(typeof REQUESTS)[K]>;

export type CommandMessage = { [K in CommandType]: Flat<{ type: K } & ParamsOf<(typeof COMMANDS)[K]>> }[CommandType];
export type RequestMessage = { [K in RequestType]: Flat<{ type: K; requestId: number } & RequestParams<K>> }[RequestType];
export type NotificationMessage = { [K in NotificationType]: Flat<{ type: K } & ParamsOf<(typeof NOTIFICATIONS)[K]>> }[NotificationType];

/** Why a request failed. The webview acts on the code, never on the text (which is for people). */
export type ErrorCode =
  /** The message was malformed, or the decision is not allowed (unknown category, wrong mode). */
  | 'invalid'
  /** An id names no image of the folder (or a path outside it). */
  | 'unknownImage'
  /** The request is well-formed but cannot be done now (e.g. a verdict on a unit not in the sample). */
  | 'refused'
  /** The file changed on disk since; nothing was written. */
  | 'conflict'
  /** A sidecar could not be read (corrupt); nothing was written to it. */
  | 'unreadable'
  | 'nothingToUndo'
  /** The host failed unexpectedly (see the Image Triage output). */
  | 'failed'
  /** No answer in time (raised by the webview). */
  | 'timeout';

export interface ResponseError {
  code: ErrorCode;
  message: string;
}

/** The answer to one request. */
export type ResponseMessage =
  | { type: 'response'; requestId: number; ok: true; result: unknown }
  | { type: 'response'; requestId: number; ok: false; error: ResponseError };

export type HostMessage = NotificationMessage | ResponseMessage;
export type WebviewMessage = CommandMessage | RequestMessage;

export type HostMessageType = HostMessage['type'];
export type WebviewMessageType = WebviewMessage['type'];
export type HostMessageOf<T extends HostMessageType> = Extract<HostMessage, { type: T }>;
export type WebviewMessageOf<T extends WebviewMessageType> = Extract<WebviewMessage, { type: T }>;

/** A request failure with its code; what the host's handlers throw and the webview's promises reject with. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function isRequestType(t: unknown): t is RequestType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(REQUESTS, t);
}
export function isCommandType(t: unknown): t is CommandType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, t);
}
export function isRequest(m: WebviewMessage): m is RequestMessage {
  return isRequestType(m.type);
}

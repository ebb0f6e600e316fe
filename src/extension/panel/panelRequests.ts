// The review panel's request handlers on the host: one per request the protocol declares (the
// RequestHandlers type makes the table complete). Each returns its result or throws; the Endpoint
// answers. Pure (no vscode): the panel passes in what needs VS Code (webview URIs).
import * as path from 'node:path';
import { VerdictError } from '../../core/audit/verdict';
import { SidecarCorruptError } from '../../core/sidecarStore';
import { testHooks } from '../../core/fileLock';
import { SIDECAR_SUFFIX } from '../../core/types';
import type { ErrorCode, HostMessage, WriteResult } from '../../shared/protocol';
import { RequestError } from '../../shared/protocol';
import type { Logger } from '../log';
import type { RequestHandlers } from './endpoint';
import { AuditConflictError, type AuditSession } from './auditSession';
import type { ReviewSession, SessionImage, WriteOutcome } from './reviewSession';
import { dashboardData, labelIssues, trustInputs, trustReport } from './trustData';
import { trustActionHandlers } from './trustActions';
import { clusterHandlers, type ClusterHost } from './clusterRequests';
import type { FolderModel } from './folderModel';
import type { RescorePreviewer } from './rescorePreview';
import { searchFolder } from './search';

export interface PanelRequestHost extends ClusterHost {
  readonly session: ReviewSession;
  readonly audit: AuditSession;
  readonly folderName: string;
  /** The extension's model cache dir; the zero-shot image embeddings are in its "embeddings". */
  readonly storageDir: string;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  post(m: HostMessage): void;
  /** A URI the webview can show the image by (the file, or a large thumbnail of it); null if none. */
  detailSrc(img: SessionImage): Promise<string | null>;
  /** The audit's state changed (a verdict, an undo): tell the webview. */
  auditChanged(): void;
  /** The folder's zero-shot model (search) and the live re-scoring preview. */
  readonly model: FolderModel;
  readonly rescorePreview: RescorePreviewer;
  /** Runs fn with the file watcher told that sidecar changes meanwhile are the panel's own writes. */
  ownWrites?<T>(fn: () => Promise<T>): Promise<T>;
}

/** Codes for the errors the sessions throw (RequestErrors carry their own). */
export function errorCodeOf(e: unknown): ErrorCode | undefined {
  if (e instanceof RequestError) return e.code;
  if (e instanceof VerdictError) return 'refused';
  if (e instanceof AuditConflictError) return 'conflict';
  if (e instanceof SidecarCorruptError) return 'unreadable';
  return undefined;
}

export function panelRequests(host: PanelRequestHost): RequestHandlers {
  const written = (what: string, out: WriteOutcome): WriteResult => {
    if (out.updated.length) host.post({ type: 'upsert', images: out.updated, external: false });
    if (out.conflicts.length) host.log.warn(`Not written (changed on disk since the panel showed it): ${out.conflicts.join(', ')}`);
    host.log.info(`Review: ${what} in ${host.session.root}${out.conflicts.length ? ` (${out.conflicts.length} conflict(s))` : ''}`);
    return { changeId: out.changeId, conflicts: out.conflicts, ...(out.error ? { unreadable: out.error } : {}) };
  };
  const audited = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } finally {
      host.auditChanged();
    }
  };
  // The panel's own sidecar writes (auto-accept, its undo) are re-read into the session at once, as a
  // decision's are: the watcher then finds nothing new in them, so no "changed on disk" notice.
  const wrote = async (relPaths: readonly string[]): Promise<void> => {
    const changed = [];
    for (const rel of relPaths) {
      const s = await host.session.refreshFromDisk(path.join(host.session.root, rel) + SIDECAR_SUFFIX).catch(() => null);
      if (s) changed.push(s);
    }
    if (changed.length) host.post({ type: 'upsert', images: changed, external: false });
  };
  const trust = trustActionHandlers({
    root: host.session.root,
    storageDir: host.storageDir,
    log: host.log,
    wrote,
    ...(host.ownWrites ? { ownWrites: <T>(fn: () => Promise<T>) => host.ownWrites!(fn) } : {}),
  });
  const inputs = () => trustInputs(host.session.all(), path.join(host.storageDir, 'embeddings'));

  return {
    decide: async (m) => written(`${m.decision.action} on ${m.targets.length} image(s)`, await host.session.decide(m.targets, m.decision)),
    undo: async (m) => written(`undo change ${m.changeId}`, await host.session.undo(m.changeId)),
    redo: async (m) => written(`redo change ${m.changeId}`, await host.session.redo(m.changeId)),
    requestDetail: async (m) => {
      const img = host.session.get(m.id);
      if (!img) throw new RequestError('unknownImage', `${m.id} is not in this folder any more`);
      await testHooks.beforeDetail?.();
      return { id: m.id, sidecar: img.sidecar, src: await host.detailSrc(img), sidecarError: img.sidecarError ?? null };
    },
    auditVerdict: (m) =>
      audited(async () => {
        const { requestId: _r, type: _t, ...req } = m;
        const e = await host.audit.verdict(req);
        const cat = e.category_correct === undefined ? '' : e.category_correct ? 'category right' : `category wrong (right: ${e.correct_category ?? 'none of these'})`;
        host.log.info(`Audit: ${m.id} ${[e.verdict, cat].filter(Boolean).join(', ')} [${e.classifier} ${e.checkpoint}] by ${e.by}`);
        return null;
      }),
    auditUndo: () =>
      audited(async () => {
        const undone = await host.audit.undo();
        if (!undone) throw new RequestError('nothingToUndo', 'Nothing to undo.');
        host.log.info(`Audit: undid the verdict on ${undone.id} (${undone.classifier})`);
        return undone;
      }),
    requestDashboard: async () => {
      const t = await inputs();
      return dashboardData(await trustReport(t, host.folderName), t);
    },
    requestLabelIssues: async () => labelIssues(await inputs()),
    ...trust,
    search: (m) => searchFolder(host.session, host.model, m.query, m.top),
    previewDescription: (m) => host.rescorePreview.editDescription(m.name, m.description),
    applyRescore: (m) => host.rescorePreview.apply(m.previewId),
    discardRescore: (m) => host.rescorePreview.discard(m.previewId),
    ...clusterHandlers(host),
    // The drawn certification sample becomes the audit view's sample, judged there with c / w.
    certifyDraw: async (m) => {
      const st = await trust.certifyDraw(m);
      const c = st.certify;
      if (c) {
        const changed = [];
        for (const rel of c.pending) {
          const s = await host.session.refreshFromDisk(path.join(host.session.root, rel) + SIDECAR_SUFFIX);
          if (s) changed.push(s);
        }
        if (changed.length) host.post({ type: 'upsert', images: changed, external: false });
        if (host.audit.adopt(c.sample_id)) host.auditChanged();
      }
      return st;
    },
  };
}

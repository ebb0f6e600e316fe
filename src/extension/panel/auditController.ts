// The review panel's audit side, on the host: "Start Audit" (seeded stratified sample, size asked in
// an input box), verdicts and their undo from the audit view, the trust dashboard's data and the
// label-issue filters. One per panel and session; the panel routes these messages here.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import { VerdictError } from '../../core/audit/verdict';
import { SidecarCorruptError } from '../../core/sidecarStore';
import type { HostMessage, WebviewMessage, WebviewMessageOf } from '../../shared/protocol';
import type { Logger } from '../log';
import { AuditConflictError, AuditSession, parseSampleInput } from './auditSession';
import type { ReviewSession } from './reviewSession';
import { dashboardData, labelIssues, trustInputs, trustReport } from './trustData';

export const DEFAULT_SAMPLE_SIZE = 30;

export interface AuditHost {
  readonly session: ReviewSession;
  readonly folderName: string;
  readonly log: Logger;
  /** The extension's model cache dir; the zero-shot image embeddings are in its "embeddings". */
  readonly storageDir: string;
  post(m: HostMessage): void;
  reveal(): void;
  /** Runs `fn` with the file watcher's reports of the files it writes counted as the panel's own. */
  ownWrites<T>(fn: () => Promise<T>): Promise<T>;
}

export type AuditMessage = WebviewMessageOf<'startAudit' | 'auditVerdict' | 'auditUndo' | 'requestDashboard' | 'requestLabelIssues' | 'exportReport'>;

export function isAuditMessage(m: WebviewMessage): m is AuditMessage {
  return ['startAudit', 'auditVerdict', 'auditUndo', 'requestDashboard', 'requestLabelIssues', 'exportReport'].includes(m.type);
}

export class AuditController {
  private readonly audit: AuditSession;
  /** Enter audit mode once the webview is ready (the sample was drawn before it loaded). */
  private enterOnReady = false;

  constructor(private readonly host: AuditHost) {
    this.audit = new AuditSession(host.session);
  }

  /** The webview (re)loaded or the panel was re-initialised: tell it about the sample (or that there is none). */
  onReady(): void {
    this.host.post({ type: 'audit', audit: this.audit.state(), enter: this.enterOnReady });
    this.enterOnReady = false;
  }

  /** Sidecars changed on disk (the CLI marked a verdict, git): the audit state may have too. */
  sidecarsChanged(): void {
    if (this.audit.active) this.host.post({ type: 'audit', audit: this.audit.state(), enter: false });
  }

  /** "Start Audit": continue the sample in progress, or draw a new one and switch to audit mode. */
  async start(): Promise<void> {
    const title = 'Image Triage: Start Audit';
    const candidates = this.audit.candidates();
    if (!candidates.length) {
      void vscode.window.showInformationMessage(`${this.host.folderName} has no predictions to audit yet: run Classify Images first.`);
      return;
    }
    const open = this.audit.unfinished();
    if (open) {
      const items = [
        { id: 'continue', label: 'Continue the audit in progress', description: `${open.done} / ${open.items.length} audited · sample ${open.sampleId}` },
        { id: 'new', label: 'Draw a new sample', description: 'images still awaiting audit stay marked' },
      ];
      const pick = await vscode.window.showQuickPick(items, { title, placeHolder: `${this.host.folderName} has an audit in progress` });
      if (!pick) return;
      if (pick.id === 'continue') return this.enter();
    }
    const seed = randomInt(0, 0x1_0000_0000);
    const n = candidates.length;
    const text = await vscode.window.showInputBox({
      title,
      prompt: `How many of the ${n} predictions to audit (stratified by classifier × category × confidence). Seed ${seed}; to use another, write e.g. "30 seed 7".`,
      value: String(Math.min(DEFAULT_SAMPLE_SIZE, n)),
      validateInput: (v) => {
        const r = parseSampleInput(v, seed, n);
        return typeof r === 'string' ? r : undefined;
      },
    });
    if (text === undefined) return;
    const want = parseSampleInput(text, seed, n);
    if (typeof want === 'string') return;
    const { sample, marked, changed } = await this.host.ownWrites(() => this.audit.draw(want.size, want.seed));
    const images = changed.map((id) => this.host.session.summary(id)!).filter(Boolean);
    if (images.length) this.host.post({ type: 'upsert', images, external: false });
    const msg =
      `Sampled ${sample.items.length} of ${sample.population} predictions (seed ${want.seed}, sample ${sample.sampleId}): ${marked.marked} marked awaiting audit` +
      (marked.alreadyAwaiting ? `, ${marked.alreadyAwaiting} already awaiting` : '') +
      (marked.missing ? `, ${marked.missing} gone since the panel read them` : '') +
      '.';
    this.host.log.info(`Audit of ${this.host.session.root}: ${msg}`);
    this.enter();
  }

  private enter(): void {
    this.enterOnReady = true;
    this.host.post({ type: 'audit', audit: this.audit.state(), enter: true });
    this.host.reveal();
  }

  async onMessage(m: AuditMessage): Promise<void> {
    switch (m.type) {
      case 'startAudit':
        return vscode.commands.executeCommand('imageTriage.startAudit', vscode.Uri.file(this.host.session.root));
      case 'exportReport':
        return vscode.commands.executeCommand('imageTriage.exportReport', vscode.Uri.file(this.host.session.root));
      case 'auditVerdict':
        return this.verdict(m);
      case 'auditUndo':
        return this.undo(m.requestId);
      case 'requestDashboard': {
        const report = trustReport(await this.inputs(), this.host.folderName);
        return this.host.post({ type: 'dashboard', data: dashboardData(report) });
      }
      case 'requestLabelIssues':
        return this.host.post({ type: 'labelIssues', issues: labelIssues(await this.inputs()) });
    }
  }

  private inputs() {
    return trustInputs(this.host.session.all(), path.join(this.host.storageDir, 'embeddings'));
  }

  private async verdict(m: WebviewMessageOf<'auditVerdict'>): Promise<void> {
    try {
      const { requestId: _r, type: _t, ...req } = m;
      const e = await this.audit.verdict(req);
      const cat = e.category_correct === undefined ? '' : e.category_correct ? ', category right' : `, category wrong (right: ${e.correct_category})`;
      this.host.log.info(`Audit: ${m.id} ${e.verdict}${cat} [${e.classifier} ${e.checkpoint}] by ${e.by}`);
      this.host.post({ type: 'auditResult', requestId: m.requestId, ok: true });
    } catch (e) {
      if (!(e instanceof VerdictError || e instanceof SidecarCorruptError)) throw e;
      this.host.log.warn(`Audit verdict on ${m.id} not recorded: ${e.message}`);
      this.host.post({ type: 'auditResult', requestId: m.requestId, ok: false, error: e.message });
    }
    this.sidecarsChanged();
  }

  private async undo(requestId: number): Promise<void> {
    try {
      const undone = await this.audit.undo();
      if (!undone) return this.host.post({ type: 'auditResult', requestId, ok: false, error: 'Nothing to undo.' });
      this.host.log.info(`Audit: undid the verdict on ${undone.id} (${undone.classifier})`);
      this.host.post({ type: 'auditResult', requestId, ok: true, undone });
    } catch (e) {
      if (!(e instanceof AuditConflictError || e instanceof SidecarCorruptError)) throw e;
      this.host.log.warn(e.message);
      this.host.post({ type: 'auditResult', requestId, ok: false, error: e.message });
    }
    this.sidecarsChanged();
  }
}

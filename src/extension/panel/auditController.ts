// The review panel's audit side, on the host: "Start Audit" (seeded stratified sample, size asked in
// an input box) and the audit state the webview shows. One per panel and session. Verdicts, their
// undo and the dashboard's data are requests: panelRequests.ts answers them.
import * as vscode from 'vscode';
import { randomInt } from 'node:crypto';
import type { HostMessage } from '../../shared/protocol';
import type { Logger } from '../log';
import { AuditSession, parseSampleInput } from './auditSession';
import type { ReviewSession } from './reviewSession';

export const DEFAULT_SAMPLE_SIZE = 30;

export interface AuditHost {
  readonly session: ReviewSession;
  readonly folderName: string;
  readonly log: Logger;
  post(m: HostMessage): void;
  reveal(): void;
  /** Runs `fn` with the file watcher's reports of the files it writes counted as the panel's own. */
  ownWrites<T>(fn: () => Promise<T>): Promise<T>;
}

export class AuditController {
  readonly audit: AuditSession;

  constructor(private readonly host: AuditHost) {
    this.audit = new AuditSession(host.session);
  }

  /** The webview (re)loaded or the panel was re-initialised: tell it about the sample (or that there is none). */
  onReady(): void {
    this.host.post({ type: 'audit', audit: this.audit.state() });
  }

  /** Sidecars changed (a verdict, the CLI, git): the audit state may have too. */
  sidecarsChanged(): void {
    if (this.audit.active) this.host.post({ type: 'audit', audit: this.audit.state() });
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
      const pick = await vscode.window.showQuickPick(items, { title, placeHolder: `${this.host.folderName} has an audit in progress`, ignoreFocusOut: true });
      if (!pick) return;
      if (pick.id === 'continue') return this.enter();
    }
    const seed = randomInt(0, 0x1_0000_0000);
    const n = candidates.length;
    // Kept open when the focus moves (to the panel, to look at the images): Esc cancels.
    const text = await vscode.window.showInputBox({
      title,
      ignoreFocusOut: true,
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

  /** Shows the audit view (queued by the panel until the webview is ready). */
  private enter(): void {
    this.host.post({ type: 'audit', audit: this.audit.state() });
    this.host.post({ type: 'showView', view: 'audit' });
    this.host.reveal();
  }

  /** Runs the panel's "Start audit…" and "Export report…" buttons' commands on its folder. */
  startAuditCommand(): Thenable<unknown> {
    return vscode.commands.executeCommand('imageTriage.startAudit', vscode.Uri.file(this.host.session.root));
  }
  exportReportCommand(): Thenable<unknown> {
    return vscode.commands.executeCommand('imageTriage.exportReport', vscode.Uri.file(this.host.session.root));
  }
}

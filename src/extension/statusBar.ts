// The status-bar item: the run in progress (click: show the output), then its result (click: open
// the review panel) for a while.
import * as vscode from 'vscode';
import { formatDuration } from './eta';

export class RunStatusBar implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('imageTriage.run', vscode.StatusBarAlignment.Left, 50);
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = 'Image Triage';
  }

  start(folderName: string, text = 'loading model…'): void {
    clearTimeout(this.hideTimer);
    this.item.text = `$(sync~spin) Image Triage: ${text}`;
    this.item.tooltip = `Classifying ${folderName}. Click to show the log.`;
    this.item.command = 'imageTriage.showLog';
    this.item.accessibilityInformation = { label: `Image Triage is classifying ${folderName}` };
    this.item.show();
  }

  progress(done: number, total: number, eta: number | null): void {
    this.item.text = `$(sync~spin) Image Triage: ${done}/${total}${eta === null ? '' : ` · ${formatDuration(eta)}`}`;
  }

  finish(text: string, folder: vscode.Uri, ok: boolean): void {
    this.item.text = `${ok ? '$(check)' : '$(warning)'} Image Triage: ${text}`;
    this.item.tooltip = 'Open the review panel';
    this.item.command = { command: 'imageTriage.openReviewPanel', title: 'Open Review Panel', arguments: [folder] };
    this.item.accessibilityInformation = { label: `Image Triage: ${text}` };
    this.item.show();
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), 60_000);
  }

  dispose(): void {
    clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}

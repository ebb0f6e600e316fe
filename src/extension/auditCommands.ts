// "Start Audit" and "Export Trust Report": they work on the folder of the review panel in front, or
// of the folder given (the panel's toolbar passes its own), or on one the user picks.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { indexFolder } from '../core/folderIndex';
import { reportFormatOf, writeReportFile } from '../core/audit/reportFiles';
import { ReviewPanel } from './panel/reviewPanel';
import { trustInputs, trustReport } from './panel/trustData';
import { openReviewPanel } from './openPanelCommand';
import { displayPath, pickFolder, workspaceRootOf, type Env } from './env';

async function folderFor(arg: unknown, action: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg;
  const active = ReviewPanel.active();
  return active ? vscode.Uri.file(active.session.root) : pickFolder(undefined, action);
}

export async function startAudit(env: Env, arg?: unknown): Promise<void> {
  const folder = await folderFor(arg, 'Start Audit');
  if (!folder) return;
  if (!ReviewPanel.get(folder.fsPath)) await openReviewPanel(env, folder);
  const panel = ReviewPanel.get(folder.fsPath);
  if (!panel) return;
  await panel.session.ready;
  if (env.running.has(folder.fsPath)) {
    void vscode.window.showInformationMessage('Image Triage: this folder is being classified; start the audit when the run has finished.');
    return;
  }
  await panel.audit.start();
}

const FILTERS = { 'HTML page': ['html'], Markdown: ['md'], JSON: ['json'] };

export async function exportTrustReport(env: Env, arg?: unknown): Promise<void> {
  const folder = await folderFor(arg, 'Export Trust Report');
  if (!folder) return;
  const root = folder.fsPath;
  const picked = await vscode.window.showSaveDialog({
    title: 'Image Triage: Export Trust Report (.html, .md or .json)',
    defaultUri: vscode.Uri.file(path.join(root, 'trust-report.html')),
    filters: FILTERS,
    saveLabel: 'Export',
  });
  if (!picked) return;
  let target = picked.fsPath;
  let format = reportFormatOf(target);
  if (!format) {
    target += '.html';
    format = 'html';
  }
  const panel = ReviewPanel.get(root);
  await panel?.session.ready;
  const images = panel
    ? panel.session.all()
    : (await indexFolder(root)).map((i) => ({ id: i.relPath.split(path.sep).join('/'), path: i.path, sidecar: i.sidecar, sidecarError: i.sidecarError }));
  const inputs = await trustInputs(images, path.join(env.ctx.globalStorageUri.fsPath, 'embeddings'));
  const report = await trustReport(inputs, displayPath(root, workspaceRootOf(folder)));
  const written = await writeReportFile(target, report, format);
  env.log.info(`Trust report of ${root} written to ${target}${written.chartDir ? ` (${written.charts} chart(s) in ${written.chartDir})` : ''}`);
  const open = 'Open';
  const pick = await vscode.window.showInformationMessage(
    `Trust report written to ${displayPath(target, workspaceRootOf(folder))}${written.charts ? ` with ${written.charts} chart(s) in ${path.basename(written.chartDir!)}` : ''}.`,
    open,
  );
  if (pick !== open) return;
  if (format === 'md') await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(target));
  else await vscode.window.showTextDocument(vscode.Uri.file(target));
}

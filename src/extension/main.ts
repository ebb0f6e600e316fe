// Extension entry point. Activated only by its commands; nothing heavy (model code, sharp) loads
// until a command needs it.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { ThumbnailCache } from '../core/thumbnails';
import { ClassifierProvider } from './classifierProvider';
import { createLogger } from './log';
import { RunStatusBar } from './statusBar';
import { setVlmApiKey } from './vlmAccess';
import { chooseLanguageModel, watchProviderSetting } from './lmPicker';
import { classifyFolder } from './classifyCommand';
import { openReviewPanel } from './openPanelCommand';
import { ReviewPanel } from './panel/reviewPanel';
import { exportTrustReport, startAudit } from './auditCommands';
import { exportDatasetCommand } from './exportDatasetCommand';
import type { Env } from './env';

export function activate(ctx: vscode.ExtensionContext) {
  const log = createLogger();
  const env: Env = {
    ctx,
    log,
    provider: new ClassifierProvider(ctx, log),
    statusBar: new RunStatusBar(),
    thumbnails: new ThumbnailCache(path.join(ctx.globalStorageUri.fsPath, 'thumbnails')),
    running: new Set(),
  };
  log.info(`Image Triage ${ctx.extension.packageJSON.version} activated (VS Code ${vscode.version}); storage ${ctx.globalStorageUri.fsPath}`);
  const guard =
    (what: string, fn: (arg?: unknown) => Promise<unknown>) =>
    async (arg?: unknown) => {
      try {
        return await fn(arg);
      } catch (e) {
        log.error(`${what} failed: ${(e as Error).stack ?? e}`);
        void vscode.window.showErrorMessage(`Image Triage: ${what} failed: ${(e as Error).message}`);
      }
    };
  ctx.subscriptions.push(
    log,
    env.provider,
    env.statusBar,
    { dispose: () => ReviewPanel.disposeAll() },
    vscode.commands.registerCommand('imageTriage.classifyFolder', guard('Classify Images', (arg) => classifyFolder(env, arg))),
    vscode.commands.registerCommand('imageTriage.openReviewPanel', guard('Open Review Panel', (arg) => openReviewPanel(env, arg))),
    vscode.commands.registerCommand('imageTriage.setVlmApiKey', guard('Set VLM API Key', () => setVlmApiKey(ctx.secrets))),
    vscode.commands.registerCommand('imageTriage.chooseLanguageModel', guard('Choose Language Model', () => chooseLanguageModel(log))),
    watchProviderSetting(log),
    vscode.commands.registerCommand('imageTriage.startAudit', guard('Start Audit', (arg) => startAudit(env, arg))),
    vscode.commands.registerCommand('imageTriage.exportReport', guard('Export Trust Report', (arg) => exportTrustReport(env, arg))),
    vscode.commands.registerCommand('imageTriage.exportDataset', guard('Export Dataset', (arg) => exportDatasetCommand(env, arg))),
    vscode.commands.registerCommand('imageTriage.showLog', () => log.show(true)),
  );
  // For tests and other extensions: the same commands as an API.
  return {
    classifyFolder: (uri: vscode.Uri) => classifyFolder(env, uri),
    openReviewPanel: (uri: vscode.Uri) => openReviewPanel(env, uri),
  };
}

export function deactivate(): void {
  ReviewPanel.disposeAll();
}

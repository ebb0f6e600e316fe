// What the commands share: the extension context, the log, the lazily built classifier, the status
// bar, the thumbnail cache and which folders are being classified.
import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ThumbnailCache } from '../core/thumbnails';
import type { ClassifierProvider } from './classifierProvider';
import type { RunStatusBar } from './statusBar';
import type { Logger } from './log';

export interface Env {
  ctx: vscode.ExtensionContext;
  log: Logger;
  provider: ClassifierProvider;
  statusBar: RunStatusBar;
  thumbnails: ThumbnailCache;
  /** Folders with a classification run in progress. */
  running: Set<string>;
}

/** Who a review decision is recorded as. */
export function reviewer(): string {
  try {
    return os.userInfo().username || 'reviewer';
  } catch {
    return 'reviewer';
  }
}

/** The folder a command works on: the Explorer's folder, or one the user picks. */
export async function pickFolder(arg: unknown, action: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg;
  const ws = vscode.workspace.workspaceFolders ?? [];
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: ws[0]?.uri,
    openLabel: action,
    title: `Image Triage: ${action} — choose a folder of images`,
  });
  return picked?.[0];
}

export function workspaceRootOf(folder: vscode.Uri): string | undefined {
  return vscode.workspace.getWorkspaceFolder(folder)?.uri.fsPath;
}

/** A path as shown to the user: relative to the workspace when inside it. */
export function displayPath(p: string, workspaceRoot: string | undefined): string {
  if (!workspaceRoot) return p;
  const rel = path.relative(workspaceRoot, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : rel === '' ? path.basename(p) : p;
}

// "Image Triage: Export Dataset…": format and options by QuickPick, a target folder, the core export
// with progress and Cancel, then "Reveal in Explorer". Works on the folder given (explorer menu), the
// review panel in front (its toolbar), or a folder the user picks.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { indexFolder } from '../core/folderIndex';
import { parseCategories } from '../core/categories';
import { ExportError, exportDataset, parseSplit, type ExportFormat, type ExportSummary } from '../core/export';
import { folderEmbeddings } from '../classifiers/zeroShot/embeddingCache';
import { ReviewPanel } from './panel/reviewPanel';
import { displayPath, pickFolder, workspaceRootOf, type Env } from './env';
import { EXPORT_FORMAT_ITEMS, EXPORT_OPTION_ITEMS, LABEL_ITEMS, exportChoices } from './exportChoices';

async function folderFor(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg;
  const active = ReviewPanel.active();
  return active ? vscode.Uri.file(active.session.root) : pickFolder(undefined, 'Export Dataset');
}

export async function exportDatasetCommand(env: Env, arg?: unknown): Promise<void> {
  const folder = await folderFor(arg);
  if (!folder) return;
  const root = folder.fsPath;
  const format = await vscode.window.showQuickPick(EXPORT_FORMAT_ITEMS, { title: 'Export Dataset (1/3): format', placeHolder: 'The format the next tool reads', ignoreFocusOut: true });
  if (!format) return;
  const labels = await vscode.window.showQuickPick(LABEL_ITEMS, { title: 'Export Dataset (2/3): which labels', ignoreFocusOut: true });
  if (!labels) return;
  const options = await vscode.window.showQuickPick(EXPORT_OPTION_ITEMS, { title: 'Export Dataset (3/3): options (Enter to continue)', canPickMany: true, ignoreFocusOut: true });
  if (!options) return;
  const choice = exportChoices(format.format, labels.labels, options.map((o) => o.option), process.platform);
  const target = await vscode.window.showSaveDialog({
    title: `Image Triage: export folder for ${format.label} (a new folder outside the reviewed one)`,
    defaultUri: vscode.Uri.file(path.join(path.dirname(root), `${path.basename(root)}-${choice.format}`)),
    saveLabel: 'Export Here',
  });
  if (!target) return;
  const out = target.fsPath;
  const existing = await fs.readdir(out).catch(() => [] as string[]);
  let overwrite = false;
  if (existing.length) {
    const replace = 'Replace';
    const pick = await vscode.window.showWarningMessage(`${path.basename(out)} already exists and is not empty. Replace it with the export?`, { modal: true }, replace);
    if (pick !== replace) return;
    overwrite = true;
  }
  const catText = await fs.readFile(path.join(root, 'categories.json'), 'utf8').catch(() => null);
  let set;
  try {
    set = catText === null ? undefined : parseCategories(catText).set;
  } catch {
    set = undefined; // the export falls back to the predictions' category order
  }
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Image Triage: exporting ${path.basename(root)} as ${format.label}`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const images = await indexFolder(root, { signal: ac.signal });
      const embeddings = choice.format === 'cleanlab' ? (await folderEmbeddings(images, path.join(env.ctx.globalStorageUri.fsPath, 'embeddings'))).byRelPath : undefined;
      let last = 0;
      try {
        return await exportDataset({
          root, images, out, format: choice.format, labels: choice.labels, files: choice.files, includeNone: choice.includeNone, overwrite,
          split: choice.split ? parseSplit(choice.split) : undefined, seed: 0, categories: set?.categories.map((c) => c.name), mode: set?.mode, embeddings, signal: ac.signal,
          onProgress: (done, total) => {
            const pct = (100 * done) / Math.max(1, total);
            progress.report({ message: `${done}/${total}`, increment: pct - last });
            last = pct;
          },
        });
      } catch (e) {
        if (e instanceof ExportError) {
          void vscode.window.showErrorMessage(`Image Triage: ${e.message}`);
          return undefined;
        }
        if ((e as Error).name === 'AbortError') {
          void vscode.window.showInformationMessage('Image Triage: export cancelled; nothing was written.');
          return undefined;
        }
        throw e;
      }
    },
  );
  if (summary) await finished(env, summary, folder);
}

async function finished(env: Env, s: ExportSummary, folder: vscode.Uri): Promise<void> {
  env.log.info(`Export of ${s.images_root} as ${s.format} to ${s.out}: ${s.exported} exported, ${s.skipped.length} skipped, ${s.failed.length} failed`);
  for (const f of s.failed) env.log.warn(`export: ${f.path}: ${f.reason}`);
  const reveal = 'Reveal in Explorer';
  const summary = 'Show Summary';
  const msg =
    `Exported ${s.exported} of ${s.total_images} images as ${s.format} to ${displayPath(s.out, workspaceRootOf(folder))}` +
    (s.skipped.length ? `; ${s.skipped.length} skipped` : '') + (s.failed.length ? `; ${s.failed.length} failed (see Show Summary)` : '') + '.';
  const pick = await (s.failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(msg, reveal, summary);
  const uri = vscode.Uri.file(s.out);
  if (pick === reveal) {
    const inWorkspace = !!vscode.workspace.getWorkspaceFolder(uri);
    await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
  } else if (pick === summary) {
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(s.out, 'export.json')));
  }
}

export type { ExportFormat };

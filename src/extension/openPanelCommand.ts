// "Open Review Panel": review a folder that already has sidecars, without classifying it again.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { indexFolder } from '../core/folderIndex';
import { primaryPrediction } from '../core/sidecar';
import type { Mode } from '../core/types';
import { categoriesFromScores, findCategoriesFile } from './categoriesFile';
import { loadCategoriesFile } from './categoriesPicker';
import { readSettings } from './settings';
import { ReviewSession } from './panel/reviewSession';
import { ReviewPanel } from './panel/reviewPanel';
import { testIndexFor } from './testIndex';
import { displayPath, pickFolder, reviewer, workspaceRootOf, type Env } from './env';

export async function openReviewPanel(env: Env, arg?: unknown): Promise<void> {
  const folder = await pickFolder(arg, 'Open Review Panel');
  if (!folder) return;
  const root = folder.fsPath;
  const ws = workspaceRootOf(folder);
  env.log.info(`Open Review Panel: ${root}`);
  const existing = ReviewPanel.get(root);
  if (existing && env.running.has(root)) return existing.panel.reveal();
  const settings = readSettings(folder);
  const indexed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Image Triage: reading sidecars in ${path.basename(root)}` },
    async () => (await testIndexFor(root)) ?? indexFolder(root),
  );
  const preds = indexed.map((i) => (i.sidecar ? primaryPrediction(i.sidecar) : undefined));
  const catFile = await findCategoriesFile(root, ws);
  const loaded = catFile ? await loadCategoriesFile(catFile, env.log) : undefined;
  let categories = loaded?.set.categories.map((c) => ({ name: c.name, description: c.description }));
  let mode: Mode = loaded?.set.mode ?? preds.find((p) => p)?.mode ?? 'single_label';
  let source = loaded ? displayPath(loaded.source, ws) : 'categories from the sidecars';
  if (!categories) {
    categories = categoriesFromScores(preds.map((p) => p?.category_scores)).map((name) => ({ name, description: '' }));
  }
  if (settings.mode !== 'fromFile') mode = settings.mode;
  // Mid-run (even before the first result) the panel opens and shows the run's progress.
  if (!indexed.some((i) => i.sidecar) && !env.running.has(root)) {
    const classify = 'Classify Images';
    const pick = await vscode.window.showInformationMessage(
      `${displayPath(root, ws)} has ${indexed.length ? `${indexed.length} image${indexed.length === 1 ? '' : 's'} but no sidecars` : 'no images'} yet. Run Classify Images first.`,
      ...(indexed.length ? [classify] : []),
    );
    if (pick === classify) await vscode.commands.executeCommand('imageTriage.classifyFolder', folder);
    return;
  }
  if (!categories.length) source = 'no categories';
  const session = new ReviewSession(root, categories, mode, reviewer(), indexed);
  env.log.info(`Review panel for ${root}: ${indexed.length} images, ${categories.length} categories (${source})`);
  ReviewPanel.show(session, { folderName: path.basename(root), categoriesSource: source, categoriesFile: loaded?.source }, {
    extensionUri: env.ctx.extensionUri,
    thumbnails: env.thumbnails,
    log: env.log,
    thumbnailSize: settings.thumbnailSize,
    storageDir: env.ctx.globalStorageUri.fsPath,
  });
}

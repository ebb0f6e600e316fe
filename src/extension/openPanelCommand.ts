// "Open Review Panel": review a folder that already has sidecars, without classifying it again.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { IndexedImage } from '../core/folderIndex';
import { openWithIndex, summaryIndexPath, type QuickOpen } from '../core/summaryIndex';
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
  const catFile = await findCategoriesFile(root, ws);
  const loaded = catFile ? await loadCategoriesFile(catFile, env.log) : undefined;
  // The grid's summaries come from the summary index where the sidecars did not change; the full
  // sidecars follow in the background. Without a categories file the categories come from the
  // sidecars' scores, so they are all read first.
  let indexed: IndexedImage[] | undefined;
  let quick: QuickOpen | undefined;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Image Triage: reading sidecars in ${path.basename(root)}` }, async () => {
    indexed = await testIndexFor(root);
    if (indexed) return;
    quick = await openWithIndex(root, summaryIndexPath(env.ctx.globalStorageUri.fsPath, root));
    if (!loaded) indexed = await quick.full();
  });
  const count = indexed?.length ?? quick!.images.length;
  const preds = indexed?.map((i) => (i.sidecar ? primaryPrediction(i.sidecar) : undefined)) ?? [];
  let categories = loaded?.set.categories.map((c) => ({ name: c.name, description: c.description }));
  let mode: Mode = loaded?.set.mode ?? preds.find((p) => p)?.mode ?? 'single_label';
  let source = loaded ? displayPath(loaded.source, ws) : 'categories from the sidecars';
  if (!categories) {
    categories = categoriesFromScores(preds.map((p) => p?.category_scores)).map((name) => ({ name, description: '' }));
  }
  if (settings.mode !== 'fromFile') mode = settings.mode;
  // Mid-run (even before the first result) the panel opens and shows the run's progress.
  const anySidecar = indexed ? indexed.some((i) => i.sidecar) : quick!.images.some((i) => i.sidecarStamp != null);
  if (!anySidecar && !env.running.has(root)) {
    const classify = 'Classify Images';
    const pick = await vscode.window.showInformationMessage(
      `${displayPath(root, ws)} has ${count ? `${count} image${count === 1 ? '' : 's'} but no sidecars` : 'no images'} yet. Run Classify Images first.`,
      ...(count ? [classify] : []),
    );
    if (pick === classify) await vscode.commands.executeCommand('imageTriage.classifyFolder', folder);
    return;
  }
  if (!categories.length) source = 'no categories';
  const session = indexed
    ? new ReviewSession(root, categories, mode, reviewer(), indexed)
    : ReviewSession.fromIndex(root, categories, mode, reviewer(), quick!, (e) => env.log.error(`Review panel for ${root}: reading the sidecars failed: ${e.message}`));
  const early = quick && !indexed ? `; ${quick.fromIndex} of them from the summary index, the sidecars loading behind` : '';
  env.log.info(`Review panel for ${root}: ${count} images, ${categories.length} categories (${source})${early}`);
  if (early) {
    const t0 = Date.now();
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Image Triage: loading sidecars in ${path.basename(root)}` }, () => session.ready);
    void session.ready.then(() => env.log.info(`Review panel for ${root}: sidecars loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`));
  }
  ReviewPanel.show(session, { folderName: path.basename(root), categoriesSource: source, categoriesFile: loaded?.source }, {
    extensionUri: env.ctx.extensionUri,
    thumbnails: env.thumbnails,
    log: env.log,
    thumbnailSize: settings.thumbnailSize,
    storageDir: env.ctx.globalStorageUri.fsPath,
  });
}

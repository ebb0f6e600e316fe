// "Classify Images": categories → images → (consent for a remote VLM) → model (downloaded on first
// use, with its own progress) → the run, with done/total, ETA and Cancel in a progress notification,
// the status bar and the output channel. The review panel opens at once and fills in live.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { indexFolder } from '../core/folderIndex';
import { openWithIndex, summaryIndexPath } from '../core/summaryIndex';
import { runClassification, type RunSummary } from '../core/run';
import { categoriesHash } from '../core/categories';
import { formatTokens } from '../core/tokens';
import { runCascade, type CascadeEvent } from '../core/cascade';
import { CascadeRuleError, parseCascadeRule, type CascadeRule } from '../core/cascadeRule';
import type { LoadProgress } from '../core/classifier';
import { chooseCategories } from './categoriesPicker';
import { openSetting, readSettings } from './settings';
import { EtaEstimator, formatBytes, formatDuration, progressMessage } from './eta';
import { ensureRemoteConsent } from './vlmAccess';
import { SetupError } from './classifierProvider';
import { ReviewSession } from './panel/reviewSession';
import { ReviewPanel } from './panel/reviewPanel';
import { displayPath, pickFolder, reviewer, workspaceRootOf, type Env } from './env';

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

export async function classifyFolder(env: Env, arg?: unknown): Promise<RunSummary | undefined> {
  const folder = await pickFolder(arg, 'Classify Images');
  if (!folder) return;
  const root = folder.fsPath;
  const name = path.basename(root);
  if (env.running.has(root)) {
    void vscode.window.showInformationMessage(`Image Triage is already classifying ${name}.`);
    return;
  }
  const ws = workspaceRootOf(folder);
  const settings = readSettings(folder);
  const cats = await chooseCategories(root, ws, env.log);
  if (!cats) return;
  const set = settings.mode === 'fromFile' ? cats.set : { ...cats.set, mode: settings.mode };
  const hash = settings.mode === 'fromFile' ? cats.hash : categoriesHash(set);
  env.running.add(root);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Image Triage: ${name}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        progress.report({ message: 'finding images…' });
        const indexed = await indexFolder(root, { signal: ac.signal });
        if (!indexed.length) {
          void vscode.window.showWarningMessage(`No images in ${displayPath(root, ws)}. Image Triage reads .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff and .avif files.`);
          return undefined;
        }
        const rule = settings.classifier === 'cascade' ? cascadeRule(settings.cascadeWhen) : undefined;
        // Before anything is sent: where the images would go, and whether the user agrees. The cascade
        // asks once zero-shot has run, with the number of uncertain images it would really send.
        const dest = await env.provider.destination(settings);
        if (dest && !rule && !(await ensureRemoteConsent(env.ctx.globalState, dest, name, indexed.length))) {
          env.log.info(`Classification of ${root} cancelled: no consent to send images to ${dest.name}`);
          return undefined;
        }
        const beforeVlm = async (count: number): Promise<boolean> => {
          if (!dest) return true;
          const settled = `Zero-shot was unsure of these ${count} of ${indexed.length} images (rule ${rule?.text}); only they go to the VLM.`;
          const ok = await ensureRemoteConsent(env.ctx.globalState, dest, name, count, settled);
          if (!ok) env.log.info(`Cascade on ${root}: no consent to send ${count} uncertain images to ${dest.name}; they keep their zero-shot prediction`);
          return ok;
        };
        env.log.info(`Classifying ${indexed.length} images in ${root} with ${settings.classifier} (categories ${cats.source}, ${set.mode}, hash ${hash})`);
        const session = new ReviewSession(root, set.categories.map((c) => ({ ...c })), set.mode, reviewer(), indexed);
        ReviewPanel.show(session, { folderName: name, categoriesSource: displayPath(cats.source, ws), categoriesFile: cats.source }, {
          extensionUri: env.ctx.extensionUri,
          thumbnails: env.thumbnails,
          log: env.log,
          thumbnailSize: settings.thumbnailSize,
          storageDir: env.ctx.globalStorageUri.fsPath,
        });
        const panel = () => ReviewPanel.get(root);
        ReviewPanel.setRun(root, { state: 'loading', done: 0, total: indexed.length, message: 'Loading the model…' });
        env.statusBar.start(name);
        progress.report({ message: 'loading the model…' });
        const onProgress = downloadReporter(progress, env);
        const classifiers = rule ? await env.provider.getCascade(settings, ws, onProgress) : { one: await env.provider.get(settings, ws, onProgress) };
        if (ac.signal.aborted) return finish(env, folder, undefined, indexed.length);
        const zeroShot = 'one' in classifiers ? classifiers.one : classifiers.zeroShot;
        showSetWarnings(env, (await zeroShot.setWarnings?.(set)) ?? []);
        let eta = new EtaEstimator();
        let reported = 0;
        let stage = '';
        const total = indexed.length;
        ReviewPanel.setRun(root, { state: 'running', done: 0, total });
        const onEvent = (e: CascadeEvent) => {
          if (e.type === 'image') {
            panel()?.runResult(e.path, e.sidecar, e.error);
            if (e.status === 'failed') env.log.warn(`${e.relPath}: ${e.error}`);
          } else if (e.type === 'stage') {
            // The cascade's second stage counts again from 0 over the uncertain images.
            stage = e.stage === 'vlm' ? 'VLM on uncertain images: ' : 'zero-shot: ';
            if (e.stage === 'vlm') env.log.info(`Cascade: ${e.total} uncertain images go to the VLM (${e.saved} settled by zero-shot, ${e.current} with a current VLM answer; rule ${rule?.text})`);
            eta = new EtaEstimator();
            reported = 0;
          } else if (e.type === 'progress') {
            const secs = eta.update(e.done, e.total);
            progress.report({ increment: ((e.done - reported) / Math.max(1, e.total)) * (rule ? 50 : 100), message: stage + progressMessage(e.done, e.total, secs) });
            reported = e.done;
            env.statusBar.progress(e.done, e.total, secs);
            ReviewPanel.setRun(root, { state: 'running', done: e.done, total: e.total });
          }
        };
        const common = { root, set, categoriesHash: hash, batchSize: settings.batchSize, signal: ac.signal, images: indexed.map(({ path: p, relPath, size }) => ({ path: p, relPath, size })), onEvent };
        const summary =
          'one' in classifiers
            ? await runClassification({ ...common, classifier: classifiers.one })
            : await runCascade({ ...common, zeroShot: classifiers.zeroShot, vlm: classifiers.vlm, rule: rule!, beforeVlm });
        return finish(env, folder, summary, total);
      },
    );
  } catch (e) {
    reportFailure(env, folder, e);
    return undefined;
  } finally {
    env.running.delete(root);
  }
}

/** Category-set problems for this model (prompts over its token limit): a visible warning, every line in the log. */
function showSetWarnings(env: Env, warnings: string[]): void {
  if (!warnings.length) return;
  for (const w of warnings) env.log.warn(w);
  const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more; see the log)` : '';
  void vscode.window.showWarningMessage(`Image Triage: ${warnings[0]}${more}`, 'Show Log').then((pick) => {
    if (pick) env.log.show();
  });
}

function downloadReporter(progress: Progress, env: Env): (p: LoadProgress) => void {
  const shown = new Map<string, number>();
  return (p) => {
    if (p.status === 'initiate' && p.file) env.log.info(`Downloading ${p.file}…`);
    if (p.status === 'done' && p.file) env.log.info(`Downloaded ${p.file}`);
    if (p.status !== 'progress' || !p.total || !p.file) return;
    const pct = Math.floor(((p.loaded ?? 0) / p.total) * 100);
    if ((shown.get(p.file) ?? -5) + 5 > pct && pct < 100) return;
    shown.set(p.file, pct);
    progress.report({ message: `downloading the model: ${p.file} ${pct}% of ${formatBytes(p.total)}` });
  };
}

function finish(env: Env, folder: vscode.Uri, s: RunSummary | undefined, total: number): RunSummary | undefined {
  const root = folder.fsPath;
  const panel = ReviewPanel.get(root);
  if (!s || s.cancelled) {
    const done = s ? s.classified + s.skipped + s.failed : 0;
    env.log.info(`Cancelled ${root} after ${done} of ${total} images; finished sidecars are saved.`);
    ReviewPanel.setRun(root, { state: 'cancelled', done, total });
    env.statusBar.finish(`cancelled at ${done}/${total}`, folder, false);
    void vscode.window.showInformationMessage(`Classification cancelled after ${done} of ${total} images. Their sidecars are saved; run Classify Images again to continue (finished images are skipped).`);
    return s;
  }
  const per = Object.entries(s.perCategory).map(([k, v]) => `${k} ${v}`).join(', ');
  env.log.info(
    `Done ${root}: ${s.classified} classified, ${s.skipped} already current, ${s.failed} failed in ${formatDuration(s.elapsedMs / 1000)} (${s.checkpoint}). ${per}. Review queue: ${s.reviewQueue}.${vlmCost(s)}`,
  );
  for (const w of s.warnings) env.log.warn(w);
  // The summary index for the next Open Review Panel, in the background (stamps first, then reads).
  void openWithIndex(root, summaryIndexPath(env.ctx.globalStorageUri.fsPath, root))
    .then((q) => q.full())
    .catch((e: Error) => env.log.warn(`Summary index of ${root} not saved: ${e.message}`));
  ReviewPanel.setRun(root, { state: 'done', done: s.total, total: s.total });
  env.statusBar.finish(`${s.total} images${s.failed ? `, ${s.failed} failed` : ''}`, folder, s.failed === 0);
  const buttons = [...(panel ? [] : ['Open Review Panel']), ...(s.failed ? ['Show Log'] : [])];
  const msg = `Classified ${s.total} images in ${path.basename(root)}: ${per || 'no labels'}; ${s.reviewQueue} to review${s.failed ? `; ${s.failed} failed (see the log)` : ''}.${vlmCost(s)}`;
  void (s.failed ? vscode.window.showWarningMessage(msg, ...buttons) : vscode.window.showInformationMessage(msg, ...buttons)).then((pick) => {
    if (pick === 'Open Review Panel') void vscode.commands.executeCommand('imageTriage.openReviewPanel', folder);
    if (pick === 'Show Log') env.log.show(true);
  });
  return s;
}

function cascadeRule(when: string): CascadeRule {
  try {
    return parseCascadeRule(when);
  } catch (e) {
    if (e instanceof CascadeRuleError) throw new SetupError(`imageTriage.cascade.when: ${e.message}`, 'imageTriage.cascade.when');
    throw e;
  }
}

/** " VLM calls: 3 (12 settled by zero-shot); tokens: …" for runs that asked a VLM, else ''. */
export function vlmCost(s: RunSummary): string {
  if (s.vlm_calls === undefined) return '';
  const declined = s.vlm_declined;
  if (declined) return ` ${declined} uncertain image${declined === 1 ? '' : 's'} not sent to the VLM (no consent): ${declined === 1 ? 'it keeps its' : 'they keep their'} zero-shot prediction.`;
  const saved = s.vlm_calls_saved !== undefined ? ` (${s.vlm_calls_saved} settled by zero-shot)` : '';
  return ` VLM calls: ${s.vlm_calls}${saved}; tokens: ${formatTokens(s.tokens ?? null, { requests: s.vlm_requests ?? 0, reported: s.vlm_requests_with_usage ?? 0 })}.`;
}

function reportFailure(env: Env, folder: vscode.Uri, e: unknown): void {
  const err = e as Error;
  ReviewPanel.setRun(folder.fsPath, { state: 'failed', done: 0, total: 0, message: err.message });
  env.statusBar.finish('failed', folder, false);
  env.log.error(`Classifying ${folder.fsPath} failed: ${err.stack ?? err.message}`);
  const setting = err instanceof SetupError ? err.setting : err.name === 'ModelLoadError' ? 'imageTriage.model' : err.name === 'VlmSetupError' ? 'imageTriage.vlm.baseUrl' : undefined;
  const command = err instanceof SetupError ? err.command : undefined;
  const FIX = 'Choose Language Model';
  const buttons = [...(command === 'imageTriage.chooseLanguageModel' ? [FIX] : []), ...(setting ? ['Open Settings'] : []), 'Show Log'];
  const msg = err.name === 'AbortError' ? 'Classification cancelled.' : `Image Triage could not classify ${path.basename(folder.fsPath)}: ${err.message}`;
  void vscode.window.showErrorMessage(msg, ...buttons).then((pick) => {
    if (pick === FIX && command) void vscode.commands.executeCommand(command);
    if (pick === 'Open Settings' && setting) void openSetting(setting);
    if (pick === 'Show Log') env.log.show(true);
  });
}

// Hosts the review panel for one folder: serves the webview its HTML, images and thumbnails, takes its
// messages through the Endpoint (validated; every request answered once, handlers in
// panelRequests.ts), sends through the Outbox (held until the webview is ready), and pushes live
// results, the run's progress and external sidecar changes.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Sidecar } from '../../core/types';
import type { ThumbnailCache } from '../../core/thumbnails';
import { INIT_CHUNK, MORE_CHUNK, packSummaries, type HostMessage, type PanelInit, type RunState } from '../../shared/protocol';
import type { Logger } from '../log';
import type { ReviewSession, SessionImage } from './reviewSession';
import { panelHtml, makeNonce } from './html';
import { ThumbQueue } from './thumbQueue';
import { imageIdOf, resolveImageId } from './pathGuard';
import { AuditController } from './auditController';
import { Endpoint } from './endpoint';
import { Outbox } from './outbox';
import { errorCodeOf, panelRequests } from './panelRequests';
import { findCategoriesFile } from '../categoriesFile';
import { displayPath, workspaceRootOf } from '../env';
import { ExploreHost } from './exploreHost';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  thumbnails: ThumbnailCache;
  log: Logger;
  thumbnailSize: number;
  /** The extension's global storage (model cache, zero-shot image embeddings). */
  storageDir: string;
}

export interface PanelInfo {
  folderName: string;
  categoriesSource: string;
  /** The categories.json the categories come from (absolute): saving it previews a re-scoring. */
  categoriesFile?: string;
}

/** Formats a browser shows directly; others (TIFF) get a large thumbnail in the detail pane. */
const BROWSER_FORMATS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif']);
const DETAIL_SIZE = 1024;

const IDLE: RunState = { state: 'idle', done: 0, total: 0 };
const busy = (r: RunState) => r.state === 'running' || r.state === 'loading';

export class ReviewPanel implements vscode.Disposable {
  private static panels = new Map<string, ReviewPanel>();
  /** Each folder's run in progress, kept while no panel is open so that one opened mid-run shows it. */
  private static runs = new Map<string, RunState>();

  /** The run of `root` moved on: remember it and show it in the folder's panel, if open. */
  static setRun(root: string, run: RunState): void {
    const key = path.resolve(root);
    if (busy(run)) ReviewPanel.runs.set(key, run);
    else ReviewPanel.runs.delete(key);
    ReviewPanel.panels.get(key)?.setRun(run);
  }

  static get(root: string): ReviewPanel | undefined {
    return ReviewPanel.panels.get(path.resolve(root));
  }

  /** The panel in the active editor, or the only one open. */
  static active(): ReviewPanel | undefined {
    const all = [...ReviewPanel.panels.values()];
    return all.find((p) => p.panel.active) ?? (all.length === 1 ? all[0] : undefined);
  }

  /** Opens (or reveals and re-initialises) the panel of `session.root`. */
  static show(session: ReviewSession, info: PanelInfo, deps: PanelDeps): ReviewPanel {
    const existing = ReviewPanel.get(session.root);
    if (existing) {
      existing.reset(session, info);
      existing.panel.reveal();
      return existing;
    }
    const p = new ReviewPanel(session, info, deps);
    ReviewPanel.panels.set(path.resolve(session.root), p);
    return p;
  }

  readonly panel: vscode.WebviewPanel;
  private run: RunState;
  private outbox: Outbox;
  private endpoint: Endpoint;
  private thumbs: ThumbQueue;
  private pendingUpserts = new Map<string, true>();
  private upsertTimer: ReturnType<typeof setTimeout> | undefined;
  private changedSidecars = new Set<string>();
  private watchTimer: ReturnType<typeof setTimeout> | undefined;
  private disposables: vscode.Disposable[] = [];
  private disposed = false;
  private ownWriting = 0;
  private initGeneration = 0;
  audit: AuditController;
  private explore: ExploreHost;

  private constructor(
    /** The folder's images and decisions (replaced when the panel is re-initialised). */
    public session: ReviewSession,
    private info: PanelInfo,
    private readonly deps: PanelDeps,
  ) {
    const root = vscode.Uri.file(session.root);
    this.run = ReviewPanel.runs.get(path.resolve(session.root)) ?? IDLE;
    this.panel = vscode.window.createWebviewPanel('imageTriage.review', `Review: ${info.folderName}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [
        root,
        vscode.Uri.file(deps.thumbnails.dir),
        vscode.Uri.joinPath(deps.extensionUri, 'dist'),
        vscode.Uri.joinPath(deps.extensionUri, 'media'),
      ],
    });
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    const webview = this.panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'review.css')).toString(),
      extraStyleUris: ['audit.css', 'clusters.css', 'explore.css'].map((f) => webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', f)).toString()),
      title: `Review: ${info.folderName}`,
    });
    this.outbox = new Outbox((m) => void webview.postMessage(m));
    this.thumbs = this.makeThumbQueue();
    this.audit = this.makeAudit();
    this.explore = this.makeExplore();
    this.endpoint = this.makeEndpoint();
    this.disposables.push(
      webview.onDidReceiveMessage((m) => this.endpoint.receive(m).catch((e) => this.deps.log.error(`Review panel: ${(e as Error).stack ?? e}`))),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.watch();
    this.whenLoaded(session);
  }

  /** A session opened from the summary index: once its sidecars are in, the audit and any changed summaries follow. */
  private whenLoaded(session: ReviewSession): void {
    if (!session.fromSummaryIndex) return;
    void session.ready.then((changed) => {
      if (this.session !== session || this.disposed) return;
      this.audit = this.makeAudit();
      if (this.outbox.ready) this.audit.onReady();
      for (const id of changed) this.pendingUpserts.set(id, true);
      this.flushUpserts();
    });
  }

  /** A live result from a classification run. */
  runResult(imagePath: string, sidecar: Sidecar | undefined, error?: string): void {
    const img = this.session.get(imageIdOf(this.session.root, imagePath) ?? '');
    const id = this.session.setImage(imagePath, sidecar ?? img?.sidecar ?? null, sidecar ? undefined : error && !img?.sidecar ? error : undefined);
    if (!id) return;
    this.pendingUpserts.set(id, true);
    this.upsertTimer ??= setTimeout(() => this.flushUpserts(), 100);
  }

  private setRun(run: RunState): void {
    this.run = run;
    if (!busy(run)) this.flushUpserts();
    this.post({ type: 'run', run });
  }

  private reset(session: ReviewSession, info: PanelInfo): void {
    this.session = session;
    this.info = info;
    this.panel.title = `Review: ${info.folderName}`;
    this.audit = this.makeAudit();
    this.explore.reset();
    if (this.outbox.ready) {
      this.sendInit();
      this.audit.onReady();
    }
    this.whenLoaded(session);
  }

  private makeEndpoint(): Endpoint {
    const panel = this;
    const requests = panelRequests({
      get session() {
        return panel.session;
      },
      get audit() {
        return panel.audit.audit;
      },
      get folderName() {
        return panel.info.folderName;
      },
      storageDir: this.deps.storageDir,
      log: this.deps.log,
      post: (m) => this.post(m),
      detailSrc: (img) => this.detailSrc(img),
      auditChanged: () => this.audit.sidecarsChanged(),
      categoriesFile: () => findCategoriesFile(this.session.root, workspaceRootOf(vscode.Uri.file(this.session.root))),
      display: (file) => displayPath(file, workspaceRootOf(vscode.Uri.file(this.session.root))),
      rescore: () => {
        if (busy(this.run)) return false;
        void vscode.commands.executeCommand('imageTriage.classifyFolder', vscode.Uri.file(this.session.root));
        return true;
      },
      get model() {
        return panel.explore.model;
      },
      get rescorePreview() {
        return panel.explore.rescore;
      },
      ownWrites: (fn) => this.ownWrites(fn),
    });
    return new Endpoint({
      known: () => ({
        image: (id) => this.session.unknownIds([id]).length === 0,
        category: (name) => this.session.categories.some((c) => c.name === name),
      }),
      requests,
      commands: {
        ready: () => {
          this.sendInit();
          this.outbox.openNow();
          this.audit.onReady();
        },
        requestThumbs: (m) => this.thumbs.request(m.ids),
        openSidecar: (m) => this.openSidecar(m.id),
        startAudit: () => this.audit.startAuditCommand(),
        exportReport: () => this.audit.exportReportCommand(),
        exportDataset: () => vscode.commands.executeCommand('imageTriage.exportDataset', vscode.Uri.file(this.session.root)),
      },
      post: (m) => this.post(m),
      log: this.deps.log,
      where: () => this.session.root,
      codeOf: errorCodeOf,
      gate: () => this.session.ready,
    });
  }

  private makeExplore(): ExploreHost {
    return new ExploreHost({
      storageDir: this.deps.storageDir,
      log: this.deps.log,
      session: () => this.session,
      categoriesFile: () => this.info.categoriesFile,
      post: (m) => this.post(m),
      ownWrites: (fn) => this.ownWrites(fn),
      categoriesChanged: (set) => {
        this.session.setCategories(set.categories.map((c) => ({ name: c.name, description: c.description })));
        this.sendInit();
      },
    });
  }

  private async ownWrites<T>(fn: () => Promise<T>): Promise<T> {
    this.ownWriting++;
    try {
      return await fn();
    } finally {
      this.ownWriting--;
    }
  }

  private makeAudit(): AuditController {
    const panel = this;
    return new AuditController({
      get session() {
        return panel.session;
      },
      get folderName() {
        return panel.info.folderName;
      },
      log: this.deps.log,
      post: (m) => this.post(m),
      reveal: () => this.panel.reveal(),
      ownWrites: (fn) => this.ownWrites(fn),
    });
  }

  /**
   * `init` with the first INIT_CHUNK images, then the rest in `initMore` chunks, each summarised
   * when sent and after the previous one was delivered (a million images never sit in memory as one
   * message). A newer init (reset) stops an older one's chunks.
   */
  private sendInit(): void {
    const generation = ++this.initGeneration;
    const all = this.session.all();
    const chunk = (i: number, n: number) => all.slice(i, i + n).map((img) => this.session.summary(img.id)!);
    const init: PanelInit = {
      folderName: this.info.folderName,
      categoriesSource: this.info.categoriesSource,
      mode: this.session.mode,
      categories: this.session.categories,
      images: chunk(0, INIT_CHUNK),
      total: all.length,
      thumbnailSize: this.deps.thumbnailSize,
      run: this.run,
    };
    this.post({ type: 'init', init });
    if (all.length <= INIT_CHUNK) return;
    void (async () => {
      await new Promise((r) => setImmediate(r)); // after the outbox opened (the `ready` handler)
      for (let i = INIT_CHUNK; i < all.length && generation === this.initGeneration && !this.disposed; i += MORE_CHUNK) {
        const packed = packSummaries(chunk(i, MORE_CHUNK));
        await this.panel.webview.postMessage({ type: 'initMore', packed, last: i + MORE_CHUNK >= all.length } satisfies HostMessage);
      }
    })().catch((e) => this.deps.log.error(`Review panel: sending images: ${(e as Error).message}`));
  }

  private flushUpserts(): void {
    clearTimeout(this.upsertTimer);
    this.upsertTimer = undefined;
    const ids = [...this.pendingUpserts.keys()];
    this.pendingUpserts.clear();
    const images = ids.map((id) => this.session.summary(id)).filter((s) => !!s);
    if (images.length) this.post({ type: 'upsert', images, external: false });
  }

  private post(m: HostMessage): void {
    if (!this.disposed) this.outbox.post(m);
  }

  private async openSidecar(id: string): Promise<void> {
    const img = this.session.get(id)!;
    const uri = vscode.Uri.file(img.path + '.labels.json');
    try {
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    } catch {
      this.post({ type: 'notice', level: 'info', text: `${id} has no sidecar yet.` });
    }
  }

  private async detailSrc(img: SessionImage): Promise<string | null> {
    try {
      const file = BROWSER_FORMATS.has(path.extname(img.path).toLowerCase()) ? img.path : await this.deps.thumbnails.thumbnail(img.path, DETAIL_SIZE);
      return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
    } catch (e) {
      this.deps.log.warn((e as Error).message);
      return null;
    }
  }

  private makeThumbQueue(): ThumbQueue {
    const size = Math.min(1024, this.deps.thumbnailSize * 2);
    return new ThumbQueue(
      async (id) => {
        const abs = resolveImageId(this.session.root, id);
        if (!abs) throw new Error('outside the folder');
        const file = await this.deps.thumbnails.thumbnail(abs, size);
        return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
      },
      (items) => this.post({ type: 'thumbs', items }),
    );
  }

  /** External changes (the CLI, git, another window) to sidecars under the folder. */
  private watch(): void {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(this.session.root), '**/*.labels.json'));
    const changed = (uri: vscode.Uri) => {
      this.changedSidecars.add(uri.fsPath);
      this.watchTimer ??= setTimeout(() => void this.applyExternal(), 150);
    };
    this.disposables.push(w, w.onDidChange(changed), w.onDidCreate(changed), w.onDidDelete(changed));
  }

  private async applyExternal(): Promise<void> {
    this.watchTimer = undefined;
    const files = [...this.changedSidecars];
    this.changedSidecars.clear();
    const images = [];
    for (const f of files) {
      const s = await this.session.refreshFromDisk(f).catch((e) => {
        this.deps.log.warn(`Cannot re-read ${f}: ${(e as Error).message}`);
        return null;
      });
      if (s) images.push(s);
    }
    if (!images.length) return;
    // During a run (or while the audit marks a sample), its own writes arrive here too: they are
    // results, not someone else's change.
    const external = !busy(this.run) && this.ownWriting === 0;
    if (external) this.deps.log.info(`Sidecars changed on disk: ${images.map((i) => i.id).join(', ')}`);
    this.post({ type: 'upsert', images, external });
    this.audit.sidecarsChanged();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    ReviewPanel.panels.delete(path.resolve(this.session.root));
    this.thumbs.dispose();
    this.explore.dispose();
    clearTimeout(this.upsertTimer);
    clearTimeout(this.watchTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables = [];
    this.panel.dispose();
  }

  static disposeAll(): void {
    for (const p of [...ReviewPanel.panels.values()]) p.dispose();
  }
}

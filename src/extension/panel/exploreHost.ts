// VS Code glue for the panel's search and live re-scoring: the folder's model, the previewer with
// VS Code's progress notification (Cancel), and the categories file watched on save in the editor.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { parseCategories } from '../../core/categories';
import type { CategorySet } from '../../core/types';
import type { HostMessage } from '../../shared/protocol';
import type { Logger } from '../log';
import { readSettings } from '../settings';
import { FolderModel } from './folderModel';
import { RescorePreviewer } from './rescorePreview';
import type { ReviewSession } from './reviewSession';

export interface ExploreDeps {
  storageDir: string;
  log: Logger;
  session(): ReviewSession;
  /** The categories.json the panel's categories come from (absolute), if any. */
  categoriesFile(): string | undefined;
  post(m: HostMessage): void;
  ownWrites<T>(fn: () => Promise<T>): Promise<T>;
  categoriesChanged(set: CategorySet): void;
}

export class ExploreHost implements vscode.Disposable {
  readonly model: FolderModel;
  rescore!: RescorePreviewer;
  private disposables: vscode.Disposable[] = [];

  constructor(private readonly d: ExploreDeps) {
    this.model = new FolderModel(d.storageDir);
    this.reset();
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const file = d.categoriesFile();
        if (!file || path.resolve(doc.uri.fsPath) !== path.resolve(file)) return;
        void this.rescore.fileSaved().catch((e) => {
          d.log.error(`Live re-scoring after saving ${file}: ${(e as Error).stack ?? e}`);
          d.post({ type: 'notice', level: 'error', text: `Could not re-score after saving categories.json: ${(e as Error).message}` });
        });
      }),
    );
  }

  /** A new session (the panel was re-initialised): any preview belongs to the old one. */
  reset(): void {
    const d = this.d;
    this.rescore = new RescorePreviewer({
      get session() {
        return d.session();
      },
      model: this.model,
      log: d.log,
      post: (m) => d.post(m),
      savedCategories: async () => {
        const file = d.categoriesFile();
        if (!file) return null;
        const { set } = parseCategories(await fs.readFile(file, 'utf8'), file);
        const mode = readSettings(vscode.Uri.file(d.session().root)).mode;
        return { file, set: mode === 'fromFile' ? set : { ...set, mode } };
      },
      withProgress: (title, fn) =>
        Promise.resolve(
          vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
            const ac = new AbortController();
            token.onCancellationRequested(() => ac.abort());
            let last = 0;
            return fn((done, total) => {
              const pct = total ? (100 * done) / total : 100;
              progress.report({ message: `${done} / ${total}`, increment: pct - last });
              last = pct;
            }, ac.signal);
          }),
        ),
      ownWrites: (fn) => d.ownWrites(fn),
      categoriesChanged: (set) => d.categoriesChanged(set),
    });
    d.post({ type: 'rescorePreview', preview: null });
  }

  dispose(): void {
    this.model.dispose();
    for (const x of this.disposables) x.dispose();
    this.disposables = [];
  }
}

// The zero-shot model behind a reviewed folder's cached embeddings, for the panel's search and live
// re-scoring: the checkpoint the folder's predictions record, loaded on first use (its towers run in
// a worker thread, so the extension host's thread only orchestrates), kept while in use and released
// after a while idle or when the panel closes. No vscode.
import * as path from 'node:path';
import type { Dtype } from '../../classifiers/config';
import { createZeroShotClassifier, type ZeroShotClassifier } from '../../classifiers/zeroShot';
import { folderCheckpoint, folderMatrix, type FolderMatrix, type ZeroShotKeyed } from '../../classifiers/zeroShot/folderEmbeddings';
import type { EmbeddingKey } from '../../classifiers/zeroShot/embeddingCache';
import type { SessionImage } from './reviewSession';

export type LoadClassifier = (key: EmbeddingKey, cacheDir: string) => Promise<ZeroShotClassifier>;

const loadDefault: LoadClassifier = (key, cacheDir) =>
  createZeroShotClassifier({ kind: 'zero-shot', model: key.model, dtype: key.dtype as Dtype, cacheDir, revision: key.revision || undefined });

/** A session's images as the embedding store matches them (by the sidecar's sha256). */
export function keyed(images: readonly SessionImage[]): ZeroShotKeyed[] {
  return images.map((i) => ({ relPath: i.id, sidecar: i.sidecar }));
}

export class FolderModel {
  private current: { id: string; classifier: Promise<ZeroShotClassifier> } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private users = 0;

  constructor(
    /** The model cache dir; the image embeddings are in its "embeddings". */
    readonly storageDir: string,
    private readonly load: LoadClassifier = loadDefault,
    private readonly idleMs = 10 * 60_000,
  ) {}

  /** The checkpoint most of the images' zero-shot predictions come from, or null. */
  checkpoint(images: readonly SessionImage[]): EmbeddingKey | null {
    return folderCheckpoint(keyed(images));
  }

  /** The cached embeddings of `images` for `key` (only their rows are read). */
  matrix(images: readonly SessionImage[], key: EmbeddingKey): Promise<FolderMatrix> {
    return folderMatrix(keyed(images), path.join(this.storageDir, 'embeddings'), key);
  }

  /** Runs `fn` with the checkpoint's classifier (loaded once; a failed load is retried next time). */
  async use<T>(key: EmbeddingKey, fn: (c: ZeroShotClassifier) => Promise<T>): Promise<T> {
    const id = JSON.stringify([key.model, key.revision, key.dtype]);
    if (this.current?.id !== id) {
      const old = this.current;
      this.current = { id, classifier: this.load(key, this.storageDir) };
      void old?.classifier.then((c) => c.dispose(), () => undefined);
      this.current.classifier.catch(() => {
        if (this.current?.id === id) this.current = null;
      });
    }
    clearTimeout(this.timer);
    this.users++;
    try {
      return await fn(await this.current.classifier);
    } finally {
      this.users--;
      if (!this.users) this.timer = setTimeout(() => this.dispose(), this.idleMs);
      this.timer?.unref?.();
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    const c = this.current;
    this.current = null;
    void c?.classifier.then((x) => x.dispose(), () => undefined);
  }
}

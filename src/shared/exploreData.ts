// What the panel's search ("search by meaning", "more like this") and live re-scoring preview send
// between host and webview. Pure types: no vscode, no DOM, no Node imports.

/** A text query, or an image of the folder whose cached embedding is the query. */
export type SearchQuery = { text: string } | { like: string };

export interface SearchResult {
  /** Images of the folder, best first (cosine over cached embeddings of one checkpoint). */
  results: { id: string; score: number }[];
  /** How many images were ranked (had a cached embedding). */
  searched: number;
  /** Images with no cached embedding for the checkpoint: not searched. The first few, and how many. */
  missing: string[];
  missingCount: number;
  /** The checkpoint whose embeddings were searched (model, dtype). */
  checkpoint: string | null;
  /** Why nothing was searched (no zero-shot predictions, the --like image has no embedding...). */
  refused?: string;
}

/** One image whose predicted labels would change. */
export interface LabelChange {
  id: string;
  before: string[];
  after: string[];
}

/** A re-scoring of every cached embedding against edited categories, nothing written yet. */
export interface RescorePreview {
  /** Names this preview in apply/discard (a newer preview replaces an older one). */
  previewId: number;
  /** Where the edit came from: categories.json saved in the editor, or a description edited in the panel. */
  source: 'file' | 'panel';
  /** The panel edit, when the source is the panel. */
  edit?: { name: string; description: string };
  checkpoint: string;
  /** Images re-scored (cached embedding, zero-shot prediction of the checkpoint). */
  rescored: number;
  /** Images not re-scored (no cached embedding or no zero-shot prediction of the checkpoint). */
  missing: number;
  changes: LabelChange[];
  /** Milliseconds the in-memory re-scoring took. */
  ms: number;
}

export interface ApplyResult {
  /** Sidecars written with the new prediction. */
  written: number;
  /** Of those, images whose label changed. */
  changed: number;
  /** Reviewed images whose review became stale (labels kept). */
  stale: number;
  /** Sidecars skipped: changed on disk since the preview (another image, no prediction), or unreadable. */
  skipped: number;
  cancelled: boolean;
  /** Why nothing was applied (the preview is gone or outdated). */
  refused?: string;
}

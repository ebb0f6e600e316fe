// The panel's "search by meaning" and "more like this" on the host: the same code as
// `image-triage search` (classifiers/zeroShot/search.ts): a text goes through the folder's prompt
// templates and the checkpoint's text tower (in its worker thread), an image's query is its own
// cached embedding; images are ranked by cosine over their cached embeddings. No image is encoded.
import { folderTemplates, rank, rowOf, textQueryVector } from '../../classifiers/zeroShot/search';
import { RequestError } from '../../shared/protocol';
import type { SearchQuery, SearchResult } from '../../shared/exploreData';
import type { FolderModel } from './folderModel';
import type { ReviewSession } from './reviewSession';

/** Images named in a result's `missing` list (the count says how many in all). */
const MISSING_LISTED = 20;

export async function searchFolder(session: ReviewSession, model: FolderModel, query: SearchQuery, top: number): Promise<SearchResult> {
  const images = session.all();
  const empty = (refused: string, checkpoint: string | null = null): SearchResult => ({ results: [], searched: 0, missing: [], missingCount: images.length, checkpoint, refused });
  const key = model.checkpoint(images);
  if (!key) return empty('Search needs zero-shot predictions with cached embeddings: classify the folder with a CLIP/SigLIP model first.');
  const checkpoint = `${key.model} (${key.dtype})`;
  const m = await model.matrix(images, key);
  if (!m.ids.length) return empty(`No image of this folder has a cached embedding for ${checkpoint}: classify it again with that model.`, checkpoint);
  let q: Float32Array;
  let exclude: string | undefined;
  if ('like' in query) {
    if (!session.has(query.like)) throw new RequestError('unknownImage', `${query.like} is not in this folder any more`);
    const row = rowOf(m, query.like);
    if (!row) return { ...empty(`${query.like} has no cached embedding for ${checkpoint}: classify it first.`, checkpoint), missingCount: m.missing.length };
    q = row;
    exclude = query.like;
  } else {
    const templates = await folderTemplates(session.root);
    q = await model.use(key, (c) => textQueryVector(c, query.text, templates));
  }
  const results = rank(m, q, top, exclude).map((r) => ({ id: r.path, score: r.score }));
  return { results, searched: m.ids.length, missing: m.missing.slice(0, MISSING_LISTED), missingCount: m.missing.length, checkpoint };
}

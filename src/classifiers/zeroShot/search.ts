// Search by meaning over a folder's cached embeddings: a text query goes through the categories'
// prompt templates and the text tower (ensembled like a category), an image query is the image's
// own cached embedding; images are ranked by cosine. No image of the folder is encoded.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_TEMPLATES, parseCategories } from '../../core/categories';
import { dotAll, topK } from '../../core/similarity/rank';
import type { FolderMatrix } from './folderEmbeddings';
import type { ZeroShotClassifier } from './zeroShotClassifier';

export interface SearchHit {
  path: string;
  score: number;
}

/** The prompt templates of the folder's categories file (or the defaults when it has none). */
export async function folderTemplates(root: string): Promise<readonly string[]> {
  const file = path.join(root, 'categories.json');
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return DEFAULT_TEMPLATES;
  try {
    return parseCategories(text, file).set.templates;
  } catch {
    return DEFAULT_TEMPLATES;
  }
}

/** The query text as a category would be: every template filled with it, ensembled, normalised. */
export async function textQueryVector(c: ZeroShotClassifier, text: string, templates: readonly string[]): Promise<Float32Array> {
  const cats = await c.categoryEmbeddings({ mode: 'single_label', templates: [...templates], categories: [{ name: text, description: text }] });
  return cats.ensembled[0];
}

/** The `top` images of `m` closest to `q`, best first; `exclude` (a relPath) is left out. */
export function rank(m: FolderMatrix, q: Float32Array, top: number, exclude?: string): SearchHit[] {
  if (!m.ids.length) return [];
  if (q.length !== m.dim) throw new Error(`the query has ${q.length} dimensions but the folder's embeddings have ${m.dim}: they come from different checkpoints`);
  const scores = dotAll(m.vectors, m.dim, q);
  const skip = new Set<number>();
  if (exclude !== undefined) {
    const i = m.ids.indexOf(exclude);
    if (i >= 0) skip.add(i);
  }
  return topK(scores, top, skip).map((r) => ({ path: m.ids[r.index], score: r.score }));
}

/** Row of `relPath` in `m` as a query vector, or null when it has no cached embedding. */
export function rowOf(m: FolderMatrix, relPath: string): Float32Array | null {
  const i = m.ids.indexOf(relPath);
  return i < 0 ? null : m.vectors.slice(i * m.dim, (i + 1) * m.dim);
}

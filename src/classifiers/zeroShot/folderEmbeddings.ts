// A folder's images matched to the embedding store by sha256: which checkpoint the folder was
// classified with, and the rows of just its images (no model is loaded, no other row is read).
import { promises as fs } from 'node:fs';
import { EmbeddingCache, embeddingKeyId, type EmbeddingKey } from './embeddingCache';

/** The zero-shot prediction fields that name an embedding cache key. */
export interface ZeroShotKeyed {
  relPath: string;
  sidecar: { image: { sha256: string }; predictions: { 'zero-shot'?: { checkpoint: string; revision: string; dtype: string } } } | null;
}

/** The zero-shot checkpoint most of the folder's predictions come from, or null. */
export function folderCheckpoint(images: readonly ZeroShotKeyed[]): EmbeddingKey | null {
  const counts = new Map<string, { n: number; key: EmbeddingKey }>();
  for (const img of images) {
    const p = img.sidecar?.predictions['zero-shot'];
    if (!p) continue;
    const id = JSON.stringify([p.checkpoint, p.revision, p.dtype]);
    const c = counts.get(id) ?? { n: 0, key: { model: p.checkpoint, revision: p.revision, dtype: p.dtype } };
    c.n++;
    counts.set(id, c);
  }
  return [...counts.values()].sort((x, y) => y.n - x.n)[0]?.key ?? null;
}

/** The stores of one model key on disk (one per embedding dimension; normally one). */
export async function openStores(dir: string, key: EmbeddingKey): Promise<EmbeddingCache[]> {
  const prefix = embeddingKeyId(key) + '-';
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const out: EmbeddingCache[] = [];
  for (const f of names.filter((n) => n.startsWith(prefix) && n.endsWith('.bin'))) {
    const dim = Number(f.slice(prefix.length, -4));
    if (!Number.isInteger(dim) || dim <= 0) continue;
    const store = new EmbeddingCache(dir, key, dim);
    await store.load();
    out.push(store);
  }
  return out.sort((a, b) => b.size - a.size);
}

export interface FolderMatrix {
  key: EmbeddingKey | null;
  dim: number;
  /** relPaths of the embedded images, in the order of `images`; row i of `vectors` is ids[i]. */
  ids: string[];
  vectors: Float32Array;
  /** relPaths with no cached embedding (or no sidecar hash). */
  missing: string[];
}

/** The cached embeddings of `images` as one row-major matrix (only their rows are read). */
export async function folderMatrix(images: readonly ZeroShotKeyed[], dir: string, key = folderCheckpoint(images)): Promise<FolderMatrix> {
  const stores = key ? await openStores(dir, key) : [];
  const store = stores[0];
  if (!key || !store) return { key, dim: 0, ids: [], vectors: new Float32Array(0), missing: images.map((i) => i.relPath) };
  const shas = images.map((i) => i.sidecar?.image.sha256 ?? '');
  const read = await store.getMany(shas);
  const d = store.dim;
  const ids: string[] = [];
  const missing: string[] = [];
  images.forEach((img, i) => {
    if (!read.found[i]) return void missing.push(img.relPath);
    if (ids.length !== i) read.vectors.copyWithin(ids.length * d, i * d, (i + 1) * d);
    ids.push(img.relPath);
  });
  const vectors = read.vectors.subarray(0, ids.length * d);
  return { key, dim: d, ids, vectors, missing };
}

/**
 * The cached image embeddings of a folder's most used zero-shot checkpoint, by relPath (images
 * matched by sha256). No model is loaded; images never embedded are simply missing.
 */
export async function folderEmbeddings(images: readonly ZeroShotKeyed[], dir: string): Promise<{ key: EmbeddingKey | null; byRelPath: Map<string, Float32Array> }> {
  const m = await folderMatrix(images, dir);
  const byRelPath = new Map<string, Float32Array>();
  m.ids.forEach((id, i) => byRelPath.set(id, m.vectors.subarray(i * m.dim, (i + 1) * m.dim)));
  return { key: m.key, byRelPath };
}

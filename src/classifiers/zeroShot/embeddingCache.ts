// On-disk cache of image embeddings, keyed by (model id, revision, dtype) and the image's sha256.
// One append-only file per model key: [magic+dim header][sha256 (32 bytes) + dim float32] records.
// A torn record at the end (crash mid-append) is ignored on load. Re-classifying with edited
// categories therefore encodes no image at all.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

const MAGIC = Buffer.from('ITEMB001');
const POOL = 256;

export interface EmbeddingKey {
  model: string;
  revision: string;
  dtype: string;
}

export function embeddingKeyId(k: EmbeddingKey): string {
  return createHash('sha256').update(JSON.stringify([k.model, k.revision, k.dtype])).digest('hex').slice(0, 24);
}

export class EmbeddingCache {
  private map = new Map<string, Float32Array>();
  private pending: Buffer[] = [];
  /** New vectors live in shared blocks (one allocation per POOL rows, not one per image). */
  private pool?: Float32Array;
  private poolUsed = 0;
  private loaded = false;
  readonly file: string;

  constructor(
    dir: string,
    readonly key: EmbeddingKey,
    readonly dim: number,
  ) {
    this.file = path.join(dir, embeddingKeyId(key) + `-${dim}.bin`);
  }

  get size(): number {
    return this.map.size;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let buf: Buffer;
    try {
      buf = await fs.readFile(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const header = MAGIC.length + 4;
    if (buf.length < header || !buf.subarray(0, MAGIC.length).equals(MAGIC) || buf.readUInt32LE(MAGIC.length) !== this.dim) {
      // Not ours or another layout: start over rather than trust it.
      await fs.rm(this.file, { force: true });
      return;
    }
    const rec = 32 + this.dim * 4;
    const n = Math.floor((buf.length - header) / rec);
    // One aligned block for all vectors: memcpy each record's floats into it, then view per record.
    const vecs = new Float32Array(n * this.dim);
    const bytes = new Uint8Array(vecs.buffer);
    const vbytes = this.dim * 4;
    for (let i = 0; i < n; i++) {
      const off = header + i * rec;
      buf.copy(bytes, i * vbytes, off + 32, off + rec);
      this.map.set(buf.toString('hex', off, off + 32), vecs.subarray(i * this.dim, (i + 1) * this.dim));
    }
    if ((buf.length - header) % rec !== 0) {
      // Drop the torn tail so later appends stay aligned.
      await fs.truncate(this.file, header + n * rec);
    }
  }

  get(sha256: string): Float32Array | undefined {
    return this.map.get(sha256);
  }

  entries(): IterableIterator<[string, Float32Array]> {
    return this.map.entries();
  }

  put(sha256: string, vec: Float32Array): void {
    if (vec.length !== this.dim) throw new Error(`embedding has ${vec.length} dims, cache expects ${this.dim}`);
    if (this.map.has(sha256)) return;
    if (!this.pool || this.poolUsed === POOL) {
      this.pool = new Float32Array(POOL * this.dim);
      this.poolUsed = 0;
    }
    const copy = this.pool.subarray(this.poolUsed * this.dim, (this.poolUsed + 1) * this.dim);
    this.poolUsed++;
    copy.set(vec);
    this.map.set(sha256, copy);
    const rec = Buffer.allocUnsafe(32 + this.dim * 4);
    rec.write(sha256, 0, 32, 'hex');
    Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength).copy(rec, 32);
    this.pending.push(rec);
  }

  private flushing: Promise<void> = Promise.resolve();

  /**
   * Appends new records. Each append is one write of whole records. Flushes are serialised: two
   * batches in flight once both wrote a header into a fresh file, misaligning every later record.
   */
  flush(): Promise<void> {
    if (!this.pending.length) return this.flushing;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    const next = this.flushing.then(() => this.append(data));
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async append(data: Buffer): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    let exists = true;
    try {
      await fs.access(this.file);
    } catch {
      exists = false;
    }
    if (!exists) {
      const header = Buffer.alloc(MAGIC.length + 4);
      MAGIC.copy(header);
      header.writeUInt32LE(this.dim, MAGIC.length);
      await fs.appendFile(this.file, Buffer.concat([header, data]));
    } else {
      await fs.appendFile(this.file, data);
    }
  }
}

/** Every cached embedding of one model key, whatever its dimension (no model needs to be loaded). */
export async function readCachedEmbeddings(dir: string, key: EmbeddingKey): Promise<Map<string, Float32Array>> {
  const prefix = embeddingKeyId(key) + '-';
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const out = new Map<string, Float32Array>();
  for (const f of names.filter((n) => n.startsWith(prefix) && n.endsWith('.bin'))) {
    const dim = Number(f.slice(prefix.length, -4));
    if (!Number.isInteger(dim) || dim <= 0) continue;
    const cache = new EmbeddingCache(dir, key, dim);
    await cache.load();
    for (const [sha, v] of cache.entries()) out.set(sha, v);
  }
  return out;
}

/** The zero-shot prediction fields that name an embedding cache key. */
interface ZeroShotKeyed {
  relPath: string;
  sidecar: { image: { sha256: string }; predictions: { 'zero-shot'?: { checkpoint: string; revision: string; dtype: string } } } | null;
}

/**
 * The cached image embeddings of a folder's most used zero-shot checkpoint, by relPath (images
 * matched by sha256). No model is loaded; images never embedded are simply missing.
 */
export async function folderEmbeddings(images: readonly ZeroShotKeyed[], dir: string): Promise<{ key: EmbeddingKey | null; byRelPath: Map<string, Float32Array> }> {
  const counts = new Map<string, { n: number; key: EmbeddingKey }>();
  for (const img of images) {
    const p = img.sidecar?.predictions['zero-shot'];
    if (!p) continue;
    const id = JSON.stringify([p.checkpoint, p.revision, p.dtype]);
    const c = counts.get(id) ?? { n: 0, key: { model: p.checkpoint, revision: p.revision, dtype: p.dtype } };
    c.n++;
    counts.set(id, c);
  }
  const best = [...counts.values()].sort((x, y) => y.n - x.n)[0];
  const byRelPath = new Map<string, Float32Array>();
  if (!best) return { key: null, byRelPath };
  const cached = await readCachedEmbeddings(dir, best.key);
  for (const img of images) {
    const sha = img.sidecar?.image.sha256;
    const v = sha ? cached.get(sha) : undefined;
    if (v) byRelPath.set(img.relPath, v);
  }
  return { key: best.key, byRelPath };
}

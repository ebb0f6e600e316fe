// On-disk store of image embeddings, keyed by (model id, revision, dtype) and the image's sha256.
// One append-only data file per model key, unchanged since the first version:
//   <id>-<dim>.bin  [magic+dim header][sha256 (32 bytes) + dim float32] records
// plus an index beside it, <id>-<dim>.idx: the records' sha256s in row order (32 bytes each). Opening
// reads only the index (32 bytes a row, not 2 KB) and builds a typed-array hash table; rows are read
// on demand, in coalesced chunks, so no file is ever read whole and nothing nears Node's 2 GiB limit.
// A cache from before the index existed is indexed on first open (one chunked scan), never re-encoded.
// Appends take a lock file, so the CLI and VS Code can write the same store at once; readers need
// no lock (they only read rows below the size they saw). A torn record at the end (crash mid-append)
// is ignored, and truncated by the next writer. Every row read is checked against its sha.
// A sharded run (`--shard K/N`) writes its own store, <id>-<dim>.shard-K-of-N.bin (+ .idx), so
// shards on shared storage never contend for one lock; `mergeEmbeddingStores` (`image-triage cache
// merge`) folds the shard stores into the main store afterwards.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { withFileLock } from '../../core/fileLock';
import { ShaTable } from './shaTable';

const MAGIC = Buffer.from('ITEMB001');
const HEADER = MAGIC.length + 4;
/** Bytes read per chunk when scanning or reading rows. */
const CHUNK = 8 << 20;

export interface EmbeddingKey {
  model: string;
  revision: string;
  dtype: string;
}

export function embeddingKeyId(k: EmbeddingKey): string {
  return createHash('sha256').update(JSON.stringify([k.model, k.revision, k.dtype])).digest('hex').slice(0, 24);
}

/** Rows of one read: `vectors` is row-major (found.length × dim); missing rows are left at zero. */
export interface RowsRead {
  vectors: Float32Array;
  found: Uint8Array;
  missing: number;
}

export class EmbeddingCache {
  private index = new ShaTable();
  /** Rows on disk that the index covers. */
  private rows = 0;
  /** Written but not yet flushed: sha hex → vector. Reads see them too. */
  private pending = new Map<string, Float32Array>();
  private loaded = false;
  readonly file: string;
  readonly indexFile: string;
  private readonly lockFile: string;
  private readonly rec: number;

  constructor(
    dir: string,
    /** The model key, or its id (embeddingKeyId) when only the file name is known (merging). */
    readonly key: EmbeddingKey | string,
    readonly dim: number,
    /** A shard's own store (e.g. "shard-2-of-4"); the main store otherwise. */
    shardTag?: string,
  ) {
    this.file = path.join(dir, (typeof key === 'string' ? key : embeddingKeyId(key)) + `-${dim}` + (shardTag ? `.${shardTag}` : '') + '.bin');
    this.indexFile = this.file.slice(0, -4) + '.idx';
    this.lockFile = this.file + '.lock';
    this.rec = 32 + dim * 4;
  }

  /** Distinct images stored (flushed or pending). */
  get size(): number {
    let extra = 0;
    for (const sha of this.pending.keys()) if (this.index.find(sha) < 0) extra++;
    return this.index.size + extra;
  }

  /** Opens the store: reads the index (and indexes any rows it lacks). */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    await this.refresh();
  }

  /** Picks up rows other processes appended since the last look. */
  async refresh(): Promise<void> {
    const h = await fs.open(this.file, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!h) return;
    try {
      const size = (await h.stat()).size;
      const head = Buffer.alloc(HEADER);
      await h.read(head, 0, HEADER, 0);
      if (size < HEADER || !head.subarray(0, MAGIC.length).equals(MAGIC) || head.readUInt32LE(MAGIC.length) !== this.dim) {
        await h.close();
        await this.setAside();
        return;
      }
      const onDisk = Math.floor((size - HEADER) / this.rec);
      if (onDisk > this.rows) await this.indexRows(h, onDisk);
    } finally {
      await h.close().catch(() => undefined);
    }
  }

  /** A file that is not ours, or of another layout: kept aside (never deleted), the store starts over. */
  private async setAside(): Promise<void> {
    await fs.rename(this.file, `${this.file}.unreadable-${Date.now()}`).catch(() => undefined);
    await fs.rm(this.indexFile, { force: true });
  }

  /** Extends the in-memory index to `onDisk` rows: from the .idx file, then by scanning the data. */
  private async indexRows(data: fs.FileHandle, onDisk: number): Promise<void> {
    const idx = await fs.open(this.indexFile, 'r').catch(() => null);
    if (idx) {
      try {
        const want = Math.min(onDisk, Math.floor((await idx.stat()).size / 32));
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(32, (want - this.rows) * 32)));
        while (this.rows < want) {
          const n = Math.min(want - this.rows, buf.length / 32);
          const { bytesRead } = await idx.read(buf, 0, n * 32, this.rows * 32);
          if (bytesRead < n * 32) break;
          for (let i = 0; i < n; i++) this.index.add(buf, i * 32);
          this.rows += n;
        }
      } finally {
        await idx.close();
      }
    }
    if (this.rows >= onDisk) return;
    // Rows the index lacks (a cache from before the index, or a crash between the two appends).
    const per = Math.max(1, Math.floor(CHUNK / this.rec));
    const buf = Buffer.allocUnsafe(Math.min(per, onDisk - this.rows) * this.rec);
    while (this.rows < onDisk) {
      const n = Math.min(per, onDisk - this.rows);
      const { bytesRead } = await data.read(buf, 0, n * this.rec, HEADER + this.rows * this.rec);
      const got = Math.floor(bytesRead / this.rec);
      for (let i = 0; i < got; i++) this.index.add(buf, i * this.rec);
      this.rows += got;
      if (got < n) break;
    }
  }

  has(sha256: string): boolean {
    return this.pending.has(sha256) || this.index.find(sha256) >= 0;
  }

  async get(sha256: string): Promise<Float32Array | undefined> {
    const r = await this.getMany([sha256]);
    return r.found[0] ? r.vectors : undefined;
  }

  /** The vectors of `shas` (one matrix), reading only their rows, in coalesced chunks. */
  async getMany(shas: readonly string[]): Promise<RowsRead> {
    const d = this.dim;
    const vectors = new Float32Array(shas.length * d);
    const found = new Uint8Array(shas.length);
    const want: { row: number; i: number }[] = [];
    shas.forEach((sha, i) => {
      const p = this.pending.get(sha);
      if (p) {
        vectors.set(p, i * d);
        found[i] = 1;
        return;
      }
      const row = this.index.find(sha);
      if (row >= 0) want.push({ row, i });
    });
    if (want.length) {
      want.sort((a, b) => a.row - b.row);
      const h = await fs.open(this.file, 'r');
      try {
        await this.readRows(h, want, (w, buf, off) => {
          if (!this.index.shaBytes(w.row).every((b, k) => buf[off + k] === b)) throw new Error(`${this.file}: row ${w.row} does not hold the indexed image; delete ${this.indexFile} to rebuild the index.`);
          new Uint8Array(vectors.buffer, w.i * d * 4, d * 4).set(buf.subarray(off + 32, off + this.rec));
          found[w.i] = 1;
        });
      } finally {
        await h.close();
      }
    }
    let missing = 0;
    for (const f of found) if (!f) missing++;
    return { vectors, found, missing };
  }

  /** Reads sorted rows, one read per run of nearby rows (gaps under 64 rows are read through). */
  private async readRows<T extends { row: number }>(h: fs.FileHandle, want: T[], each: (w: T, buf: Buffer, off: number) => void): Promise<void> {
    const per = Math.max(1, Math.floor(CHUNK / this.rec));
    const buf = Buffer.allocUnsafe(Math.min(per, want[want.length - 1].row - want[0].row + 1) * this.rec);
    let k = 0;
    while (k < want.length) {
      const first = want[k].row;
      let end = k + 1;
      while (end < want.length && want[end].row - first < per && want[end].row - want[end - 1].row < 64) end++;
      const span = want[end - 1].row - first + 1;
      const { bytesRead } = await h.read(buf, 0, span * this.rec, HEADER + first * this.rec);
      if (bytesRead < span * this.rec) throw new Error(`${this.file} is shorter than its index; delete ${this.indexFile} to rebuild it.`);
      for (; k < end; k++) each(want[k], buf, (want[k].row - first) * this.rec);
    }
  }

  /** Every stored row, in chunks of up to `rows` rows (shas as hex, vectors row-major). */
  async *chunks(rows = 4096): AsyncGenerator<{ shas: string[]; vectors: Float32Array }> {
    await this.load();
    const h = await fs.open(this.file, 'r').catch(() => null);
    if (h) {
      try {
        const buf = Buffer.allocUnsafe(Math.max(1, Math.min(rows, this.rows)) * this.rec);
        for (let first = 0; first < this.rows; first += rows) {
          const n = Math.min(rows, this.rows - first);
          await h.read(buf, 0, n * this.rec, HEADER + first * this.rec);
          const vectors = new Float32Array(n * this.dim);
          const bytes = new Uint8Array(vectors.buffer);
          const shas: string[] = [];
          for (let i = 0; i < n; i++) {
            shas.push(buf.toString('hex', i * this.rec, i * this.rec + 32));
            bytes.set(buf.subarray(i * this.rec + 32, (i + 1) * this.rec), i * this.dim * 4);
          }
          yield { shas, vectors };
        }
      } finally {
        await h.close();
      }
    }
    if (this.pending.size) yield { shas: [...this.pending.keys()], vectors: concat([...this.pending.values()], this.dim) };
  }

  /** Every stored (sha, vector), chunk by chunk; duplicates of a sha may appear. */
  async *entries(): AsyncGenerator<[string, Float32Array]> {
    for await (const c of this.chunks()) for (let i = 0; i < c.shas.length; i++) yield [c.shas[i], c.vectors.subarray(i * this.dim, (i + 1) * this.dim)];
  }

  put(sha256: string, vec: Float32Array): void {
    if (vec.length !== this.dim) throw new Error(`embedding has ${vec.length} dims, cache expects ${this.dim}`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    if (this.has(sha256)) return;
    this.pending.set(sha256, Float32Array.from(vec));
  }

  /** Copies every row of `other` (same dim) that this store lacks; returns how many. Call flush(). */
  async mergeFrom(other: EmbeddingCache): Promise<number> {
    if (other.dim !== this.dim) throw new Error(`cannot merge ${other.dim}-d embeddings into a ${this.dim}-d store`);
    await this.load();
    let added = 0;
    for await (const [sha, v] of other.entries()) {
      if (this.has(sha)) continue;
      this.put(sha, v);
      added++;
    }
    return added;
  }

  private flushing: Promise<void> = Promise.resolve();

  /**
   * Appends pending records under the store's lock: data first, then the index. Flushes of this
   * instance run one after another (batches in flight flush concurrently).
   */
  flush(): Promise<void> {
    if (!this.pending.size) return this.flushing;
    const next = this.flushing.then(() => this.append());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async append(): Promise<void> {
    const batch = [...this.pending];
    if (!batch.length) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await withFileLock(this.lockFile, async () => {
      const h = await fs.open(this.file, 'a+');
      try {
        let size = (await h.stat()).size;
        if (size < HEADER) {
          if (size > 0) await h.truncate(0);
          const header = Buffer.alloc(HEADER);
          MAGIC.copy(header);
          header.writeUInt32LE(this.dim, MAGIC.length);
          await h.write(header, 0, HEADER, 0);
          await fs.rm(this.indexFile, { force: true });
          size = HEADER;
        }
        const onDisk = Math.floor((size - HEADER) / this.rec);
        if ((size - HEADER) % this.rec) await h.truncate(HEADER + onDisk * this.rec); // torn tail of a crash
        if (onDisk > this.rows) await this.indexRows(h, onDisk);
        await this.syncIndexFile(onDisk);
        const todo = batch.filter(([sha]) => this.index.find(sha) < 0);
        if (todo.length) {
          const data = Buffer.allocUnsafe(todo.length * this.rec);
          const shas = Buffer.allocUnsafe(todo.length * 32);
          todo.forEach(([sha, v], i) => {
            data.write(sha, i * this.rec, 32, 'hex');
            data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), i * this.rec + 32);
            shas.write(sha, i * 32, 32, 'hex');
          });
          await h.write(data, 0, data.length, HEADER + onDisk * this.rec);
          await fs.appendFile(this.indexFile, shas);
          for (let i = 0; i < todo.length; i++) this.index.add(shas, i * 32);
          this.rows += todo.length;
        }
        for (const [sha, v] of batch) if (this.pending.get(sha) === v) this.pending.delete(sha);
      } finally {
        await h.close();
      }
    });
  }

  /** Makes the .idx file hold exactly the first `onDisk` rows' shas (we hold the lock). */
  private async syncIndexFile(onDisk: number): Promise<void> {
    const bytes = (await fs.stat(this.indexFile).catch(() => null))?.size ?? 0;
    const keep = Math.min(Math.floor(bytes / 32), onDisk);
    if (keep === onDisk && bytes === onDisk * 32) return;
    if (bytes > keep * 32) await fs.truncate(this.indexFile, keep * 32);
    const out = Buffer.allocUnsafe((onDisk - keep) * 32);
    for (let r = keep; r < onDisk; r++) out.set(this.index.shaBytes(r), (r - keep) * 32);
    await fs.appendFile(this.indexFile, out);
  }

}

function concat(vs: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(vs.length * dim);
  vs.forEach((v, i) => out.set(v, i * dim));
  return out;
}

export interface MergeResult {
  /** Main stores written to (one per model key and dimension). */
  stores: number;
  /** Shard stores (and stores of other cache dirs) read. */
  sources: number;
  added: number;
  /** Rows the main store already had (merged before, or embedded by two runs). */
  duplicates: number;
}

const STORE_FILE = /^([0-9a-f]{24})-(\d+)(?:\.(shard-\d+-of-\d+))?\.bin$/;

/**
 * `image-triage cache merge`: folds every shard store in `dir`, and every store in the `from` cache
 * dirs, into `dir`'s main stores (one per model key and dimension), through the store's own
 * locked appends; then removes `dir`'s merged shard stores. Run it after the shards have finished.
 */
export async function mergeEmbeddingStores(dir: string, from: string[] = []): Promise<MergeResult> {
  dir = path.resolve(dir);
  const result: MergeResult = { stores: 0, sources: 0, added: 0, duplicates: 0 };
  const groups = new Map<string, { id: string; dim: number; sources: EmbeddingCache[] }>();
  const scan = async (d: string, shardsOnly: boolean) => {
    for (const n of (await fs.readdir(d).catch(() => [] as string[])).sort()) {
      const m = STORE_FILE.exec(n);
      if (!m || (shardsOnly && !m[3])) continue;
      const g = groups.get(`${m[1]}-${m[2]}`) ?? { id: m[1], dim: Number(m[2]), sources: [] };
      g.sources.push(new EmbeddingCache(d, m[1], g.dim, m[3]));
      groups.set(`${m[1]}-${m[2]}`, g);
    }
  };
  await scan(dir, true);
  for (const d of from.map((f) => path.resolve(f))) if (d !== dir) await scan(d, false);
  for (const { id, dim, sources } of groups.values()) {
    const target = new EmbeddingCache(dir, id, dim);
    await target.load();
    for (const src of sources) {
      await src.load();
      const n = src.size;
      const added = await target.mergeFrom(src);
      await target.flush();
      result.sources++;
      result.added += added;
      result.duplicates += n - added;
    }
    result.stores++;
    for (const src of sources) {
      if (path.dirname(src.file) !== dir) continue;
      for (const f of [src.file, src.indexFile]) await fs.rm(f, { force: true });
    }
  }
  return result;
}

export { folderEmbeddings, folderMatrix, folderCheckpoint, openStores } from './folderEmbeddings';

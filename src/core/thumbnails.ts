// Thumbnails on disk, keyed by the image's content hash and the requested size, so a renamed or
// copied image reuses its thumbnail and an edited one gets a new one. Pure Node (sharp), no vscode.
// Layout: <dir>/<sha[0..2]>/<sha>-<size>.webp. Decoding goes through imageDecode's safe pipeline.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { sweepDir } from './leftovers';
import { describeDecodeError, openImage } from './imageDecode';

export interface ThumbnailOptions {
  /** Thumbnails made at once (sharp itself is multi-threaded). */
  concurrency?: number;
  /** WebP quality 1..100. */
  quality?: number;
}

/** Limits how many async jobs run at once. */
class Limiter {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class ThumbnailCache {
  private hashes = new Map<string, { mtimeMs: number; size: number; sha: string }>();
  private inFlight = new Map<string, Promise<string>>();
  private limiter: Limiter;
  private swept?: Promise<unknown>;

  constructor(
    readonly dir: string,
    private readonly opts: ThumbnailOptions = {},
  ) {
    this.limiter = new Limiter(Math.max(1, opts.concurrency ?? 2));
  }

  /** Where the thumbnail of content `sha256` at `size` lives (whether or not it exists yet). */
  pathFor(sha256: string, size: number): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}-${size}.webp`);
  }

  /** Path of a thumbnail no larger than `size`×`size`, made on first use. Throws a message naming the image. */
  async thumbnail(imagePath: string, size: number): Promise<string> {
    if (!Number.isInteger(size) || size < 16 || size > 4096) throw new Error(`thumbnail size ${size} is not an integer in 16..4096`);
    // Temp files of thumbnail writes a killed process left behind, once per cache.
    await (this.swept ??= sweepDir(this.dir, 1));
    return this.limiter.run(async () => {
      const { sha, bytes } = await this.hash(imagePath);
      const out = this.pathFor(sha, size);
      if (await exists(out)) return out;
      const key = out;
      let p = this.inFlight.get(key);
      if (!p) {
        p = this.make(imagePath, bytes ?? (await fs.readFile(imagePath)), size, out).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, p);
      }
      return p;
    });
  }

  private async make(imagePath: string, bytes: Buffer, size: number, out: string): Promise<string> {
    let data: Buffer;
    try {
      data = await openImage(bytes)
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: this.opts.quality ?? 80 })
        .toBuffer();
    } catch (e) {
      throw new Error(`Cannot make a thumbnail of ${imagePath}: ${describeDecodeError(e)}.`);
    }
    await fs.mkdir(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, data);
    return out;
  }

  /** Content hash, memoised by path + mtime + size so an unchanged file is not re-read. */
  private async hash(imagePath: string): Promise<{ sha: string; bytes?: Buffer }> {
    const st = await fs.stat(imagePath);
    const memo = this.hashes.get(imagePath);
    if (memo && memo.mtimeMs === st.mtimeMs && memo.size === st.size) return { sha: memo.sha };
    const bytes = await fs.readFile(imagePath);
    const sha = createHash('sha256').update(bytes).digest('hex');
    this.hashes.set(imagePath, { mtimeMs: st.mtimeMs, size: st.size, sha });
    return { sha, bytes };
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

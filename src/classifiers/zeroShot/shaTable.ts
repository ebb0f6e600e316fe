// sha256 → row number, in typed arrays: 32 bytes of key plus ~8 bytes of table per row (a Map of
// hex strings costs ~150 bytes a row, 150 MB at a million images). Open addressing, linear probing.

export class ShaTable {
  /** Row r's sha256 is keys[32r .. 32r+32). */
  private keys = new Uint8Array(32 * 1024);
  private table = new Int32Array(2048).fill(-1);
  private mask = 2047;
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The sha of row r as bytes (a view). */
  shaBytes(r: number): Uint8Array {
    return this.keys.subarray(32 * r, 32 * r + 32);
  }

  shaHex(r: number): string {
    return Buffer.from(this.keys.buffer, this.keys.byteOffset + 32 * r, 32).toString('hex');
  }

  private hash(k: Uint8Array, off: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < 32; i += 4) h = Math.imul(h ^ (k[off + i] | (k[off + i + 1] << 8) | (k[off + i + 2] << 16) | (k[off + i + 3] << 24)), 0x01000193);
    return (h ^ (h >>> 15)) & this.mask;
  }

  private same(a: Uint8Array, ao: number, r: number): boolean {
    const o = 32 * r;
    for (let i = 0; i < 32; i++) if (a[ao + i] !== this.keys[o + i]) return false;
    return true;
  }

  /** Row of the sha at `k[off..off+32)`, or -1. */
  findBytes(k: Uint8Array, off = 0): number {
    for (let s = this.hash(k, off); ; s = (s + 1) & this.mask) {
      const r = this.table[s];
      if (r < 0) return -1;
      if (this.same(k, off, r)) return r;
    }
  }

  find(shaHex: string): number {
    return /^[0-9a-f]{64}$/.test(shaHex) ? this.findBytes(Buffer.from(shaHex, 'hex')) : -1;
  }

  /**
   * Appends the next row's sha (rows are numbered in order of add). A sha already present keeps
   * its first row; the row number is used anyway (duplicate records are harmless).
   */
  add(k: Uint8Array, off = 0): void {
    const r = this.n++;
    if (32 * this.n > this.keys.length) {
      const grown = new Uint8Array(Math.max(this.keys.length * 2, 32 * this.n));
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys.set(k.subarray(off, off + 32), 32 * r);
    if (this.n * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.insert(r);
  }

  private insert(r: number): void {
    for (let s = this.hash(this.keys, 32 * r); ; s = (s + 1) & this.mask) {
      const q = this.table[s];
      if (q < 0) {
        this.table[s] = r;
        return;
      }
      if (this.same(this.keys, 32 * r, q)) return;
    }
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let r = 0; r < this.n; r++) this.insert(r);
  }
}

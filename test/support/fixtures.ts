// Shared test fixtures: generated tiny models, solid-colour images, real photos and bad inputs.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import zlib from 'node:zlib';
import { writeTinyModel, solidColorPng } from '../../src/devmodels/tinyModel';

export const SHARED = path.resolve(__dirname, '../../../shared');
export const HYMENOPTERA = path.join(SHARED, 'datasets/hymenoptera');
export const CIFAR = path.join(SHARED, 'datasets/cifar10-test');

export async function tempDir(prefix = 'it-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

const models = new Map<string, Promise<string>>();
/** A tiny functional model directory (generated once per process). */
export function tinyModel(kind: 'clip' | 'siglip'): Promise<string> {
  let p = models.get(kind);
  if (!p) {
    p = (async () => {
      const dir = path.join(await tempDir(`tiny-${kind}-`), 'model');
      await writeTinyModel(dir, { kind });
      return dir;
    })();
    models.set(kind, p);
  }
  return p;
}

export { solidColorPng };

export function colourCategories(names: string[], mode: 'single_label' | 'multi_label' = 'single_label', templates = ['a photo of {name}', '{description}']) {
  return { mode, categories: names.map((n) => ({ name: n, description: `something ${n}` })), templates };
}

/** First n real photos from hymenoptera (sorted). */
export async function photos(n: number): Promise<string[]> {
  const dir = path.join(HYMENOPTERA, 'val/ants');
  return (await fs.readdir(dir)).filter((f) => f.endsWith('.jpg')).sort().slice(0, n).map((f) => path.join(dir, f));
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid-looking PNG that claims width×height pixels but carries almost no data. */
export function hugeDimensionPng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idat = zlib.deflateSync(Buffer.alloc(1 + width * 3 > 1e6 ? 1000 : 1 + width * 3));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** Writes the standard bad inputs into dir; returns their names. */
export async function writeBadInputs(dir: string): Promise<Record<string, string>> {
  const red = await solidColorPng('red', 64);
  const files = {
    empty: 'empty.jpg',
    text: 'notes.jpg',
    truncated: 'truncated.png',
    huge: 'huge.png',
  };
  await fs.writeFile(path.join(dir, files.empty), Buffer.alloc(0));
  await fs.writeFile(path.join(dir, files.text), 'this is not an image, just text with a .jpg name\n');
  await fs.writeFile(path.join(dir, files.truncated), red.subarray(0, Math.floor(red.length / 2)));
  await fs.writeFile(path.join(dir, files.huge), hugeDimensionPng());
  return files;
}

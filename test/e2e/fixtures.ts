// Temp folders and files for scenarios: workspaces with real PNGs, and a tiny extension
// used by the harness self-test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { tmpRoot } from './paths';

/** A new empty dir under the run's temp root. */
export function tempDir(prefix = 'e2e-'): string {
  return fs.mkdtempSync(path.join(tmpRoot(), prefix));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG of one colour with a diagonal stripe, so it is not blank. */
export function pngBytes(width: number, height: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) {
      const stripe = Math.abs(x - y) < Math.max(1, width / 16);
      const px = row + 1 + x * 3;
      raw[px] = stripe ? 255 - rgb[0] : rgb[0];
      raw[px + 1] = stripe ? 255 - rgb[1] : rgb[1];
      raw[px + 2] = stripe ? 255 - rgb[2] : rgb[2];
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Fills `ws` (default: a new temp dir) with `images/red.png` and `images/blue.png` (64x64). Returns `ws`. */
export function makeImageWorkspace(ws = tempDir('e2e-ws-')): string {
  const images = path.join(ws, 'images');
  fs.mkdirSync(images);
  fs.writeFileSync(path.join(images, 'red.png'), pngBytes(64, 64, [220, 30, 30]));
  fs.writeFileSync(path.join(images, 'blue.png'), pngBytes(64, 64, [30, 60, 220]));
  return ws;
}

// The JS JPEG header reader must agree with libvips wherever it answers, answer for ordinary photos,
// and step aside (undefined) for anything unusual or malformed, without ever throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { plainJpegInfo } from '../../../src/core/jpegHeader';
import { MAX_INPUT_PIXELS, sharpImageInfo } from '../../../src/core/imageDecode';
import { CIFAR, HYMENOPTERA } from '../../support/fixtures';

async function jpegs(dir: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.jpg')) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort().slice(0, n);
}

test('on real photos it answers for the plain ones and agrees with libvips on every field', async () => {
  const files = [...(await jpegs(HYMENOPTERA, 400)), ...(await jpegs(CIFAR, 100))];
  let answered = 0;
  for (const f of files) {
    const bytes = await fs.readFile(f);
    const mine = plainJpegInfo(bytes, MAX_INPUT_PIXELS);
    const theirs = await sharpImageInfo(bytes);
    if (mine) {
      answered++;
      assert.deepEqual(mine, theirs, f);
    } else {
      assert.ok(theirs.profile === 'other' || theirs.orientation > 1 || theirs.channels !== 3, `${f} is plain but was not answered`);
    }
  }
  assert.ok(answered >= 450, `answered ${answered} of ${files.length}`);
});

test('rotated, greyscale, CMYK, Adobe RGB, oversized and non-JPEG inputs are left to libvips', async () => {
  const solid = sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } });
  const cases: [string, Buffer][] = [
    ['EXIF-rotated', await solid.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['greyscale', await solid.clone().toColourspace('b-w').jpeg().toBuffer()],
    ['CMYK', await solid.clone().toColourspace('cmyk').jpeg().toBuffer()],
    ['Adobe RGB', await fs.readFile(path.join(HYMENOPTERA, 'train/ants/1225872729_6f0856588f.jpg'))],
    ['PNG', await solid.clone().png().toBuffer()],
  ];
  for (const [name, bytes] of cases) assert.equal(plainJpegInfo(bytes, MAX_INPUT_PIXELS), undefined, name);
  const plain = await solid.clone().jpeg().toBuffer();
  assert.equal(plainJpegInfo(plain, MAX_INPUT_PIXELS)?.width, 16);
  assert.equal(plainJpegInfo(plain, 16 * 8 - 1), undefined, 'over the pixel limit');
});

test('malformed headers give undefined, never an exception', async () => {
  const bytes = await fs.readFile(path.join(HYMENOPTERA, 'train/ants/1030023514_aad5c608f9.jpg'));
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  for (const cut of [4, 20, 200, sof, sof + 5]) assert.equal(plainJpegInfo(bytes.subarray(0, cut), MAX_INPUT_PIXELS), undefined, `cut at ${cut}`);
  let seed = 7;
  for (let k = 0; k < 300; k++) {
    const m = Buffer.from(bytes.subarray(0, sof + 20));
    for (let j = 0; j < 4; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      m[2 + (seed % (m.length - 2))] = seed >> 8;
    }
    assert.doesNotThrow(() => plainJpegInfo(m, MAX_INPUT_PIXELS));
  }
});

test('RGB stored as is (Adobe transform 0, or R/G/B component ids) is left to libjpeg', async () => {
  const plain = await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().toBuffer();
  const sofAt = plain.indexOf(Buffer.from([0xff, 0xc0]));
  const rgbIds = Buffer.from(plain);
  [0x52, 0x47, 0x42].forEach((id, k) => (rgbIds[sofAt + 4 + 6 + k * 3] = id));
  assert.equal(plainJpegInfo(rgbIds, MAX_INPUT_PIXELS), undefined, 'R/G/B ids');
  const adobe = (transform: number) => Buffer.concat([plain.subarray(0, 2), Buffer.from([0xff, 0xee, 0, 14]), Buffer.from('Adobe'), Buffer.from([0, 100, 0, 0, 0, 0, transform]), plain.subarray(2)]);
  assert.equal(plainJpegInfo(adobe(0), MAX_INPUT_PIXELS), undefined, 'Adobe transform 0');
  assert.equal(plainJpegInfo(adobe(1), MAX_INPUT_PIXELS)?.width, 16, 'Adobe transform 1 is ordinary YCbCr');
  assert.equal(plainJpegInfo(plain, MAX_INPUT_PIXELS)?.width, 16);
});

test('a second frame header (which could claim another size) is refused', async () => {
  const plain = await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().toBuffer();
  const sofAt = plain.indexOf(Buffer.from([0xff, 0xc0]));
  const sof = plain.subarray(sofAt, sofAt + 2 + plain.readUInt16BE(sofAt + 2));
  const huge = Buffer.from(sof);
  huge.writeUInt16BE(60000, 5);
  huge.writeUInt16BE(60000, 7);
  const sosAt = plain.indexOf(Buffer.from([0xff, 0xda]));
  const twice = Buffer.concat([plain.subarray(0, sosAt), huge, plain.subarray(sosAt)]);
  assert.equal(plainJpegInfo(twice, Number.MAX_SAFE_INTEGER), undefined);
  assert.equal(plainJpegInfo(plain, Number.MAX_SAFE_INTEGER)?.height, 8);
});

// Decoding real-world image variants: CMYK, 16-bit, alpha, EXIF orientation, animated GIF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { imageInfo, openImage } from '../../../src/core/imageDecode';

const solid = (r: number, g: number, b: number, w = 40, h = 20) => sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } });

/** The mean colour after decoding; the header-informed pipeline (which skips no-op steps) must give the same pixels. */
async function meanRgb(bytes: Buffer): Promise<number[]> {
  const { data, info } = await openImage(bytes).raw().toBuffer({ resolveWithObject: true });
  const informed = await openImage(bytes, await imageInfo(bytes)).raw().toBuffer();
  assert.ok(informed.equals(data), 'skipping no-op steps changes no pixel');
  const acc = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) acc[c] += data[i + c];
  assert.equal(info.channels, 3, 'always 3 channels out');
  return acc.map((v) => Math.round(v / (data.length / info.channels)));
}

test('a CMYK JPEG decodes to the right sRGB colour', async () => {
  const cmyk = await solid(220, 20, 20).toColourspace('cmyk').jpeg().toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const [r, g, b] = await meanRgb(cmyk);
  assert.ok(r > 180 && g < 70 && b < 70, `got ${r},${g},${b}`);
});

test('a 16-bit PNG decodes to 8-bit values of the same colour', async () => {
  const png16 = await solid(0, 200, 0).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  const [r, g, b] = await meanRgb(png16);
  assert.ok(r < 10 && g > 190 && g < 210 && b < 10, `got ${r},${g},${b}`);
});

test('transparent pixels are flattened on white, not black', async () => {
  const rgba = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  assert.deepEqual(await meanRgb(rgba), [255, 255, 255]);
});

test('EXIF orientation is applied before anything looks at the pixels', async () => {
  const rotated = await solid(10, 10, 10, 40, 20).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const header = await imageInfo(rotated);
  assert.deepEqual([header.width, header.height, header.orientation], [20, 40, 6]);
  for (const img of [openImage(rotated), openImage(rotated, header)]) {
    const { info } = await img.raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [20, 40]);
  }
});

test('an animated GIF uses its first frame', async () => {
  const f1 = await solid(255, 0, 0, 8, 8).raw().toBuffer();
  const f2 = await solid(0, 0, 255, 8, 8).raw().toBuffer();
  const gif = await sharp(Buffer.concat([f1, f2]), { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } } as never).gif().toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const [r, , b] = await meanRgb(gif);
  assert.ok(r > 200 && b < 50, `first frame is red, got r=${r} b=${b}`);
});

test('a greyscale JPEG and a plain sRGB JPEG come out as 3-channel sRGB with or without header info', async () => {
  const grey = await solid(90, 90, 90).toColourspace('b-w').jpeg().toBuffer();
  assert.deepEqual([(await imageInfo(grey)).space, (await imageInfo(grey)).channels], ['b-w', 1]);
  const [r, g, b] = await meanRgb(grey);
  assert.ok(Math.abs(r - 90) < 4 && r === g && g === b, `got ${r},${g},${b}`);
  const plain = await solid(30, 140, 220).jpeg().toBuffer();
  assert.deepEqual((await imageInfo(plain)).space, 'srgb');
  const [pr, pg, pb] = await meanRgb(plain);
  assert.ok(Math.abs(pr - 30) < 6 && Math.abs(pg - 140) < 6 && Math.abs(pb - 220) < 6, `got ${pr},${pg},${pb}`);
});

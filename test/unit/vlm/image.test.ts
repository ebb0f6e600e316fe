import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ImagePrepareError, prepareImage } from '../../../src/classifiers/vlm/image';

const solid = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#3366cc' } });

test('large images are downscaled to the maximum side, as JPEG', async () => {
  const bytes = await solid(2000, 1000).png().toBuffer();
  const img = await prepareImage(bytes, 1024);
  assert.equal(img.mime, 'image/jpeg');
  assert.deepEqual([img.width, img.height], [1024, 512]);
  const meta = await sharp(Buffer.from(img.base64, 'base64')).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [1024, 512]);
});

test('small images are not enlarged', async () => {
  const img = await prepareImage(await solid(32, 32).png().toBuffer(), 1024);
  assert.deepEqual([img.width, img.height], [32, 32]);
});

test('EXIF orientation is applied', async () => {
  const bytes = await solid(200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const img = await prepareImage(bytes, 1024);
  assert.deepEqual([img.width, img.height], [100, 200]);
});

test('alpha is flattened on white', async () => {
  const rgba = await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  const img = await prepareImage(rgba, 1024);
  const { data } = await sharp(Buffer.from(img.base64, 'base64')).raw().toBuffer({ resolveWithObject: true });
  assert.ok(data[0] > 240, 'transparent becomes white');
});

test('corrupt bytes are a clear ImagePrepareError', async () => {
  await assert.rejects(prepareImage(Buffer.from('not an image')), (e: Error) => e instanceof ImagePrepareError && /not a supported image/.test(e.message));
  const jpeg = await solid(300, 300).jpeg().toBuffer();
  await assert.rejects(prepareImage(jpeg.subarray(0, 400)), ImagePrepareError);
});

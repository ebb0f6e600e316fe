// The fast JPEG path must give the pixels sharp would, take only the images it is right for, and
// leave every failure to the sharp path (and its clear error messages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeJpegRgb, endsWithEoi, fastJpegApplies, fastJpegAvailable } from '../../../src/core/fastJpeg';
import { ImageDecodeError, imageInfo, openImage } from '../../../src/core/imageDecode';
import { preprocessInto, specFromConfig } from '../../../src/classifiers/zeroShot/preprocess';
import { CIFAR, HYMENOPTERA, SHARED, photos } from '../../support/fixtures';

test('the fast decoder is present on this platform (it ships in the package)', () => {
  assert.equal(fastJpegAvailable(), true);
});

test('plain and sRGB-profiled photos decode to sharp’s pixels within rounding', async () => {
  const files = [...(await photos(3)), path.join(HYMENOPTERA, 'train/ants/1030023514_aad5c608f9.jpg'), path.join(CIFAR, 'cat/0001.jpg')];
  for (const file of files) {
    const bytes = await fs.readFile(file);
    const info = await imageInfo(bytes);
    assert.ok(fastJpegApplies(info), file);
    const fast = await decodeJpegRgb(bytes, info);
    assert.ok(fast, `${file} decoded`);
    const ref = await openImage(bytes, info).raw().toBuffer();
    assert.equal(fast.length, ref.length);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(fast[i] - ref[i]);
      sum += d;
      max = Math.max(max, d);
    }
    assert.ok(sum / ref.length < 0.5 && max <= 8, `${path.basename(file)}: mean ${sum / ref.length}, max ${max}`);
  }
});

test('rotated, CMYK, greyscale, Adobe RGB and PNG images are left to sharp', async () => {
  const solid = sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } });
  const cases: [string, Buffer][] = [
    ['EXIF-rotated', await solid.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['CMYK', await solid.clone().toColourspace('cmyk').jpeg().toBuffer()],
    ['greyscale', await solid.clone().greyscale().toColourspace('b-w').jpeg().toBuffer()],
    ['Adobe RGB', await fs.readFile(path.join(HYMENOPTERA, 'train/ants/1225872729_6f0856588f.jpg'))],
    ['PNG', await solid.clone().png().toBuffer()],
  ];
  for (const [name, bytes] of cases) {
    const info = await imageInfo(bytes);
    assert.equal(fastJpegApplies(info), false, name);
    assert.equal(await decodeJpegRgb(bytes, info), undefined, name);
  }
});

test('truncated JPEGs are left to sharp, so the user still hears they are truncated', async () => {
  const bytes = await fs.readFile((await photos(1))[0]);
  const info = await imageInfo(bytes);
  assert.ok(await decodeJpegRgb(bytes, info), 'the whole file takes the fast path');
  const cfg = JSON.parse(await fs.readFile(path.join(SHARED, 'models/clip-vit-base-patch32/preprocessor_config.json'), 'utf8'));
  for (const cut of [bytes.subarray(0, bytes.length >> 1), bytes.subarray(0, bytes.length - 2)]) {
    assert.equal(endsWithEoi(cut), false);
    assert.equal(await decodeJpegRgb(cut, info), undefined);
    await assert.rejects(preprocessInto(cut, specFromConfig(cfg, 'clip'), new Float32Array(3 * 224 * 224), 0), (e: Error) => e instanceof ImageDecodeError && /truncated or corrupt/.test(e.message));
  }
});

test('garbage the fast decoder cannot read gives undefined, not an exception', async () => {
  const bytes = await fs.readFile(path.join(HYMENOPTERA, 'train/ants/0013035.jpg'));
  const broken = Buffer.concat([bytes.subarray(0, 600), Buffer.alloc(2000, 0x5a), Buffer.from([0xff, 0xd9])]);
  assert.equal(await decodeJpegRgb(broken, await imageInfo(bytes)), undefined);
});

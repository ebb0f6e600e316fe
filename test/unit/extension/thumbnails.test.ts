// The on-disk thumbnail cache with real sharp and real images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { ThumbnailCache } from '../../../src/core/thumbnails';
import { solidColorPng } from '../../../src/devmodels/tinyModel';

function tmp(prefix: string) {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

test('makes a WebP no larger than the size, keyed by content hash and size', async () => {
  const dir = tmp('it-thumbs-');
  const images = tmp('it-imgs-');
  const src = path.join(images, 'big.png');
  await fs.writeFile(src, await sharp({ create: { width: 640, height: 320, channels: 3, background: '#ff0000' } }).png().toBuffer());
  const cache = new ThumbnailCache(dir);
  const out = await cache.thumbnail(src, 128);
  assert.ok(out.startsWith(dir));
  assert.match(path.basename(out), /^[0-9a-f]{64}-128\.webp$/);
  const meta = await sharp(out).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.width, 128);
  assert.equal(meta.height, 64);
  // Same content under another name: same file, not remade.
  const copy = path.join(images, 'copy.png');
  await fs.copyFile(src, copy);
  const mtime = (await fs.stat(out)).mtimeMs;
  assert.equal(await cache.thumbnail(copy, 128), out);
  assert.equal((await fs.stat(out)).mtimeMs, mtime);
  // Another size is another file.
  assert.notEqual(await cache.thumbnail(src, 64), out);
});

test('a changed image gets a new thumbnail; small images are not enlarged', async () => {
  const dir = tmp('it-thumbs-');
  const src = path.join(tmp('it-imgs-'), 'a.png');
  await fs.writeFile(src, await solidColorPng('red', 32));
  const cache = new ThumbnailCache(dir);
  const first = await cache.thumbnail(src, 256);
  assert.equal((await sharp(first).metadata()).width, 32);
  await new Promise((r) => setTimeout(r, 20));
  await fs.writeFile(src, await solidColorPng('blue', 48));
  const second = await cache.thumbnail(src, 256);
  assert.notEqual(second, first);
  const { dominant } = await sharp(second).stats();
  assert.ok(dominant.b > 200 && dominant.r < 50, JSON.stringify(dominant));
});

test('a broken image fails with a message naming the file', async () => {
  const src = path.join(tmp('it-imgs-'), 'broken.jpg');
  await fs.writeFile(src, Buffer.from('this is not a jpeg'));
  const cache = new ThumbnailCache(tmp('it-thumbs-'));
  await assert.rejects(cache.thumbnail(src, 128), (e: Error) => e.message.includes(src) && /not a supported image|cannot decode/.test(e.message));
  await assert.rejects(cache.thumbnail(src, 3), /16\.\.4096/);
});

test('concurrent requests for the same thumbnail make it once', async () => {
  const dir = tmp('it-thumbs-');
  const src = path.join(tmp('it-imgs-'), 'a.png');
  await fs.writeFile(src, await solidColorPng('green', 200));
  const cache = new ThumbnailCache(dir, { concurrency: 4 });
  const outs = await Promise.all([1, 2, 3, 4, 5].map(() => cache.thumbnail(src, 100)));
  assert.equal(new Set(outs).size, 1);
  const sub = await fs.readdir(path.dirname(outs[0]));
  assert.deepEqual(sub, [path.basename(outs[0])], 'no temp files left behind');
});

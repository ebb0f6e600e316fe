// The JS resampler must reproduce Pillow's Image.resize exactly: CLIP and SigLIP were trained on
// PIL-preprocessed images. The expected hashes below were produced by Pillow 12.3.0 on the same
// deterministic pixels: Image.frombytes('RGB', (w, h), px).resize((ow, oh), filter).tobytes().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pilResize, type PilFilter } from '../../../src/classifiers/zeroShot/pilResize';

/** The same pixels as the Python generator: a 31-bit LCG, one byte per channel value. */
function pixels(w: number, h: number, seed: number): Uint8Array {
  const b = new Uint8Array(w * h * 3);
  let x = seed;
  for (let i = 0; i < b.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    b[i] = (x >> 16) & 255;
  }
  return b;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Rows top..top+height, columns left..left+width of an interleaved RGB image. */
function crop(img: Uint8Array, w: number, left: number, top: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) out.set(img.subarray(((top + y) * w + left) * 3, ((top + y) * w + left + width) * 3), y * width * 3);
  return out;
}

const PILLOW: [w: number, h: number, seed: number, ow: number, oh: number, filter: PilFilter, sha256: string][] = [
  [11, 7, 1, 30, 19, 'cubic', 'd227f1022ad7324baf05323bde8bd9eb3fb19ab0603627ed5ec4d2a530a3fe61'],
  [30, 20, 2, 11, 7, 'cubic', '98f95178a68d5d69f3345bab7cdfd755fd5b3a0d54c863e595b956ed5b293be6'],
  [11, 7, 3, 23, 31, 'linear', 'f3a5dbe9b5063f2380f4f056f5a72cff0028c65d3da663a18ea327b2210b304b'],
  [32, 32, 4, 224, 224, 'cubic', '1dd46a8c4816bef4cf6d8a1d14850d586b5e90f0e7f227a961aa0bca1174653b'],
  [500, 375, 5, 298, 224, 'cubic', '7cc185fb5b1939d59966c1fed8be87d61577e22ea984820af7d3edad6fe48f5b'],
];

for (const [w, h, seed, ow, oh, filter, expected] of PILLOW) {
  test(`${filter} ${w}×${h} → ${ow}×${oh} is byte-identical to Pillow`, () => {
    assert.equal(sha(pilResize(pixels(w, h, seed), w, h, 3, ow, oh, filter)), expected);
  });
}

test('a window (the center crop) is exactly that part of the full resize, from RGBA input too', () => {
  const rgb = pixels(32, 24, 9);
  const full = pilResize(rgb, 32, 24, 3, 150, 112, 'cubic');
  const win = { left: 19, top: 0, width: 112, height: 112 };
  const part = pilResize(rgb, 32, 24, 3, 150, 112, 'cubic', win);
  const expected = crop(full, 150, win.left, win.top, 112, 112);
  assert.ok(Buffer.from(part).equals(Buffer.from(expected)));
  const into = new Uint8Array(112 * 112 * 3 + 10).fill(1);
  assert.equal(pilResize(rgb, 32, 24, 3, 150, 112, 'cubic', win, into), into, 'writes into the given buffer');
  assert.ok(Buffer.from(into.subarray(0, expected.length)).equals(Buffer.from(expected)));
  // A larger call in between (growing the reused intermediates) changes nothing for the next one.
  pilResize(pixels(300, 200, 3), 300, 200, 3, 90, 60, 'cubic');
  assert.ok(Buffer.from(pilResize(rgb, 32, 24, 3, 150, 112, 'cubic', win)).equals(Buffer.from(expected)));
  const rgba = new Uint8Array(32 * 24 * 4);
  for (let i = 0; i < 32 * 24; i++) rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 7], i * 4);
  assert.ok(Buffer.from(pilResize(rgba, 32, 24, 4, 150, 112, 'cubic', win)).equals(Buffer.from(expected)));
});

test('a window outside the output or a short buffer is refused, not read out of bounds', () => {
  assert.throws(() => pilResize(pixels(4, 4, 1), 4, 4, 3, 8, 8, 'cubic', { left: 4, top: 0, width: 8, height: 8 }), /window outside/);
  assert.throws(() => pilResize(pixels(4, 3, 1), 4, 4, 3, 8, 8, 'cubic'), /smaller than its dimensions/);
  assert.throws(() => pilResize(pixels(4, 4, 1), 4, 4, 3, 8, 8, 'cubic', undefined, new Uint8Array(10)), /output buffer too small/);
});

test('into the model planes: each value is its Pillow byte through the channel table, up- and downscaling', () => {
  const luts = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, v) => (v / 255 - 0.4 - c * 0.05) / (0.25 + c * 0.01)));
  for (const [w, h, seed, ow, oh, filter] of PILLOW) {
    const src = pixels(w, h, seed);
    const bytes = pilResize(src, w, h, 3, ow, oh, filter);
    const plane = ow * oh;
    const offset = 5;
    const out = new Float32Array(offset + 3 * plane + 4).fill(-99);
    pilResize(src, w, h, 3, ow, oh, filter, undefined, undefined, { luts, out, offset });
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) {
        if (out[offset + c * plane + i] !== luts[c][bytes[i * 3 + c]]) assert.fail(`${w}×${h} → ${ow}×${oh}: channel ${c}, pixel ${i}`);
      }
    }
    assert.deepEqual([...out.subarray(0, offset), ...out.subarray(offset + 3 * plane)], [-99, -99, -99, -99, -99, -99, -99, -99, -99], 'nothing written outside the planes');
  }
});

test('coefficients reused across calls (mixed sizes, more than the cache holds) still give Pillow bytes', () => {
  // Every Pillow case twice, between windowed resizes of one source to many sizes: the same window
  // of different output sizes needs different coefficients, and the cache is filled past its size.
  const src = pixels(13, 9, 7);
  for (let round = 0; round < 2; round++) {
    for (const [w, h, seed, ow, oh, filter, expected] of PILLOW) {
      assert.equal(sha(pilResize(pixels(w, h, seed), w, h, 3, ow, oh, filter)), expected, `${filter} ${w}×${h} → ${ow}×${oh}, round ${round}`);
      for (let k = 0; k < 5; k++) {
        const ow2 = 20 + 3 * k + round;
        const filter2: PilFilter = k % 2 ? 'linear' : 'cubic';
        const win = { left: 2, top: 1, width: 12, height: 8 };
        const full = pilResize(src, 13, 9, 3, ow2, 17, filter2);
        assert.deepEqual(pilResize(src, 13, 9, 3, ow2, 17, filter2, win), crop(full, ow2, 2, 1, 12, 8), `window of ${ow2}×17 (${filter2})`);
      }
    }
  }
});

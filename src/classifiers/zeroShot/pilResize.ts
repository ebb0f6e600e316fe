// PIL's Image.resize (BICUBIC or BILINEAR) on 8-bit pixels, reproduced bit for bit: the same
// coefficients, the same 22-bit fixed point, horizontal pass then vertical, each rounded to 8 bits.
// The reference CLIP/SigLIP preprocessing is PIL's. For images that are upscaled (a 32×32 CIFAR
// image to 224×224) this costs a fraction of a sharp resize pipeline, because only the output
// window (the center crop) is computed and no libvips pipeline is built.

export type PilFilter = 'cubic' | 'linear';

const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);
const MAX = 256 * ONE;

const FILTERS: Record<PilFilter, { support: number; at: (x: number) => number }> = {
  // PIL's bicubic uses a = -0.5.
  cubic: {
    support: 2,
    at: (x) => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  linear: { support: 1, at: (x) => Math.max(0, 1 - Math.abs(x)) },
};

/** For output pixels first..first+count-1 of one axis: first source index, tap count, fixed-point weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  ksize: number;
}

/** The last few tap tables (a folder's images mostly share a size, so most calls reuse one). */
const tapCache = new Map<string, Taps>();

function taps(inSize: number, outSize: number, filter: PilFilter, first: number, count: number): Taps {
  const key = `${inSize} ${outSize} ${filter} ${first} ${count}`;
  let t = tapCache.get(key);
  if (!t) {
    t = computeTaps(inSize, outSize, filter, first, count);
    if (tapCache.size >= 16) tapCache.delete(tapCache.keys().next().value as string);
    tapCache.set(key, t);
  }
  return t;
}

function computeTaps(inSize: number, outSize: number, filter: PilFilter, first: number, count: number): Taps {
  const { support: base, at } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = base * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const t: Taps = { start: new Int32Array(count), count: new Int32Array(count), weights: new Int32Array(count * ksize), ksize };
  const k = new Float64Array(ksize);
  for (let o = 0; o < count; o++) {
    const center = (first + o + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < n; x++) sum += k[x] = at((x + xmin - center + 0.5) / filterscale);
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? k[x] / sum : k[x];
      // C's (int) cast truncates toward zero after adding ±0.5: round half away from zero.
      t.weights[o * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    t.start[o] = xmin;
    t.count[o] = n;
  }
  return t;
}

/** Intermediate buffers, reused across calls (pilResize is synchronous, so never shared mid-use). */
const scratch = {
  u8: new Uint8Array(0),
  i32: new Int32Array(0),
  bytes(n: number): Uint8Array {
    if (this.u8.length < n) this.u8 = new Uint8Array(n);
    return this.u8;
  },
  ints(n: number): Int32Array {
    if (this.i32.length < n) this.i32 = new Int32Array(n);
    return this.i32;
  },
};

// Sums stay within int32, as in PIL's C (weights ≤ ~1.1 · 2^22, pixels ≤ 255).
const clip8 = (v: number) => (v >= MAX ? 255 : v <= 0 ? 0 : v >> PRECISION_BITS);

export interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where the fused path writes: CHW float planes at `offset`, each byte mapped through its channel's table. */
export interface Planes {
  luts: Float32Array[];
  out: Float32Array;
  offset: number;
}

/**
 * Resizes an interleaved 8-bit image (the first 3 of `channels` channels) to outW×outH as PIL does,
 * and returns only `window` of the result (a center crop, say) as interleaved RGB, written into
 * `into` when given (it must hold window.width × window.height × 3 bytes). With `planes`, the window
 * goes straight into the model's normalised CHW planes instead (one pass less over the pixels).
 */
export function pilResize(
  src: Uint8Array,
  srcW: number,
  srcH: number,
  channels: number,
  outW: number,
  outH: number,
  filter: PilFilter,
  window: Window = { left: 0, top: 0, width: outW, height: outH },
  into?: Uint8Array,
  planes?: Planes,
): Uint8Array {
  const { left, top, width, height } = window;
  if (channels < 3 || src.length < srcW * srcH * channels) throw new RangeError('pilResize: source buffer is smaller than its dimensions');
  if (left < 0 || top < 0 || left + width > outW || top + height > outH) throw new RangeError('pilResize: window outside the output');
  const h = taps(srcW, outW, filter, left, width);
  const v = taps(srcH, outH, filter, top, height);
  // Source rows the vertical pass reads.
  let y0 = srcH;
  let y1 = 0;
  for (let o = 0; o < height; o++) {
    y0 = Math.min(y0, v.start[o]);
    y1 = Math.max(y1, v.start[o] + v.count[o]);
  }
  const rows = Math.max(0, y1 - y0);
  const tmp = scratch.bytes(rows * width * 3);
  for (let y = 0, t = 0; y < rows; y++) {
    const row = (y0 + y) * srcW * channels;
    for (let x = 0; x < width; x++) {
      const n = h.count[x];
      const kb = x * h.ksize;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let i = 0, s = row + h.start[x] * channels; i < n; i++, s += channels) {
        const w = h.weights[kb + i];
        r += src[s] * w;
        g += src[s + 1] * w;
        b += src[s + 2] * w;
      }
      tmp[t++] = clip8(r);
      tmp[t++] = clip8(g);
      tmp[t++] = clip8(b);
    }
  }
  // Vertical pass, one output row at a time. Up to 5 taps (any upscale) in one unrolled sweep;
  // more (downscaling) accumulated tap by tap.
  // With `planes` the byte image is not written (the returned buffer is then empty).
  const out = planes ? new Uint8Array(0) : (into ?? new Uint8Array(width * height * 3));
  if (!planes && out.length < width * height * 3) throw new RangeError('pilResize: output buffer too small');
  const stride = width * 3;
  const acc = scratch.ints(stride);
  for (let y = 0; y < height; y++) {
    const n = v.count[y];
    const kb = y * v.ksize;
    const o = y * stride;
    const r0 = (v.start[y] - y0) * stride;
    if (n <= 5) {
      const w0 = v.weights[kb];
      const w1 = n > 1 ? v.weights[kb + 1] : 0;
      const w2 = n > 2 ? v.weights[kb + 2] : 0;
      const w3 = n > 3 ? v.weights[kb + 3] : 0;
      const w4 = n > 4 ? v.weights[kb + 4] : 0;
      // Rows past the last tap carry weight 0; they point at row r0 so they stay in bounds.
      const r1 = n > 1 ? r0 + stride : r0;
      const r2 = n > 2 ? r0 + 2 * stride : r0;
      const r3 = n > 3 ? r0 + 3 * stride : r0;
      const r4 = n > 4 ? r0 + 4 * stride : r0;
      if (planes) {
        // Straight into the model's planes: each byte through its channel's table, no byte image kept.
        const { luts, out: f, offset } = planes;
        const l0 = luts[0];
        const l1 = luts[1];
        const l2 = luts[2];
        const plane = width * height;
        for (let px = 0, x = 0, d = offset + y * width; px < width; px++, x += 3, d++) {
          f[d] = l0[clip8(HALF + tmp[r0 + x] * w0 + tmp[r1 + x] * w1 + tmp[r2 + x] * w2 + tmp[r3 + x] * w3 + tmp[r4 + x] * w4)];
          const g = x + 1;
          f[d + plane] = l1[clip8(HALF + tmp[r0 + g] * w0 + tmp[r1 + g] * w1 + tmp[r2 + g] * w2 + tmp[r3 + g] * w3 + tmp[r4 + g] * w4)];
          const b = x + 2;
          f[d + 2 * plane] = l2[clip8(HALF + tmp[r0 + b] * w0 + tmp[r1 + b] * w1 + tmp[r2 + b] * w2 + tmp[r3 + b] * w3 + tmp[r4 + b] * w4)];
        }
        continue;
      }
      for (let x = 0; x < stride; x++) {
        out[o + x] = clip8(HALF + tmp[r0 + x] * w0 + tmp[r1 + x] * w1 + tmp[r2 + x] * w2 + tmp[r3 + x] * w3 + tmp[r4 + x] * w4);
      }
      continue;
    }
    acc.fill(HALF, 0, stride);
    for (let i = 0; i < n; i++) {
      const w = v.weights[kb + i];
      const s = r0 + i * stride;
      for (let x = 0; x < stride; x++) acc[x] += tmp[s + x] * w;
    }
    if (planes) {
      const plane = width * height;
      for (let px = 0, x = 0, d = planes.offset + y * width; px < width; px++, x += 3, d++) {
        for (let c = 0; c < 3; c++) planes.out[d + c * plane] = planes.luts[c][clip8(acc[x + c])];
      }
    } else for (let x = 0; x < stride; x++) out[o + x] = clip8(acc[x]);
  }
  return out;
}

// Number helpers for the generated models: float16 packing, a seeded normal generator and the
// per-tensor uint8 weight quantisation that onnxruntime's quantize_dynamic applies.
import { mulberry32 } from '../core/audit/prng';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of one float (round to nearest even). */
export function float16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function toFloat16(a: Float32Array): Uint16Array {
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = float16Bits(a[i]);
  return out;
}

/** The project's one seeded PRNG (mulberry32), shared with audit sampling. */
export { mulberry32 };

/** A 32-bit FNV-1a hash, to derive a per-tensor seed from its name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `n` normal samples with standard deviation `std` (Box-Muller), reproducible from `seed`. */
export function seededNormal(n: number, std: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export interface QuantizedU8 {
  data: Uint8Array;
  scale: number;
  zeroPoint: number;
}

/** Asymmetric per-tensor uint8 quantisation (the range always includes 0), as quantize_dynamic does. */
export function quantizeU8(a: Float32Array): QuantizedU8 {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  const data = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const q = Math.round(a[i] / scale) + zeroPoint;
    data[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return { data, scale, zeroPoint };
}

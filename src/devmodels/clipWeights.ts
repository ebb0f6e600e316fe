// Seeded random weights for the shape-faithful CLIP, created once per tensor name and shared by
// every graph that uses them (text tower, vision tower, joint model), plus their uint8 versions.
import { type QuantizedU8, hashString, quantizeU8, seededNormal } from './numeric';

export type WeightInit = { normal: number } | 'ones' | 'zeros' | { constant: number };

export class WeightStore {
  private readonly fp32 = new Map<string, Float32Array>();
  private readonly u8 = new Map<string, QuantizedU8>();

  constructor(readonly seed: number) {}

  /** The float weights of `name` ([dims] elements), generated on first use from seed and name. */
  get(name: string, dims: readonly number[], init: WeightInit): Float32Array {
    const n = dims.reduce((a, b) => a * b, 1);
    const have = this.fp32.get(name);
    if (have) {
      if (have.length !== n) throw new Error(`weight ${name} requested with ${n} elements, has ${have.length}`);
      return have;
    }
    let data: Float32Array;
    if (init === 'ones') data = new Float32Array(n).fill(1);
    else if (init === 'zeros') data = new Float32Array(n);
    else if ('constant' in init) data = new Float32Array(n).fill(init.constant);
    else data = seededNormal(n, init.normal, (hashString(name) ^ this.seed) >>> 0);
    this.fp32.set(name, data);
    return data;
  }

  /** Per-tensor uint8 quantisation of a weight already created with get(). */
  quantized(name: string): QuantizedU8 {
    let q = this.u8.get(name);
    if (!q) {
      const w = this.fp32.get(name);
      if (!w) throw new Error(`weight ${name} not created yet`);
      q = quantizeU8(w);
      this.u8.set(name, q);
    }
    return q;
  }
}

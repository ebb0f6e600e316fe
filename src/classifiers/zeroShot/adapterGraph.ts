// The adapter's loss and gradient as a small ONNX graph, run by onnxruntime-node (MLAS GEMMs are an
// order of magnitude faster than JS loops): Z = s·X·Vᵀ + b; softmax cross-entropy (CLIP) or
// per-category sigmoid (SigLIP); outputs the summed loss and s·(P − Y)ᵀ·X. The penalty and the
// L-BFGS steps stay in JS (core/adapt/fit.ts), whose pure-JS loss is the reference this must match.
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../devmodels/graphBuilder';
import { DT } from '../../devmodels/onnxProto';
import type { LossGrad } from '../../core/adapt/fit';

export function adapterGraphBytes(kind: 'softmax' | 'sigmoid'): Uint8Array {
  const g = new GraphBuilder(`adapter-${kind}`);
  const x = g.input('X', DT.FLOAT, ['N', 'D']);
  const v = g.input('V', DT.FLOAT, ['K', 'D']);
  const y = g.input('Y', DT.FLOAT, ['N', 'K']);
  const s = g.input('S', DT.FLOAT, [1]);
  const b = g.input('B', DT.FLOAT, [1]);
  const z = g.op('Add', [g.op('Mul', [g.op('MatMul', [x, g.op('Transpose', [v], { perm: [1, 0] })]), s]), b]);
  let p: string;
  let loss: string;
  if (kind === 'softmax') {
    p = g.op('Softmax', [z], { axis: 1 });
    loss = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [y, g.op('LogSoftmax', [z], { axis: 1 })])], { keepdims: 0 })]);
  } else {
    p = g.op('Sigmoid', [z]);
    loss = g.op('ReduceSum', [g.op('Sub', [g.op('Softplus', [z]), g.op('Mul', [y, z])])], { keepdims: 0 });
  }
  const grad = g.op('Mul', [g.op('MatMul', [g.op('Transpose', [g.op('Sub', [p, y])], { perm: [1, 0] }), x]), s]);
  g.output('loss', loss, DT.FLOAT, []);
  g.output('grad', grad, DT.FLOAT, ['K', 'D']);
  return new Uint8Array(Buffer.concat(g.toModel().parts));
}

/**
 * A loss/gradient function over fixed rows for fitAdapter, backed by ORT. The rows' X and one-hot Y
 * are built once; each call passes only V.
 */
export async function ortLossGrad(opts: { kind: 'softmax' | 'sigmoid'; x: Float32Array; y: Int32Array; d: number; k: number; rows: Int32Array; scale: number; bias: number; threads?: number }): Promise<{ fn: LossGrad; dispose: () => Promise<void> }> {
  const session = await ort.InferenceSession.create(adapterGraphBytes(opts.kind), { intraOpNumThreads: opts.threads ?? 0, graphOptimizationLevel: 'all' });
  const n = opts.rows.length;
  const xs = new Float32Array(n * opts.d);
  const ys = new Float32Array(n * opts.k);
  opts.rows.forEach((r, i) => {
    xs.set(opts.x.subarray(r * opts.d, (r + 1) * opts.d), i * opts.d);
    ys[i * opts.k + opts.y[r]] = 1;
  });
  const feeds = {
    X: new ort.Tensor('float32', xs, [n, opts.d]),
    Y: new ort.Tensor('float32', ys, [n, opts.k]),
    S: new ort.Tensor('float32', Float32Array.of(opts.scale), [1]),
    B: new ort.Tensor('float32', Float32Array.of(opts.bias), [1]),
  };
  const vf = new Float32Array(opts.k * opts.d);
  const fn: LossGrad = async (v, g) => {
    vf.set(v);
    const out = await session.run({ ...feeds, V: new ort.Tensor('float32', vf, [opts.k, opts.d]) });
    g.set(out.grad.data as Float32Array);
    return Number((out.loss.data as Float32Array)[0]);
  };
  return { fn, dispose: () => session.release() };
}

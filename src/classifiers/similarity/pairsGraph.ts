// A three-node ONNX graph for the near-duplicate search: S = A·Bᵀ (Gemm, MLAS's blocked SGEMM on all
// threads), then only the cells with S ≥ t leave ONNX Runtime (NonZero + GatherND), so a
// 2048×2048 block returns a handful of pairs instead of 16 MB of scores.
import { DT } from '../../devmodels/onnxProto';
import { GraphBuilder } from '../../devmodels/graphBuilder';

export function pairsAboveModel(): Uint8Array {
  const g = new GraphBuilder('pairs_above');
  const a = g.input('a', DT.FLOAT, ['m', 'd']);
  const b = g.input('b', DT.FLOAT, ['n', 'd']);
  const t = g.input('t', DT.FLOAT, [1]);
  const s = g.op('Gemm', [a, b], { transB: 1 });
  const hit = g.op('GreaterOrEqual', [s, t]);
  const nz = g.op('NonZero', [hit]);
  const idx = g.op('Transpose', [nz], { perm: [1, 0] });
  const cos = g.op('GatherND', [s, idx]);
  g.output('idx', idx, DT.INT64, ['k', 2]);
  g.output('cos', cos, DT.FLOAT, ['k']);
  return Buffer.concat(g.toModel().parts);
}

/**
 * The IVF index's assignment: the `k` nearest centroids of each row (Gemm, then TopK on the scores),
 * largest first. Rows and centroids are normalised, so the largest dot product is the nearest.
 */
export function nearestCellsModel(): Uint8Array {
  const g = new GraphBuilder('nearest_cells');
  const a = g.input('a', DT.FLOAT, ['m', 'd']);
  const c = g.input('c', DT.FLOAT, ['k', 'd']);
  const k = g.input('k', DT.INT64, [1]);
  const s = g.op('Gemm', [a, c], { transB: 1 });
  const [, idx] = g.opN('TopK', [s, k], 2, { axis: 1, largest: 1, sorted: 1 });
  g.output('idx', idx, DT.INT64, ['m', 'p']);
  return Buffer.concat(g.toModel().parts);
}

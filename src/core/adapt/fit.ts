// The linear adapter: logistic regression in the checkpoint's own logit space, started at and shrunk
// towards the zero-shot text prototypes (CLAP, Silva-Rodríguez et al., CVPR 2024: a linear probe
// initialised with the class text embeddings and kept close to them; the zero-shot-head init of
// Wortsman et al., WiSE-FT, CVPR 2022). Per category c a vector v_c, logit z_c = s·(x·v_c) + b with the
// checkpoint's own scale s and bias b; CLIP is fitted with the softmax cross-entropy, SigLIP with
// its per-category sigmoid; the penalty is λ/2·‖V − V⁰‖², V⁰ the ensembled text embeddings. So the
// adapted V scores exactly like a set of text embeddings would, through the same card mapping, and
// directions no label speaks to keep the zero-shot prototype. Optimiser: L-BFGS. Pure math.

export interface FitProblem {
  /** N×D image embeddings (L2-normalised), row-major. */
  x: Float32Array;
  /** Category index per row. */
  y: Int32Array;
  n: number;
  d: number;
  k: number;
  /** K×D zero-shot prototypes (the prior and the start). */
  v0: Float32Array;
  scale: number;
  bias: number;
  kind: 'softmax' | 'sigmoid';
  /** Rows to use (default: all). */
  rows?: Int32Array;
  lambda?: number;
  maxIter?: number;
  /** Stop when max |∂(loss/N)/∂V| ≤ tol: scikit-learn's LogisticRegression(solver='lbfgs') default, 1e-4. */
  tol?: number;
}

const DEFAULT_TOL = 1e-4;

export const DEFAULT_LAMBDA = 1;

/** The data term's loss at V, its gradient written into g (the penalty is added by fitAdapter). */
export type LossGrad = (v: Float64Array, g: Float64Array) => number | Promise<number>;

/** The data term in plain JS loops: the reference (and the fallback) for the ORT graph. */
export const jsLossGrad = (p: FitProblem, rows: Int32Array): LossGrad => (v, g) => dataLossGrad(p, rows, v, g);

function dataLossGrad(p: FitProblem, rows: Int32Array, v: Float64Array, g: Float64Array): number {
  const { x, y, d, k, scale, bias } = p;
  const z = new Float64Array(k);
  let loss = 0;
  g.fill(0);
  for (let r = 0; r < rows.length; r++) {
    const off = rows[r] * d;
    for (let c = 0; c < k; c++) {
      const vo = c * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += x[off + j] * v[vo + j];
        s1 += x[off + j + 1] * v[vo + j + 1];
        s2 += x[off + j + 2] * v[vo + j + 2];
        s3 += x[off + j + 3] * v[vo + j + 3];
      }
      for (; j < d; j++) s0 += x[off + j] * v[vo + j];
      z[c] = scale * (s0 + s1 + s2 + s3) + bias;
    }
    const yc = y[rows[r]];
    if (p.kind === 'softmax') {
      let m = -Infinity;
      for (let c = 0; c < k; c++) if (z[c] > m) m = z[c];
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c] - m);
      loss += m + Math.log(sum) - z[yc];
      for (let c = 0; c < k; c++) z[c] = Math.exp(z[c] - m) / sum - (c === yc ? 1 : 0);
    } else {
      for (let c = 0; c < k; c++) {
        const t = c === yc ? 1 : 0;
        // log(1 + e^z) − t·z, stably
        loss += Math.max(z[c], 0) + Math.log1p(Math.exp(-Math.abs(z[c]))) - t * z[c];
        z[c] = 1 / (1 + Math.exp(-z[c])) - t;
      }
    }
    for (let c = 0; c < k; c++) {
      const a = scale * z[c];
      if (a === 0) continue;
      const go = c * d;
      for (let j = 0; j < d; j++) g[go + j] += a * x[off + j];
    }
  }
  return loss;
}

async function penalised(data: LossGrad, v0: Float32Array, lambda: number, v: Float64Array, g: Float64Array): Promise<number> {
  let loss = await data(v, g);
  for (let i = 0; i < v.length; i++) {
    const diff = v[i] - v0[i];
    loss += 0.5 * lambda * diff * diff;
    g[i] += lambda * diff;
  }
  return loss;
}

const dotv = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Fits V (K×D). Returns it with the iterations used and the final loss. */
export async function fitAdapter(p: FitProblem, data?: LossGrad): Promise<{ v: Float32Array; iterations: number; loss: number }> {
  const rows = p.rows ?? Int32Array.from({ length: p.n }, (_, i) => i);
  const lambda = p.lambda ?? DEFAULT_LAMBDA;
  const fn = data ?? jsLossGrad(p, rows);
  const lossGrad = (_p: FitProblem, _rows: Int32Array, v: Float64Array, g: Float64Array, l: number) => penalised(fn, p.v0, l, v, g);
  const maxIter = p.maxIter ?? 200;
  const tol = p.tol ?? DEFAULT_TOL;
  const dim = p.k * p.d;
  const v = Float64Array.from(p.v0);
  const g = new Float64Array(dim);
  let f = await lossGrad(p, rows, v, g, lambda);
  const m = 8;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(dim);
  const vNew = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  let it = 0;
  for (; it < maxIter; it++) {
    let gmax = 0;
    for (let i = 0; i < dim; i++) gmax = Math.max(gmax, Math.abs(g[i]));
    // Converged when no entry of the mean loss's gradient exceeds tol (scikit-learn's lbfgs criterion).
    if (gmax <= tol * rows.length) break;
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < dim; i++) dir[i] = -g[i];
    const alpha: number[] = [];
    for (let h = S.length - 1; h >= 0; h--) {
      const a = rho[h] * dotv(S[h], dir);
      alpha[h] = a;
      const yh = Y[h];
      for (let i = 0; i < dim; i++) dir[i] -= a * yh[i];
    }
    const gamma = S.length ? dotv(S[S.length - 1], Y[Y.length - 1]) / dotv(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dotv(g, g)));
    for (let i = 0; i < dim; i++) dir[i] *= gamma;
    for (let h = 0; h < S.length; h++) {
      const b = rho[h] * dotv(Y[h], dir);
      const sh = S[h];
      for (let i = 0; i < dim; i++) dir[i] += (alpha[h] - b) * sh[i];
    }
    let slope = dotv(g, dir);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < dim; i++) dir[i] = -g[i] / Math.max(1, Math.sqrt(dotv(g, g)));
      slope = dotv(g, dir);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let i = 0; i < dim; i++) vNew[i] = v[i] + step * dir[i];
      fNew = await lossGrad(p, rows, vNew, gNew, lambda);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) break;
    const s = new Float64Array(dim);
    const yv = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      s[i] = vNew[i] - v[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dotv(s, yv);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const rel = (f - fNew) / Math.max(1, Math.abs(f));
    v.set(vNew);
    g.set(gNew);
    f = fNew;
    if (rel < 1e-7) break;
  }
  return { v: Float32Array.from(v), iterations: it, loss: f };
}

/** Index of the highest logit of row `row` under V (K×D); the scale and bias do not change it. */
export function argmaxRow(x: Float32Array, row: number, d: number, v: Float32Array, k: number): number {
  let best = 0;
  let bestZ = -Infinity;
  const off = row * d;
  for (let c = 0; c < k; c++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += x[off + j] * v[c * d + j];
    if (z > bestZ) [best, bestZ] = [c, z];
  }
  return best;
}

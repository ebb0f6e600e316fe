// `npm run bench:adapt`: the adapter fit on 5,000 labels (512-d embeddings like CLIP ViT-B/32, 10
// categories, CLIP's logit scale 100), in its worker, as `adapt` runs it. Synthetic embeddings: the
// time depends on the sizes and on how far the labels pull the prototypes: here every zero-shot
// prototype points at the wrong cluster, the slow case. Three runs; prints each final fit's wall and CPU
// time (the figure: the median of 3) and the 5-fold cross-validation's, with the load average.
import * as os from 'node:os';
import { fitAdapterInWorker } from '../src/classifiers/zeroShot/adapterFit';
import { mulberry32 } from '../src/core/audit/prng';

const N = Number(process.argv[2] ?? 5000);
const D = 512;
const K = 10;
const rng = mulberry32(1);
const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
};
const protos = Array.from({ length: K }, () => unit(Float32Array.from({ length: D }, gauss)));
const x = new Float32Array(N * D);
const y = new Int32Array(N);
for (let i = 0; i < N; i++) {
  y[i] = i % K;
  x.set(unit(Float32Array.from({ length: D }, (_, j) => 4 * protos[y[i]][j] + gauss() / Math.sqrt(D) * 8)), i * D);
}
const v0 = new Float32Array(K * D);
// Each prior points at another category's cluster: the fit has to move every prototype (the slow case).
protos.forEach((_, c) => v0.set(unit(protos[(c + 1) % K].map((a) => a + gauss() * 0.05)), c * D));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const wall: number[] = [];
  const cpu: number[] = [];
  const loads: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    const r = await fitAdapterInWorker({ x, y, groups: Array.from(y, (_, i) => String(i)), n: N, d: D, k: K, v0, scale: 100, bias: 0, kind: 'softmax', folds: 5, seed: 1 });
    const total = performance.now() - t;
    wall.push(r.fitMs);
    cpu.push(r.fitCpuMs);
    loads.push(os.loadavg()[0]);
    console.log(
      `run ${rep + 1}: final fit ${r.fitMs.toFixed(0)} ms wall, ${r.fitCpuMs.toFixed(0)} ms CPU (${r.iterations} L-BFGS iterations); ` +
        `with 5-fold CV and the worker's start ${total.toFixed(0)} ms; cv ${(r.cv.adapter.rate! * 100).toFixed(1)}%; load average ${loads.at(-1)!.toFixed(1)}`,
    );
  }
  console.log(
    `adapter fit, ${N} labels × ${D} dims × ${K} categories on ${os.cpus().length} cores: median final fit ${median(wall).toFixed(0)} ms wall, ` +
      `${median(cpu).toFixed(0)} ms CPU (all threads); load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
})();

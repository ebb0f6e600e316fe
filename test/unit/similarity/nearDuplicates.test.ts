// Near duplicates at any size: the worker's blocked ONNX Runtime products find exactly the pairs
// the plain loop finds (across block edges), union-find joins chains into one cluster, and the
// search can be cancelled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNearDuplicates } from '../../../src/classifiers/similarity/nearDuplicates';
import { clustersOf, pairsAboveJs } from '../../../src/core/similarity/clusters';

function dataset(n: number, dim: number) {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < dim; t++) v[i * dim + t] = rnd();
    // rows 100..139: a chain, each a small step from the previous one (ends far apart)
    if (i > 100 && i < 140) for (let t = 0; t < dim; t++) v[i * dim + t] = v[(i - 1) * dim + t] + 0.12 * rnd();
    // every 37th row duplicates the row before it (across block edges too)
    if (i % 37 === 0 && i > 0) for (let t = 0; t < dim; t++) v[i * dim + t] = v[(i - 1) * dim + t] + 0.01 * rnd();
    let s = 0;
    for (let t = 0; t < dim; t++) s += v[i * dim + t] ** 2;
    for (let t = 0; t < dim; t++) v[i * dim + t] /= Math.sqrt(s);
  }
  return v;
}

const key = (i: Int32Array, j: Int32Array) => Array.from(i, (x, k) => `${x}-${j[k]}`).sort();

test('the worker finds exactly the pairs of the plain loop, across blocks; chains become one cluster', async () => {
  const dim = 32;
  const v = dataset(700, dim);
  const s = await findNearDuplicates(v, dim, 0.95, { inlineBelow: 0, block: 128 });
  const ref = pairsAboveJs(v, dim, 0.95 - 1e-6);
  assert.ok(ref.i.length > 20, `${ref.i.length} reference pairs`);
  assert.deepEqual(key(s.pairs.i, s.pairs.j), key(ref.i, ref.j));
  for (let k = 0; k < s.pairs.i.length; k++) assert.ok(s.pairs.i[k] < s.pairs.j[k]);
  const chain = s.clusters.find((c) => c.includes(100))!;
  assert.ok(chain.includes(139), 'the chain is one cluster although its ends are not a pair');
  assert.ok(!key(s.pairs.i, s.pairs.j).includes('100-139'));
  assert.deepEqual(s.clusters, clustersOf(700, ref));
});

test('a cancelled search rejects with AbortError and leaves nothing running', async () => {
  const ac = new AbortController();
  const run = findNearDuplicates(dataset(3000, 64), 64, 0.95, { inlineBelow: 0, block: 64, signal: ac.signal, onProgress: () => ac.abort() });
  await assert.rejects(run, (e: Error) => e.name === 'AbortError');
});

/**
 * Clustered rows: groups of 2–6 near copies of a centre at varying noise (some pairs just above the
 * threshold, some just below), the centres around a few topics, a third of the groups a single row,
 * and a chain of 250 small steps (its ends far apart).
 */
function clustered(n: number, dim: number) {
  let seed = 11;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const gauss = () => (rnd() + rnd() + rnd() + rnd()) * Math.sqrt(3); // ~N(0, 1)
  const v = new Float32Array(n * dim);
  const unit = (r: number) => {
    let s = 0;
    for (let t = 0; t < dim; t++) s += v[r * dim + t] ** 2;
    for (let t = 0; t < dim; t++) v[r * dim + t] /= Math.sqrt(s);
  };
  const centre = new Float32Array(dim);
  const topics = Float32Array.from({ length: 24 * dim }, gauss);
  let r = 0;
  // the chain: each row a step of relative size ~0.14 from the previous one (cos ~0.99)
  for (let t = 0; t < dim; t++) v[t] = gauss();
  unit(r++);
  for (; r < 250; r++) {
    for (let t = 0; t < dim; t++) v[r * dim + t] = v[(r - 1) * dim + t] + (0.14 / Math.sqrt(dim)) * gauss();
    unit(r);
  }
  while (r < n) {
    const size = 2 + Math.floor((rnd() + 0.5) * 5);
    // group centres around 24 topics (cos ~0.5 within a topic), as embeddings of photos cluster
    const topic = Math.floor((rnd() + 0.5) * 24) * dim;
    for (let t = 0; t < dim; t++) centre[t] = (topics[topic + t] + gauss()) / Math.sqrt(dim);
    // noise per member ~N(0, σ²) per coordinate: cos of two members ≈ 1 / (1 + dim σ²), σ√dim in 0.1–0.3
    const sigma = (0.1 + (rnd() + 0.5) * 0.2) / Math.sqrt(dim);
    const members = r % 3 === 0 ? 1 : size; // a third of the rows stand alone
    for (let m = 0; m < members && r < n; m++, r++) {
      for (let t = 0; t < dim; t++) v[r * dim + t] = centre[t] + sigma * gauss();
      unit(r);
    }
  }
  // shuffle the rows so cells and row order are unrelated
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((rnd() + 0.5) * (i + 1)) % (i + 1);
    const tmp = v.slice(i * dim, (i + 1) * dim);
    v.copyWithin(i * dim, j * dim, (j + 1) * dim);
    v.set(tmp, j * dim);
  }
  return v;
}

test('the IVF index finds ≥ 99% of the exact pairs, none below the threshold, none twice, and the same clusters', async () => {
  const dim = 64;
  const n = 6000;
  const v = clustered(n, dim);
  const exact = await findNearDuplicates(v, dim, 0.95, { exact: true });
  // 3 of ~12 cells probed (the default, 8, would probe most of a set this small)
  const ivf = await findNearDuplicates(v, dim, 0.95, { exact: false, nprobe: 3 });
  assert.equal(exact.method, 'exact');
  assert.equal(ivf.method, 'ivf');
  assert.ok(ivf.cells! >= 10 && ivf.nprobe === 3, `${ivf.cells} cells, nprobe ${ivf.nprobe}`);
  const near = Array.from(exact.pairs.cos).filter((c) => c < 0.96).length;
  assert.ok(exact.pairs.i.length > 2000 && near > 50, `${exact.pairs.i.length} exact pairs, ${near} of them just above the threshold`);
  assert.ok(exact.clusters[0].length >= 250, 'the chain is one cluster');
  const got = key(ivf.pairs.i, ivf.pairs.j);
  assert.equal(new Set(got).size, got.length, 'no pair twice');
  for (let k = 0; k < ivf.pairs.i.length; k++) {
    const [i, j] = [ivf.pairs.i[k], ivf.pairs.j[k]];
    assert.ok(i < j);
    let s = 0;
    for (let t = 0; t < dim; t++) s += v[i * dim + t] * v[j * dim + t];
    assert.ok(s >= 0.95 - 1e-5 && Math.abs(s - ivf.pairs.cos[k]) < 1e-4, `pair ${i}-${j}: cos ${s}`);
  }
  const want = new Set(key(exact.pairs.i, exact.pairs.j));
  const found = got.filter((p) => want.has(p)).length;
  assert.ok(found / want.size >= 0.99, `recall ${found}/${want.size}`);
  assert.deepEqual(ivf.clusters, exact.clusters);
});

test('small sets are searched exactly by default; a cancelled IVF search rejects with AbortError', async () => {
  const v = dataset(700, 32);
  assert.equal((await findNearDuplicates(v, 32, 0.95)).method, 'exact');
  const ac = new AbortController();
  const run = findNearDuplicates(clustered(3000, 64), 64, 0.95, { exact: false, signal: ac.signal, onProgress: () => ac.abort() });
  await assert.rejects(run, (e: Error) => e.name === 'AbortError');
});

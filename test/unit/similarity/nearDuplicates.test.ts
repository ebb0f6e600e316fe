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

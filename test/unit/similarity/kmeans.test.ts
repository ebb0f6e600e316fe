// k-means over embeddings: well-separated groups come out as separate clusters, every row assigned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeans } from '../../../src/core/similarity/kmeans';

test('three separated groups of unit vectors become three clusters of the right sizes', () => {
  const dim = 8;
  const centres = [0, 3, 6];
  const sizes = [50, 30, 20];
  const rows: number[] = [];
  let s = 3;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  centres.forEach((c, g) => {
    for (let i = 0; i < sizes[g]; i++) {
      const v = Array.from({ length: dim }, (_, t) => (t === c ? 1 : 0) + 0.05 * rnd());
      const n = Math.hypot(...v);
      rows.push(...v.map((x) => x / n));
    }
  });
  const r = kmeans(Float32Array.from(rows), dim, 3, { seed: 2 });
  assert.equal(r.assignment.length, 100);
  assert.deepEqual([...r.sizes].sort((a, b) => b - a), [50, 30, 20]);
  const first = r.assignment[0];
  assert.ok(r.assignment.subarray(0, 50).every((a) => a === first), 'the first group is one cluster');
  assert.notEqual(r.assignment[60], first);
});

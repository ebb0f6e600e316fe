// Review clusters: deterministic for a seed (whatever order the images come in), images that fit no
// category clustered apart, the majority prediction and its count, members closest to the centre first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseK, reviewClusters, type ClusterItem } from '../../../src/core/similarity/reviewClusters';

const DIM = 6;
function rng(seed: number) {
  let s = seed;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}
/** Unit vectors near axis `axis`, with noise. */
function near(axis: number, rnd: () => number, noise = 0.1): number[] {
  const v = Array.from({ length: DIM }, (_, t) => (t === axis ? 1 : 0) + noise * rnd());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** 3 groups a category fits (axes 0..2, one predicted wrongly) and 2 groups that fit none (axes 4, 5). */
function folder(seed = 7): { items: ClusterItem[]; vectors: Float32Array } {
  const rnd = rng(seed);
  const items: ClusterItem[] = [];
  const rows: number[] = [];
  const add = (id: string, axis: number, predicted: string[], fitsAny: boolean) => {
    items.push({ id, predicted, fitsAny });
    rows.push(...near(axis, rnd));
  };
  const names = ['red', 'green', 'blue'];
  names.forEach((name, axis) => {
    for (let i = 0; i < 12; i++) add(`${name}-${String(i).padStart(2, '0')}.png`, axis, [i === 3 ? names[(axis + 1) % 3] : name], true);
  });
  for (let i = 0; i < 8; i++) add(`yellow-${i}.png`, 4, [], false);
  for (let i = 0; i < 5; i++) add(`cyan-${i}.png`, 5, [], false);
  return { items, vectors: Float32Array.from(rows) };
}

const shape = (cs: ReturnType<typeof reviewClusters>) => cs.map((c) => ({ kind: c.kind, ids: [...c.ids].sort(), majority: c.majority, n: c.majorityCount }));

test('the same folder and seed give the same clusters, in any input order', () => {
  const { items, vectors } = folder();
  const a = reviewClusters(items, vectors, DIM, { seed: 3 });
  const b = reviewClusters(items, vectors, DIM, { seed: 3 });
  assert.deepEqual(a, b, 'byte-for-byte the same result twice');
  // Shuffle the images (and their rows): the clusters are the same sets with the same order of members.
  const perm = items.map((_, i) => i).sort((x, y) => ((x * 7919) % 53) - ((y * 7919) % 53));
  const shuffled = perm.map((i) => items[i]);
  const rows = new Float32Array(vectors.length);
  perm.forEach((i, j) => rows.set(vectors.subarray(i * DIM, (i + 1) * DIM), j * DIM));
  assert.deepEqual(reviewClusters(shuffled, rows, DIM, { seed: 3 }), a);
});

test('images that fit no category get clusters of their own; each group is found with its majority prediction', () => {
  const { items, vectors } = folder();
  const cs = reviewClusters(items, vectors, DIM, { seed: 1 });
  const s = shape(cs);
  const fits = s.filter((c) => c.kind === 'fits');
  const nofit = s.filter((c) => c.kind === 'nofit');
  const kinds = cs.map((c) => c.kind).join(',');
  assert.match(kinds, /^(fits,)+nofit(,nofit)*$/, 'the clusters a category fits come first');
  // k = ceil(sqrt(36 / 2)) = 5 for three groups: a group may split, but no cluster mixes two.
  assert.equal(fits.length, 5);
  for (const name of ['red', 'green', 'blue']) {
    const mine = fits.filter((x) => x.ids.some((id) => id.startsWith(name)));
    for (const c of mine) {
      assert.ok(c.ids.every((id) => id.startsWith(name)), `a ${name} cluster holds only ${name} images: ${c.ids.join(',')}`);
      assert.deepEqual(c.majority, [name]);
    }
    assert.equal(mine.reduce((n, c) => n + c.ids.length, 0), 12);
    assert.equal(mine.reduce((n, c) => n + c.n, 0), 11, 'one of twelve is predicted otherwise');
  }
  assert.ok(nofit.every((c) => c.majority.length === 0 && c.n === c.ids.length));
  for (const c of nofit) assert.equal(new Set(c.ids.map((id) => id.split('-')[0])).size, 1, `yellow and cyan never share a cluster: ${c.ids.join(',')}`);
  assert.equal(nofit.reduce((n, c) => n + c.ids.length, 0), 13, 'every image that fits nothing is in a nofit cluster');
  assert.equal(fits.reduce((n, c) => n + c.ids.length, 0), 36);
});

test('members come closest to the centre first; cohesion is their mean cosine', () => {
  const angles: Record<string, number> = { 'far.png': 0.9, 'a.png': 0.1, 'b.png': 0.12, 'c.png': 0.3, 'd.png': 0.05 };
  const items: ClusterItem[] = Object.keys(angles).map((id) => ({ id, predicted: ['red'], fitsAny: true }));
  const v = (a: number) => [Math.cos(a), Math.sin(a), 0, 0, 0, 0];
  const cs = reviewClusters(items, Float32Array.from(items.flatMap((i) => v(angles[i.id]))), DIM, { seed: 1, maxK: 1 });
  assert.equal(cs.length, 1);
  // The centre is the normalised mean direction: order by cosine to it.
  const mean = Object.values(angles).reduce((s, a) => [s[0] + Math.cos(a), s[1] + Math.sin(a)], [0, 0]);
  const centre = Math.atan2(mean[1], mean[0]);
  const expected = Object.keys(angles).sort((x, y) => Math.cos(angles[y] - centre) - Math.cos(angles[x] - centre));
  assert.deepEqual(cs[0].ids, expected);
  assert.equal(cs[0].ids.at(-1), 'far.png');
  const cohesion = Object.values(angles).reduce((s, a) => s + Math.cos(a - centre), 0) / 5;
  assert.ok(Math.abs(cs[0].cohesion - cohesion) < 1e-5, `${cs[0].cohesion} vs ${cohesion}`);
});

test('k: about √(n/2), at least one cluster per distinct prediction, never more than n or maxK', () => {
  assert.equal(chooseK(0, 0), 0);
  assert.equal(chooseK(1, 1), 1);
  assert.equal(chooseK(200, 3), 10);
  assert.equal(chooseK(20, 7), 7);
  assert.equal(chooseK(5, 9), 5);
  assert.equal(chooseK(1_000_000, 3), 40);
  assert.equal(chooseK(1_000_000, 3, 64), 64);
});

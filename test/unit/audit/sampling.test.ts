import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { allocate, drawSample, markSampled, sampleCandidates, stratumKey, type SampleCandidate } from '../../../src/core/audit/sampling';
import { mulberry32, parseSeed, shuffled } from '../../../src/core/audit/prng';
import { NONE_LABEL } from '../../../src/core/audit/stats';
import { readSidecar } from '../../../src/core/sidecarStore';
import { indexFolder } from '../../../src/core/folderIndex';
import type { Confidence } from '../../../src/core/types';
import { done, pred, sidecar, tempDir, writeImage } from './fixtures';

function cand(i: number, topLabel: string, confidence: Confidence | 'none', classifier: 'vlm' | 'zero-shot' = 'vlm'): SampleCandidate {
  const relPath = `img${String(i).padStart(3, '0')}.png`;
  return { path: `/x/${relPath}`, relPath, classifier, checkpoint: 'ck', labels: topLabel === NONE_LABEL ? [] : [topLabel], topLabel, confidence };
}

test('mulberry32 is deterministic, in [0, 1), and seed-dependent', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, mulberry32(43)));
  const items = Array.from({ length: 20 }, (_, i) => i);
  assert.deepEqual([...shuffled(items, mulberry32(7))].sort((p, q) => p - q), items, 'a shuffle is a permutation');
  assert.equal(parseSeed('12'), 12);
  assert.equal(parseSeed('4294967295'), 4294967295);
  assert.equal(parseSeed('4294967296'), null);
  assert.equal(parseSeed('-1'), null);
  assert.equal(parseSeed('1.5'), null);
});

test('allocation: proportional, at least one per stratum, largest remainder (worked by hand)', () => {
  // Sizes 6, 3, 1 (N = 10).
  // n = 5: quotas 3, 1.5, 0.5 → floors 3, 1, 0 → min one → 3, 1, 1 (sum 5).
  assert.deepEqual(allocate([6, 3, 1], 5), [3, 1, 1]);
  // n = 6: quotas 3.6, 1.8, 0.6 → 3, 1, 1 = 5; remainders .6, .8, −.4 → +1 to the second → 3, 2, 1.
  assert.deepEqual(allocate([6, 3, 1], 6), [3, 2, 1]);
  // n = 3: quotas 1.8, 0.9, 0.3 → 1, 0, 0 → min one → 1, 1, 1.
  assert.deepEqual(allocate([6, 3, 1], 3), [1, 1, 1]);
  // n = 2 < 3 strata: no minimum; quotas 1.2, .6, .2 → 1, 0, 0 → +1 by remainder (.6) → 1, 1, 0.
  assert.deepEqual(allocate([6, 3, 1], 2), [1, 1, 0]);
  // Min one overshoots: sizes 1,1,1,100, n = 4: 1,1,1,3 = 6 → take two back from the big stratum.
  assert.deepEqual(allocate([1, 1, 1, 100], 4), [1, 1, 1, 1]);
  // Capped at the population.
  assert.deepEqual(allocate([2, 1], 10), [2, 1]);
  assert.deepEqual(allocate([5, 5], 0), [0, 0]);
});

test('a drawn sample is stratified by classifier × category × confidence', () => {
  const cands = [
    ...Array.from({ length: 6 }, (_, i) => cand(i, 'cat', 'high')),
    ...Array.from({ length: 3 }, (_, i) => cand(10 + i, 'dog', 'medium')),
    cand(20, NONE_LABEL, 'none'),
    ...Array.from({ length: 6 }, (_, i) => cand(i, 'cat', 'low', 'zero-shot')),
  ];
  const s = drawSample(cands, { seed: 3, size: 8 });
  // Sizes by sorted key: vlm (none) 1, vlm cat high 6, vlm dog medium 3, zero-shot cat low 6 (N = 16).
  // n = 8: quotas .5, 3, 1.5, 3 → 0, 3, 1, 3 → min one → 1, 3, 1, 3 = 8.
  const count = (k: string) => s.items.filter((c) => stratumKey(c) === k).length;
  assert.equal(s.items.length, 8);
  assert.equal(count(stratumKey({ classifier: 'vlm', topLabel: 'cat', confidence: 'high' })), 3);
  assert.equal(count(stratumKey({ classifier: 'vlm', topLabel: 'dog', confidence: 'medium' })), 1);
  assert.equal(count(stratumKey({ classifier: 'vlm', topLabel: NONE_LABEL, confidence: 'none' })), 1);
  assert.equal(count(stratumKey({ classifier: 'zero-shot', topLabel: 'cat', confidence: 'low' })), 3);
  assert.deepEqual(
    s.strata.map((x) => [x.classifier, x.category, x.confidence, x.population, x.sampled]),
    [
      ['vlm', NONE_LABEL, 'none', 1, 1],
      ['vlm', 'cat', 'high', 6, 3],
      ['vlm', 'dog', 'medium', 3, 1],
      ['zero-shot', 'cat', 'low', 6, 3],
    ],
  );
  assert.equal(new Set(s.items.map((c) => `${c.classifier}/${c.relPath}`)).size, 8, 'no unit twice');
});

test('same seed and predictions give the same sample in the same order, whatever the input order', () => {
  const cands = Array.from({ length: 40 }, (_, i) => cand(i, ['cat', 'dog', 'bird'][i % 3], (['high', 'medium', 'low'] as const)[i % 2]));
  const a = drawSample(cands, { seed: 11, size: 10 });
  const b = drawSample([...cands].reverse(), { seed: 11, size: 10 });
  assert.deepEqual(a.items.map((c) => c.relPath), b.items.map((c) => c.relPath));
  assert.equal(a.sampleId, b.sampleId);
  const c = drawSample(cands, { seed: 12, size: 10 });
  assert.notDeepEqual(a.items.map((x) => x.relPath), c.items.map((x) => x.relPath), 'another seed, another sample');
  assert.notEqual(a.sampleId, c.sampleId);
});

test('size as a margin of error: per classifier, with the finite-population correction', () => {
  const cands = [
    ...Array.from({ length: 1000 }, (_, i) => cand(i, i % 4 ? 'cat' : 'dog', 'high')),
    ...Array.from({ length: 50 }, (_, i) => cand(i, 'cat', 'low', 'zero-shot')),
  ];
  const s = drawSample(cands, { seed: 1, margin: 0.05 });
  // vlm: 381/(1 + 380/1000) → 277; zero-shot: 381/(1 + 380/50) = 44.3 → 45.
  assert.equal(s.items.filter((c) => c.classifier === 'vlm').length, 277);
  assert.equal(s.items.filter((c) => c.classifier === 'zero-shot').length, 45);
  // Within vlm: dog 250, cat 750 → quotas 69.25, 207.75 → 69, 207 → +1 to cat (.75) → 69, 208.
  assert.equal(s.items.filter((c) => c.classifier === 'vlm' && c.topLabel === 'dog').length, 69);
  assert.throws(() => drawSample(cands, { seed: 1 }), /one of them/);
  assert.throws(() => drawSample(cands, { seed: 1, size: 5, margin: 0.05 }), /one of them/);
  assert.throws(() => drawSample(cands, { seed: 1, size: 0 }));
});

test('markSampled adds one awaiting entry per unit and never duplicates one', async () => {
  const dir = await tempDir();
  await writeImage(dir, 'a.png', sidecar('a.png', { preds: [pred({ top: 'cat', confidence: 'medium' }), pred({ classifier: 'zero-shot', top: 'dog' })] }));
  await writeImage(dir, 'sub/b.png', sidecar('b.png', { preds: [pred({ top: null })], audit: [done({ verdict: 'accurate' })] }));
  await writeImage(dir, 'c.png', null);
  const images = await indexFolder(dir);
  const cands = sampleCandidates(images);
  assert.deepEqual(cands.map((c) => [c.relPath, c.classifier, c.topLabel, c.confidence]), [
    ['a.png', 'zero-shot', 'dog', 'high'],
    ['a.png', 'vlm', 'cat', 'medium'],
    ['sub/b.png', 'vlm', NONE_LABEL, 'none'],
  ]);
  assert.equal(sampleCandidates(images, { classifier: 'vlm' }).length, 2);
  const s = drawSample(cands, { seed: 5, size: 3 });
  const r1 = await markSampled(s, '2026-02-01T00:00:00.000Z');
  assert.deepEqual(r1, { marked: 3, alreadyAwaiting: 0, missing: 0 });
  const r2 = await markSampled(drawSample(cands, { seed: 6, size: 3 }));
  assert.deepEqual(r2, { marked: 0, alreadyAwaiting: 3, missing: 0 });
  const a = (await readSidecar(path.join(dir, 'a.png')))!;
  assert.equal(a.audit.length, 2);
  const vlmEntry = a.audit.find((e) => e.classifier === 'vlm')!;
  assert.deepEqual(vlmEntry, {
    status: 'awaiting',
    sample_id: s.sampleId,
    seed: 5,
    sampled_at: '2026-02-01T00:00:00.000Z',
    classifier: 'vlm',
    checkpoint: 'vlm-A',
    prompt_version: 'v1',
    predicted_labels: ['cat'],
    confidence: 'medium',
  });
  const b = (await readSidecar(path.join(dir, 'sub/b.png')))!;
  assert.equal(b.audit.length, 2, 'the done entry is kept and one awaiting entry added');
  assert.equal(b.audit[1].status, 'awaiting');
  assert.equal(b.audit[1].confidence, undefined);
  assert.deepEqual(b.audit[1].predicted_labels, []);
});

test('markSampled counts a sidecar that went missing or corrupt since the draw, and leaves it untouched', async () => {
  const dir = await tempDir();
  const a = await writeImage(dir, 'a.png', sidecar('a.png', { preds: [pred({ top: 'cat' })] }));
  const b = await writeImage(dir, 'b.png', sidecar('b.png', { preds: [pred({ top: 'dog' })] }));
  await writeImage(dir, 'c.png', sidecar('c.png', { preds: [pred({ top: 'dog' })] }));
  const s = drawSample(sampleCandidates(await indexFolder(dir)), { seed: 1, size: 3 });
  await fs.writeFile(a + '.labels.json', 'garbage');
  await fs.unlink(b + '.labels.json');
  assert.deepEqual(await markSampled(s), { marked: 1, alreadyAwaiting: 0, missing: 2 });
  assert.equal(await fs.readFile(a + '.labels.json', 'utf8'), 'garbage');
});

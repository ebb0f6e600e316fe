import { folderNearDuplicates } from '../../../src/classifiers/similarity/nearDuplicates';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexFolder } from '../../../src/core/folderIndex';
import { buildReport } from '../../../src/core/audit/report';
import { descriptionProbe } from '../../../src/core/audit/probe';
import { NONE_LABEL, type Proportion } from '../../../src/core/audit/stats';
import type { TrustReport } from '../../../src/core/audit/reportTypes';
import { close } from './fixtures';
import { writeReportFolder } from './reportFixture';

// Wilson bounds (z = 1.959964), each from centre ± half with centre = (p + z²/2n)/(1 + z²/n) and
// half = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n); e.g. 3/8: centre 0.415551, half 0.278707.
const W: Record<string, [number, number]> = {
  '3/8': [0.136844, 0.694258],
  '2/8': [0.071479, 0.590725],
  '5/8': [0.305742, 0.863156],
  '2/4': [0.150039, 0.849961],
  '1/4': [0.045587, 0.699358],
  '0/2': [0, 0.65762],
  '1/2': [0.094531, 0.905469],
  '1/1': [0.206549, 1],
  '0/1': [0, 0.793451],
  '2/10': [0.056682, 0.509838],
  '0/10': [0, 0.277533],
};

function checkP(p: Proportion, k: number, n: number, what: string) {
  assert.equal(p.k, k, `${what}: k`);
  assert.equal(p.n, n, `${what}: n`);
  if (n === 0) {
    assert.deepEqual([p.rate, p.lower, p.upper], [null, null, null], what);
    return;
  }
  assert.ok(close(p.rate, k / n, 1e-12), `${what}: rate ${p.rate}`);
  const [lo, hi] = W[`${k}/${n}`];
  assert.ok(close(p.lower, lo, 1e-6) && close(p.upper, hi, 1e-6), `${what}: [${p.lower}, ${p.upper}] vs [${lo}, ${hi}]`);
}

let report: TrustReport;
test.before(async () => {
  const dir = await writeReportFolder();
  report = buildReport(await indexFolder(dir), { folder: 'crafted', now: '2026-04-01T00:00:00.000Z' });
});

test('report header: images, groups per classifier and checkpoint, warnings', () => {
  assert.equal(report.schema, 'image-triage/trust-report');
  assert.equal(report.generated_at, '2026-04-01T00:00:00.000Z');
  assert.deepEqual(report.images, { total: 12, with_sidecar: 10, corrupt: 1 });
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0], /^img11\.png: /);
  assert.deepEqual(report.groups.map((g) => [g.classifier, g.checkpoint, g.predictions, g.prompt_versions]), [
    ['zero-shot', 'clip-B32', 10, []],
    ['vlm', 'vlm-A', 10, ['v1']],
    ['vlm', 'vlm-OLD', 0, ['v0']],
  ]);
});

test('VLM hallucination: latest verdict per image, skip excluded, partly separate, per category', () => {
  const h = report.groups[1].hallucination;
  assert.equal(h.audited, 9);
  assert.equal(h.judged, 8);
  assert.equal(h.awaiting, 1);
  assert.deepEqual(h.verdicts, { accurate: 3, partly: 2, hallucinated: 3, skip: 1 });
  checkP(h.hallucinated, 3, 8, 'hallucinated');
  checkP(h.partly, 2, 8, 'partly');
  checkP(h.accurate, 3, 8, 'accurate');
  checkP(h.category_wrong, 2, 8, 'category wrong');
  assert.deepEqual(h.per_category.map((c) => [c.category, c.verdicts]), [
    ['cat', { accurate: 1, partly: 1, hallucinated: 2, skip: 0 }],
    ['dog', { accurate: 2, partly: 0, hallucinated: 0, skip: 1 }],
    ['bird', { accurate: 0, partly: 0, hallucinated: 1, skip: 0 }],
    [NONE_LABEL, { accurate: 0, partly: 1, hallucinated: 0, skip: 0 }],
  ]);
  const [cat, dog, bird, none] = h.per_category;
  checkP(cat.hallucinated, 2, 4, 'cat hallucinated');
  checkP(cat.partly, 1, 4, 'cat partly');
  checkP(dog.hallucinated, 0, 2, 'dog hallucinated');
  checkP(bird.hallucinated, 1, 1, 'bird hallucinated');
  checkP(none.partly, 1, 1, 'none partly');
  checkP(none.hallucinated, 0, 1, 'none hallucinated');
  // The old checkpoint's verdict is its own group.
  const old = report.groups[2].hallucination;
  assert.deepEqual([old.audited, old.judged], [1, 1]);
  checkP(old.hallucinated, 1, 1, 'old hallucinated');
  checkP(old.category_wrong, 0, 0, 'old category wrong');
});

test('confidence inflation and flags', () => {
  const [zs, vlm] = report.groups;
  assert.deepEqual(vlm.confidence.counts, { high: 7, medium: 1, low: 1 });
  assert.equal(vlm.confidence.total, 9);
  assert.ok(close(vlm.confidence.shares.high, 7 / 9, 1e-12) && close(vlm.confidence.shares.medium, 1 / 9, 1e-12));
  assert.deepEqual(vlm.confidence.healthy, { high: 0.3, medium: 0.5, low: 0.2 });
  assert.equal(vlm.confidence.high_warning, true);
  assert.ok(vlm.warnings.some((w) => /Confidence inflation: 77\.8%/.test(w)));
  assert.deepEqual(zs.confidence.counts, { high: 0, medium: 5, low: 5 });
  assert.deepEqual(zs.confidence.shares, { high: 0, medium: 0.5, low: 0.5 });
  assert.equal(zs.confidence.high_warning, false);

  checkP(vlm.flags.forced_classification, 2, 10, 'forced');
  assert.deepEqual(vlm.flags.kinds, [
    { kind: 'forced_classification', images: 2, occurrences: 2, rate: 0.2 },
    { kind: 'inconsistent_confidence', images: 1, occurrences: 2, rate: 0.1 },
    { kind: 'inconsistent_route', images: 1, occurrences: 1, rate: 0.1 },
    { kind: 'single_label_split', images: 1, occurrences: 1, rate: 0.1 },
  ]);
  assert.ok(vlm.warnings.some((w) => /Forced classification in 2 of 10 predictions \(20\.0%\)/.test(w)));
  checkP(zs.flags.forced_classification, 0, 10, 'zs forced');
  assert.deepEqual(zs.flags.kinds, []);
  assert.ok(zs.warnings.some((w) => /No audited verdicts yet/.test(w)));
});

test('review outcomes: acceptance per category, confusion matrix, accuracy', () => {
  const [zs, vlm] = report.groups;
  const r = vlm.review;
  assert.equal(r.decided, 8);
  assert.deepEqual(r.per_category.map((c) => [c.category, c.n]), [['cat', 4], ['dog', 2], [NONE_LABEL, 1]]);
  checkP(r.per_category[0].accepted, 2, 4, 'cat accepted');
  checkP(r.per_category[0].overridden, 2, 4, 'cat overridden');
  checkP(r.per_category[1].accepted, 1, 2, 'dog accepted');
  checkP(r.per_category[1].rejected, 1, 2, 'dog rejected');
  checkP(r.per_category[2].overridden, 1, 1, 'none overridden');
  assert.deepEqual(r.confusion.labels, ['cat', 'dog', 'bird', NONE_LABEL]);
  assert.deepEqual(r.confusion.matrix, [
    [2, 2, 0, 0],
    [0, 1, 0, 1],
    [1, 0, 0, 0],
    [0, 0, 1, 0],
  ]);
  assert.deepEqual([r.confusion.total, r.confusion.correct], [8, 3]);
  checkP(r.accuracy, 3, 8, 'vlm accuracy');

  assert.equal(zs.review.decided, 8);
  assert.deepEqual(zs.review.per_category.map((c) => [c.category, c.n]), [['bird', 1]]);
  checkP(zs.review.per_category[0].overridden, 1, 1, 'zs bird overridden');
  assert.deepEqual(zs.review.confusion.matrix, [
    [2, 1, 0, 0],
    [0, 2, 0, 1],
    [1, 0, 1, 0],
    [0, 0, 0, 0],
  ]);
  checkP(zs.review.accuracy, 5, 8, 'zs accuracy');
});

test('agreement: zero-shot vs VLM top labels as Cohen\'s kappa', () => {
  assert.equal(report.agreement.length, 1);
  const a = report.agreement[0];
  assert.deepEqual([a.zero_shot_checkpoint, a.vlm_checkpoint, a.n], ['clip-B32', 'vlm-A', 10]);
  // Agree on 7 of 10. ZS: cat .4, dog .4, bird .2; VLM: cat .4, dog .4, bird .1, none .1.
  // p_e = .16 + .16 + .02 = .34; κ = (.7 − .34)/.66 = 0.545455.
  assert.ok(close(a.kappa.observed, 0.7, 1e-12) && close(a.kappa.expected, 0.34, 1e-12));
  assert.ok(close(a.kappa.kappa, 0.545455, 1e-6));
  assert.deepEqual(a.matrix.labels, ['cat', 'dog', 'bird', NONE_LABEL]);
  assert.deepEqual(a.matrix.matrix, [
    [3, 1, 0, 0],
    [1, 3, 0, 0],
    [0, 0, 1, 1],
    [0, 0, 0, 0],
  ]);
});

test('suspect labels from the zero-shot scores of accepted and overridden images', () => {
  const s = report.groups[0].suspect_labels!;
  assert.equal(s.checked, 7);
  assert.equal(s.flagged, 1);
  assert.deepEqual(s.ranked.map((x) => [x.id, x.label, x.self_confidence, x.flagged]), [
    ['img08.png', 'cat', 0.2, true],
    ['img04.png', 'dog', 0.4, false],
    ['img02.png', 'cat', 0.6, false],
    ['img03.png', 'dog', 0.6, false],
    ['img09.png', 'bird', 0.6, false],
    ['img01.png', 'cat', 0.8, false],
    ['img05.png', 'dog', 0.85, false],
  ]);
  assert.equal(report.groups[1].suspect_labels, undefined, 'VLM has no raw scores');
});

test('near duplicates (given embeddings) and the description probe are included when supplied', async () => {
  const dir = await writeReportFolder();
  const embeddings = new Map<string, number[]>([
    ['img01.png', [1, 0]],
    ['img02.png', [1, 0.01]],
    ['img03.png', [0.999, 0.02]],
    ['img07.png', [0, 1]],
  ]);
  const probe = descriptionProbe([{ id: 'x', original: ['cat'], shuffled: ['cat'], namesOnly: ['cat'] }]);
  const images = await indexFolder(dir);
  const ids = [...embeddings.keys()];
  const rows = { ids, dim: 2, vectors: Float32Array.from(ids.flatMap((id) => normalised(embeddings.get(id)!))) };
  const duplicates = await folderNearDuplicates(images, rows, 0.99);
  assert.deepEqual(duplicates.clusters, [['img01.png', 'img02.png', 'img03.png']], 'one cluster joins the three pairs');
  const r = buildReport(images, { duplicates, probe });
  // img01/02 both [cat]; img01/03 and img02/03: [cat] vs [dog] → different labels. img07 is pending.
  assert.deepEqual(r.near_duplicates!.pairs.map((p) => [p.a, p.b, p.different_labels]), [
    ['img01.png', 'img02.png', false],
    ['img02.png', 'img03.png', true],
    ['img01.png', 'img03.png', true],
  ]);
  assert.equal(r.near_duplicates!.different_labels, 2);
  assert.equal(r.description_probe!.descriptions_ignored, true);
  assert.ok(r.warnings.some((w) => /Descriptions look ignored/.test(w)));
});

function normalised(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

// certify → audit mark → certify → accept --auto → --undo, through the CLI, on a folder of crafted
// zero-shot sidecars with known scores (the flow never decodes images).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { cli } from '../../support/cli';
import { readSidecar } from '../../../src/core/sidecarStore';
import { applyPrediction } from '../../../src/core/sidecar';
import { clopperPearsonUpper, moreNeeded } from '../../../src/core/certify/bounds';
import { pred, review, sidecar, tempDir, writeImage } from '../audit/fixtures';

const N = 40;
const scoreOf = (i: number) => 0.5 + i * 0.0125;
const name = (i: number) => `img${String(i).padStart(2, '0')}.png`;
/** Human-reviewed images: high scores, but never part of the population. */
const REVIEWED = new Set([36, 37, 38, 39, 20]);

async function folder(): Promise<string> {
  const dir = await tempDir('certify-');
  for (let i = 0; i < N; i++) {
    const s = scoreOf(i);
    const p = pred({ classifier: 'zero-shot', top: 'cat', confidence: 'high', scores: { cat: s, dog: (1 - s) * 0.7, bird: (1 - s) * 0.3 } });
    const r = REVIEWED.has(i) ? review(i === 20 ? 'overridden' : 'accepted', i === 20 ? ['dog'] : ['cat'], { classifier: 'zero-shot', labels: ['cat'] }) : undefined;
    await writeImage(dir, name(i), sidecar(name(i), { preds: [p], ...(r ? { review: r } : {}) }));
  }
  return dir;
}

const snapshot = async (dir: string) => Object.fromEntries(await Promise.all(Array.from({ length: N }, async (_, i) => [name(i), await fs.readFile(path.join(dir, name(i) + '.labels.json'), 'utf8')] as const)));
const json = (out: string) => JSON.parse(out.trim().split('\n').pop()!);
const idx = (rel: string) => Number(rel.match(/img(\d+)/)![1]);

test('certify draws among unreviewed images above the candidate; accept --auto accepts exactly those above a certified threshold; --undo restores byte for byte', async () => {
  const dir = await folder();
  const t = 0.7; // images 16..39 score ≥ 0.7; 36–39 are reviewed → 19 unreviewed at or above it (20 is reviewed too)
  const first = await cli(['certify', dir, '--max-error', '0.3', '--threshold', String(t), '--size', '12', '--seed', '3', '--json']);
  assert.equal(first.code, 0, first.err);
  const s1 = json(first.out);
  for (const k of ['threshold', 'sample_size', 'errors', 'upper_bound', 'certified', 'coverage', 'pending']) assert.ok(k in s1, `--json has ${k}`);
  assert.equal(s1.threshold, t);
  assert.equal(s1.pending.length, 12);
  assert.equal(s1.sample_size, 0);
  assert.equal(s1.certified, false);
  assert.equal(s1.unreviewed, N - REVIEWED.size);
  assert.equal(s1.above, 19);
  assert.ok(Math.abs(s1.coverage - 19 / 35) < 1e-12);
  for (const rel of s1.pending) {
    assert.ok(scoreOf(idx(rel)) >= t, `${rel} is at or above the threshold`);
    assert.ok(!REVIEWED.has(idx(rel)), `${rel} was chosen by a person, never sampled`);
  }
  const again = await cli(['certify', dir, '--max-error', '0.3', '--json']);
  assert.deepEqual(json(again.out).pending, s1.pending, 'same sample, nothing more drawn while units await a verdict');

  // One wrong, the rest right, judged through the audit flow.
  const [wrong, ...right] = s1.pending as string[];
  let r = await cli(['audit', 'mark', path.join(dir, wrong), '--category-wrong', 'dog']);
  assert.equal(r.code, 0, r.err);
  for (const rel of right) assert.equal((await cli(['audit', 'mark', path.join(dir, rel), '--category-right'])).code, 0);
  const s2 = json((await cli(['certify', dir, '--max-error', '0.3', '--json', '--size', '12'])).out);
  assert.equal(s2.sample_size, 12);
  assert.equal(s2.errors, 1);
  assert.ok(Math.abs(s2.upper_bound - clopperPearsonUpper(1, 12)) < 1e-12);
  assert.equal(s2.certified, false);
  const more = moreNeeded(1, 12, 0.3)!;
  assert.match(s2.stop_rule, new RegExp(`audit ${more} more above this threshold; if none is wrong, ≤ 30% is certified`, 'i'));

  const before = await snapshot(dir);
  const refused = await cli(['accept', dir, '--auto', '--max-error', '0.3']);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /Refused: nothing is certified/);
  assert.deepEqual(await snapshot(dir), before, 'a refusal writes nothing');

  // Without --size, a fully judged uncertified sample grows by what the stop rule asks.
  const grown = json((await cli(['certify', dir, '--max-error', '0.3', '--json'])).out);
  assert.equal(grown.pending.length, Math.min(more, 19 - 12));
  for (const rel of grown.pending) assert.equal((await cli(['audit', 'mark', path.join(dir, rel), '--category-right'])).code, 0);
  const s3 = json((await cli(['certify', dir, '--max-error', '0.3', '--json'])).out);
  assert.equal(s3.certified, true, JSON.stringify(s3));
  const text = await cli(['certify', dir, '--max-error', '0.3']);
  assert.match(text.out, /CERTIFIED: threshold 0.7/);

  const pre = await snapshot(dir);
  const acc = await cli(['accept', dir, '--auto', '--max-error', '0.3', '--json']);
  assert.equal(acc.code, 0, acc.err);
  const a = json(acc.out);
  assert.match(a.run_id, /^aa-\d{14}-[0-9a-f]{6}$/);
  const expected = Array.from({ length: N }, (_, i) => i).filter((i) => scoreOf(i) >= t && !REVIEWED.has(i) && name(i) !== wrong).map(name);
  assert.equal(a.accepted, expected.length);
  assert.deepEqual([...a.accepted_images].sort(), expected);
  assert.deepEqual(a.left_known_wrong, [wrong]);
  const post = await snapshot(dir);
  for (let i = 0; i < N; i++) {
    const sc = (await readSidecar(path.join(dir, name(i))))!;
    if (expected.includes(name(i))) {
      assert.equal(sc.review.status, 'auto-accepted');
      assert.deepEqual(sc.review.labels, ['cat']);
      assert.equal(sc.review.auto!.run_id, a.run_id);
      assert.equal(sc.review.auto!.threshold, t);
      assert.equal(sc.review.auto!.sample_size, s3.sample_size);
      assert.equal(sc.review.history.at(-1)!.action, 'auto-accept');
    } else assert.equal(post[name(i)], pre[name(i)], `${name(i)} untouched (below the threshold, reviewed by a person, or marked wrong)`);
  }
  // The schema knows the new status, its provenance and the certification units.
  const schema = JSON.parse(await fs.readFile(path.resolve(__dirname, '../../../schema/sidecar.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  for (const f of [expected[0], wrong]) {
    const sc = JSON.parse(post[f]);
    sc.image.sha256 = 'a'.repeat(64); // the fixtures' stand-in hash is not a real one
    assert.ok(validate(sc), `${f}: ${ajv.errorsText(validate.errors)}`);
  }

  // A person overrides one auto-accepted image after the run: undo leaves it, restores the rest exactly.
  const touched = expected[1];
  assert.equal((await cli(['review', path.join(dir, touched), '--label', 'bird'])).code, 0);
  const humanText = await fs.readFile(path.join(dir, touched + '.labels.json'), 'utf8');
  const second = await cli(['accept', dir, '--auto', '--max-error', '0.3', '--json']);
  assert.equal(json(second.out).accepted, 0, 'nothing left to accept');
  const undo = await cli(['accept', dir, '--undo', a.run_id, '--json']);
  assert.equal(undo.code, 0, undo.err);
  const u = json(undo.out);
  assert.deepEqual(u.changed, [touched]);
  assert.equal(u.restored.length, expected.length - 1);
  const after = await snapshot(dir);
  for (let i = 0; i < N; i++) {
    if (name(i) === touched) assert.equal(after[name(i)], humanText, 'the human decision is kept');
    else assert.equal(after[name(i)], pre[name(i)], `${name(i)} restored byte for byte`);
  }
  const twice = await cli(['accept', dir, '--undo', a.run_id]);
  assert.equal(twice.code, 1, 'an undone run cannot be undone again');
  assert.match(twice.err, /no auto-accept run/);
});

test('accept and certify usage errors; nothing certified without a sample', async () => {
  const dir = await folder();
  const cases: [string[], RegExp][] = [
    [['certify', dir], /--max-error is required/],
    [['certify', dir, '--max-error', '2'], /between 0 and 1/],
    [['certify', dir, '--max-error', '0.1', '--threshold', 'x'], /--threshold must be a number/],
    [['accept', dir], /give --auto/],
    [['accept', dir, '--auto', '--undo', 'aa-20260101000000-abcdef'], /not both/],
    [['accept', dir, '--undo', '../../etc/passwd'], /not an auto-accept run id/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.err, re, args.join(' '));
  }
  const none = await cli(['accept', dir, '--auto', '--max-error', '0.05']);
  assert.equal(none.code, 1);
  assert.match(none.err, /no certification sample/);
  // Default candidate: the median unreviewed score; default size: what certifies 5% if none is wrong.
  const d = json((await cli(['certify', dir, '--max-error', '0.05', '--json'])).out);
  assert.equal(d.pending.length, Math.min(moreNeeded(0, 0, 0.05)!, d.above));
  assert.ok(d.coverage >= 0.5 && d.coverage < 0.6, `about half the unreviewed images: ${d.coverage}`);
});

test('an auto-accepted review goes stale on re-classification with a changed prediction or another checkpoint', () => {
  const p = pred({ classifier: 'zero-shot', top: 'cat', scores: { cat: 0.9, dog: 0.05, bird: 0.05 } });
  const sc = sidecar('x.png', { preds: [p] });
  sc.review = { ...review('auto-accepted', ['cat'], { classifier: 'zero-shot', labels: ['cat'] }), by: 'image-triage' };
  assert.equal(applyPrediction(sc, { ...p }).review.status, 'auto-accepted', 'the same prediction keeps it');
  const other = applyPrediction(sc, { ...p, checkpoint: 'siglip-X' });
  assert.equal(other.review.status, 'stale');
  assert.match(other.review.history.at(-1)!.reason!, /certified for clip-B32/);
  const changed = applyPrediction(sc, pred({ classifier: 'zero-shot', top: 'dog', scores: { cat: 0.1, dog: 0.8, bird: 0.1 } }));
  assert.equal(changed.review.status, 'stale');
  assert.deepEqual(changed.review.labels, ['cat'], 'labels kept');
});

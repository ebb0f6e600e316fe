import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { MANUAL_SAMPLE_ID, VerdictError, applyVerdict, auditProgress, recordVerdict } from '../../../src/core/audit/verdict';
import { readSidecar } from '../../../src/core/sidecarStore';
import { SidecarCorruptError } from '../../../src/core/sidecarStore';
import type { AuditEntry } from '../../../src/core/types';
import { pred, sidecar, tempDir, writeImage } from './fixtures';

const NOW = '2026-03-01T12:00:00.000Z';
const awaiting = (classifier: 'vlm' | 'zero-shot', checkpoint = 'vlm-A'): AuditEntry => ({
  status: 'awaiting',
  sample_id: 's-abc',
  seed: 9,
  sampled_at: '2026-02-01T00:00:00.000Z',
  classifier,
  checkpoint,
  prompt_version: 'v0',
  predicted_labels: ['cat'],
  confidence: 'high',
});

test('a verdict completes the awaiting entry of its classifier, with who, when and what was judged', () => {
  const sc = sidecar('a.png', { preds: [pred({ top: 'cat', confidence: 'medium', promptVersion: 'v2', checkpoint: 'vlm-B' })], audit: [awaiting('vlm')] });
  const out = applyVerdict(sc, { verdict: 'hallucinated', correctCategory: 'dog', note: ' no dog visible ', by: 'ann' }, NOW);
  assert.equal(out.audit.length, 1);
  assert.deepEqual(out.audit[0], {
    status: 'done',
    sample_id: 's-abc',
    seed: 9,
    sampled_at: '2026-02-01T00:00:00.000Z',
    classifier: 'vlm',
    // What the auditor saw now: the current prediction's checkpoint, prompt version, labels, confidence.
    checkpoint: 'vlm-B',
    prompt_version: 'v2',
    predicted_labels: ['cat'],
    confidence: 'medium',
    verdict: 'hallucinated',
    category_correct: false,
    correct_category: 'dog',
    note: 'no dog visible',
    by: 'ann',
    at: NOW,
  });
  assert.equal(sc.audit[0].status, 'awaiting', 'the input sidecar is not mutated');
});

test('without an awaiting entry a manual done entry is appended', () => {
  const sc = sidecar('a.png', { preds: [pred({ top: 'cat' })] });
  const out = applyVerdict(sc, { verdict: 'accurate', categoryCorrect: true, by: 'ann' }, NOW);
  assert.deepEqual(out.audit, [
    {
      status: 'done',
      sample_id: MANUAL_SAMPLE_ID,
      sampled_at: NOW,
      classifier: 'vlm',
      checkpoint: 'vlm-A',
      prompt_version: 'v1',
      predicted_labels: ['cat'],
      confidence: 'high',
      verdict: 'accurate',
      category_correct: true,
      by: 'ann',
      at: NOW,
    },
  ]);
  // A skip carries no category judgment.
  const skipped = applyVerdict(sc, { verdict: 'skip', note: 'blurry', by: 'ann' }, NOW).audit[0];
  assert.equal(skipped.verdict, 'skip');
  assert.equal('category_correct' in skipped, false);
  assert.equal(skipped.note, 'blurry');
});

test('the classifier defaults to the one awaiting audit; the other classifier\'s entry is untouched', () => {
  const sc = sidecar('a.png', {
    preds: [pred({ top: 'cat' }), pred({ classifier: 'zero-shot', top: 'dog' })],
    audit: [awaiting('zero-shot', 'clip-B32')],
  });
  const out = applyVerdict(sc, { verdict: 'partly', categoryCorrect: true, by: 'ann' }, NOW);
  assert.equal(out.audit[0].classifier, 'zero-shot');
  assert.equal(out.audit[0].status, 'done');
  assert.deepEqual(out.audit[0].predicted_labels, ['dog']);

  // Nothing awaiting: the VLM's prediction is judged when there is one, else the zero-shot one.
  const none = sidecar('a.png', { preds: [pred({ classifier: 'zero-shot', top: 'dog' }), pred({ top: 'cat' })] });
  assert.equal(applyVerdict(none, { verdict: 'accurate', by: 'ann' }, NOW).audit[0].classifier, 'vlm');
  const zsOnly = sidecar('a.png', { preds: [pred({ classifier: 'zero-shot', top: 'dog' })] });
  assert.equal(applyVerdict(zsOnly, { verdict: 'accurate', by: 'ann' }, NOW).audit[0].classifier, 'zero-shot');

  const both = sidecar('a.png', { preds: [pred({ top: 'cat' }), pred({ classifier: 'zero-shot', top: 'dog' })], audit: [awaiting('zero-shot'), awaiting('vlm')] });
  assert.throws(() => applyVerdict(both, { verdict: 'accurate', by: 'ann' }), /say which classifier/);
  const v = applyVerdict(both, { verdict: 'accurate', classifier: 'vlm', by: 'ann' }, NOW);
  assert.deepEqual(v.audit.map((e) => [e.classifier, e.status]), [['zero-shot', 'awaiting'], ['vlm', 'done']]);
});

test('invalid verdicts are refused with a clear reason', () => {
  const sc = sidecar('a.png', { preds: [pred({ top: 'cat' })] });
  const bad = (v: Parameters<typeof applyVerdict>[1], re: RegExp) => assert.throws(() => applyVerdict(sc, v), (e: unknown) => e instanceof VerdictError && re.test(e.message));
  bad({ verdict: 'wrong' as never, by: 'a' }, /unknown verdict/);
  bad({ verdict: 'accurate', correctCategory: 'fish', by: 'a' }, /"fish" is not one of this prediction's categories: cat, dog, bird/);
  bad({ verdict: 'accurate', correctCategory: 'cat', by: 'a' }, /is the predicted category/);
  bad({ verdict: 'accurate', correctCategory: 'dog', categoryCorrect: true, by: 'a' }, /marked correct/);
  bad({ verdict: 'skip', correctCategory: 'dog', by: 'a' }, /skipped/);
  bad({ verdict: 'accurate', classifier: 'zero-shot', by: 'a' }, /no zero-shot prediction/);
  bad({ verdict: 'accurate', by: ' ' }, /who/);
  assert.throws(() => applyVerdict(sidecar('x.png', {}), { verdict: 'accurate', by: 'a' }), /no prediction to audit/);
});

test('recordVerdict writes through the sidecar store; no sidecar and corrupt sidecars are errors', async () => {
  const dir = await tempDir();
  const p = await writeImage(dir, 'a.png', sidecar('a.png', { preds: [pred({ top: 'cat' })], audit: [awaiting('vlm')] }));
  const { entry } = await recordVerdict(p, { verdict: 'hallucinated', categoryCorrect: true, by: 'ann' }, NOW);
  assert.equal(entry.verdict, 'hallucinated');
  const onDisk = (await readSidecar(p))!;
  assert.deepEqual(onDisk.audit[0], entry);
  const none = await writeImage(dir, 'b.png', null);
  await assert.rejects(recordVerdict(none, { verdict: 'accurate', by: 'a' }), /no sidecar/);
  const bad = await writeImage(dir, 'c.png', '{ not json');
  await assert.rejects(recordVerdict(bad, { verdict: 'accurate', by: 'a' }), SidecarCorruptError);
  assert.equal(await fs.readFile(bad + '.labels.json', 'utf8'), '{ not json', 'corrupt sidecar left untouched');
});

test('audit progress counts done and awaiting units per sample', () => {
  const img = (rel: string, audit: AuditEntry[]) => ({ path: path.join('/x', rel), relPath: rel, sidecar: sidecar(rel, { audit }) });
  const doneEntry = { ...awaiting('vlm'), status: 'done' as const, verdict: 'accurate' as const };
  const p = auditProgress([
    img('b.png', [awaiting('vlm')]),
    img('a.png', [doneEntry, awaiting('zero-shot')]),
    img('c.png', [{ ...doneEntry, sample_id: MANUAL_SAMPLE_ID }]),
  ]);
  assert.equal(p.length, 1);
  assert.equal(p[0].sampleId, 's-abc');
  assert.equal(p[0].done, 1);
  assert.equal(p[0].awaiting, 2);
  assert.deepEqual(p[0].pending.map((x) => [x.relPath, x.classifier]), [['a.png', 'zero-shot'], ['b.png', 'vlm']]);
});

// The panel's audit on the host, against real sidecar files: sampling, verdicts written at once,
// a later verdict replacing an earlier one, exact undo, conflicts, resuming from the sidecars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditConflictError, AuditSession, parseSampleInput } from '../../../src/extension/panel/auditSession';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { drawSample, sampleCandidates } from '../../../src/core/audit/sampling';
import { VerdictError } from '../../../src/core/audit/verdict';
import { indexFolder } from '../../../src/core/folderIndex';
import { COLOURS, prediction, sidecarWith } from './fixtures';

async function setup(n = 6) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-audit-'));
  for (let i = 0; i < n; i++) {
    const file = path.join(root, `img${i}.png`);
    await fs.writeFile(file, `not really a png ${i}`);
    await writeSidecar(file, sidecarWith(`img${i}.png`, prediction(COLOURS[i % 3], 0.5 + i / 20)));
  }
  const session = await sessionOf(root);
  return { root, session, audit: new AuditSession(session) };
}

async function sessionOf(root: string) {
  const indexed = await indexFolder(root);
  return new ReviewSession(root, COLOURS.map((name) => ({ name, description: name })), 'single_label', 'tester', indexed);
}

const onDisk = async (root: string, id: string) => (await readSidecar(path.join(root, id)))!.audit;

test('a drawn sample is the core sample for that seed, marked awaiting in the sidecars', async () => {
  const { root, session, audit } = await setup();
  assert.equal(audit.active, false);
  const expected = drawSample(sampleCandidates(session.all().map((i) => ({ path: i.path, relPath: i.id, sidecar: i.sidecar }))), { seed: 42, size: 3 });
  const { sample, marked, changed } = await audit.draw(3, 42, '2025-02-01T00:00:00.000Z');
  assert.deepEqual(sample.items.map((i) => i.relPath), expected.items.map((i) => i.relPath));
  assert.equal(marked.marked, 3);
  assert.deepEqual([...changed].sort(), sample.items.map((i) => i.relPath).sort());
  const s = audit.state()!;
  assert.equal(s.sampleId, sample.sampleId);
  assert.equal(s.seed, 42);
  assert.equal(s.population, 6);
  assert.equal(s.done, 0);
  assert.deepEqual(s.items.map((i) => [i.id, i.classifier, i.status]), sample.items.map((i) => [i.relPath, 'zero-shot', 'awaiting']));
  for (const it of s.items) {
    const a = await onDisk(root, it.id);
    assert.equal(a.length, 1);
    assert.equal(a[0].status, 'awaiting');
    assert.equal(a[0].seed, 42);
    assert.equal(a[0].sample_id, sample.sampleId);
  }
  assert.ok(audit.unfinished());
});

test('a verdict is written at once with who, when, classifier and checkpoint; a second one replaces it', async () => {
  const { root, audit } = await setup();
  await audit.draw(3, 7);
  const [first] = audit.state()!.items;
  const e = await audit.verdict({ id: first.id, classifier: 'zero-shot', verdict: 'accurate', categoryCorrect: true }, '2025-02-02T10:00:00.000Z');
  assert.equal(e.verdict, 'accurate');
  let a = await onDisk(root, first.id);
  assert.equal(a.length, 1);
  assert.deepEqual(
    { status: a[0].status, verdict: a[0].verdict, category_correct: a[0].category_correct, by: a[0].by, at: a[0].at, classifier: a[0].classifier, checkpoint: a[0].checkpoint },
    { status: 'done', verdict: 'accurate', category_correct: true, by: 'tester', at: '2025-02-02T10:00:00.000Z', classifier: 'zero-shot', checkpoint: 'tiny-clip' },
  );
  assert.equal(audit.state()!.done, 1);
  assert.equal(audit.state()!.items[0].verdict, 'accurate');

  // Changing one's mind: the same entry is rewritten (no second, "manual" entry).
  const predicted = a[0].predicted_labels[0];
  const other = COLOURS.find((c) => c !== predicted)!;
  await audit.verdict({ id: first.id, classifier: 'zero-shot', verdict: 'hallucinated', correctCategory: other, note: 'no such thing' }, '2025-02-02T10:01:00.000Z');
  a = await onDisk(root, first.id);
  assert.equal(a.length, 1);
  assert.equal(a[0].verdict, 'hallucinated');
  assert.equal(a[0].category_correct, false);
  assert.equal(a[0].correct_category, other);
  assert.equal(a[0].note, 'no such thing');
  assert.equal(a[0].sample_id, audit.state()!.sampleId);
  const item = audit.state()!.items[0];
  assert.deepEqual([item.status, item.verdict, item.categoryCorrect, item.correctCategory, item.note], ['done', 'hallucinated', false, other, 'no such thing']);
});

test('undo restores the audit list exactly, one verdict at a time', async () => {
  const { root, audit } = await setup();
  await audit.draw(2, 3);
  const [x, y] = audit.state()!.items;
  const marked = await onDisk(root, x.id);
  await audit.verdict({ id: x.id, classifier: 'zero-shot', verdict: 'partly' });
  const afterFirst = await onDisk(root, x.id);
  await audit.verdict({ id: x.id, classifier: 'zero-shot', verdict: 'skip' });
  await audit.verdict({ id: y.id, classifier: 'zero-shot', verdict: 'accurate' });
  assert.deepEqual(await audit.undo(), { id: y.id, classifier: 'zero-shot' });
  assert.equal((await onDisk(root, y.id))[0].status, 'awaiting');
  assert.deepEqual(await audit.undo(), { id: x.id, classifier: 'zero-shot' });
  assert.deepEqual(await onDisk(root, x.id), afterFirst);
  await audit.undo();
  assert.deepEqual(await onDisk(root, x.id), marked, 'back to the awaiting entry as it was marked');
  assert.equal(await audit.undo(), null);
  assert.equal(audit.state()!.done, 0);
});

test('an undo asked while a verdict is still being written undoes that verdict, not the one before', async () => {
  const { root, audit } = await setup();
  await audit.draw(2, 3);
  const [x, y] = audit.state()!.items;
  await audit.verdict({ id: x.id, classifier: 'zero-shot', verdict: 'partly' });
  const yMarked = await onDisk(root, y.id);
  const xJudged = await onDisk(root, x.id);
  // As the panel does when 3 then u are pressed quickly: the undo arrives before the verdict's write is done.
  const writing = audit.verdict({ id: y.id, classifier: 'zero-shot', verdict: 'accurate' });
  const undone = audit.undo();
  await writing;
  assert.deepEqual(await undone, { id: y.id, classifier: 'zero-shot' });
  assert.deepEqual(await onDisk(root, y.id), yMarked, 'the new verdict is undone');
  assert.deepEqual(await onDisk(root, x.id), xJudged, 'the earlier verdict stays');
});

test('undo refuses to overwrite a change made on disk since', async () => {
  const { root, audit } = await setup();
  await audit.draw(1, 9);
  const [x] = audit.state()!.items;
  await audit.verdict({ id: x.id, classifier: 'zero-shot', verdict: 'accurate' });
  const file = path.join(root, x.id);
  const sc = (await readSidecar(file))!;
  sc.audit[0].note = 'edited by the CLI';
  await writeSidecar(file, sc);
  await assert.rejects(audit.undo(), AuditConflictError);
  assert.equal((await onDisk(root, x.id))[0].note, 'edited by the CLI', 'nothing was written');
});

test('verdicts outside the sample or with an unknown category are refused, nothing written', async () => {
  const { root, session, audit } = await setup();
  await audit.draw(1, 5);
  const [x] = audit.state()!.items;
  const outside = session.all().find((i) => i.id !== x.id)!.id;
  await assert.rejects(audit.verdict({ id: outside, classifier: 'zero-shot', verdict: 'accurate' }), VerdictError);
  assert.deepEqual(await onDisk(root, outside), []);
  await assert.rejects(audit.verdict({ id: x.id, classifier: 'vlm', verdict: 'accurate' }), VerdictError);
  await assert.rejects(audit.verdict({ id: x.id, classifier: 'zero-shot', verdict: 'accurate', correctCategory: 'purple' }), /not one of this prediction's categories/);
  assert.equal((await onDisk(root, x.id))[0].status, 'awaiting');
});

test('a new panel session resumes the sample in progress from the sidecars', async () => {
  const { root, audit } = await setup();
  await audit.draw(4, 11);
  const first = audit.state()!;
  await audit.verdict({ id: first.items[0].id, classifier: 'zero-shot', verdict: 'hallucinated' });
  const again = new AuditSession(await sessionOf(root));
  const s = again.state()!;
  assert.equal(s.sampleId, first.sampleId);
  assert.equal(s.seed, 11);
  assert.equal(s.population, null);
  assert.equal(s.done, 1);
  assert.deepEqual(s.items.map((i) => i.id), first.items.map((i) => i.id).sort(), 'in relPath order');
  assert.equal(s.items.find((i) => i.id === first.items[0].id)!.verdict, 'hallucinated');
  // A verdict after resuming completes the same entries.
  await again.verdict({ id: s.items[1].id, classifier: 'zero-shot', verdict: 'accurate' });
  assert.equal(again.state()!.done, 2);
});

test('the Start Audit input: a size, optionally a seed', () => {
  assert.deepEqual(parseSampleInput('30', 123, 100), { size: 30, seed: 123 });
  assert.deepEqual(parseSampleInput(' 5 seed 7 ', 123, 100), { size: 5, seed: 7 });
  assert.deepEqual(parseSampleInput('5, 7', 123, 100), { size: 5, seed: 7 });
  assert.deepEqual(parseSampleInput('5 SEED 4294967295', 1, 100), { size: 5, seed: 4294967295 });
  assert.match(parseSampleInput('0', 1, 100) as string, /from 1 to 100/);
  assert.match(parseSampleInput('101', 1, 100) as string, /from 1 to 100/);
  assert.match(parseSampleInput('ten', 1, 100) as string, /how many/);
  assert.match(parseSampleInput('5 seed -1', 1, 100) as string, /how many/);
  assert.match(parseSampleInput('5 seed 4294967296', 1, 100) as string, /seed must be/);
});

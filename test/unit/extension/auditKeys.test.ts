// Audit mode's keys, and how key presses combine into the verdict the host writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_SHORTCUTS, auditKeyAction, evidenceOptional, nextAwaiting, nextVerdict } from '../../../webview/auditKeys';
import type { KeyInput } from '../../../webview/keyboard';
import type { AuditItem } from '../../../src/shared/auditData';

const k = (key: string, mods: Partial<KeyInput> = {}) => auditKeyAction({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
const awaiting = (id: string): AuditItem => ({ id, classifier: 'zero-shot', sampleId: 's-1', status: 'awaiting' });
const done = (id: string, extra: Partial<AuditItem> = {}): AuditItem => ({ ...awaiting(id), status: 'done', verdict: 'accurate', categoryCorrect: true, ...extra });
// A VLM prediction states visual evidence: its category judgment waits for the evidence verdict.
const vlm = (item: AuditItem): AuditItem => ({ ...item, classifier: 'vlm' });

test('verdict keys', () => {
  assert.deepEqual(k('1'), { kind: 'evidence', verdict: 'accurate' });
  assert.deepEqual(k('2'), { kind: 'evidence', verdict: 'partly' });
  assert.deepEqual(k('3'), { kind: 'evidence', verdict: 'hallucinated' });
  assert.deepEqual(k('c'), { kind: 'categoryRight' });
  assert.deepEqual(k('w'), { kind: 'categoryWrong' });
  assert.deepEqual(k('s'), { kind: 'skip' });
  assert.deepEqual(k('n'), { kind: 'note' });
  assert.equal(k('4'), null);
  assert.equal(k('a'), null);
});

test('moving, undo, help and leaving', () => {
  assert.deepEqual(k('ArrowRight'), { kind: 'move', to: 'next' });
  assert.deepEqual(k('j'), { kind: 'move', to: 'next' });
  assert.deepEqual(k('ArrowLeft'), { kind: 'move', to: 'prev' });
  assert.deepEqual(k('Home'), { kind: 'move', to: 'first' });
  assert.deepEqual(k('End'), { kind: 'move', to: 'last' });
  assert.deepEqual(k('u'), { kind: 'undo' });
  assert.deepEqual(k('z', { ctrlKey: true }), { kind: 'undo' });
  assert.deepEqual(k('?', { shiftKey: true }), { kind: 'help' });
  assert.deepEqual(k('Escape'), { kind: 'leave' });
  assert.equal(k('1', { altKey: true }), null);
  assert.equal(k('c', { ctrlKey: true }), null);
});

test('every audit key is on the shortcut sheet', () => {
  const sheet = AUDIT_SHORTCUTS.map((s) => s.keys).join(' ');
  for (const key of ['1', '2', '3', 'c', 'w', 's', 'n', 'u', 'Esc', '←', '→']) assert.ok(sheet.includes(key), key);
});

test('judging only the evidence records the category as right', () => {
  assert.deepEqual(nextVerdict(awaiting('a'), {}, { verdict: 'accurate' }), { fields: { verdict: 'accurate', categoryCorrect: true }, held: {} });
});

test('a VLM category judged before the evidence is held, then saved with it', () => {
  const r = nextVerdict(vlm(awaiting('a')), {}, { correctCategory: 'green' });
  assert.equal(r.fields, null);
  assert.deepEqual(r.held, { categoryCorrect: false, correctCategory: 'green' });
  const r2 = nextVerdict(vlm(awaiting('a')), r.held, { note: '  two bees  ' });
  assert.equal(r2.fields, null);
  const r3 = nextVerdict(vlm(awaiting('a')), r2.held, { verdict: 'hallucinated' });
  assert.deepEqual(r3.fields, { verdict: 'hallucinated', categoryCorrect: false, correctCategory: 'green', note: 'two bees' });
  // "none of these": wrong, with no right category.
  assert.deepEqual(nextVerdict(vlm(awaiting('a')), { categoryCorrect: false, correctCategory: 'green' }, { categoryCorrect: false }).held, { categoryCorrect: false });
});

test('a zero-shot category verdict is saved alone (the evidence verdict is optional), as for a certification sample', () => {
  assert.deepEqual(nextVerdict(awaiting('a'), {}, { categoryCorrect: true }), { fields: { categoryCorrect: true }, held: {} });
  assert.deepEqual(nextVerdict(awaiting('a'), {}, { correctCategory: 'green' }), { fields: { categoryCorrect: false, correctCategory: 'green' }, held: {} });
  assert.deepEqual(nextVerdict(awaiting('a'), {}, { categoryCorrect: false }).fields, { categoryCorrect: false }, 'none of these');
  // A note alone is not a verdict: held until one comes.
  const r = nextVerdict(awaiting('a'), {}, { note: 'odd light' });
  assert.equal(r.fields, null);
  assert.deepEqual(nextVerdict(awaiting('a'), r.held, { categoryCorrect: true }).fields, { categoryCorrect: true, note: 'odd light' });
  // Recorded without an evidence verdict: an evidence verdict added later keeps the category judgment.
  const judged = done('a', { verdict: undefined, categoryCorrect: false, correctCategory: 'blue' });
  assert.deepEqual(nextVerdict(judged, {}, { verdict: 'partly' }).fields, { verdict: 'partly', categoryCorrect: false, correctCategory: 'blue' });
  assert.deepEqual(nextVerdict(judged, {}, { categoryCorrect: true }).fields, { categoryCorrect: true });
  // A category judgment on a skipped zero-shot unit replaces the skip.
  assert.deepEqual(nextVerdict(done('a', { verdict: 'skip', categoryCorrect: undefined }), {}, { categoryCorrect: true }).fields, { categoryCorrect: true });
  assert.equal(evidenceOptional(awaiting('a')), true);
  assert.equal(evidenceOptional(vlm(awaiting('a'))), false);
});

test('a change to a recorded verdict rewrites it whole', () => {
  const item = done('a', { verdict: 'partly', note: 'blurry' });
  assert.deepEqual(nextVerdict(item, {}, { correctCategory: 'blue' }).fields, { verdict: 'partly', categoryCorrect: false, correctCategory: 'blue', note: 'blurry' });
  assert.deepEqual(nextVerdict(done('a', { categoryCorrect: false, correctCategory: 'blue' }), {}, { categoryCorrect: true }).fields, { verdict: 'accurate', categoryCorrect: true });
  assert.deepEqual(nextVerdict(item, {}, { note: '' }).fields, { verdict: 'partly', categoryCorrect: true });
  assert.deepEqual(nextVerdict(item, {}, { verdict: 'skip' }).fields, { verdict: 'skip', note: 'blurry' }, 'a skip carries no category');
});

test('judging the category of a skipped VLM prediction waits for an evidence verdict', () => {
  const skipped = vlm(done('a', { verdict: 'skip', categoryCorrect: undefined }));
  const r = nextVerdict(skipped, {}, { correctCategory: 'red' });
  assert.equal(r.fields, null);
  assert.deepEqual(nextVerdict(skipped, r.held, { verdict: 'accurate' }).fields, { verdict: 'accurate', categoryCorrect: false, correctCategory: 'red' });
});

test('the next image awaiting a verdict, wrapping around, never the current one', () => {
  const items = [done('a'), awaiting('b'), done('c'), awaiting('d')];
  assert.equal(nextAwaiting(items, 0), 1);
  assert.equal(nextAwaiting(items, 1), 3);
  assert.equal(nextAwaiting(items, 3), 1);
  assert.equal(nextAwaiting([awaiting('a'), done('b')], 0), -1);
  assert.equal(nextAwaiting([], 0), -1);
});

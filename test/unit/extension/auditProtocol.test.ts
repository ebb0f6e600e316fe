// The audit, dashboard and label-issue messages from the webview: shape, known image, known category.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, type KnownNames } from '../../../src/shared/validate';

const known: KnownNames = {
  image: (id) => id === 'a.png' || id === 'sub/b.png',
  category: (name) => ['red', 'green', 'blue'].includes(name),
};
const ok = (m: unknown, k: KnownNames | null = known) => {
  const r = parseWebviewMessage(m, k ?? undefined);
  assert.equal(r.ok, true, r.ok ? '' : r.problem);
  return r.ok ? r.message : null;
};
const refused = (m: unknown, k: KnownNames | null = known) => {
  const r = parseWebviewMessage(m, k ?? undefined);
  assert.equal(r.ok, false, `expected refusal of ${JSON.stringify(m)}`);
  return r.ok ? '' : r.problem;
};
const v = (extra: Record<string, unknown> = {}) => ({ type: 'auditVerdict', requestId: 1, id: 'a.png', classifier: 'zero-shot', verdict: 'accurate', ...extra });

test('the argument-free audit commands and requests are accepted, with no extra fields', () => {
  for (const type of ['startAudit', 'exportReport', 'exportDataset']) {
    assert.deepEqual(ok({ type }), { type });
    assert.match(refused({ type, folder: '/etc' }), /unexpected field "folder"/);
  }
  for (const type of ['requestDashboard', 'requestLabelIssues']) {
    assert.deepEqual(ok({ type, requestId: 4 }), { type, requestId: 4 });
    assert.match(refused({ type }), /requestId/);
    assert.match(refused({ type, requestId: 4, folder: '/etc' }), /unexpected field "folder"/);
  }
});

test('a well-formed verdict is accepted and copied field by field', () => {
  assert.deepEqual(ok(v()), v());
  assert.deepEqual(ok(v({ verdict: 'hallucinated', correctCategory: 'green', note: 'no bee in it' })), v({ verdict: 'hallucinated', correctCategory: 'green', note: 'no bee in it' }));
  assert.deepEqual(ok(v({ verdict: 'partly', categoryCorrect: true, classifier: 'vlm', id: 'sub/b.png' })), v({ verdict: 'partly', categoryCorrect: true, classifier: 'vlm', id: 'sub/b.png' }));
  assert.deepEqual(ok(v({ categoryCorrect: false })), v({ categoryCorrect: false }));
  assert.deepEqual(ok(v({ verdict: 'skip', note: '' })), v({ verdict: 'skip', note: '' }));
});

test('a zero-shot prediction can be judged on its category alone; a VLM one needs its evidence verdict', () => {
  const noEvidence = (extra: Record<string, unknown>) => {
    const m = v(extra);
    delete (m as Record<string, unknown>).verdict;
    return m;
  };
  assert.deepEqual(ok(noEvidence({ categoryCorrect: true })), noEvidence({ categoryCorrect: true }));
  assert.deepEqual(ok(noEvidence({ correctCategory: 'green', note: 'it is green' })), noEvidence({ correctCategory: 'green', note: 'it is green' }));
  assert.deepEqual(ok(noEvidence({ categoryCorrect: false })), noEvidence({ categoryCorrect: false }));
  assert.equal('verdict' in ok(noEvidence({ categoryCorrect: true }))!, false, 'no evidence verdict is invented');
  assert.match(refused(noEvidence({})), /give a verdict/);
  assert.match(refused(noEvidence({ note: 'hm' })), /give a verdict/);
  assert.match(refused(noEvidence({ classifier: 'vlm', categoryCorrect: true })), /verdict must be one of.*VLM states visual evidence/);
  assert.match(refused(noEvidence({ correctCategory: 'purple' })), /not a known category/);
});

test('verdicts on unknown images or naming an unknown category are refused', () => {
  assert.match(refused(v({ id: 'c.png' })), /unknown image/);
  assert.match(refused(v({ id: '../a.png' })), /unknown image/);
  assert.match(refused(v({ correctCategory: 'purple' })), /not a known category/);
  assert.match(refused(v({ correctCategory: '<img src=x onerror=alert(1)>' })), /not a known category/);
  // Without what the host knows, only the shape is checked.
  ok(v({ id: 'c.png', correctCategory: 'purple' }), null);
});

test('malformed verdicts are refused', () => {
  refused(v({ requestId: -1 }));
  refused(v({ requestId: '1' }));
  refused(v({ id: '' }));
  refused(v({ id: 'a\0b' }));
  assert.match(refused(v({ classifier: 'gpt' })), /classifier/);
  assert.match(refused(v({ verdict: 'wrong' })), /verdict must be one of/);
  refused(v({ verdict: undefined }));
  assert.match(refused(v({ categoryCorrect: 'yes' })), /true or false/);
  assert.match(refused(v({ correctCategory: '' })), /non-empty/);
  assert.match(refused(v({ correctCategory: 7 })), /non-empty/);
  assert.match(refused(v({ categoryCorrect: true, correctCategory: 'green' })), /marked correct/);
  assert.match(refused(v({ verdict: 'skip', categoryCorrect: true })), /skipped/);
  assert.match(refused(v({ verdict: 'skip', correctCategory: 'green' })), /skipped/);
  assert.match(refused(v({ note: 'x'.repeat(2001) })), /note/);
  assert.match(refused(v({ note: 5 })), /note/);
  assert.match(refused(v({ by: 'mallory' })), /unexpected field "by"/);
  assert.match(refused(v({ sidecar: {} })), /unexpected field "sidecar"/);
});

test('undo of a verdict needs only a request id', () => {
  assert.deepEqual(ok({ type: 'auditUndo', requestId: 3 }), { type: 'auditUndo', requestId: 3 });
  refused({ type: 'auditUndo' });
  refused({ type: 'auditUndo', requestId: 1.5 });
  refused({ type: 'auditUndo', requestId: 1, changeId: 2 });
});

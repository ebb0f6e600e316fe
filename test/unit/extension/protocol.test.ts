import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/shared/validate';

const ok = (m: unknown) => {
  const r = parseWebviewMessage(m);
  assert.equal(r.ok, true, r.ok ? '' : r.problem);
  return r.ok ? r.message : null;
};
const refused = (m: unknown) => {
  const r = parseWebviewMessage(m);
  assert.equal(r.ok, false, `expected refusal of ${JSON.stringify(m)}`);
  return r.ok ? '' : r.problem;
};

test('accepts every well-formed command', () => {
  ok({ type: 'ready' });
  ok({ type: 'requestThumbs', ids: ['a.jpg', 'sub/b.png'] });
  ok({ type: 'requestDetail', requestId: 9, id: 'a.jpg' });
  ok({ type: 'openSidecar', id: 'a.jpg' });
  ok({ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: [{ id: 'a.jpg', rev: 'x' }] });
  ok({ type: 'decide', requestId: 2, decision: { action: 'reject' }, targets: [{ id: 'a.jpg', rev: 'x' }] });
  ok({ type: 'decide', requestId: 3, decision: { action: 'label', labels: ['red'] }, targets: [{ id: 'a.jpg', rev: 'x' }] });
  ok({ type: 'decide', requestId: 4, decision: { action: 'toggle', label: 'red', on: false }, targets: [{ id: 'a.jpg', rev: 'x' }] });
  ok({ type: 'undo', requestId: 5, changeId: 1 });
  ok({ type: 'redo', requestId: 6, changeId: 1 });
});

test('returns a copy, not the incoming object', () => {
  const ids = ['a.jpg'];
  const m = ok({ type: 'requestThumbs', ids });
  ids.push('evil');
  assert.deepEqual(m, { type: 'requestThumbs', ids: ['a.jpg'] });
});

test('refuses non-objects, unknown types and extra fields', () => {
  refused(null);
  refused('ready');
  refused([{ type: 'ready' }]);
  refused({ type: 'exec', command: 'rm -rf /' });
  assert.match(refused({ type: 'ready', html: '<img>' }), /unexpected field "html"/);
  refused({ type: 'requestDetail', requestId: 1, id: 'a.jpg', path: '/etc/passwd' });
});

test('refuses malformed ids and targets', () => {
  refused({ type: 'requestDetail', requestId: 1, id: '' });
  refused({ type: 'requestDetail', requestId: 1, id: 42 });
  refused({ type: 'requestDetail', requestId: 1, id: 'a\0b' });
  refused({ type: 'requestDetail', requestId: 1, id: 'x'.repeat(5000) });
  refused({ type: 'requestDetail', id: 'a.jpg' });
  refused({ type: 'requestThumbs', ids: 'a.jpg' });
  refused({ type: 'requestThumbs', ids: ['a.jpg', 3] });
  refused({ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: [] });
  refused({ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: ['a.jpg'] });
  refused({ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: [{ id: 'a.jpg', rev: 1 }] });
  refused({ type: 'decide', requestId: 1, decision: { action: 'accept' }, targets: [{ id: 'a.jpg', rev: 'r', x: 1 }] });
});

test('refuses malformed decisions and ids', () => {
  const t = [{ id: 'a.jpg', rev: 'r' }];
  refused({ type: 'decide', requestId: -1, decision: { action: 'accept' }, targets: t });
  refused({ type: 'decide', requestId: 1.5, decision: { action: 'accept' }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'delete' }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'accept', labels: [] }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'label', labels: 'red' }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'label', labels: [''] }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'label', labels: Array(65).fill('a') }, targets: t });
  refused({ type: 'decide', requestId: 1, decision: { action: 'toggle', label: 'red' }, targets: t });
  refused({ type: 'undo', requestId: 1 });
  refused({ type: 'redo', requestId: 1, changeId: '1' });
});

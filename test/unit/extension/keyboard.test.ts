import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyAction, type KeyInput } from '../../../webview/keyboard';

const k = (key: string, mods: Partial<KeyInput> = {}) =>
  keyAction({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('movement keys', () => {
  assert.deepEqual(k('ArrowDown'), { kind: 'move', dir: 'down', extend: false });
  assert.deepEqual(k('ArrowLeft', { shiftKey: true }), { kind: 'move', dir: 'left', extend: true });
  assert.deepEqual(k('j'), { kind: 'move', dir: 'next', extend: false });
  assert.deepEqual(k('k'), { kind: 'move', dir: 'prev', extend: false });
  assert.deepEqual(k('End'), { kind: 'move', dir: 'end', extend: false });
  assert.deepEqual(k('End', { ctrlKey: true }), { kind: 'move', dir: 'end', extend: false });
  assert.deepEqual(k('Home', { metaKey: true, shiftKey: true }), { kind: 'move', dir: 'home', extend: true });
});

test('decisions', () => {
  assert.deepEqual(k('Enter'), { kind: 'accept' });
  assert.deepEqual(k('a'), { kind: 'accept' });
  assert.deepEqual(k('x'), { kind: 'reject' });
  assert.deepEqual(k('1'), { kind: 'assign', index: 0 });
  assert.deepEqual(k('9'), { kind: 'assign', index: 8 });
  assert.equal(k('0'), null);
});

test('undo, redo, help, select all', () => {
  assert.deepEqual(k('u'), { kind: 'undo' });
  assert.deepEqual(k('z', { ctrlKey: true }), { kind: 'undo' });
  assert.deepEqual(k('Z', { ctrlKey: true, shiftKey: true }), { kind: 'redo' });
  assert.deepEqual(k('z', { metaKey: true, shiftKey: true }), { kind: 'redo' });
  assert.deepEqual(k('y', { ctrlKey: true }), { kind: 'redo' });
  assert.deepEqual(k('?', { shiftKey: true }), { kind: 'help' });
  assert.deepEqual(k('a', { ctrlKey: true }), { kind: 'selectAll' });
});

test('unbound keys and modified letters do nothing', () => {
  assert.equal(k('q'), null);
  assert.equal(k('x', { ctrlKey: true }), null);
  assert.equal(k('a', { altKey: true }), null);
  assert.equal(k('c', { ctrlKey: true }), null);
});

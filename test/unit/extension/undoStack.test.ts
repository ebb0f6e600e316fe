import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UndoStack } from '../../../webview/undoStack';

const e = (changeId: number) => ({ changeId, label: `change ${changeId}`, ids: ['a'] });

test('undo and redo move only when the host confirms', () => {
  const s = new UndoStack();
  assert.equal(s.canUndo, false);
  s.push(e(1));
  s.push(e(2));
  assert.equal(s.peekUndo()!.changeId, 2);
  s.committedUndo(1); // not the top: ignored
  assert.equal(s.peekUndo()!.changeId, 2);
  s.committedUndo(2);
  assert.equal(s.peekUndo()!.changeId, 1);
  assert.equal(s.peekRedo()!.changeId, 2);
  s.committedRedo(2);
  assert.equal(s.peekUndo()!.changeId, 2);
  assert.equal(s.canRedo, false);
});

test('a new change clears redo; a refused change is dropped; the stack is bounded', () => {
  const s = new UndoStack(3);
  s.push(e(1));
  s.push(e(2));
  s.committedUndo(2);
  s.push(e(3));
  assert.equal(s.canRedo, false);
  s.drop(3);
  assert.equal(s.peekUndo()!.changeId, 1);
  for (let i = 10; i < 20; i++) s.push(e(i));
  let n = 0;
  while (s.canUndo) {
    s.committedUndo(s.peekUndo()!.changeId);
    n++;
  }
  assert.equal(n, 3);
});

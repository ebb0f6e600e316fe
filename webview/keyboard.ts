// Maps key presses to panel actions. Pure (takes a plain key description): unit tested. The shortcut
// sheet is generated from SHORTCUTS so it always matches.
import type { MoveDirection } from './gridLayout';

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export type KeyAction =
  | { kind: 'move'; dir: MoveDirection; extend: boolean }
  | { kind: 'accept' }
  | { kind: 'assign'; index: number }
  | { kind: 'reject' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'help' }
  | { kind: 'selectAll' }
  | { kind: 'escape' }
  | { kind: 'search' }
  | { kind: 'moreLikeThis' };

const MOVES: Record<string, MoveDirection> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'home',
  End: 'end',
  PageUp: 'pageUp',
  PageDown: 'pageDown',
};

export function keyAction(e: KeyInput): KeyAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (e.altKey) return null;
  if (mod) {
    const k = key.toLowerCase();
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y' && !e.shiftKey) return { kind: 'redo' };
    if (k === 'a' && !e.shiftKey) return { kind: 'selectAll' };
    if (key === 'Home' || key === 'End') return { kind: 'move', dir: MOVES[key], extend: e.shiftKey };
    return null;
  }
  if (key in MOVES) return { kind: 'move', dir: MOVES[key], extend: e.shiftKey };
  switch (key) {
    case 'j':
    case 'J':
      return { kind: 'move', dir: 'next', extend: e.shiftKey };
    case 'k':
    case 'K':
      return { kind: 'move', dir: 'prev', extend: e.shiftKey };
    case 'Enter':
    case 'a':
      return { kind: 'accept' };
    case 'x':
      return { kind: 'reject' };
    case 'u':
      return { kind: 'undo' };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'escape' };
    case '/':
      return { kind: 'search' };
    case 'm':
      return { kind: 'moreLikeThis' };
  }
  if (/^[1-9]$/.test(key) && !e.shiftKey) return { kind: 'assign', index: Number(key) - 1 };
  return null;
}

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '← → ↑ ↓', action: 'Move in the grid (Shift extends the selection)' },
  { keys: 'j / k', action: 'Next / previous image' },
  { keys: 'Home / End, Ctrl+Home / Ctrl+End', action: 'First / last image (of any number: the grid reaches every row)' },
  { keys: 'PgUp / PgDn', action: 'Page up / down' },
  { keys: 'Enter or a', action: 'Accept the prediction' },
  { keys: '1 – 9', action: 'Assign category N (toggles it in multi-label mode)' },
  { keys: 'x', action: 'Reject: none of these categories' },
  { keys: 'u or Ctrl+Z', action: 'Undo the last decision' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', action: 'Redo' },
  { keys: 'Ctrl+A', action: 'Select all images in the filter' },
  { keys: '/', action: 'Search by meaning (Enter searches, Esc clears)' },
  { keys: 'm', action: 'More like this: images most similar to the focused one' },
  { keys: 'Click, Shift+click, Ctrl+click', action: 'Select one, a range, or toggle one' },
  { keys: '?', action: 'Show or hide this sheet' },
  { keys: 'Esc', action: 'Close this sheet, clear the selection, or clear the search' },
];

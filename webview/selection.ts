// Multi-selection over the filtered order: click, ctrl/cmd-click toggles, shift-click selects the
// range from the anchor, keyboard moves with or without shift. Pure: unit tested.

export interface SelectionState {
  /** The focused image (the one the detail pane shows). */
  focus: string | null;
  /** Where a shift-range starts. */
  anchor: string | null;
  selected: ReadonlySet<string>;
}

export const EMPTY_SELECTION: SelectionState = { focus: null, anchor: null, selected: new Set() };

function range(order: readonly string[], a: string, b: string): string[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (i < 0 || j < 0) return [b];
  return order.slice(Math.min(i, j), Math.max(i, j) + 1);
}

export function clickSelect(
  s: SelectionState,
  id: string,
  order: readonly string[],
  mods: { shift: boolean; toggle: boolean },
): SelectionState {
  if (mods.shift && s.anchor) {
    const r = range(order, s.anchor, id);
    const selected = new Set(mods.toggle ? [...s.selected, ...r] : r);
    return { focus: id, anchor: s.anchor, selected };
  }
  if (mods.toggle) {
    const selected = new Set(s.selected);
    if (selected.has(id) && selected.size > 1) selected.delete(id);
    else selected.add(id);
    return { focus: id, anchor: id, selected };
  }
  return { focus: id, anchor: id, selected: new Set([id]) };
}

/** Keyboard move: plain moves select only the new focus; shift extends from the anchor. */
export function moveSelect(s: SelectionState, id: string, order: readonly string[], extend: boolean): SelectionState {
  if (extend) {
    const anchor = s.anchor ?? s.focus ?? id;
    return { focus: id, anchor, selected: new Set(range(order, anchor, id)) };
  }
  return { focus: id, anchor: id, selected: new Set([id]) };
}

export function selectAll(s: SelectionState, order: readonly string[]): SelectionState {
  if (!order.length) return EMPTY_SELECTION;
  const focus = s.focus && order.includes(s.focus) ? s.focus : order[0];
  return { focus, anchor: focus, selected: new Set(order) };
}

/**
 * After the filtered order changes: drop selected ids that are gone; if the focus is gone, focus the
 * image that now sits where it was (so a decision that filters an image out moves on to the next).
 */
export function reconcile(s: SelectionState, oldOrder: readonly string[], order: readonly string[]): SelectionState {
  const present = new Set(order);
  const selected = new Set([...s.selected].filter((id) => present.has(id)));
  let focus = s.focus;
  if (focus && !present.has(focus)) {
    const oldIndex = oldOrder.indexOf(focus);
    focus = order.length ? order[Math.min(Math.max(0, oldIndex), order.length - 1)] : null;
    if (focus && selected.size === 0) selected.add(focus);
  }
  if (!focus && order.length) focus = null;
  const anchor = s.anchor && present.has(s.anchor) ? s.anchor : focus;
  return { focus, anchor, selected };
}

/** The images an action applies to: the selection, or the focused image alone. */
export function targetsOf(s: SelectionState, order: readonly string[]): string[] {
  if (s.selected.size > 0) return order.filter((id) => s.selected.has(id));
  return s.focus ? [s.focus] : [];
}

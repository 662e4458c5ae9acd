/**
 * Keyboard and mouse selection in the layer table, as a pure reducer over the visible (sorted, filtered) ids.
 * The cursor is the focused row; the selection is a set of layer ids that survives re-sorting.
 */
export interface SelectionState {
  /** Index into the visible rows; -1 = none. */
  cursor: number;
  /** Where a shift-range starts. */
  anchor: number;
  selected: ReadonlySet<string>;
}

export const EMPTY_SELECTION: SelectionState = { cursor: -1, anchor: -1, selected: new Set() };

export interface KeyInput {
  key: string;
  shift?: boolean;
  ctrl?: boolean;
}

export interface KeyResult {
  state: SelectionState;
  /** Enter: open this layer's detail. */
  open?: string;
  /** The key was ours (the caller should preventDefault). */
  handled: boolean;
}

function clamp(value: number, count: number): number {
  return count === 0 ? -1 : Math.max(0, Math.min(count - 1, value));
}

function range(ids: readonly string[], a: number, b: number): Set<string> {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return new Set(ids.slice(Math.max(0, lo), hi + 1));
}

function move(state: SelectionState, to: number, ids: readonly string[], shift: boolean): SelectionState {
  const cursor = clamp(to, ids.length);
  if (!shift) return { ...state, cursor, anchor: cursor };
  const anchor = state.anchor >= 0 ? state.anchor : Math.max(0, state.cursor);
  return { cursor, anchor, selected: range(ids, anchor, cursor) };
}

export function selectionKey(state: SelectionState, input: KeyInput, ids: readonly string[], pageSize: number): KeyResult {
  const page = Math.max(1, pageSize);
  const shift = !!input.shift;
  const from = state.cursor < 0 ? -1 : state.cursor;
  switch (input.key) {
    case 'ArrowDown': return { state: move(state, from + 1, ids, shift), handled: true };
    case 'ArrowUp': return { state: move(state, from < 0 ? 0 : from - 1, ids, shift), handled: true };
    case 'PageDown': return { state: move(state, from + page, ids, shift), handled: true };
    case 'PageUp': return { state: move(state, from - page, ids, shift), handled: true };
    case 'Home': return { state: move(state, 0, ids, shift), handled: true };
    case 'End': return { state: move(state, ids.length - 1, ids, shift), handled: true };
    case 'Enter':
      return from >= 0 && from < ids.length ? { state, open: ids[from], handled: true } : { state, handled: false };
    case ' ': {
      if (from < 0 || from >= ids.length) return { state, handled: true };
      const selected = new Set(state.selected);
      if (selected.has(ids[from])) selected.delete(ids[from]);
      else selected.add(ids[from]);
      return { state: { ...state, selected, anchor: from }, handled: true };
    }
    case 'Escape': return { state: { ...state, selected: new Set() }, handled: true };
    case 'a':
    case 'A':
      if (input.ctrl) return { state: { ...state, selected: new Set(ids) }, handled: true };
      return { state, handled: false };
    default:
      return { state, handled: false };
  }
}

/** Click: plain = select only this row; ctrl/cmd = toggle it; shift = range from the anchor. */
export function selectionClick(state: SelectionState, index: number, modifiers: { shift?: boolean; ctrl?: boolean }, ids: readonly string[]): SelectionState {
  const id = ids[index];
  if (id === undefined) return state;
  if (modifiers.shift) {
    const anchor = state.anchor >= 0 ? state.anchor : index;
    return { cursor: index, anchor, selected: range(ids, anchor, index) };
  }
  if (modifiers.ctrl) {
    const selected = new Set(state.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    return { cursor: index, anchor: index, selected };
  }
  return { cursor: index, anchor: index, selected: new Set([id]) };
}

/** After re-sorting or filtering: keep the cursor on the same layer when it is still visible. */
export function remapCursor(state: SelectionState, previousIds: readonly string[], nextIds: readonly string[]): SelectionState {
  const id = state.cursor >= 0 ? previousIds[state.cursor] : undefined;
  const cursor = id === undefined ? -1 : nextIds.indexOf(id);
  return { ...state, cursor, anchor: cursor };
}

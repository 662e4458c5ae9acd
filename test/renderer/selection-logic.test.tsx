import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EMPTY_SELECTION, remapCursor, selectionClick, selectionKey, type SelectionState } from '../../renderer/src/state/selection-logic';

const ids = Array.from({ length: 100 }, (_, i) => `L${i}`);
const press = (state: SelectionState, key: string, mods: { shift?: boolean; ctrl?: boolean } = {}) => selectionKey(state, { key, ...mods }, ids, 20);

describe('table keyboard', () => {
  test('arrows, page keys, Home and End move the cursor within bounds', () => {
    let s = press(EMPTY_SELECTION, 'ArrowDown').state;
    assert.equal(s.cursor, 0);
    s = press(s, 'ArrowUp').state;
    assert.equal(s.cursor, 0, 'no moving above the first row');
    s = press(s, 'PageDown').state;
    assert.equal(s.cursor, 20);
    s = press(s, 'End').state;
    assert.equal(s.cursor, 99);
    s = press(s, 'ArrowDown').state;
    assert.equal(s.cursor, 99);
    s = press(s, 'PageUp').state;
    assert.equal(s.cursor, 79);
    s = press(s, 'Home').state;
    assert.equal(s.cursor, 0);
    assert.equal(s.selected.size, 0, 'moving does not select');
  });

  test('Space toggles the cursor row, Shift extends a range, Esc clears, Ctrl+A selects all', () => {
    let s = press(press(EMPTY_SELECTION, 'ArrowDown').state, ' ').state;
    assert.deepEqual([...s.selected], ['L0']);
    s = press(s, ' ').state;
    assert.equal(s.selected.size, 0);
    s = press(s, 'ArrowDown', { shift: true }).state;
    s = press(s, 'ArrowDown', { shift: true }).state;
    assert.deepEqual([...s.selected].sort(), ['L0', 'L1', 'L2']);
    s = press(s, 'Escape').state;
    assert.equal(s.selected.size, 0);
    s = press(s, 'a', { ctrl: true }).state;
    assert.equal(s.selected.size, 100);
    assert.equal(press(s, 'a').handled, false, 'plain "a" is not ours');
  });

  test('Enter opens the layer under the cursor; nothing without a cursor', () => {
    assert.equal(press(EMPTY_SELECTION, 'Enter').open, undefined);
    const s = press(press(press(EMPTY_SELECTION, 'ArrowDown').state, 'ArrowDown').state, 'Enter');
    assert.equal(s.open, 'L1');
    assert.equal(s.handled, true);
    assert.equal(press(EMPTY_SELECTION, 'x').handled, false);
  });

  test('click selects one, ctrl-click toggles, shift-click selects a range from the anchor', () => {
    let s = selectionClick(EMPTY_SELECTION, 5, {}, ids);
    assert.deepEqual([...s.selected], ['L5']);
    s = selectionClick(s, 8, { ctrl: true }, ids);
    assert.deepEqual([...s.selected].sort(), ['L5', 'L8']);
    s = selectionClick(s, 8, { ctrl: true }, ids);
    assert.deepEqual([...s.selected], ['L5']);
    s = selectionClick(selectionClick(EMPTY_SELECTION, 10, {}, ids), 13, { shift: true }, ids);
    assert.deepEqual([...s.selected].sort(), ['L10', 'L11', 'L12', 'L13']);
    assert.equal(selectionClick(s, 1000, {}, ids), s);
  });

  test('re-sorting keeps the cursor on the same layer', () => {
    const s = { ...EMPTY_SELECTION, cursor: 3, anchor: 3 };
    const reversed = [...ids].reverse();
    assert.equal(remapCursor(s, ids, reversed).cursor, 96);
    assert.equal(remapCursor(s, ids, ['other']).cursor, -1);
  });
});

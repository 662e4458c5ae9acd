import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadLabelsFile, parseLabelsText } from '../../../main/data/labels-file';
import { SHARED_DATA, hasCode } from './data-test-helpers';

const EVAL_LABELS = `${SHARED_DATA}/labels/eval_labels.tsv`;

test('eval_labels.tsv: the class_index column is detected after the wnid column', async () => {
  const table = await loadLabelsFile(EVAL_LABELS);
  assert.equal(table.column, 'class_index');
  assert.equal(table.labels.size, 300);
  assert.equal(table.labels.get('n01491361_tiger_shark.JPEG'), 3);
  assert.equal(table.labels.get('n01498041_stingray.JPEG'), 6);
  // every row agrees with a plain split of the file
  const rows = readFileSync(EVAL_LABELS, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
  for (const [name, , index] of rows) assert.equal(table.labels.get(name), Number(index), name);
});

test('CSV with and without header, quoted fields, CRLF, comments and paths', () => {
  const withHeader = parseLabelsText('file,label\r\n"a, b.jpg",3\r\nval/c.png,17\r\n# comment\r\n\r\n', 'l.csv');
  assert.equal(withHeader.column, 'label');
  assert.deepEqual([...withHeader.labels], [['a, b.jpg', 3], ['c.png', 17]]);
  const headerless = parseLabelsText('x.jpg,n0001,5\ny.jpg,n0002,6\n', 'l.csv');
  assert.equal(headerless.column, '2');
  assert.deepEqual([...headerless.labels], [['x.jpg', 5], ['y.jpg', 6]]);
});

test('bad labels files are refused with LABELS_MALFORMED', () => {
  assert.throws(() => parseLabelsText('', 'e.tsv'), hasCode('LABELS_MALFORMED', /empty/));
  assert.throws(() => parseLabelsText('name\twnid\na.jpg\tn01\n', 'w.tsv'), hasCode('LABELS_MALFORMED', /integer class index/));
  assert.throws(() => parseLabelsText('a.jpg,1\na.jpg,2\n', 'd.csv'), hasCode('LABELS_MALFORMED', /'a\.jpg' is listed twice/));
  assert.throws(() => parseLabelsText('file,label\na.jpg,1\nb.jpg\n', 's.csv'), hasCode('LABELS_MALFORMED'));
});

test('a missing labels file is LABELS_UNREADABLE', async () => {
  await assert.rejects(loadLabelsFile('/nonexistent/labels.tsv'), hasCode('LABELS_UNREADABLE', /labels\.tsv/));
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClassificationAccumulator } from '../../../app/compare/classification';
import { assertWorkbenchError, seededRandom } from './helpers';

const f32 = (values: number[]): Float32Array => new Float32Array(values);

// Three rows of seven classes (dims [3, 7]):
//   row 0: ref [0,1,2,3,4,5,6] → top-1 6, top-5 {6,5,4,3,2}; cand the same → top-1 and top-5 agree
//   row 1: ref [6,5,4,3,2,1,0] → top-1 0, top-5 {0,1,2,3,4}; cand [0,1,…,6] → top-1 6, top-5 {6,5,4,3,2}
//          → ref top-1 (0) not in cand top-5 → neither agrees
//   row 2: ref [0,0,9,0,0,0,0] → top-1 2, top-5 {2,0,1,3,4} (ties → lower index); cand [5,4,3,2,1,0,6]
//          → top-1 6, top-5 {6,0,1,2,3} → top-1 disagrees, top-5 agrees (2 is in it)
// top1Agreement = 1/3, top5Agreement = 2/3
const REF = f32([0, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0, 0, 0, 9, 0, 0, 0, 0]);
const CAND = f32([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0, 6]);

describe('ClassificationAccumulator by hand', () => {
  it('top-1 and top-5 agreement over rows', () => {
    const acc = new ClassificationAccumulator();
    acc.update(REF, CAND, [3, 7]);
    const r = acc.result();
    assert.equal(r.rows, 3);
    assert.equal(r.classCount, 7);
    assert.equal(r.top1AgreementCount, 1);
    assert.equal(r.top5AgreementCount, 2);
    assert.equal(r.top1Agreement, 1 / 3);
    assert.equal(r.top5Agreement, 2 / 3);
    assert.equal(r.accuracy, null);
  });

  it('accuracy against labels [6, 3, 2]', () => {
    // ref top-1 [6, 0, 2] vs labels → 2/3;  cand top-1 [6, 6, 6] → 1/3
    // ref top-5 contains 6 / 3 / 2 → 3/3;   cand top-5 {6,…} ∋ 6, {6,5,4,3,2} ∋ 3, {6,0,1,2,3} ∋ 2 → 3/3
    const acc = new ClassificationAccumulator();
    acc.update(REF, CAND, [3, 7], [6, 3, 2]);
    const accuracy = acc.result().accuracy!;
    assert.equal(accuracy.reference, 2 / 3);
    assert.equal(accuracy.candidate, 1 / 3);
    assert.equal(accuracy.referenceTop5, 1);
    assert.equal(accuracy.candidateTop5, 1);
    assert.equal(accuracy.labelledRows, 3);
    assert.equal(accuracy.labelOffset, 0);
  });

  it('label offset: a 1001-class-style model whose class 0 is background', () => {
    // 5 classes, offset 1: label 2 means class 3
    const acc = new ClassificationAccumulator({ labelOffset: 1 });
    acc.update(f32([9, 0, 0, 5, 0]), f32([0, 0, 0, 5, 1]), [1, 5], [2]);
    const r = acc.result();
    assert.equal(r.accuracy!.reference, 0); // ref argmax 0 (background) ≠ 3
    assert.equal(r.accuracy!.candidate, 1); // cand argmax 3 = 2 + 1
    assert.equal(r.top1Agreement, 0);
  });

  it('ties go to the lower index; NaN never ranks; an all-NaN row has no prediction', () => {
    const acc = new ClassificationAccumulator();
    // row 0: ref [1,3,3,0] → 1; cand [NaN,3,3,NaN] → 1 → agree
    // row 1: ref [0,0,0,0] → 0; cand all NaN → no prediction → disagree
    acc.update(f32([1, 3, 3, 0, 0, 0, 0, 0]), f32([NaN, 3, 3, NaN, NaN, NaN, NaN, NaN]), [2, 4], [1, 0]);
    const r = acc.result();
    assert.equal(r.top1AgreementCount, 1);
    assert.equal(r.top5AgreementCount, 1);
    assert.equal(r.candidateNoPredictionRows, 1);
    assert.equal(r.referenceNoPredictionRows, 0);
    assert.equal(r.accuracy!.candidate, 1 / 2);
    assert.equal(r.accuracy!.reference, 1);
    assert.equal(r.accuracy!.candidateTop5, 1 / 2);
  });

  it('fewer than five classes: top-5 means all classes', () => {
    const acc = new ClassificationAccumulator();
    acc.update(f32([1, 2, 3]), f32([3, 2, 1]), [3]);
    assert.equal(acc.result().top1Agreement, 0);
    assert.equal(acc.result().top5Agreement, 1);
  });

  it('batch-aware: every index but the last is a row; a plain number labels a single row', () => {
    const a = new ClassificationAccumulator();
    a.update(REF, CAND, [1, 3, 7], [6, 3, 2]);
    const b = new ClassificationAccumulator();
    b.update(REF.subarray(0, 7), CAND.subarray(0, 7), [7], 6);
    b.update(REF.subarray(7, 14), CAND.subarray(7, 14), [1, 7], [3]);
    b.update(REF.subarray(14), CAND.subarray(14), [1, 1, 7], Int32Array.of(2));
    assert.deepEqual(b.result(), a.result());
  });

  it('streaming: many updates equal one update over the concatenated rows (random logits)', () => {
    const random = seededRandom(3);
    const classes = 1001;
    const rows = 64;
    const ref = new Float32Array(rows * classes);
    const cand = new Float32Array(rows * classes);
    const labels: number[] = [];
    for (let i = 0; i < ref.length; i++) {
      ref[i] = random() * 10;
      cand[i] = ref[i] + (random() - 0.5) * 0.3;
    }
    for (let row = 0; row < rows; row++) labels.push(Math.floor(random() * 1000));
    const whole = new ClassificationAccumulator({ labelOffset: 1 });
    whole.update(ref, cand, [rows, classes], labels);
    const parts = new ClassificationAccumulator({ labelOffset: 1 });
    for (let row = 0; row < rows; row += 8) {
      parts.update(ref.subarray(row * classes, (row + 8) * classes), cand.subarray(row * classes, (row + 8) * classes), [8, classes], labels.slice(row, row + 8));
    }
    assert.deepEqual(parts.result(), whole.result());
    // brute-force top-1 agreement
    let agree = 0;
    for (let row = 0; row < rows; row++) {
      const argmax = (x: Float32Array) => {
        let best = 0;
        for (let c = 1; c < classes; c++) if (x[row * classes + c] > x[row * classes + best]) best = c;
        return best;
      };
      if (argmax(ref) === argmax(cand)) agree++;
    }
    assert.equal(whole.result().top1AgreementCount, agree);
  });

  it('nothing seen: rates NaN, accuracy null', () => {
    const r = new ClassificationAccumulator().result();
    assert.equal(r.rows, 0);
    assert.ok(Number.isNaN(r.top1Agreement));
    assert.equal(r.accuracy, null);
  });
});

describe('ClassificationAccumulator errors', () => {
  it('LENGTH_MISMATCH, SHAPE_MISMATCH, CLASS_COUNT_MISMATCH, LABEL_COUNT_MISMATCH, INVALID_LABEL, INVALID_LABEL_OFFSET', () => {
    const acc = new ClassificationAccumulator();
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1]), [2]), 'LENGTH_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [3]), 'SHAPE_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([]), f32([]), [2, 0]), 'SHAPE_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1]), f32([1]), []), 'SHAPE_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2, 3, 4]), f32([1, 2, 3, 4]), [2, 2], [0]), 'LABEL_COUNT_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2, 3, 4]), f32([1, 2, 3, 4]), [2, 2], 1), 'LABEL_COUNT_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [2], [2]), 'INVALID_LABEL');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [2], [0.5]), 'INVALID_LABEL');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [2], [-1]), 'INVALID_LABEL');
    acc.update(f32([1, 2]), f32([1, 2]), [2]);
    assertWorkbenchError(() => acc.update(f32([1, 2, 3]), f32([1, 2, 3]), [3]), 'CLASS_COUNT_MISMATCH');
    assertWorkbenchError(() => new ClassificationAccumulator({ labelOffset: 0.5 }), 'INVALID_LABEL_OFFSET');
    assert.equal(acc.result().rows, 1, 'failed updates change nothing');
  });
});

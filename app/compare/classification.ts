/**
 * Does the reduced-precision classifier still predict what FP32 predicts? Streamed over samples.
 *
 * Rows and classes: the last axis of `dims` is the class axis; every other index is a row (batch-aware:
 * [N, C] gives N rows, [C] one row). Logits or probabilities both work — only the ranking is used.
 *
 * Ranking (argmax and top-5): larger value ranks first; ties go to the lower class index (numpy/PyTorch
 * argmax); NaN values never rank (they are skipped) — a row whose values are all NaN has no prediction, is
 * counted in `referenceNoPredictionRows`/`candidateNoPredictionRows`, and counts as disagreeing/wrong.
 * With fewer than 5 classes, "top-5" means all classes.
 *
 * Definitions:
 *   top1Agreement = share of rows where argmax(candidate) == argmax(reference).
 *   top5Agreement = share of rows where argmax(reference) is among the candidate's top 5 (top-5 accuracy
 *                   with the FP32 prediction as the label).
 *   accuracy (when labels are given): label l counts as class l + labelOffset (labelOffset 1 for 1001-class
 *     models whose class 0 is "background" and whose labels count from 0 over the 1000 real classes);
 *     reference/candidate = share of labelled rows whose argmax equals it, referenceTop5/candidateTop5 the
 *     same for the top 5.
 * All shares are NaN when their denominator is 0.
 */
import { WorkbenchError } from '../errors';

export const TOP_K = 5;

export interface ClassificationAccumulatorOptions {
  /** Added to every label to get the class index (default 0). */
  labelOffset?: number;
}

export interface ClassificationAccuracy {
  /** Top-1 accuracy of the FP32 model on the labelled rows. */
  reference: number;
  /** Top-1 accuracy of the reduced-precision model on the labelled rows. */
  candidate: number;
  referenceTop5: number;
  candidateTop5: number;
  labelledRows: number;
  labelOffset: number;
}

export interface ClassificationResult {
  /** Rows compared (samples × batch rows). */
  rows: number;
  /** Size of the class axis (0 before the first update). */
  classCount: number;
  top1Agreement: number;
  top5Agreement: number;
  top1AgreementCount: number;
  top5AgreementCount: number;
  referenceNoPredictionRows: number;
  candidateNoPredictionRows: number;
  /** Null when no row had a label. */
  accuracy: ClassificationAccuracy | null;
}

export class ClassificationAccumulator {
  private readonly labelOffset: number;
  private classCount = 0;
  private rows = 0;
  private top1AgreementCount = 0;
  private top5AgreementCount = 0;
  private referenceNoPredictionRows = 0;
  private candidateNoPredictionRows = 0;
  private labelledRows = 0;
  private referenceTop1Correct = 0;
  private candidateTop1Correct = 0;
  private referenceTop5Correct = 0;
  private candidateTop5Correct = 0;
  // Reused per row: no allocation in the row loop.
  private readonly referenceTop = new Int32Array(TOP_K);
  private readonly candidateTop = new Int32Array(TOP_K);
  private readonly topValues = new Float64Array(TOP_K);

  constructor(options: ClassificationAccumulatorOptions = {}) {
    const labelOffset = options.labelOffset ?? 0;
    if (!Number.isInteger(labelOffset)) {
      throw new WorkbenchError('compare', 'INVALID_LABEL_OFFSET', `label offset must be an integer, got ${labelOffset}`);
    }
    this.labelOffset = labelOffset;
  }

  /**
   * Adds one sample. `labels`: one integer label per row (a plain number is accepted when there is exactly
   * one row), or null/undefined when unlabelled. Throws LENGTH_MISMATCH, SHAPE_MISMATCH,
   * CLASS_COUNT_MISMATCH (class axis differs from earlier samples), LABEL_COUNT_MISMATCH, INVALID_LABEL.
   */
  update(
    reference: Float32Array,
    candidate: Float32Array,
    dims: readonly number[],
    labels?: number | ArrayLike<number> | null,
  ): void {
    if (reference.length !== candidate.length) {
      throw new WorkbenchError(
        'compare',
        'LENGTH_MISMATCH',
        `classifier output: reference has ${reference.length} values but candidate has ${candidate.length}`,
      );
    }
    if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new WorkbenchError('compare', 'SHAPE_MISMATCH', `classifier output dims [${dims.join(', ')}] need a class axis (last)`);
    }
    const classes = dims[dims.length - 1];
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== reference.length) {
      throw new WorkbenchError(
        'compare',
        'SHAPE_MISMATCH',
        `classifier output dims [${dims.join(', ')}] describe ${size} values but the tensors hold ${reference.length}`,
      );
    }
    if (classes === 0) {
      throw new WorkbenchError('compare', 'SHAPE_MISMATCH', `classifier output dims [${dims.join(', ')}] have no classes`);
    }
    if (this.classCount !== 0 && classes !== this.classCount) {
      throw new WorkbenchError(
        'compare',
        'CLASS_COUNT_MISMATCH',
        `classifier output has ${classes} classes but earlier samples had ${this.classCount}`,
      );
    }
    const rows = size / classes;
    const labelList = this.checkLabels(labels, rows, classes);
    this.classCount = classes;

    const k = classes < TOP_K ? classes : TOP_K;
    const referenceTop = this.referenceTop;
    const candidateTop = this.candidateTop;
    for (let row = 0; row < rows; row++) {
      const start = row * classes;
      const referenceFound = topIndices(reference, start, classes, k, referenceTop, this.topValues);
      const candidateFound = topIndices(candidate, start, classes, k, candidateTop, this.topValues);
      if (referenceFound === 0) this.referenceNoPredictionRows++;
      if (candidateFound === 0) this.candidateNoPredictionRows++;
      if (referenceFound > 0 && candidateFound > 0) {
        const referenceClass = referenceTop[0];
        if (candidateTop[0] === referenceClass) this.top1AgreementCount++;
        if (contains(candidateTop, candidateFound, referenceClass)) this.top5AgreementCount++;
      }
      if (labelList !== null) {
        const target = labelList[row] + this.labelOffset;
        this.labelledRows++;
        if (referenceFound > 0 && referenceTop[0] === target) this.referenceTop1Correct++;
        if (candidateFound > 0 && candidateTop[0] === target) this.candidateTop1Correct++;
        if (contains(referenceTop, referenceFound, target)) this.referenceTop5Correct++;
        if (contains(candidateTop, candidateFound, target)) this.candidateTop5Correct++;
      }
    }
    this.rows += rows;
  }

  result(): ClassificationResult {
    const share = (count: number, of: number): number => (of === 0 ? NaN : count / of);
    return {
      rows: this.rows,
      classCount: this.classCount,
      top1Agreement: share(this.top1AgreementCount, this.rows),
      top5Agreement: share(this.top5AgreementCount, this.rows),
      top1AgreementCount: this.top1AgreementCount,
      top5AgreementCount: this.top5AgreementCount,
      referenceNoPredictionRows: this.referenceNoPredictionRows,
      candidateNoPredictionRows: this.candidateNoPredictionRows,
      accuracy:
        this.labelledRows === 0
          ? null
          : {
              reference: share(this.referenceTop1Correct, this.labelledRows),
              candidate: share(this.candidateTop1Correct, this.labelledRows),
              referenceTop5: share(this.referenceTop5Correct, this.labelledRows),
              candidateTop5: share(this.candidateTop5Correct, this.labelledRows),
              labelledRows: this.labelledRows,
              labelOffset: this.labelOffset,
            },
    };
  }

  private checkLabels(labels: number | ArrayLike<number> | null | undefined, rows: number, classes: number): ArrayLike<number> | null {
    if (labels === null || labels === undefined) return null;
    const list: ArrayLike<number> = typeof labels === 'number' ? [labels] : labels;
    if (list.length !== rows) {
      throw new WorkbenchError(
        'compare',
        'LABEL_COUNT_MISMATCH',
        `${list.length} label(s) for ${rows} classifier row(s); give one label per row`,
      );
    }
    for (let row = 0; row < rows; row++) {
      const label = list[row];
      const target = label + this.labelOffset;
      if (!Number.isInteger(label) || target < 0 || target >= classes) {
        throw new WorkbenchError(
          'compare',
          'INVALID_LABEL',
          `label ${label} (row ${row}) + label offset ${this.labelOffset} is not a class index of a ${classes}-class output` +
            (classes === 1001 && this.labelOffset === 0 ? '; 1001-class models usually need label offset 1' : ''),
        );
      }
    }
    return list;
  }
}

/**
 * Writes the indices of the k largest non-NaN values of values[start, start+classes) into `out`, best first,
 * ties to the lower index. Returns how many were found (< k only when NaNs leave fewer candidates).
 */
function topIndices(
  values: Float32Array,
  start: number,
  classes: number,
  k: number,
  out: Int32Array,
  topValues: Float64Array,
): number {
  let found = 0;
  for (let c = 0; c < classes; c++) {
    const v = values[start + c];
    if (v !== v) continue;
    if (found === k && !(v > topValues[k - 1])) continue;
    // Insert after every kept value that is >= v (earlier index wins ties).
    let position = found < k ? found : k - 1;
    while (position > 0 && topValues[position - 1] < v) {
      topValues[position] = topValues[position - 1];
      out[position] = out[position - 1];
      position--;
    }
    topValues[position] = v;
    out[position] = c;
    if (found < k) found++;
  }
  return found;
}

function contains(indices: Int32Array, count: number, value: number): boolean {
  for (let i = 0; i < count; i++) if (indices[i] === value) return true;
  return false;
}

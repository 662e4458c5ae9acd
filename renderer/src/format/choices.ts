/** Labels for choices the UI offers, typed against the contract so a renamed option fails the type check. */
import type { ExportKind } from '../../../app/export/export-artifacts';
import type { CalibratorName } from '../../../app/precision/plan';

export const CALIBRATORS_LIST: readonly { name: CalibratorName; label: string }[] = [
  { name: 'entropy', label: 'Entropy (KL, TensorRT)' },
  { name: 'max', label: 'Max' },
  { name: 'percentile', label: 'Percentile' },
  { name: 'mse', label: 'MSE' },
];

/** EXPORT_KINDS of app/export/export-artifacts.ts (listed here to keep that module's code out of the bundle). */
export const EXPORT_KIND_LIST: readonly { kind: ExportKind; label: string }[] = [
  { kind: 'qdq', label: 'Q/DQ ONNX (<model>.qdq.onnx)' },
  { kind: 'fp16', label: 'Mixed FP16 ONNX (<model>.mixed.onnx)' },
  { kind: 'cache', label: 'TensorRT calibration cache' },
  { kind: 'trtexec', label: 'trtexec.sh (TensorRT 11 / 10)' },
  { kind: 'exclude', label: 'nodes_to_exclude.txt + modelopt.sh' },
  { kind: 'plan', label: 'plan.json' },
  { kind: 'report', label: 'report.json' },
];

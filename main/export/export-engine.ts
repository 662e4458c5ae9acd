/**
 * "Export engine": builds model.engine from the exported strongly typed ONNX (the FP16/Q-DQ graph when exported,
 * else the Q/DQ graph) with the TensorRT installed here, and writes it atomically next to them. Shared by
 * `pwb export --engine` and the workbench's export. Callers open TensorRT before writing anything else, so a
 * machine without it fails with TENSORRT_UNAVAILABLE and nothing on disk.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';
import type { TensorRt } from '../../native/index';
import { TrtRunner } from '../engine/trt-runner';
import type { TrtLogLine } from '../engine/trt-log';
import type { ExportSummary, WrittenFile } from './export-model';

export const ENGINE_FILE_NAME = 'model.engine';

/** Refuses export kinds that give the engine nothing to build from (checked before anything is written). */
export function checkEngineSources(kinds: readonly string[] | undefined): void {
  if (kinds && !kinds.includes('qdq') && !kinds.includes('fp16')) {
    throw new WorkbenchError('cli', 'FLAG_INVALID', 'the engine is built from the exported ONNX: include qdq or fp16 in the export');
  }
}

/**
 * Builds from the export in `summary` for the shapes the analysis ran with (one optimization profile, min = opt =
 * max; dynamic dims need a profile). Models whose inputs are all static are built as they are.
 */
export async function exportEngine(
  summary: Pick<ExportSummary, 'written' | 'outDir' | 'inputShapes'>,
  tensorRt: TensorRt,
  options: { force?: boolean; onLog?: (line: TrtLogLine) => void } = {},
): Promise<WrittenFile> {
  const { written, outDir } = summary;
  const source = written.find((f) => f.kind === 'fp16') ?? written.find((f) => f.kind === 'qdq');
  if (!source) throw new WorkbenchError('cli', 'FLAG_INVALID', 'the engine is built from the exported ONNX: include qdq or fp16 in the export');
  const enginePath = path.join(outDir, ENGINE_FILE_NAME);
  const runner = await TrtRunner.create(new Uint8Array(await readFile(source.path)), source.path, {
    tensorRt,
    stronglyTyped: true,
    modelPath: source.path,
    shapes: Object.fromEntries(Object.entries(summary.inputShapes).map(([name, dims]) => [name, { min: dims, opt: dims, max: dims }])),
    onLog: options.onLog,
  });
  try {
    await runner.exportEngine(enginePath, { overwrite: !!options.force });
  } finally {
    await runner.release();
  }
  const { libraryMajor, libraryMinor, libraryPatch } = tensorRt.library;
  return {
    kind: 'engine',
    path: enginePath,
    bytes: (await stat(enginePath)).size,
    description: `TensorRT ${libraryMajor}.${libraryMinor}.${libraryPatch} engine built from ${path.basename(source.path)} (strongly typed); loads only with this TensorRT version on this GPU model`,
  };
}

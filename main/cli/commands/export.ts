/**
 * `pwb export MODEL --report DIR/report.json --out EXPORT_DIR [--what qdq,fp16,cache,trtexec,exclude,plan,report]
 *  [--trt-version 10.16.1] [--force] [--json]`: what TensorRT builds, from a model and its analysis report.
 * Exit codes: 0 written, 2 bad input or a target exists without --force (nothing written; the message names the
 * files). Internal errors propagate to the caller (pwb maps them to 3).
 */
import { isWorkbenchError, WorkbenchError } from '../../../app/errors';
import { EXPORT_KINDS, parseExportKinds } from '../../../app/export/export-artifacts';
import { exportModel } from '../../export/export-model';
import { ENGINE_FILE_NAME, checkEngineSources, exportEngine } from '../../export/export-engine';
import type { TrtLogLine } from '../../engine/trt-log';
import { openTensorRt } from '../../../native/index';

export interface ExportFlags {
  report?: string;
  out?: string;
  what?: string;
  force?: boolean;
  'trt-version'?: string;
  json?: boolean;
  quiet?: boolean;
  engine?: boolean;
}

type Writer = { write(s: string): unknown };

/** For pwb.ts: usage line and parseArgs options this command adds (report, what, force, trt-version). */
export const EXPORT_USAGE = `  pwb export MODEL --report DIR/report.json --out EXPORT_DIR [--what ${EXPORT_KINDS.join(',')}]
              [--trt-version 10.16.1] [--engine] [--force] [--json]
              (--engine also builds model.engine with the TensorRT installed here, strongly typed)`;
export const EXPORT_OPTIONS = {
  report: { type: 'string' },
  what: { type: 'string' },
  force: { type: 'boolean' },
  'trt-version': { type: 'string' },
  engine: { type: 'boolean' },
} as const;

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} B`;
}

export async function exportCommand(modelPath: string, flags: ExportFlags, out: Writer, err: Writer): Promise<number> {
  try {
    if (!flags.report) throw new WorkbenchError('cli', 'FLAG_MISSING', 'export needs --report DIR/report.json (from pwb analyze)');
    if (!flags.out) throw new WorkbenchError('cli', 'FLAG_MISSING', 'export needs --out EXPORT_DIR');
    const what = flags.what !== undefined ? parseExportKinds(flags.what) : undefined;
    // TensorRT is checked before anything is written: without it, --engine fails with nothing on disk.
    const tensorRt = flags.engine ? await openTensorRt() : undefined;
    if (tensorRt) checkEngineSources(what);
    const summary = await exportModel({
      modelPath,
      reportPath: flags.report,
      outDir: flags.out,
      what,
      force: !!flags.force,
      trtVersion: flags['trt-version'],
      toolVersion: process.env.npm_package_version,
      laterTargets: tensorRt ? [ENGINE_FILE_NAME] : [],
    });
    if (tensorRt) {
      const onLog = flags.quiet ? undefined : (line: TrtLogLine) => void (line.level === 'error' && err.write(`tensorrt: ${line.message}\n`));
      summary.written.push(await exportEngine(summary, tensorRt, { force: flags.force, onLog }));
    }
    if (flags.json) {
      out.write(JSON.stringify(summary, null, 2) + '\n');
      return 0;
    }
    const c = summary.counts;
    out.write(`${modelPath}: plan ${c.int8} int8, ${c.fp16} fp16, ${c.fp32} fp32 layers → ${summary.outDir}\n`);
    for (const f of summary.written) out.write(`  ${f.path}  (${formatBytes(f.bytes)})  ${f.description}\n`);
    if (!flags.quiet) for (const note of summary.notes) err.write(`note: ${note}\n`);
    return 0;
  } catch (error) {
    if (isWorkbenchError(error)) {
      err.write(`pwb: error [${error.code}]: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/**
 * `pwb export` on disk: read the model and report.json, build every artifact in memory (app/export), check all
 * targets, then write each atomically. Nothing is written when any target exists without `force` (the error names
 * every such file) or when building any artifact fails.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';
import { buildExportArtifacts, type ExportFile, type ExportKind, type ExportResult } from '../../app/export/export-artifacts';
import { parseAnalysisReport } from '../../app/export/export-plan';
import { writeFileAtomic } from '../io/atomic-write';
import { loadModel } from '../io/model-file';

export interface ExportOptions {
  modelPath: string;
  /** The analysis report on disk (pwb export), or `report` below. */
  reportPath?: string;
  /** A report already in memory (the workbench service exports a build of its session). */
  report?: { bytes: Uint8Array; json: unknown; label: string };
  outDir: string;
  what?: readonly ExportKind[];
  force?: boolean;
  trtVersion?: string;
  toolVersion?: string;
  /** Names the caller writes into outDir afterwards (model.engine): checked with the rest before anything is written. */
  laterTargets?: string[];
}

export interface WrittenFile {
  /** 'engine': model.engine, built by main/export/export-engine.ts with the local TensorRT. */
  kind: ExportKind | 'engine';
  path: string;
  bytes: number;
  description: string;
}

export interface ExportSummary extends Omit<ExportResult, 'files'> {
  outDir: string;
  /** The input shapes the analysis ran with (what an engine built from the export is profiled for). */
  inputShapes: Record<string, number[]>;
  written: WrittenFile[];
}

async function readReport(reportPath: string): Promise<{ bytes: Uint8Array; json: unknown }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(reportPath));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkbenchError('io', code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${reportPath}: cannot read the report (${code ?? String(error)})`, { file: reportPath });
  }
  try {
    return { bytes, json: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch (error) {
    throw new WorkbenchError('precision', 'REPORT_INVALID', `${reportPath}: not a JSON report (${(error as Error).message})`, { file: reportPath });
  }
}

async function realpathOrNull(p: string): Promise<string | null> {
  return fs.realpath(p).catch(() => null);
}

function byteLength(data: ExportFile['data']): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof Uint8Array) return data.byteLength;
  return data.reduce((n, c) => n + c.byteLength, 0);
}

export async function exportModel(options: ExportOptions): Promise<ExportSummary> {
  const outDir = path.resolve(options.outDir);
  const outStat = await fs.stat(outDir).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new WorkbenchError('io', 'OUT_NOT_A_FOLDER', `--out ${options.outDir} exists and is not a folder`, { file: options.outDir });

  if (!options.report && !options.reportPath) throw new WorkbenchError('cli', 'FLAG_MISSING', 'export needs a report');
  const report = options.report ?? (await readReport(options.reportPath!));
  const reportLabel = options.report?.label ?? options.reportPath!;
  const parsed = parseAnalysisReport(report.json, reportLabel);
  const loaded = await loadModel(options.modelPath);
  const result = buildExportArtifacts({
    model: loaded.proto,
    modelFileName: path.basename(options.modelPath),
    modelPath: path.resolve(options.modelPath),
    report: parsed,
    reportBytes: report.bytes,
    reportFile: reportLabel,
    what: options.what,
    trtVersion: options.trtVersion,
    toolVersion: options.toolVersion,
  });

  // Copying report.json onto itself (export into the analysis folder) is a no-op, not an overwrite.
  const sourceReport = options.reportPath ? await realpathOrNull(options.reportPath) : null;
  const files: ExportFile[] = [];
  for (const file of result.files) {
    if (file.kind === 'report' && sourceReport !== null && (await realpathOrNull(path.join(outDir, file.name))) === sourceReport) {
      result.notes.push(`report.json is already in ${outDir}; left as it is`);
      continue;
    }
    files.push(file);
  }

  // Every target is checked before anything is written.
  const existing: string[] = [];
  for (const name of [...files.map((f) => f.name), ...(options.laterTargets ?? [])]) {
    const target = path.join(outDir, name);
    const stat = await fs.lstat(target).catch(() => null);
    if (!stat) continue;
    if (!stat.isFile()) throw new WorkbenchError('io', 'OUT_NOT_A_FILE', `${target} exists and is not a regular file; refusing to replace it`, { file: target });
    existing.push(target);
  }
  if (existing.length > 0 && !options.force) {
    throw new WorkbenchError(
      'io',
      'FILE_EXISTS',
      `${existing.length === 1 ? `${existing[0]} already exists` : `these files already exist: ${existing.join(', ')}`}; pass --force to replace ${existing.length === 1 ? 'it' : 'them'} (nothing was written)`,
      { file: existing[0] },
    );
  }

  await fs.mkdir(outDir, { recursive: true });
  const written: WrittenFile[] = [];
  for (const file of files) {
    const target = path.join(outDir, file.name);
    await writeFileAtomic(target, file.data, { overwrite: !!options.force });
    written.push({ kind: file.kind, path: target, bytes: byteLength(file.data), description: file.description });
  }
  const { files: _files, ...rest } = result;
  return { ...rest, outDir, written, inputShapes: parsed.settings.inputShapes };
}

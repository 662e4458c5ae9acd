/**
 * The TensorRT backend of an analysis session: builds the plan's strongly typed graph (Q/DQ INT8 + float16 layers,
 * app/export/strongly-typed-model.ts) into a real engine whose unfused tensors are debug tensors, so the comparison
 * pass reads layer outputs from the engine without changing what it fuses. After the pass, it records what
 * TensorRT produced for the build — the builder log, the inspector's layer JSON and a per-layer profile — as texts
 * in the formats trtexec writes, so the TensorRT panel reads them exactly like imported files.
 *
 * Needs TensorRT and an NVIDIA GPU. Where the addon cannot open TensorRT, open() throws TENSORRT_UNAVAILABLE.
 */
import type { EngineLayerLink } from '../../app/contract/report';
import type { TensorRtStatus } from '../../app/contract/service';
import { importTrtArtifacts } from '../../app/trt/import';
import type { OnnxSide } from '../../app/trt/types';
import { isWorkbenchError } from '../../app/errors';
import type { ModelProto } from '../../app/onnx/proto';
import { openTensorRt, type TensorRt } from '../../native/index';
import type { ModelInputSpec, TensorData } from '../data/types';
import { toTrtexecProfileJson } from './trt-layers';
import { formatTrtexecLine } from './trt-log';
import type { TrtInputShape } from './trt-options';
import { TrtRunner } from './trt-runner';

/** What TensorRT produced for one build, as trtexec-format texts (parsed by app/trt like imported files). */
export interface TrtBuildArtifacts {
  version: string;
  /** Builder log (verbose: tactic choices), formatted like `trtexec --verbose` output. */
  log: string;
  /** IEngineInspector JSON (trtexec --exportLayerInfo), or null when inspection failed (see warnings). */
  layerInfo: string | null;
  /** Per-layer profile (trtexec --exportProfile), or null when profiling failed (see warnings). */
  profile: string | null;
  buildMilliseconds: number;
  warnings: string[];
}

/** Enqueues per-layer timing is averaged over (trtexec's default is a few hundred; a debugger needs a stable ranking, not a benchmark). */
const PROFILE_ITERATIONS = 20;

/** TensorRT and the loaded addon, or why not — never throws for a missing TensorRT. */
export async function tensorRtStatus(open: () => Promise<TensorRt> = () => openTensorRt()): Promise<TensorRtStatus> {
  try {
    const trt = await open();
    const { libraryMajor, libraryMinor, libraryPatch } = trt.library;
    return { available: true, version: `${libraryMajor}.${libraryMinor}.${libraryPatch}`, addonFile: trt.addonFile, code: null, reason: null };
  } catch (error) {
    if (isWorkbenchError(error)) return { available: false, version: null, addonFile: null, code: error.code, reason: error.message };
    return { available: false, version: null, addonFile: null, code: 'TENSORRT_UNAVAILABLE', reason: error instanceof Error ? error.message : String(error) };
  }
}

export class TensorRtBackend {
  private constructor(readonly tensorRt: TensorRt) {}

  /** Opens TensorRT (throws WorkbenchError TENSORRT_UNAVAILABLE where it cannot). */
  static async open(tensorRt?: TensorRt): Promise<TensorRtBackend> {
    return new TensorRtBackend(tensorRt ?? (await openTensorRt()));
  }

  get version(): string {
    const { libraryMajor, libraryMinor, libraryPatch } = this.tensorRt.library;
    return `${libraryMajor}.${libraryMinor}.${libraryPatch}`;
  }

  /**
   * Builds `model` strongly typed for the session's fixed input shapes. `layerOutputs` are the tensors the
   * comparison reads: with TensorRT ≥ 10.12 every unfused tensor is a debug tensor (the engine is the one a
   * deployment gets); older versions mark exactly these tensors, which keeps them from being fused (noted).
   */
  async build(model: ModelProto, label: string, inputs: readonly ModelInputSpec[], layerOutputs: readonly string[], warnings: string[]): Promise<{ runner: TrtRunner; log: string[] }> {
    const shapes: Record<string, TrtInputShape> = {};
    for (const input of inputs) shapes[input.name] = { min: input.dims, opt: input.dims, max: input.dims };
    const unfused = this.tensorRt.features.unfusedDebugTensors;
    if (!unfused) warnings.push(`TensorRT ${this.version} has no unfused debug tensors (10.12+): the ${layerOutputs.length} compared layer outputs were marked as debug tensors, which keeps TensorRT from fusing across them; the engine differs from a deployment build`);
    const log: string[] = [];
    const stamp = trtexecTimestamp(new Date());
    const runner = await TrtRunner.create(model, label, {
      tensorRt: this.tensorRt,
      stronglyTyped: true,
      shapes,
      debugTensors: unfused ? 'unfused' : [...layerOutputs],
      logLevel: 'verbose',
      // FP32 means FP32 here: a layer kept at FP32 must not show TF32 rounding as quantization error.
      tf32: false,
      detailedProfiling: true,
      onLog: (line) => log.push(`${stamp} ${formatTrtexecLine(line)}`),
    });
    warnings.push(...runner.warnings.map((w) => `TensorRT: ${w}`));
    return { runner, log };
  }

  /** Inspector JSON and a per-layer profile of the built engine on one sample; failures become warnings. */
  async artifacts(runner: TrtRunner, log: readonly string[], sample: Record<string, TensorData> | undefined): Promise<TrtBuildArtifacts> {
    const warnings: string[] = [];
    let layerInfo: string | null = null;
    let profile: string | null = null;
    try {
      layerInfo = await runner.inspect();
    } catch (error) {
      warnings.push(`engine inspector: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (sample) {
      try {
        profile = toTrtexecProfileJson(await runner.profileLayers(sample, PROFILE_ITERATIONS));
      } catch (error) {
        warnings.push(`per-layer profile: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const header = `&&&& RUNNING TensorRT.trtexec [TensorRT v${this.tensorRt.library.libraryVersion}] # precision-workbench (addon build, strongly typed)`;
    return { version: this.version, log: [header, ...log].join('\n') + '\n', layerInfo, profile, buildMilliseconds: runner.build?.buildMilliseconds ?? 0, warnings };
  }
}

/** `[11/21/2026-10:04:05]`, trtexec's timestamp. */
function trtexecTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `[${two(date.getMonth() + 1)}/${two(date.getDate())}/${date.getFullYear()}-${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}]`;
}

/** The build's artifacts as files for importTrtArtifacts (one engine: shared stem). */
export function artifactFiles(buildId: number | 'fp32', artifacts: TrtBuildArtifacts): { name: string; text: string }[] {
  const stem = buildId === 'fp32' ? 'fp32-reference.engine' : `build-${buildId}.engine`;
  const files = [{ name: `${stem}.log`, text: artifacts.log }];
  if (artifacts.layerInfo) files.push({ name: `${stem}.graph.json`, text: artifacts.layerInfo });
  if (artifacts.profile) files.push({ name: `${stem}.profile.json`, text: artifacts.profile });
  return files;
}

/**
 * For each ONNX node of the model, the engine layer that computes it (parsed from the build's inspector JSON and
 * profile exactly as imported files are). Reformat copies are skipped: they compute no node. The verbose build log
 * (up to 20,000 lines of tactics) is parsed only when there is no inspector JSON to take the layers from.
 */
export function engineLayerLinks(artifacts: TrtBuildArtifacts, onnx: OnnxSide): Map<string, EngineLayerLink> {
  const links = new Map<string, EngineLayerLink>();
  const files = artifactFiles(0, artifacts).filter((f) => !artifacts.layerInfo || !f.name.endsWith('.log'));
  const engine = importTrtArtifacts(files, onnx, { onError: 'collect' }).engines[0];
  if (!engine) return links;
  const rows = new Map(engine.layers.map((row) => [row.name, row]));
  for (const mapping of engine.mapping) {
    const row = rows.get(mapping.engineLayer);
    if (!row || row.isReformat) continue;
    for (const node of mapping.onnxNodes) {
      if (!links.has(node)) links.set(node, { name: row.name, fusedNodes: mapping.onnxNodes.length, precision: row.precision, averageMs: row.averageMs ?? null });
    }
  }
  return links;
}

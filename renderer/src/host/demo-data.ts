/**
 * DEMO / BENCH DATA ONLY. The shape of the JSON file the demo host answers from (`?demo=/path/demo.json`): canned
 * service results for screenshots and the paint benchmark (scripts/paint-bench.ts). Never produced by the engine.
 */
import type { BuildSummary, SamplePreview, SessionSummary, TensorRtStatus } from '../../../app/contract/service';
import type { SensitivityReport } from '../../../app/contract/report';
import type { GraphData, HeatmapData, LayerDetail, ModelOverview } from '../../../app/contract/views';
import type { TrtImportResult } from '../../../app/trt/types';
import type { StartupInfo } from './host';

export const DEMO_SCHEMA = 'pwb.demo-data';

export interface DemoData {
  schema: typeof DEMO_SCHEMA;
  version: 1;
  /** Shown in the UI's demo banner. */
  note: string;
  startup: StartupInfo;
  overview: ModelOverview;
  session: SessionSummary;
  /** builds[0] answers `build`; each applyPlanChange answers the next one (the last repeats) with the requested plan. */
  builds: BuildSummary[];
  /** By build id of `builds`; later builds reuse the last heatmap. */
  heatmaps: Record<string, HeatmapData>;
  /** By layer id; layers without an entry answer NOT_IN_DEMO. */
  details: Record<string, LayerDetail>;
  graph: GraphData;
  sensitivity: SensitivityReport;
  preview: SamplePreview;
  /** Answers `trtImport` whatever the paths (screenshots of the TensorRT view); absent: NOT_IN_DEMO. */
  trtImport?: TrtImportResult;
  /** Answers `tensorRtStatus`; absent: DEMO_TENSORRT_STATUS (unavailable, like most machines without a GPU). */
  tensorRt?: TensorRtStatus;
  /** Answers `trtBuildArtifacts` for builds whose settings.backend is 'tensorrt'; absent: NOT_IN_DEMO. */
  trtBuildArtifacts?: TrtImportResult;
}

/** The demo's canned TensorRT status: unavailable, with the reason a machine without TensorRT gives, marked as demo. */
export const DEMO_TENSORRT_STATUS: TensorRtStatus = {
  available: false,
  version: null,
  addonFile: null,
  code: 'TENSORRT_UNAVAILABLE',
  reason: 'libnvinfer.so.10: cannot open shared object file: No such file or directory [demo mode: canned answer, nothing was probed]',
};

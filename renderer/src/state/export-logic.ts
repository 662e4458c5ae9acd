/** The export dialog's choices as an ExportRequest (pure, unit-tested). */
import type { ExportRequest, TensorRtStatus } from '../../../app/contract/service';
import type { ExportKind } from '../../../app/export/export-artifacts';
import { EXPORT_KIND_LIST } from '../format/choices';
import { canUseTensorRt } from './backend-logic';

export interface ExportChoices {
  sessionId: string;
  buildId: number;
  outDir: string;
  force: boolean;
  kinds: ReadonlySet<ExportKind>;
  /** "TensorRT engine (model.engine)" ticked; sent only where TensorRT is available. */
  engine: boolean;
}

/** Kinds in EXPORT_KIND_LIST order; `engine: true` only when asked for and TensorRT can build it here. */
export function exportRequest(choices: ExportChoices, tensorRt: TensorRtStatus | null): ExportRequest {
  const request: ExportRequest = {
    sessionId: choices.sessionId,
    buildId: choices.buildId,
    outDir: choices.outDir.trim(),
    force: choices.force,
    kinds: EXPORT_KIND_LIST.map((k) => k.kind).filter((k) => choices.kinds.has(k)),
  };
  if (choices.engine && canUseTensorRt(tensorRt)) request.engine = true;
  return request;
}

/** @jsxRuntime automatic */

/**
 * Placeholder for the TensorRT artifacts panel (trtexec logs, --exportLayerInfo, --exportProfile). Another engineer
 * fills it in; the props below are the intended interface, and the export screen already renders it.
 */
export interface TrtPanelProps {
  /** Session and build the artifacts will be matched against (engine layer ↔ ONNX node). */
  sessionId: string | null;
  buildId: number | null;
  /** Desktop only: asks the shell for a file; null in browser mode (then a path field is shown). */
  pickFile?: () => Promise<string | null>;
  /** Called with the path of a trtexec log / layer-info JSON / profile JSON to import. */
  onImport?: (path: string, kind: 'trtexec-log' | 'layer-info' | 'profile') => void;
}

export function TrtPanel(_props: TrtPanelProps) {
  return (
    <section className="card trt-panel" aria-label="TensorRT artifacts">
      <h2>TensorRT artifacts</h2>
      <p>TensorRT artifacts: import trtexec logs / layer-info / profile JSON</p>
      <p className="muted">Not available yet in this build of the workbench.</p>
    </section>
  );
}

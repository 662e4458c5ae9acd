/** @jsxRuntime automatic */
import type { ShellApi } from '../host/host';
import { exportBuild, setView } from '../state/actions';
import { useWorkbench } from '../state/store';
import { EmptyState } from './EmptyState';
import { ExportDialog } from './ExportDialog';

export function ExportScreen({ shell }: { shell: ShellApi | null }) {
  const session = useWorkbench((s) => s.session);
  const buildId = useWorkbench((s) => s.currentBuildId);
  const busy = useWorkbench((s) => s.jobs.length > 0);
  const tensorRt = useWorkbench((s) => s.tensorRt);
  if (!session || buildId === null) return <EmptyState title="Nothing to export yet">Analyse a model first.</EmptyState>;
  return (
    <div className="export-screen">
      <ExportDialog sessionId={session.sessionId} buildId={buildId} shell={shell} busy={busy} run={exportBuild} tensorRt={tensorRt} />
      <TrtLinkCard onOpen={() => setView('trt')} />
    </div>
  );
}

/** Built the export with trtexec? Its logs and JSON go to the TensorRT view, checked against this plan. */
export function TrtLinkCard({ onOpen }: { onOpen: () => void }) {
  return (
    <section className="card trt-link" aria-label="TensorRT artifacts">
      <h2>Built it with TensorRT?</h2>
      <p className="muted">Import the trtexec build log, <code>--exportLayerInfo</code> and <code>--exportProfile</code> JSON to see the tactics, per-layer timing and whether every layer runs in the precision this plan asked for.</p>
      <button type="button" className="link" onClick={onOpen}>Open the TensorRT view →</button>
    </section>
  );
}

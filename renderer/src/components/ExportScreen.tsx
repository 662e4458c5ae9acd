/** @jsxRuntime automatic */
import type { ShellApi } from '../host/host';
import { exportBuild } from '../state/actions';
import { useWorkbench } from '../state/store';
import { EmptyState } from './EmptyState';
import { ExportDialog } from './ExportDialog';
import { TrtPanel } from './TrtPanel';

export function ExportScreen({ shell }: { shell: ShellApi | null }) {
  const session = useWorkbench((s) => s.session);
  const buildId = useWorkbench((s) => s.currentBuildId);
  const busy = useWorkbench((s) => s.jobs.length > 0);
  if (!session || buildId === null) return <EmptyState title="Nothing to export yet">Analyse a model first.</EmptyState>;
  return (
    <div className="export-screen">
      <ExportDialog sessionId={session.sessionId} buildId={buildId} shell={shell} busy={busy} run={exportBuild} />
      <TrtPanel sessionId={session.sessionId} buildId={buildId} pickFile={shell ? () => shell.openModelDialog() : undefined} />
    </div>
  );
}

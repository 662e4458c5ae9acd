/** @jsxRuntime automatic */
import type { ShellApi } from '../host/host';
import { importTrt, openDetail } from '../state/actions';
import { currentBuild, useWorkbench } from '../state/store';
import { TrtPanel } from './TrtPanel';

/** The TensorRT view wired to the store: import through the engine, open mapped workbench layers in the detail. */
export function TrtScreen({ shell }: { shell: ShellApi | null }) {
  const trt = useWorkbench((s) => s.trt);
  const loading = useWorkbench((s) => s.loading.trt === true);
  const error = useWorkbench((s) => s.resourceErrors.trt ?? null);
  const session = useWorkbench((s) => s.session);
  const build = useWorkbench(currentBuild);
  const busy = useWorkbench((s) => s.jobs.length > 0);
  const model = session ? session.modelPath.split(/[\\/]/).pop() ?? session.modelPath : null;
  return (
    <TrtPanel
      key={trt ? `${trt.paths.join('|')}:${trt.sessionId ?? ''}` : 'none'}
      result={trt?.result ?? null}
      loading={loading}
      error={error}
      sessionModel={model}
      initialPaths={trt?.paths}
      pickFile={shell ? () => shell.openModelDialog() : undefined}
      onImport={(paths) => void importTrt(paths)}
      buildLayers={build?.view.layers}
      onOpenLayer={build ? (id) => openDetail(id) : undefined}
      busy={busy}
    />
  );
}

/** @jsxRuntime automatic */
import type { ShellApi } from '../host/host';
import { importTrt, openDetail, showBuildEngine } from '../state/actions';
import { tensorRtEngineOf } from '../state/backend-logic';
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
  const tensorRt = useWorkbench((s) => s.tensorRt);
  const model = session ? session.modelPath.split(/[\\/]/).pop() ?? session.modelPath : null;
  const engine = tensorRtEngineOf(build);
  return (
    <TrtPanel
      key={trt ? `${trt.paths.join('|')}:${trt.sessionId ?? ''}:${trt.buildId ?? ''}` : 'none'}
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
      tensorRt={tensorRt}
      buildEngine={engine ? { ...engine, onShow: () => void showBuildEngine() } : null}
      resultOrigin={trt?.buildId !== undefined ? `Engine of build #${trt.buildId}, built here by TensorRT: its build log, layer info and profile, mapped to ${model ?? 'the model'} and that build's plan.` : null}
    />
  );
}

/** @jsxRuntime automatic */
import { formatCosine, formatDb } from '../format/units';
import { selectBuild, setView } from '../state/actions';
import { backendLabel, backendShortLabel, fusedLayersNote } from '../state/backend-logic';
import { setTheme } from '../state/theme';
import { currentBuild, useWorkbench, type ViewName } from '../state/store';

const TABS: { view: ViewName; label: string; needsBuild: boolean }[] = [
  { view: 'start', label: 'Start', needsBuild: false },
  { view: 'overview', label: 'Overview', needsBuild: true },
  { view: 'layers', label: 'Layers', needsBuild: true },
  { view: 'heatmap', label: 'Heatmap', needsBuild: true },
  { view: 'graph', label: 'Graph', needsBuild: true },
  { view: 'history', label: 'History', needsBuild: true },
  { view: 'export', label: 'Export', needsBuild: true },
  { view: 'trt', label: 'TensorRT', needsBuild: false },
];

export function TopBar() {
  const build = useWorkbench(currentBuild);
  const view = useWorkbench((s) => s.view);
  const theme = useWorkbench((s) => s.theme);
  const history = useWorkbench((s) => s.history);
  const hostLabel = useWorkbench((s) => s.hostLabel);
  const staged = useWorkbench((s) => Object.keys(s.staged).length);
  const first = build?.view.outputs[0]?.metrics;
  const modelName = build?.view.model.path.split(/[\\/]/).pop();
  return (
    <header className="top-bar">
      <span className="brand">Precision Workbench</span>
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button type="button" role="tab" key={t.view} aria-selected={view === t.view} className={view === t.view ? 'on' : ''} disabled={t.needsBuild && !build} onClick={() => setView(t.view)}>
            {t.label}
            {t.view === 'layers' && staged ? <span className="tab-badge">{staged}</span> : null}
          </button>
        ))}
      </nav>
      <span className="spacer" />
      {build ? (
        <span className="build-info" title={build.view.model.path}>
          <b>{modelName}</b> · {build.view.settings.precision.toUpperCase()} ·
          <span className="backend-tag" title={[`Ran on ${backendLabel(build.view.settings)}`, fusedLayersNote(build.view.settings)].filter(Boolean).join('\n')}>{backendShortLabel(build.view.settings)}</span> ·
          <select aria-label="Build" value={build.buildId} onChange={(e) => selectBuild(Number(e.target.value))}>
            {(history.length ? history : [{ buildId: build.buildId }]).map((h) => <option key={h.buildId} value={h.buildId}>build #{h.buildId}</option>)}
          </select>
          <span className="final-metric">· out cos {formatCosine(first?.cosineSimilarity)} · {formatDb(first?.sqnrDb)}</span>
        </span>
      ) : null}
      <span className="host-label">{hostLabel}</span>
      <button type="button" className="theme-toggle" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}

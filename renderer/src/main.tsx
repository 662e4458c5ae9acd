/** @jsxRuntime automatic */
/**
 * Boot: pick the host (Electron bridge → browser WebSocket; `?demo=` → the labelled demo host), connect the client,
 * render, then ask the host what to open at startup. Deep-link params: view, detail (layer id), theme.
 */
import { createRoot } from 'react-dom/client';
import { WorkbenchClient } from './client/workbench-client';
import { App } from './components/App';
import { findBridge } from './host/bridge';
import { createBrowserHost } from './host/browser-host';
import { createDemoHost } from './host/demo-host';
import { createElectronHost } from './host/electron-host';
import type { Host } from './host/host';
import { boot, reportError } from './state/actions';
import { useWorkbench, type ViewName } from './state/store';
import { initialTheme } from './state/theme';
import './styles.css';

const VIEWS: readonly ViewName[] = ['start', 'overview', 'layers', 'heatmap', 'graph', 'history', 'export', 'trt'];

function pickHost(): Host {
  const search = new URLSearchParams(location.search);
  const bridge = findBridge();
  if (bridge) return createElectronHost(bridge);
  const demo = search.get('demo');
  if (demo) return createDemoHost(demo, search);
  return createBrowserHost(location);
}

function start(): void {
  const search = new URLSearchParams(location.search);
  const theme = search.get('theme');
  useWorkbench.setState({ theme: theme === 'dark' || theme === 'light' ? theme : initialTheme() });
  // A deep-linked view is shown from the start (it fills in when the build arrives).
  const view = search.get('view') as ViewName | null;
  if (view && VIEWS.includes(view)) useWorkbench.setState({ view });
  const host = pickHost();
  const client = new WorkbenchClient(host.transport);
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(<App shell={host.shell} />);
  boot(host, client)
    .then(() => {
      const detail = search.get('detail');
      if (detail && useWorkbench.getState().currentBuildId !== null) useWorkbench.setState({ detailLayerId: detail });
    })
    .catch((error) => reportError(error, 'Starting'));
}

start();

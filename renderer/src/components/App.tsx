/** @jsxRuntime automatic */
import { useEffect } from 'react';
import type { ShellApi } from '../host/host';
import { showWiderThanPlanned } from '../state/actions';
import { currentBuild, useWorkbench } from '../state/store';
import { Banners } from './Banners';
import { ExportScreen } from './ExportScreen';
import { GraphScreen } from './GraphScreen';
import { HeatmapScreen } from './HeatmapScreen';
import { HistoryScreen } from './HistoryScreen';
import { JobBar } from './JobBar';
import { LayerDetailScreen } from './LayerDetailScreen';
import { LayersScreen } from './LayersScreen';
import { Overview } from './Overview';
import { StartScreen } from './StartScreen';
import { TopBar } from './TopBar';
import { TrtScreen } from './TrtScreen';

function MainView({ shell }: { shell: ShellApi | null }) {
  const view = useWorkbench((s) => s.view);
  const build = useWorkbench(currentBuild);
  switch (view) {
    case 'start': return <StartScreen shell={shell} />;
    case 'overview': return <Overview build={build} onOpenLayer={(id) => useWorkbench.setState({ view: 'layers', detailLayerId: id })} onShowWider={showWiderThanPlanned} />;
    case 'layers': return <LayersScreen />;
    case 'heatmap': return <HeatmapScreen />;
    case 'graph': return <GraphScreen />;
    case 'history': return <HistoryScreen />;
    case 'export': return <ExportScreen shell={shell} />;
    case 'trt': return <TrtScreen shell={shell} />;
  }
}

export function App({ shell }: { shell: ShellApi | null }) {
  const theme = useWorkbench((s) => s.theme);
  const detailOpen = useWorkbench((s) => s.detailLayerId !== null && s.view !== 'start');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className={`app theme-${theme}`}>
      <TopBar />
      <Banners />
      <div className={detailOpen ? 'body with-detail' : 'body'}>
        <main className="content">
          <MainView shell={shell} />
        </main>
        {detailOpen ? <LayerDetailScreen /> : null}
      </div>
      <JobBar />
    </div>
  );
}

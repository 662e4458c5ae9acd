/** @jsxRuntime automatic */
import { useEffect, useMemo, useState } from 'react';
import { formatCosine, formatDb, formatMs } from '../format/units';
import { loadDiff, loadHistory, openDetail, selectBuild } from '../state/actions';
import { planSummary } from '../state/plan-logic';
import { currentBuild, useWorkbench, type HistoryEntry } from '../state/store';
import { BuildDiffView } from './BuildDiffView';
import { EmptyState, ErrorState, LoadingState } from './EmptyState';

/** Worst output (lowest cosine / SQNR) of a build: the number that says whether it is good enough. */
export function worstOutput(entry: HistoryEntry): { cosine: number | null; sqnrDb: number | null } {
  let cosine: number | null = null;
  let sqnrDb: number | null = null;
  for (const o of entry.outputs) {
    const c = o.metrics?.cosineSimilarity ?? null;
    const s = o.metrics?.sqnrDb ?? null;
    if (c !== null && (cosine === null || c < cosine)) cosine = c;
    if (s !== null && (sqnrDb === null || s < sqnrDb)) sqnrDb = s;
  }
  return { cosine, sqnrDb };
}

export function HistoryTable({ history, currentBuildId, from, to, onFrom, onTo, onShow }: { history: readonly HistoryEntry[]; currentBuildId: number | null; from: number | null; to: number | null; onFrom: (id: number) => void; onTo: (id: number) => void; onShow: (id: number) => void }) {
  return (
    <table className="grid history">
      <thead><tr><th>A</th><th>B</th><th>Build</th><th>Plan</th><th className="num">Worst output cosine</th><th className="num">Worst output SQNR</th><th className="num">Time</th><th /></tr></thead>
      <tbody>
        {history.map((h) => {
          const worst = worstOutput(h);
          return (
            <tr key={h.buildId} className={h.buildId === currentBuildId ? 'current' : ''}>
              <td><input type="radio" name="diff-from" aria-label={`Compare from build ${h.buildId}`} checked={from === h.buildId} onChange={() => onFrom(h.buildId)} /></td>
              <td><input type="radio" name="diff-to" aria-label={`Compare to build ${h.buildId}`} checked={to === h.buildId} onChange={() => onTo(h.buildId)} /></td>
              <td>#{h.buildId}{h.buildId === currentBuildId ? ' (shown)' : ''}</td>
              <td>{planSummary(h.plan)}</td>
              <td className="num">{formatCosine(worst.cosine)}</td>
              <td className="num">{formatDb(worst.sqnrDb)}</td>
              <td className="num">{formatMs(h.timingsMs.total)}</td>
              <td><button type="button" disabled={h.buildId === currentBuildId} onClick={() => onShow(h.buildId)}>Show</button></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function HistoryScreen() {
  const history = useWorkbench((s) => s.history);
  const session = useWorkbench((s) => s.session);
  const build = useWorkbench(currentBuild);
  const diff = useWorkbench((s) => s.diff);
  const diffLoading = useWorkbench((s) => !!s.loading.diff);
  const diffError = useWorkbench((s) => s.resourceErrors.diff);
  const currentBuildId = useWorkbench((s) => s.currentBuildId);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  useEffect(() => {
    if (session) loadHistory();
  }, [session, currentBuildId]);
  useEffect(() => {
    if (history.length >= 2) {
      setFrom((f) => f ?? history[history.length - 2].buildId);
      setTo((t) => t ?? history[history.length - 1].buildId);
    }
  }, [history]);
  const names = useMemo(() => new Map((build?.view.layers ?? []).map((r) => [r.id, r.name])), [build]);
  if (!session) return <EmptyState title="No session">Analyse a model first.</EmptyState>;
  if (history.length === 0) return <LoadingState what="the build history" />;
  return (
    <div className="history-screen">
      <h2>Builds of this session</h2>
      <HistoryTable history={history} currentBuildId={currentBuildId} from={from} to={to} onFrom={setFrom} onTo={setTo} onShow={selectBuild} />
      <div className="actions">
        <button type="button" className="primary" disabled={from === null || to === null || from === to} onClick={() => from !== null && to !== null && loadDiff(from, to)}>
          Compare A → B
        </button>
        {history.length < 2 ? <span className="muted">Rebuild with a changed plan to get a second build to compare.</span> : null}
      </div>
      {diffError ? <ErrorState error={diffError} /> : null}
      {diffLoading ? <LoadingState what="the diff" /> : null}
      {diff ? <BuildDiffView diff={diff.data} fromBuildId={diff.fromBuildId} toBuildId={diff.toBuildId} names={names} onOpen={(id) => openDetail(id)} /> : null}
    </div>
  );
}

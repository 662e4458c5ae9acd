/** @jsxRuntime automatic */
import type { BuildDiff } from '../../../app/compare/build-diff';
import { formatCosine, formatDb, formatDeltaDb, formatPercent } from '../format/units';
import { diffCounts, interestingDiffRows } from '../state/diff-logic';

/** Per-layer diff of two builds: outputs, top-1, then the layers that changed precision or moved in SQNR. */
export function BuildDiffView({ diff, fromBuildId, toBuildId, names, onOpen }: { diff: BuildDiff; fromBuildId: number; toBuildId: number; names: ReadonlyMap<string, string>; onOpen: (layerId: string) => void }) {
  const counts = diffCounts(diff);
  const { rows, hidden } = interestingDiffRows(diff);
  return (
    <div className="build-diff">
      <h2>Build {fromBuildId} → build {toBuildId}</h2>
      <p>
        {counts.changedPrecision} layer{counts.changedPrecision === 1 ? '' : 's'} changed precision · <span className="good">{counts.improved} improved</span> · <span className="bad">{counts.worsened} worse</span> (|ΔSQNR| ≥ 0.05 dB)
        {diff.top1AgreementBefore !== null ? <> · top-1 agreement {formatPercent(diff.top1AgreementBefore)} → <b>{formatPercent(diff.top1AgreementAfter)}</b></> : null}
      </p>
      <table className="grid compact">
        <thead><tr><th>Output</th><th className="num">SQNR before</th><th className="num">after</th><th className="num">Δ</th><th className="num">Cosine before</th><th className="num">after</th></tr></thead>
        <tbody>
          {diff.outputs.map((o) => {
            const delta = o.sqnrDbBefore !== null && o.sqnrDbAfter !== null ? o.sqnrDbAfter - o.sqnrDbBefore : null;
            return (
              <tr key={o.name}>
                <td><code>{o.name}</code></td>
                <td className="num">{formatDb(o.sqnrDbBefore)}</td>
                <td className="num">{formatDb(o.sqnrDbAfter)}</td>
                <td className={`num ${delta !== null && delta > 0 ? 'good' : delta !== null && delta < 0 ? 'bad' : ''}`}>{formatDeltaDb(delta)}</td>
                <td className="num">{formatCosine(o.cosineBefore)}</td>
                <td className="num">{formatCosine(o.cosineAfter)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Layers</h3>
      {rows.length === 0 ? <p className="muted">No layer changed precision or moved by 0.05 dB or more.</p> : (
        <div className="diff-scroll">
          <table className="grid compact">
            <thead><tr><th>Layer</th><th>Precision</th><th className="num">SQNR before</th><th className="num">after</th><th className="num">Δ SQNR</th><th className="num">Cosine after</th></tr></thead>
            <tbody>
              {rows.map((l) => (
                <tr key={l.id} className={l.precisionBefore !== l.precisionAfter ? 'changed' : ''}>
                  <td><button type="button" className="link" onClick={() => onOpen(l.id)}>{names.get(l.id) ?? l.id}</button></td>
                  <td>{l.precisionBefore === l.precisionAfter ? l.precisionAfter.toUpperCase() : `${l.precisionBefore.toUpperCase()} → ${l.precisionAfter.toUpperCase()}`}</td>
                  <td className="num">{formatDb(l.sqnrDbBefore)}</td>
                  <td className="num">{formatDb(l.sqnrDbAfter)}</td>
                  <td className={`num ${l.sqnrDeltaDb !== null && l.sqnrDeltaDb > 0 ? 'good' : l.sqnrDeltaDb !== null && l.sqnrDeltaDb < 0 ? 'bad' : ''}`}>{formatDeltaDb(l.sqnrDeltaDb)}</td>
                  <td className="num">{formatCosine(l.cosineAfter)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {hidden ? <p className="muted">+{hidden} more layers with smaller changes.</p> : null}
        </div>
      )}
    </div>
  );
}

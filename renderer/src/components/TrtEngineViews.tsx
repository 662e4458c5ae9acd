/** @jsxRuntime automatic */
import { useMemo, useState, type ReactNode } from 'react';
import type { EngineDiff, EngineReport, LayerMapping, MatchMethod, PlanCheckRow, PrecisionMix, TrtDataType } from '../../../app/trt/types';
import { formatCount, formatLayerTime, formatPercent, formatRatio } from '../format/units';
import { diffMatchedTotals, engineTotalMs, shortFile, sortTimingRows, speedup, toggleTimingSort, DEFAULT_TIMING_SORT, type TimingSort, type TimingSortKey } from '../state/trt-logic';
import { EmptyState } from './EmptyState';
import { ScrollTable } from './ScrollTable';

export function PrecisionBadge({ precision }: { precision: TrtDataType | string }) {
  const known = precision === 'int8' || precision === 'fp16' || precision === 'fp32';
  return <span className={`badge ${known ? `p-${precision}` : 'p-other'}`}>{precision === 'unknown' ? '?' : precision.toUpperCase()}</span>;
}

export function PrecisionMixLine({ mix }: { mix: PrecisionMix }) {
  const entries = Object.entries(mix).filter(([, n]) => n) as [TrtDataType, number][];
  if (entries.length === 0) return <span className="muted">–</span>;
  return <span className="mix">{entries.sort((a, b) => b[1] - a[1]).map(([p, n]) => <span key={p}><PrecisionBadge precision={p} /> {n}</span>)}</span>;
}

const TOP_N_CHOICES = [10, 20, 50] as const;

const TIMING_COLUMNS: { key: TimingSortKey; label: string; numeric?: boolean }[] = [
  { key: 'index', label: '#', numeric: true },
  { key: 'name', label: 'Layer' },
  { key: 'layerType', label: 'Type' },
  { key: 'precision', label: 'Precision' },
  { key: 'averageMs', label: 'Avg time', numeric: true },
  { key: 'averageMs', label: 'Share of total' },
  { key: 'tactic', label: 'Tactic' },
];

/** Per-layer timing of one engine: sortable, top-N, share of the total as a bar. */
export function LayerTimingTable({ engine, initialSort = DEFAULT_TIMING_SORT, initialTopN = null }: { engine: EngineReport; initialSort?: TimingSort; initialTopN?: number | null }) {
  const [sort, setSort] = useState<TimingSort>(initialSort);
  const [topN, setTopN] = useState<number | null>(initialTopN);
  const rows = useMemo(() => sortTimingRows(engine.layers, sort, topN), [engine.layers, sort, topN]);
  const total = engineTotalMs(engine);
  const timed = engine.layers.filter((l) => l.averageMs !== undefined).length;
  const maxShare = Math.max(0, ...engine.layers.map((l) => l.share ?? 0));
  return (
    <div className="layer-timing">
      <div className="stat-row compact">
        <div className="stat"><span className="stat-value">{formatLayerTime(total)}</span><span className="stat-label">total per inference{engine.totalTimeMs === undefined && total !== null ? ' (sum of layers)' : ''}</span></div>
        <div className="stat"><span className="stat-value">{engine.layers.length}</span><span className="stat-label">engine layers ({timed} timed)</span></div>
        <div className="stat"><span className="stat-value"><PrecisionMixLine mix={engine.precisionMix} /></span><span className="stat-label">realized precision</span></div>
        {engine.unmatchedProfileRows ? <div className="stat"><span className="stat-value warn">{engine.unmatchedProfileRows}</span><span className="stat-label">profile rows with no engine layer</span></div> : null}
      </div>
      {timed === 0 ? <p className="muted">No profile for this engine: import its <code>--exportProfile</code> JSON (same file-name stem) to see per-layer times.</p> : null}
      <div className="filter-bar">
        <label className="inline">Show
          <select aria-label="How many layers" value={topN ?? ''} onChange={(e) => setTopN(e.target.value === '' ? null : Number(e.target.value))}>
            {TOP_N_CHOICES.map((n) => <option key={n} value={n}>top {n}</option>)}
            <option value="">all {engine.layers.length}</option>
          </select>
        </label>
        <span className="muted">sorted by {TIMING_COLUMNS.find((c) => c.key === sort.key)?.label.toLowerCase()} {sort.direction === 'asc' ? '▲' : '▼'}</span>
      </div>
      <ScrollTable
        label={`Layer timing of ${engine.label}`}
        maxHeight={560}
        rows={rows}
        head={
          <tr>
            {TIMING_COLUMNS.map((c, i) => (
              <th key={i} className={c.numeric ? 'num' : ''} aria-sort={sort.key === c.key && i !== 5 ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
                <button type="button" className="sort" onClick={() => setSort(toggleTimingSort(sort, c.key))}>{c.label}{sort.key === c.key && i !== 5 ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}</button>
              </th>
            ))}
          </tr>
        }
        renderRow={(r) => (
          <tr key={r.index} className={r.isReformat ? 'reformat' : ''}>
            <td className="num muted">{r.index + 1}</td>
            <td className="ellipsis wide" title={r.name}>{r.name}</td>
            <td className="nowrap">{r.layerType ?? (r.isReformat ? 'Reformat' : '–')}</td>
            <td><PrecisionBadge precision={r.precision} /></td>
            <td className="num">{formatLayerTime(r.averageMs)}</td>
            <td className="share-cell">
              {r.share !== undefined ? (
                <>
                  <span className="share-bar" aria-hidden="true"><span style={{ width: `${maxShare > 0 ? (100 * r.share) / maxShare : 0}%` }} /></span>
                  <span className="num share-value">{formatPercent(r.share)}</span>
                </>
              ) : '–'}
            </td>
            <td className="ellipsis kernel" title={[r.tacticName, r.tacticValue].filter(Boolean).join('\n')}>{r.tacticName ?? (r.tacticValue ? <code>{r.tacticValue}</code> : '–')}</td>
          </tr>
        )}
      />
      {topN !== null && topN < engine.layers.length ? <p className="muted small">Top {topN} of {engine.layers.length} layers; the top {topN} take {formatPercent(rows.reduce((s, r) => s + (r.share ?? 0), 0))} of the total.</p> : null}
    </div>
  );
}

export const METHOD_LABEL: Record<MatchMethod, string> = {
  metadata: 'metadata',
  'exact-name': 'exact name',
  'fused-part': 'fused part',
  pwn: 'PWN',
  'foreign-node-range': 'ForeignNode range',
  reformat: 'reformat',
  unmatched: 'unmatched',
};

export interface PrecisionVsPlanProps {
  engine: EngineReport;
  /** ONNX node name → workbench layer id (the open session's layers). */
  workbenchLayers: ReadonlyMap<string, string>;
  onOpenLayer?: (layerId: string) => void;
  /** The open session, or null: then there is no plan to check against. */
  sessionOpen: boolean;
}

/** Realized precision per engine layer, its ONNX node(s) and match method, coverage, and the plan check. */
export function PrecisionVsPlan({ engine, workbenchLayers, onOpenLayer, sessionOpen }: PrecisionVsPlanProps) {
  const [text, setText] = useState('');
  const [method, setMethod] = useState<MatchMethod | ''>('');
  const precisionByLayer = useMemo(() => new Map(engine.layers.map((l) => [l.name, l.precision])), [engine.layers]);
  const plannedByNode = useMemo(() => new Map((engine.planCheck?.rows ?? []).map((r) => [r.node, r])), [engine.planCheck]);
  const flagged = useMemo(() => new Set((engine.planCheck?.fp32WhereInt8 ?? []).flatMap((r) => r.realized.map((x) => x.engineLayer))), [engine.planCheck]);
  const needle = text.trim().toLowerCase();
  const rows = engine.mapping.filter((m) => (!method || m.method === method) && (!needle || m.engineLayer.toLowerCase().includes(needle) || m.onnxNodes.some((n) => n.toLowerCase().includes(needle))));
  const { coverage } = engine;
  const nodeLink = (node: string) => {
    const id = workbenchLayers.get(node);
    return id && onOpenLayer ? <button type="button" className="link" key={node} onClick={() => onOpenLayer(id)} title={`Open workbench layer ${id}`}>{node}</button> : <span key={node}>{node}</span>;
  };
  return (
    <div className="precision-vs-plan">
      <div className="stat-row compact">
        <div className="stat">
          <span className="stat-value">{coverage.mapped} / {coverage.engineLayers} <small>({formatPercent(coverage.engineLayers ? coverage.mapped / coverage.engineLayers : null, 0)})</small></span>
          <span className="stat-label">engine layers mapped to ONNX nodes{coverage.verifiedAgainstOnnx ? ' (checked against the model)' : ' (parsed names, no model to check)'}</span>
        </div>
        {coverage.onnxNodes !== undefined ? <div className="stat"><span className="stat-value">{formatCount(coverage.onnxNodesWithoutLayer ?? 0)} <small>of {formatCount(coverage.onnxNodes)}</small></span><span className="stat-label">ONNX nodes with no engine layer</span></div> : null}
        <div className="stat"><span className="stat-value"><PrecisionMixLine mix={engine.precisionMix} /></span><span className="stat-label">realized precision</span></div>
      </div>
      <p className="methods">
        {(Object.entries(coverage.byMethod) as [MatchMethod, number][]).filter(([, n]) => n).map(([m, n]) => <span className={`chip method m-${m}`} key={m}>{METHOD_LABEL[m]} {n}</span>)}
      </p>
      <PlanCheckSummary engine={engine} nodeLink={nodeLink} sessionOpen={sessionOpen} />
      <div className="filter-bar">
        <input type="search" placeholder="Filter by engine layer or ONNX node" aria-label="Filter engine layers" value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label="Match method" value={method} onChange={(e) => setMethod(e.target.value as MatchMethod | '')}>
          <option value="">Every match method</option>
          {(Object.keys(METHOD_LABEL) as MatchMethod[]).filter((m) => coverage.byMethod[m]).map((m) => <option key={m} value={m}>{METHOD_LABEL[m]}</option>)}
        </select>
        <span className="count muted">{rows.length} of {engine.mapping.length}</span>
      </div>
      {rows.length === 0 ? <EmptyState title="No engine layer matches">Clear the filter to see every layer.</EmptyState> : (
        <ScrollTable
          label={`Realized precision of ${engine.label}`}
          maxHeight={520}
          rows={rows}
          head={<tr><th>Engine layer</th><th>Realized</th><th>Match</th><th>ONNX node(s)</th>{engine.planCheck ? <th>Planned</th> : null}</tr>}
          renderRow={(m: LayerMapping, i) => {
            const planned = m.onnxNodes.map((n) => plannedByNode.get(n)).find((r): r is PlanCheckRow => r !== undefined);
            const bad = flagged.has(m.engineLayer) && m.method !== 'reformat';
            return (
              <tr key={i} className={bad ? 'flagged' : m.method === 'reformat' ? 'reformat' : ''}>
                <td className="ellipsis wide" title={m.engineLayer}>{m.engineLayer}</td>
                <td><PrecisionBadge precision={precisionByLayer.get(m.engineLayer) ?? 'unknown'} /></td>
                <td className={`nowrap${m.method === 'unmatched' ? ' bad' : ''}`}>{METHOD_LABEL[m.method]}</td>
                <td className="ellipsis nodes" title={[...m.onnxNodes, ...m.unknownParts.map((p) => `${p} (not in the model)`)].join('\n')}>
                  {m.onnxNodes.length ? m.onnxNodes.slice(0, 6).map((n, k) => <span key={n}>{k ? ', ' : ''}{nodeLink(n)}</span>) : <span className="muted">–</span>}
                  {m.onnxNodes.length > 6 ? <span className="muted"> +{m.onnxNodes.length - 6}</span> : null}
                  {m.unknownParts.length ? <span className="warn"> ({m.unknownParts.length} unknown)</span> : null}
                </td>
                {engine.planCheck ? <td>{planned ? <PrecisionBadge precision={planned.planned} /> : <span className="muted">–</span>}{bad ? <span className="bad small"> ran FP32</span> : null}</td> : null}
              </tr>
            );
          }}
        />
      )}
    </div>
  );
}

function PlanCheckSummary({ engine, nodeLink, sessionOpen }: { engine: EngineReport; nodeLink: (node: string) => ReactNode; sessionOpen: boolean }) {
  const check = engine.planCheck;
  if (!check) {
    return (
      <p className="muted plan-check-none">
        {sessionOpen ? 'No plan check: these artifacts were imported before the model was open, or none of its layers map. Import again to check them against the current plan.' : 'No plan check: open the model on the Start screen, then import again to check the realized precision against its precision plan.'}
      </p>
    );
  }
  const counts = new Map<string, number>();
  for (const r of check.rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (
    <div className="plan-check">
      <p>
        Plan check of {check.rows.length} planned layers: <span className="good">{counts.get('as-planned') ?? 0} as planned</span>
        {' · '}<span className={counts.get('higher-precision') ? 'warn' : ''}>{counts.get('higher-precision') ?? 0} higher precision</span>
        {' · '}{counts.get('lower-precision') ?? 0} lower
        {' · '}{counts.get('not-in-engine') ?? 0} not in the engine
        {counts.get('unknown-precision') ? <> · {counts.get('unknown-precision')} unknown</> : null}
      </p>
      {check.fp32WhereInt8.length > 0 ? (
        <div className="fp32-where-int8" role="alert">
          <b>{check.fp32WhereInt8.length} layer{check.fp32WhereInt8.length === 1 ? '' : 's'} planned INT8 run{check.fp32WhereInt8.length === 1 ? 's' : ''} in FP32</b>
          <span className="muted"> — no Q/DQ fusion happened there: TensorRT kept full precision (slower, and not what was analysed).</span>
          <ul>
            {check.fp32WhereInt8.slice(0, 50).map((r) => (
              <li key={r.layerId}>{nodeLink(r.node)} → {r.realized.map((x, k) => <span key={k}>{k ? ', ' : ''}<code>{x.engineLayer}</code> <PrecisionBadge precision={x.precision} /></span>)}</li>
            ))}
          </ul>
          {check.fp32WhereInt8.length > 50 ? <p className="muted small">+{check.fp32WhereInt8.length - 50} more (filter the table below).</p> : null}
        </div>
      ) : <p className="good">No layer planned INT8 runs in FP32.</p>}
      {check.otherHigherPrecision.length > 0 ? <p className="warn small">{check.otherHigherPrecision.length} other layer{check.otherHigherPrecision.length === 1 ? '' : 's'} run in a higher precision than planned (e.g. INT8 planned, FP16 realized).</p> : null}
    </div>
  );
}

/** Matched layers of two or more engines of one network: time and precision per engine, speed-up vs the first. */
export function EngineDiffTable({ diff }: { diff: EngineDiff }) {
  const matched = diffMatchedTotals(diff);
  const ref = 0;
  return (
    <div className="engine-diff">
      <p className="muted small">
        {diff.rows.length} matched layers · reference: <b>{diff.labels[0]}</b> · speed-up = reference time ÷ engine time (×2 = twice as fast). Reformat / Q/DQ / no-op layers are not aligned; they are summed as overhead.
      </p>
      <ScrollTable
        label="Engine diff"
        maxHeight={560}
        rows={diff.rows}
        head={
          <>
            <tr>
              <th rowSpan={2}>Layer</th>
              <th rowSpan={2}>Aligned by</th>
              {diff.labels.map((l, i) => <th key={i} colSpan={i === ref ? 2 : 3} className="engine-head" title={diff.engines[i]}>{l}</th>)}
            </tr>
            <tr>
              {diff.labels.map((_, i) => [
                <th key={`p${i}`} className="sub">Prec.</th>,
                <th key={`t${i}`} className="num sub">Time</th>,
                i === ref ? null : <th key={`s${i}`} className="num sub">Speed-up</th>,
              ])}
            </tr>
          </>
        }
        renderRow={(row, index) => {
          const refMs = row.cells[ref]?.averageMs;
          return (
            <tr key={index}>
              <td className="ellipsis wide" title={row.cells.map((c, i) => `${diff.labels[i]}: ${c?.layer ?? '—'}`).join('\n')}>{row.key}</td>
              <td className="nowrap muted">{row.alignedBy === 'op-and-shape' ? 'op + shape' : row.alignedBy === 'onnx-nodes' ? 'ONNX nodes' : 'name'}</td>
              {row.cells.map((cell, i) => {
                const s = i === ref ? null : speedup(refMs, cell?.averageMs);
                return [
                  <td key={`p${i}`}>{cell ? <PrecisionBadge precision={cell.precision} /> : <span className="muted">absent</span>}</td>,
                  <td key={`t${i}`} className="num">{formatLayerTime(cell?.averageMs)}</td>,
                  i === ref ? null : <td key={`s${i}`} className={`num${s !== null ? (s >= 1.05 ? ' good' : s <= 0.95 ? ' bad' : '') : ''}`}>{formatRatio(s)}</td>,
                ];
              })}
            </tr>
          );
        }}
        foot={
          <>
            <tr className="subtotal">
              <td colSpan={2}>Matched layers</td>
              {matched.map((t, i) => [<td key={`p${i}`} />, <td key={`t${i}`} className="num">{formatLayerTime(t)}</td>, i === ref ? null : <td key={`s${i}`} className="num">{formatRatio(speedup(matched[ref], t))}</td>])}
            </tr>
            <tr className="subtotal">
              <td colSpan={2}>Overhead (reformat, Q/DQ, no-op)</td>
              {diff.overhead.map((o, i) => [<td key={`p${i}`} className="muted small">{o.layers} layers</td>, <td key={`t${i}`} className="num">{formatLayerTime(o.averageMs)}</td>, i === ref ? null : <td key={`s${i}`} />])}
            </tr>
            <tr className="total">
              <td colSpan={2}>Engine total</td>
              {diff.totalsMs.map((t, i) => [<td key={`p${i}`} />, <td key={`t${i}`} className="num"><b>{formatLayerTime(t)}</b></td>, i === ref ? null : <td key={`s${i}`} className="num"><b>{formatRatio(speedup(diff.totalsMs[ref], t))}</b></td>])}
            </tr>
          </>
        }
      />
      <p className="muted small">Files: {diff.engines.map((e) => shortFile(e)).join(' · ')}</p>
    </div>
  );
}

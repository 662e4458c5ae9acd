/** @jsxRuntime automatic */
import type { BuildSummary } from '../../../app/contract/service';
import { formatCosine, formatCount, formatDb, formatDims, formatMs, formatNumber, formatPercent } from '../format/units';
import { countByOpTypeAndPrecision, DEFAULT_SORT, sortRows } from '../state/table-logic';
import { backendLabel, fusedLayersNote, isTensorRtBuild, widerThanPlannedCount, widerThanPlannedNote } from '../state/backend-logic';
import { planSummary, precisionCounts } from '../state/plan-logic';
import { EmptyState } from './EmptyState';

function Card({ title, children, wide = false }: { title: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <section className={wide ? 'card wide' : 'card'}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Overview of one build: model, final-output metrics, agreement, layers by op type × precision, timings, warnings.
 * `onShowWider` opens the layer table filtered to the layers TensorRT ran wider than planned (TensorRT builds).
 */
export function Overview({ build, onOpenLayer, onShowWider }: { build: BuildSummary | null; onOpenLayer?: (layerId: string) => void; onShowWider?: () => void }) {
  if (!build) return <EmptyState title="No build yet">Open a model on the start screen and press Analyse.</EmptyState>;
  const { view } = build;
  const counts = precisionCounts(view.layers);
  const byOp = countByOpTypeAndPrecision(view.layers);
  const s = view.model.summary;
  return (
    <div className="overview">
      <Card title="Final outputs vs FP32" wide>
        <table className="grid">
          <thead>
            <tr><th>Output</th><th>Shape</th><th className="num">Cosine</th><th className="num">SQNR</th><th className="num">Rel. L2</th><th className="num">Max |err|</th><th className="num">Mean |err|</th><th className="num">NaN/Inf</th></tr>
          </thead>
          <tbody>
            {view.outputs.map((o) => (
              <tr key={o.name}>
                <td><code>{o.name}</code></td>
                <td>{formatDims(o.dims)}</td>
                <td className="num">{formatCosine(o.metrics?.cosineSimilarity)}</td>
                <td className="num">{formatDb(o.metrics?.sqnrDb, { exact: o.metrics?.mse === 0 })}</td>
                <td className="num">{formatPercent(o.metrics?.relL2Error, 2)}</td>
                <td className="num">{formatNumber(o.metrics?.maxAbsError)}</td>
                <td className="num">{formatNumber(o.metrics?.meanAbsError)}</td>
                <td className="num">{o.metrics ? formatCount(o.metrics.candidateNanCount + o.metrics.candidateInfCount) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {view.classification ? (
          <div className="stat-row">
            <div className="stat"><span className="stat-value">{formatPercent(view.classification.top1Agreement)}</span><span className="stat-label">top-1 agreement with FP32</span></div>
            <div className="stat"><span className="stat-value">{formatPercent(view.classification.top5Agreement)}</span><span className="stat-label">top-5 agreement</span></div>
            {view.classification.accuracy ? (
              <div className="stat">
                <span className="stat-value">{formatPercent(view.classification.accuracy.candidate)} <small>vs {formatPercent(view.classification.accuracy.reference)} FP32</small></span>
                <span className="stat-label">top-1 accuracy ({formatCount(view.classification.accuracy.labelledRows)} labelled)</span>
              </div>
            ) : null}
          </div>
        ) : null}
      </Card>
      <Card title="Model">
        <table className="kv">
          <tbody>
            <tr><th>File</th><td><code className="path">{view.model.path}</code></td></tr>
            <tr><th>Producer</th><td>{s.producer || '–'} · IR {s.irVersion} · opset {s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}</td></tr>
            <tr><th>Nodes</th><td>{formatCount(s.nodeCount)}{s.subgraphCount > 0 ? ` (+${formatCount(s.nodeCountWithSubgraphs - s.nodeCount)} in ${s.subgraphCount} subgraphs)` : ''}</td></tr>
            <tr><th>Layers</th><td>{formatCount(view.model.layerCount)} · INT8 {formatCount(counts.int8)} · FP16 {formatCount(counts.fp16)} · FP32 {formatCount(counts.fp32)}</td></tr>
            <tr><th>Plan</th><td>{planSummary(view.plan)}</td></tr>
            {view.model.quantizedInput ? <tr><th>Quantized input</th><td>{view.model.quantizedInput.kind}: analysed as its float twin. {view.model.quantizedInput.notes.join(' ')}</td></tr> : null}
          </tbody>
        </table>
        <h3>Inputs</h3>
        <ul className="io-list">{s.inputs.map((i) => <li key={i.name}><code>{i.name}</code> {i.dataType} {formatDims(i.shape)}</li>)}</ul>
        <h3>Outputs</h3>
        <ul className="io-list">{s.outputs.map((o) => <li key={o.name}><code>{o.name}</code> {o.dataType} {formatDims(o.shape)}</li>)}</ul>
      </Card>
      <Card title="Calibration and timings">
        <table className="kv">
          <tbody>
            <BackendRow settings={view.settings} layers={view.layers} onShowWider={onShowWider} />
            <tr><th>Precision</th><td>{view.settings.precision.toUpperCase()} · {view.settings.emulation}</td></tr>
            <tr><th>Calibrator</th><td>{view.settings.calibrator.method} {Object.entries(view.settings.calibrator.parameters).map(([k, v]) => `${k}=${v}`).join(' ')}</td></tr>
            <tr><th>Calibration data</th><td>{view.settings.calibrationData.description} ({formatCount(view.settings.calibrationData.samples)} samples)</td></tr>
            <tr><th>Evaluation data</th><td>{view.settings.evalData.description} ({formatCount(view.settings.evalData.samples)} samples)</td></tr>
            {view.settings.calibrationCache ? <tr><th>Calibration cache</th><td>{view.settings.calibrationCache.matched} of {view.settings.calibrationCache.entries} scales used ({view.settings.calibrationCache.notCovered} calibrated from data)</td></tr> : null}
            <tr><th>Build time</th><td>{formatMs(view.timingsMs.total)} (materialize {formatMs(view.timingsMs.materialize)}, compare {formatMs(view.timingsMs.comparison)})</td></tr>
          </tbody>
        </table>
        {view.sensitivity ? (
          <p className="muted">Sensitivity: {view.sensitivity.samples} samples, metric {view.sensitivity.metric}, {formatCount(view.sensitivity.evaluations)} evaluations{view.sensitivity.suggestion ? ` · suggestion ${view.sensitivity.suggestion.pins.length} pins (${view.sensitivity.suggestion.met ? 'meets' : 'misses'} target)` : ''}.</p>
        ) : null}
      </Card>
      <Card title="Worst layers (SQNR, this build)">
        <table className="grid compact worst-layers">
          <thead><tr><th>Layer</th><th>Op</th><th className="num">SQNR</th><th className="num">Saturated</th></tr></thead>
          <tbody>
            {sortRows(view.layers, DEFAULT_SORT).slice(0, 8).map((r) => (
              <tr key={r.id}>
                <td className="ellipsis" title={r.name}>{onOpenLayer ? <button type="button" className="link" onClick={() => onOpenLayer(r.id)}>{r.name}</button> : r.name}</td>
                <td>{r.opType}</td>
                <td className="num">{formatDb(r.sqnrDb, { exact: r.mse === 0 })}</td>
                <td className="num">{formatPercent(r.saturationRate, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Layers by op type and precision">
        <table className="grid compact">
          <thead><tr><th>Op type</th><th className="num">INT8</th><th className="num">FP16</th><th className="num">FP32</th><th className="num">Total</th></tr></thead>
          <tbody>
            {byOp.slice(0, 14).map((r) => (
              <tr key={r.opType}><td>{r.opType}</td><td className="num">{r.counts.int8 ? formatCount(r.counts.int8) : ''}</td><td className="num">{r.counts.fp16 ? formatCount(r.counts.fp16) : ''}</td><td className="num">{r.counts.fp32 ? formatCount(r.counts.fp32) : ''}</td><td className="num">{formatCount(r.total)}</td></tr>
            ))}
            {byOp.length > 14 ? <tr><td colSpan={5} className="muted">+{byOp.length - 14} more op types</td></tr> : null}
          </tbody>
        </table>
      </Card>
      <Card title={`Warnings (${view.warnings.length})`}>
        {view.warnings.length ? <ul className="warnings">{view.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul> : <p className="muted">None.</p>}
      </Card>
    </div>
  );
}

/**
 * Where the reduced-precision model ran and, for a TensorRT engine, how many layers it fused away and how many it ran
 * in a wider precision than the plan asked (a link to exactly those layers in the table when `onShowWider` is given).
 */
function BackendRow({ settings, layers, onShowWider }: { settings: BuildSummary['view']['settings']; layers: BuildSummary['view']['layers']; onShowWider?: () => void }) {
  const fused = fusedLayersNote(settings);
  const tensorRt = isTensorRtBuild(settings);
  const wider = tensorRt ? widerThanPlannedCount(layers) : 0;
  const linked = tensorRt && layers.some((r) => r.enginePrecision !== null);
  const widerTitle = 'Layers whose TensorRT engine layer ran in a wider precision than the plan asked (e.g. FP32 where INT8 was asked: no INT8 kernel, or the Q/DQ placement kept TensorRT from fusing INT8). They run slower than planned and were not measured at the planned precision.';
  return (
    <tr className="backend-row">
      <th>Ran on</th>
      <td>
        {backendLabel(settings)}
        {fused ? <div className="muted small" title="Their outputs exist only inside a fused engine layer, so there is nothing to compare with FP32; their table rows read 'fused'.">{fused}</div> : null}
        {wider > 0 ? (
          <div className="small warn wider-note" title={widerTitle}>
            ⚠ {onShowWider ? <button type="button" className="link warn" onClick={onShowWider}>{widerThanPlannedNote(wider)}</button> : widerThanPlannedNote(wider)}
          </div>
        ) : linked ? (
          <div className="muted small">No layer ran wider than planned</div>
        ) : null}
      </td>
    </tr>
  );
}

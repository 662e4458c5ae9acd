/** @jsxRuntime automatic */
import type { LayerDetail, LayerRow, NodeRef } from '../../../app/contract/views';
import type { Precision } from '../../../app/precision/plan';
import { CalibrationHistogramChart } from '../charts/CalibrationHistogramChart';
import { OutputHistogramChart } from '../charts/OutputHistogramChart';
import { PerChannelChart } from '../charts/PerChannelChart';
import { WeightAmaxChart } from '../charts/WeightAmaxChart';
import { formatCosine, formatDb, formatDims, formatLayerTime, formatNumber, formatPercent, formatCount } from '../format/units';
import { widerThanPlannedTooltip } from '../state/backend-logic';
import type { UiError } from '../state/store';
import { ErrorState, LoadingState } from './EmptyState';
import { PrecisionToggle } from './PrecisionToggle';
import { RanAs } from './RanAs';

export interface LayerDetailPanelProps {
  layerId: string;
  row: LayerRow | undefined;
  detail: LayerDetail | undefined;
  loading: boolean;
  error: UiError | undefined;
  /** Staged precision (or the built one). */
  precision: Precision;
  heatmapScaleMax: number;
  onStage: (precision: Precision) => void;
  onOpenLayer: (layerId: string) => void;
  onClose: () => void;
  onRetry: () => void;
  chartWidth?: number;
  /** A TensorRT build: a layer without metrics is one the engine fused away (said instead of "not compared"). */
  fusedOutputs?: boolean;
  /** A TensorRT build: the "TensorRT" block (engine layer, fusion, realized precision vs the plan, average time). */
  tensorRt?: boolean;
}

function Metric({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <div className="metric" title={title}>
      <span className="metric-value">{value}</span>
      <span className="metric-label">{label}</span>
    </div>
  );
}

function NodeList({ title, nodes, onOpen }: { title: string; nodes: readonly NodeRef[]; onOpen: (id: string) => void }) {
  return (
    <div className="node-list">
      <h4>{title} ({nodes.length})</h4>
      {nodes.length === 0 ? <div className="muted">none (graph input / output)</div> : null}
      <ul>
        {nodes.map((n) => (
          <li key={`${n.name}:${n.tensor}`}>
            {n.layerId ? <button type="button" className="link" onClick={() => onOpen(n.layerId!)}>{n.name}</button> : <span>{n.name}</span>}
            <span className="muted"> {n.opType} · <code>{n.tensor}</code></span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A node path that may wrap after each "/" (long ONNX names would otherwise break mid-word or overflow). */
function breakAtSlashes(path: string) {
  return path.split('/').map((piece, i) => (i === 0 ? piece : <span key={i}>/<wbr />{piece}</span>));
}

/**
 * The engine layer computing this layer in a TensorRT build: its name, how many ONNX nodes it fuses (known once the
 * detail has loaded), the precision TensorRT realized (with the wider-than-planned warning) and its average time.
 */
export function EngineBlock({ row, detail }: { row: LayerRow | undefined; detail: LayerDetail | undefined }) {
  const link = detail?.layer.engine ?? null;
  const name = row?.engineLayer ?? link?.name ?? null;
  const ran = { precision: row?.precision ?? detail?.layer.precision ?? 'int8', engineLayer: name, enginePrecision: row?.enginePrecision ?? link?.precision ?? null };
  const warning = widerThanPlannedTooltip(ran);
  const ms = row?.engineMs ?? link?.averageMs ?? null;
  const fused = link ? (link.fusedNodes > 1 ? `fused with ${link.fusedNodes - 1} other ONNX node${link.fusedNodes === 2 ? '' : 's'} (${link.fusedNodes} in this engine layer)` : 'not fused (this node only)') : null;
  return (
    <section className="engine-block">
      <h3>TensorRT</h3>
      {name === null ? (
        <div className="muted">No engine layer maps to this layer (e.g. it runs inside a Myelin region without per-node metadata).</div>
      ) : (
        <table className="kv">
          <tbody>
            <tr><th>Engine layer</th><td className="engine-name" title={name}>{name.split(' + ').map((part, i, parts) => <code key={i}>{breakAtSlashes(i < parts.length - 1 ? `${part} +` : part)}</code>)}</td></tr>
            <tr><th>Fusion</th><td>{fused ?? <span className="muted">–</span>}</td></tr>
            <tr><th>Ran as</th><td><RanAs row={ran} /> <span className="muted">planned {ran.precision.toUpperCase()}</span>{warning ? <div className="warn small">{warning}</div> : null}</td></tr>
            <tr><th>Average time</th><td>{ms === null ? <span className="muted">not profiled</span> : `${formatLayerTime(ms)} per inference`}</td></tr>
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Everything about one layer: accumulated and isolated error, histograms, per-channel error, weights, neighbours. */
export function LayerDetailPanel(props: LayerDetailPanelProps) {
  const { row, detail, chartWidth = 500 } = props;
  const layer = detail?.layer;
  const metrics = layer?.metrics ?? null;
  return (
    <aside className="detail-panel" aria-label="Layer detail">
      <header className="detail-head">
        <div className="detail-title">
          <h2 title={row?.name ?? props.layerId}>{row?.name ?? props.layerId}</h2>
          <div className="muted">{row?.opType ?? layer?.opType} · <code>{props.layerId}</code>{row?.graphPath ? ` · ${row.graphPath}` : ''} · output <code>{row?.output ?? layer?.output}</code> {formatDims(row?.outputDims ?? layer?.outputDims)}</div>
        </div>
        <button type="button" onClick={props.onClose} aria-label="Close detail">✕</button>
      </header>
      <div className="detail-precision">
        Precision {row ? <PrecisionToggle value={props.precision} built={row.precision} onChange={props.onStage} /> : null}
        {row && props.precision !== row.precision ? <span className="staged-count">staged — rebuild to apply</span> : null}
      </div>
      {props.tensorRt ? <EngineBlock row={row} detail={detail} /> : null}
      <section>
        <h3>Accumulated error (this build, vs FP32)</h3>
        <div className="metric-row">
          <Metric label="SQNR" value={formatDb(row?.sqnrDb, { exact: row?.mse === 0 })} />
          <Metric label="cosine" value={formatCosine(row?.cosineSimilarity)} />
          <Metric label="rel. L2" value={formatPercent(row?.relL2Error, 2)} />
          <Metric label="max |err|" value={formatNumber(row?.maxAbsError)} />
          <Metric label="p99 |err|" value={formatNumber(row?.p99AbsError)} />
          <Metric label="saturated" value={formatPercent(row?.saturationRate, 2)} title="Share of inputs clipped to ±127" />
          <Metric label="NaN/Inf" value={formatCount(row?.nonFiniteCount)} />
        </div>
        <h3>Isolated (only this layer reduced — sensitivity)</h3>
        {detail?.isolated ? (
          <div className="metric-row">
            <Metric label="final cosine" value={formatCosine(detail.isolated.cosineSimilarity)} />
            <Metric label="final SQNR" value={formatDb(detail.isolated.sqnrDb)} />
            <Metric label="top-1 agreement" value={formatPercent(detail.isolated.top1Agreement)} />
            <Metric label="rank" value={detail.sensitivityRank === null ? '–' : `#${detail.sensitivityRank}`} />
          </div>
        ) : (
          <div className="muted">Not measured yet — run "Sensitivity + apply" (or pwb sensitivity).</div>
        )}
      </section>
      {props.error ? <ErrorState error={props.error} onRetry={props.onRetry} /> : null}
      {!detail && props.loading ? <LoadingState what="histograms" /> : null}
      {layer ? (
        <>
          <section>
            <h3>Output values: FP32 vs reduced</h3>
            {metrics && metrics.outputHistograms.binEdges.length > 1 ? <OutputHistogramChart histograms={metrics.outputHistograms} width={chartWidth} /> : <div className="muted">{props.fusedOutputs && !metrics ? 'Fused inside a TensorRT engine layer: no output to compare with FP32.' : 'Not compared in this build.'}</div>}
          </section>
          <section>
            <h3>Calibration: |x| and the clip at amax</h3>
            {layer.activations.length ? layer.activations.map((a) => <CalibrationHistogramChart key={a.tensor} activation={a} width={chartWidth} />) : <div className="muted">No quantized activation input (not INT8 in this build).</div>}
          </section>
          <section>
            <h3>Per-channel error</h3>
            {metrics && metrics.perChannel.relL2Error.length ? (
              <PerChannelChart values={metrics.perChannel.relL2Error} scaleMax={props.heatmapScaleMax} bucketed={metrics.perChannel.bucketed} width={chartWidth} />
            ) : (
              <div className="muted">No per-channel error (no channel axis or not compared).</div>
            )}
          </section>
          <section>
            <h3>Weights</h3>
            {layer.weight ? <WeightAmaxChart weight={layer.weight} width={chartWidth} /> : <div className="muted">This layer has no weight tensor.</div>}
          </section>
          <section className="neighbours">
            <NodeList title="Producers" nodes={detail!.producers} onOpen={props.onOpenLayer} />
            <NodeList title="Consumers" nodes={detail!.consumers} onOpen={props.onOpenLayer} />
          </section>
        </>
      ) : null}
    </aside>
  );
}

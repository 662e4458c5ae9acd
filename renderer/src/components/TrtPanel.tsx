/** @jsxRuntime automatic */
import { useMemo, useState, type ReactNode } from 'react';
import type { TensorRtStatus } from '../../../app/contract/service';
import type { TrtImportResult } from '../../../app/trt/types';
import { formatCount, formatLayerTime } from '../format/units';
import type { UiError } from '../state/store';
import { availableSections, shortFile, tacticLogs, workbenchLayerIndex, type TrtSection } from '../state/trt-logic';
import { EmptyState, ErrorState, LoadingState } from './EmptyState';
import { TacticLogViewer } from './TacticLogViewer';
import { TensorRtStatusLine } from './TensorRtNotes';
import { EngineDiffTable, LayerTimingTable, PrecisionMixLine, PrecisionVsPlan } from './TrtEngineViews';

export interface TrtPanelProps {
  result: TrtImportResult | null;
  loading: boolean;
  error: UiError | null;
  /** The open session's model (file name) — artifacts are mapped to it and checked against its plan — or null. */
  sessionModel: string | null;
  /** The paths of the last import (pre-fills the field). */
  initialPaths?: readonly string[];
  /** Desktop only: asks the shell for a file (models, .json/.log/.cache); absent in browser mode. */
  pickFile?: () => Promise<string | null>;
  onImport: (paths: string[]) => void;
  /** The open build's layers: mapped ONNX nodes that are workbench layers open their detail. */
  buildLayers?: readonly { id: string; name: string }[];
  onOpenLayer?: (layerId: string) => void;
  /** Tests / screenshots: which section and engine are shown first. */
  initialSection?: TrtSection;
  initialEngine?: number;
  busy?: boolean;
  /** This machine's TensorRT (null while unknown), shown on the view's first line. */
  tensorRt?: TensorRtStatus | null;
  /** The current build ran on a TensorRT engine: offers "Show this build's engine" (trtBuildArtifacts). */
  buildEngine?: { buildId: number; version: string; onShow: () => void } | null;
  /** Where the shown result came from when it is not an import ("Engine of build #3 …"). */
  resultOrigin?: string | null;
}

const SECTION_LABEL: Record<TrtSection, string> = { tactics: 'Tactic log', timing: 'Layer timing', precision: 'Precision vs plan', diff: 'Engine diff' };

export function parsePaths(text: string): string[] {
  return text.split(/\r?\n/).map((p) => p.trim()).filter(Boolean);
}

/** The TensorRT view: import trtexec logs / layer-info / profile JSON, then tactics, timing, realized precision, diffs. */
export function TrtPanel(props: TrtPanelProps) {
  const { result } = props;
  return (
    <div className="trt-view">
      <TrtStatusBar {...props} />
      <TrtImportForm {...props} />
      {props.loading ? <LoadingState what="TensorRT artifacts" /> : null}
      {props.error ? <ErrorState error={props.error} /> : null}
      {result ? <TrtResultView {...props} result={result} /> : !props.loading && !props.error ? (
        <EmptyState title="No TensorRT artifacts imported">
          Import what <code>trtexec</code> wrote for your engine: the <code>--verbose</code> build log (tactics, warnings), <code>--exportLayerInfo</code> and <code>--exportProfile</code> JSON (layers, precision, timing), several builds of one network to compare them, or a folder holding them.
        </EmptyState>
      ) : null}
    </div>
  );
}

/** What TensorRT this machine has and, for a build that ran on a TensorRT engine, the button that shows that engine. */
function TrtStatusBar({ tensorRt = null, buildEngine, loading, busy }: TrtPanelProps) {
  return (
    <div className="trt-status" role="status">
      <TensorRtStatusLine status={tensorRt} />
      {buildEngine ? (
        <button type="button" disabled={loading || busy} title={`Build #${buildEngine.buildId} ran on a TensorRT ${buildEngine.version} engine: its build log, layer info and profile, mapped to the model and the build's plan`} onClick={buildEngine.onShow}>
          Show this build's engine
        </button>
      ) : null}
    </div>
  );
}

function TrtImportForm({ initialPaths, pickFile, onImport, loading, busy, sessionModel }: TrtPanelProps) {
  const [text, setText] = useState(() => (initialPaths ?? []).join('\n'));
  const paths = parsePaths(text);
  const browse = async () => {
    const picked = await pickFile?.();
    if (picked) setText((t) => (t.trim() ? `${t.replace(/\s+$/, '')}\n${picked}` : picked));
  };
  return (
    <section className="card trt-import" aria-label="Import TensorRT artifacts">
      <h2>TensorRT artifacts</h2>
      <p className="muted">
        trtexec logs (<code>--verbose</code>, <code>--dumpLayerInfo</code>, <code>--dumpProfile</code>), <code>--exportLayerInfo</code> / <code>--exportProfile</code> / <code>--exportTimes</code> JSON, TREx exports, calibration caches, polygraphy logs. Files of one engine are grouped by file name.
      </p>
      <div className="field-row">
        <label className="grow">Files or folders, one per line
          <textarea rows={3} spellCheck={false} placeholder={'engines/resnet50-int8.log\nengines/resnet50-int8.layers.json'} value={text} onChange={(e) => setText(e.target.value)} aria-label="Files or folders, one per line" />
        </label>
        <div className="import-buttons">
          {pickFile ? <button type="button" onClick={() => void browse()}>Browse…</button> : null}
          <button type="button" className="primary" disabled={paths.length === 0 || loading || busy} onClick={() => onImport(paths)}>Import</button>
        </div>
      </div>
      <p className="muted small">
        {sessionModel ? <>Engine layers are mapped to <b>{sessionModel}</b> and checked against its current precision plan.</> : <>No model open: layers are mapped by name only. Open a model first to check the engine against its precision plan.</>}
      </p>
    </section>
  );
}

function TrtResultView(props: TrtPanelProps & { result: TrtImportResult }) {
  const { result } = props;
  const sections = useMemo(() => availableSections(result), [result]);
  const [section, setSection] = useState<TrtSection | null>(props.initialSection ?? null);
  const shown = section && sections.includes(section) ? section : sections[0] ?? null;
  return (
    <>
      {props.resultOrigin ? <p className="trt-origin">{props.resultOrigin}</p> : null}
      <TrtSummaryCard result={result} />
      {sections.length > 0 && shown ? (
        <section className="card trt-section" aria-label={SECTION_LABEL[shown]}>
          <div className="segmented section-tabs" role="tablist" aria-label="TensorRT sections">
            {(['tactics', 'timing', 'precision', 'diff'] as TrtSection[]).map((s) => (
              <button type="button" role="tab" key={s} aria-selected={s === shown} className={s === shown ? 'on' : ''} disabled={!sections.includes(s)} onClick={() => setSection(s)}>
                {SECTION_LABEL[s]}
              </button>
            ))}
          </div>
          <SectionBody {...props} section={shown} />
        </section>
      ) : result.summaries.length > 0 ? <p className="muted">These files hold no tactic search, engine layers or profile to show beyond the summary above.</p> : null}
    </>
  );
}

function SectionBody(props: TrtPanelProps & { result: TrtImportResult; section: TrtSection }) {
  const { result, section } = props;
  const logs = useMemo(() => tacticLogs(result), [result]);
  const [logIndex, setLogIndex] = useState(0);
  const [engineIndex, setEngineIndex] = useState(props.initialEngine ?? 0);
  const [diffIndex, setDiffIndex] = useState(0);
  const engine = result.engines[Math.min(engineIndex, result.engines.length - 1)];
  const workbenchLayers = useMemo(() => workbenchLayerIndex(engine, props.buildLayers ?? []), [engine, props.buildLayers]);
  const picker = (label: string, items: readonly string[], value: number, onChange: (i: number) => void): ReactNode =>
    items.length > 1 ? (
      <label className="inline picker">{label}
        <select aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value))}>
          {items.map((item, i) => <option key={i} value={i}>{item}</option>)}
        </select>
      </label>
    ) : items.length === 1 ? <span className="picker-one">{label} <b title={items[0]}>{items[0]}</b></span> : null;
  switch (section) {
    case 'tactics': {
      const log = logs[Math.min(logIndex, logs.length - 1)];
      return (
        <>
          <div className="section-head">{picker('Log', logs.map((l) => shortFile(l.file)), logIndex, setLogIndex)}</div>
          <TacticLogViewer key={log.file} file={log.file} log={log.log} />
        </>
      );
    }
    case 'timing':
      return (
        <>
          <div className="section-head">{picker('Engine', result.engines.map((e) => e.label), engineIndex, setEngineIndex)}</div>
          <LayerTimingTable key={engine.id} engine={engine} />
        </>
      );
    case 'precision':
      return (
        <>
          <div className="section-head">{picker('Engine', result.engines.map((e) => e.label), engineIndex, setEngineIndex)}</div>
          <PrecisionVsPlan key={engine.id} engine={engine} workbenchLayers={workbenchLayers} onOpenLayer={props.onOpenLayer} sessionOpen={props.sessionModel !== null} />
        </>
      );
    case 'diff': {
      const diff = result.diffs[Math.min(diffIndex, result.diffs.length - 1)];
      return (
        <>
          <div className="section-head">{picker('Engines', result.diffs.map((d) => d.labels.join(' vs ')), diffIndex, setDiffIndex)}</div>
          <EngineDiffTable diff={diff} />
        </>
      );
    }
  }
}

/** Per-file summary (what `pwb trt-import` prints) and the files that could not be read. */
export function TrtSummaryCard({ result }: { result: TrtImportResult }) {
  return (
    <section className="card trt-summary" aria-label="Imported files">
      <h2>
        {result.summaries.length} file{result.summaries.length === 1 ? '' : 's'} imported · {result.engines.length} engine{result.engines.length === 1 ? '' : 's'}
        {result.diffs.length ? ` · ${result.diffs.length} comparison${result.diffs.length === 1 ? '' : 's'}` : ''}
        {result.failures.length ? <span className="bad"> · {result.failures.length} failed</span> : null}
      </h2>
      {result.failures.length ? (
        <ul className="failures" role="alert">
          {result.failures.map((f, i) => (
            <li key={i}><code className="error-code">{f.code}</code> <code className="path" title={f.file}>{f.file}</code>: {f.message.startsWith(`${f.file}: `) ? f.message.slice(f.file.length + 2) : f.message}</li>
          ))}
        </ul>
      ) : null}
      {result.summaries.length ? (
        <div className="summary-scroll">
          <table className="grid compact">
            <thead>
              <tr><th>File</th><th>Kind</th><th>TensorRT</th><th className="num">Layers</th><th>Precision</th><th className="num">Total time</th><th className="num">Tactics</th><th className="num">Warnings</th><th className="num">Errors</th><th>Notes</th></tr>
            </thead>
            <tbody>
              {result.summaries.map((s, i) => (
                <tr key={i}>
                  <td className="ellipsis file" title={s.file}>{shortFile(s.file)}</td>
                  <td className="nowrap">{s.kind}</td>
                  <td>{s.trtVersion ?? '–'}</td>
                  <td className="num">{s.layerCount !== undefined ? formatCount(s.layerCount) : '–'}</td>
                  <td className="nowrap">{s.precisionMix ? <PrecisionMixLine mix={s.precisionMix} /> : '–'}</td>
                  <td className="num">{formatLayerTime(s.totalTimeMs)}</td>
                  <td className="num" title={s.tacticSearches !== undefined ? `${s.chosenTactics ?? 0} of ${s.tacticSearches} searches chose a tactic; ${s.tacticCandidates ?? 0} candidates` : undefined}>
                    {s.tacticSearches !== undefined ? `${s.chosenTactics ?? 0}/${s.tacticSearches} · ${formatCount(s.tacticCandidates ?? 0)} cand.` : '–'}
                  </td>
                  <td className={`num${s.warningCount ? ' warn' : ''}`}>{s.warningCount}</td>
                  <td className={`num${s.errorCount ? ' bad' : ''}`}>{s.errorCount}</td>
                  <td className="notes" title={s.notes.join('\n')}>{s.notes.join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

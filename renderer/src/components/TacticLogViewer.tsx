/** @jsxRuntime automatic */
import { useMemo, useState } from 'react';
import type { FormatCombination, LayerTactics, LogDiagnostic, TrtexecLog } from '../../../app/trt/types';
import { formatCount, formatLayerTime, formatRatio } from '../format/units';
import { candidateCount, candidateRows, chosenTactic, combinationHasData, filterTactics, isSelectedCombination, tacticKey, type CandidateRow } from '../state/trt-logic';
import { EmptyState } from './EmptyState';
import { ScrollTable } from './ScrollTable';

export interface TacticLogViewerProps {
  file: string;
  log: TrtexecLog;
  /** Tests / deep links: the tactic search shown first (tacticKey), else the first one that matches the filter. */
  initialKey?: string;
  initialFilter?: string;
}

/**
 * The tactic search of a trtexec --verbose build log: a filterable list of layer searches (one per builder pass), and
 * for the chosen one every format combination with its candidates sorted by time, the chosen tactic highlighted.
 * Then the log's warnings and errors with line numbers.
 */
export function TacticLogViewer({ file, log, initialKey, initialFilter = '' }: TacticLogViewerProps) {
  const [text, setText] = useState(initialFilter);
  const [pass, setPass] = useState<number | null>(null);
  const [selectedKey, setSelectedKey] = useState<string | null>(initialKey ?? null);
  const filtered = useMemo(() => filterTactics(log.tactics, { text, pass }), [log.tactics, text, pass]);
  const selected = filtered.find((t) => tacticKey(t) === selectedKey) ?? filtered[0] ?? null;
  const chosenCount = log.tactics.filter((t) => chosenTactic(t) !== null).length;
  const candidates = log.tactics.reduce((n, t) => n + candidateCount(t), 0);
  return (
    <div className="tactic-viewer">
      <p className="stat-line">
        <b>{formatCount(log.lineCount)}</b> lines{log.trtVersion ? <> · TensorRT <b>{log.trtVersion}</b></> : null}
        {log.precisionFlags ? <> · {log.precisionFlags}</> : null} · <b>{log.builderPasses}</b> builder pass{log.builderPasses === 1 ? '' : 'es'} · <b>{log.tactics.length}</b> tactic searches ({chosenCount} with a chosen tactic) · <b>{formatCount(candidates)}</b> candidates
        {log.droppedCandidates ? <> ({formatCount(log.droppedCandidates)} counted, not stored)</> : null}
        {log.status ? <> · trtexec <span className={log.status === 'PASSED' ? 'good' : 'bad'}>{log.status}</span></> : null}
      </p>
      {log.tactics.length === 0 ? (
        <p className="muted">This log has no tactic search (build it with <code>trtexec --verbose</code> to see the candidates TensorRT timed).</p>
      ) : (
        <div className="tactic-grid">
          <div className="tactic-list">
            <div className="filter-bar">
              <input type="search" placeholder="Filter layers by name" aria-label="Filter layers by name" value={text} onChange={(e) => setText(e.target.value)} />
              {log.builderPasses > 1 ? (
                <select aria-label="Builder pass" value={pass ?? ''} onChange={(e) => setPass(e.target.value === '' ? null : Number(e.target.value))}>
                  <option value="">All passes</option>
                  {Array.from({ length: log.builderPasses }, (_, i) => <option key={i} value={i}>Pass {i + 1}</option>)}
                </select>
              ) : null}
              <span className="count muted">{filtered.length} of {log.tactics.length}</span>
            </div>
            {filtered.length === 0 ? <EmptyState title="No layer matches">Clear the filter to see every tactic search.</EmptyState> : (
              <ScrollTable
                label={`Tactic searches in ${file}`}
                className="clickable"
                maxHeight={520}
                rows={filtered}
                head={<tr><th>Layer</th><th className="num">Pass</th><th className="num">Cand.</th><th className="num">Chosen</th></tr>}
                renderRow={(t) => {
                  const chosen = chosenTactic(t);
                  const key = tacticKey(t);
                  return (
                    <tr key={key} className={selected && tacticKey(selected) === key ? 'current' : ''} onClick={() => setSelectedKey(key)} data-tactic-key={key}>
                      <td className="ellipsis wide" title={`${t.name}\nline ${t.line}`}>
                        <button type="button" className="link" onClick={(e) => { e.stopPropagation(); setSelectedKey(key); }}>{t.name}</button>
                        {t.inFinalEngine ? <span className="tag" title="This search's tactic is the one in the final engine">final</span> : null}
                      </td>
                      <td className="num">{t.pass + 1}</td>
                      <td className="num">{formatCount(candidateCount(t))}</td>
                      <td className="num">{chosen ? formatLayerTime(chosen.timeMs) : '–'}</td>
                    </tr>
                  );
                }}
              />
            )}
          </div>
          <div className="tactic-detail">{selected ? <TacticDetail tactics={selected} key={tacticKey(selected)} /> : null}</div>
        </div>
      )}
      <DiagnosticsList diagnostics={log.diagnostics} warningCount={log.warningCount} errorCount={log.errorCount} />
    </div>
  );
}

/** One layer's tactic search: what was chosen, then each format combination's candidates. */
export function TacticDetail({ tactics }: { tactics: LayerTactics }) {
  const withData = tactics.combinations.filter(combinationHasData);
  const empty = tactics.combinations.length - withData.length;
  const firstOpen = withData.find((c) => isSelectedCombination(tactics, c)) ?? withData[0];
  const [open, setOpen] = useState<ReadonlySet<FormatCombination>>(() => new Set(firstOpen ? [firstOpen] : []));
  const chosen = chosenTactic(tactics);
  const toggle = (c: FormatCombination) => setOpen((s) => { const next = new Set(s); if (next.has(c)) next.delete(c); else next.add(c); return next; });
  return (
    <div className="tactic-layer">
      <h3 className="tactic-title" title={tactics.name}>{tactics.name}</h3>
      <p className="muted small">
        line {tactics.line} · builder pass {tactics.pass + 1} · {tactics.combinations.length} format combination{tactics.combinations.length === 1 ? '' : 's'}
        {tactics.inFinalEngine ? <> · <span className="tag">in the final engine</span></> : null}
        {tactics.metadataNodes.length ? <> · ONNX {tactics.metadataNodes.join(', ')}</> : null}
      </p>
      {chosen ? (
        <table className="kv chosen-kv">
          <tbody>
            <tr><th>Chosen tactic</th><td><code>{chosen.tactic}</code>{chosen.runner ? <> · {chosen.runner}</> : null} · <b>{formatLayerTime(chosen.timeMs)}</b>{chosen.cached ? <span className="muted"> (timing cache)</span> : null}</td></tr>
            {chosen.tacticName ? <tr><th>Kernel</th><td><code className="path">{chosen.tacticName}</code></td></tr> : null}
            {chosen.formats ? <tr><th>Formats</th><td><code>{chosen.formats}</code></td></tr> : null}
          </tbody>
        </table>
      ) : <p className="muted">No tactic was chosen in this search (TensorRT fused or removed the layer, or the search ended early).</p>}
      {withData.map((c, i) => {
        const isOpen = open.has(c);
        const selected = isSelectedCombination(tactics, c);
        const rows = isOpen ? candidateRows(c) : [];
        return (
          <div key={`${c.line}:${i}`} className={`combo${selected ? ' selected' : ''}`}>
            <button type="button" className="combo-head" aria-expanded={isOpen} onClick={() => toggle(c)}>
              <span className="caret">{isOpen ? '▾' : '▸'}</span>
              <code>{c.formats}</code>
              <span className="muted">
                {c.candidates.length ? `${c.candidates.length} candidates` : c.chosen?.cached ? 'timing cache' : 'no candidates'}
                {c.droppedCandidates ? ` (+${c.droppedCandidates} not stored)` : ''}
                {c.chosen ? ` · chosen ${formatLayerTime(c.chosen.timeMs)}` : ''}
              </span>
              {selected ? <span className="tag">kept</span> : null}
            </button>
            {isOpen && rows.length > 0 ? <CandidateTable rows={rows} /> : null}
            {isOpen && rows.length === 0 && c.chosen ? <p className="muted small indent">Chosen from the timing cache: <code>{c.chosen.tactic}</code> at {formatLayerTime(c.chosen.timeMs)}; no candidates were timed in this pass.</p> : null}
          </div>
        );
      })}
      {empty > 0 ? <p className="muted small">{empty} format combination{empty === 1 ? '' : 's'} had no tactic to time.</p> : null}
    </div>
  );
}

export function CandidateTable({ rows }: { rows: readonly CandidateRow[] }) {
  return (
    <ScrollTable
      label="Candidates"
      className="candidates"
      maxHeight={300}
      rows={rows}
      head={<tr><th className="num">#</th><th>Tactic</th><th className="num">Time</th><th className="num">vs fastest</th><th>Runner</th><th>Kernel</th></tr>}
      renderRow={(c) => (
        <tr key={`${c.rank}`} className={c.chosen ? 'chosen' : ''} aria-selected={c.chosen}>
          <td className="num">{c.rank}</td>
          <td><code>{c.tactic}</code>{c.chosen ? <span className="tag">chosen</span> : null}</td>
          <td className="num">{c.timeMs === null ? 'skipped' : formatLayerTime(c.timeMs)}</td>
          <td className="num">{formatRatio(c.ratio)}</td>
          <td className="nowrap">{c.runner ?? '–'}</td>
          <td className="kernel" title={c.tacticName}><span className="clip">{c.tacticName ?? ''}</span></td>
        </tr>
      )}
    />
  );
}

export function DiagnosticsList({ diagnostics, warningCount, errorCount }: { diagnostics: readonly LogDiagnostic[]; warningCount: number; errorCount: number }) {
  const [severity, setSeverity] = useState<'all' | 'warning' | 'error'>('all');
  const rows = severity === 'all' ? diagnostics : diagnostics.filter((d) => d.severity === severity);
  return (
    <div className="diagnostics">
      <h3>
        <span>Warnings and errors: <span className={warningCount ? 'warn' : ''}>{warningCount} warning{warningCount === 1 ? '' : 's'}</span>, <span className={errorCount ? 'bad' : ''}>{errorCount} error{errorCount === 1 ? '' : 's'}</span></span>
        {diagnostics.length > 0 ? (
          <select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
            <option value="all">All</option>
            <option value="warning">Warnings</option>
            <option value="error">Errors</option>
          </select>
        ) : null}
      </h3>
      {rows.length === 0 ? <p className="muted">{diagnostics.length === 0 ? 'The log has no warnings or errors.' : 'None of this severity.'}</p> : (
        <ScrollTable
          label="Warnings and errors"
          maxHeight={260}
          rows={rows}
          head={<tr><th className="num">Line</th><th>Severity</th><th>Message</th></tr>}
          renderRow={(d, i) => (
            <tr key={i}>
              <td className="num">{d.line}</td>
              <td><span className={`sev sev-${d.severity}`}>{d.severity}</span></td>
              <td className="message" title={d.message}>{d.message}</td>
            </tr>
          )}
        />
      )}
    </div>
  );
}

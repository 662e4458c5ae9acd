/** @jsxRuntime automatic */
import { useState } from 'react';
import type { ExportedFiles, ExportRequest, TensorRtStatus } from '../../../app/contract/service';
import type { ExportKind } from '../../../app/export/export-artifacts';
import { describeError } from '../client/client-error';
import { EXPORT_KIND_LIST } from '../format/choices';
import { formatBytes } from '../format/units';
import type { ShellApi } from '../host/host';
import { canUseTensorRt } from '../state/backend-logic';
import { exportRequest } from '../state/export-logic';
import { ErrorState } from './EmptyState';
import { TensorRtUnavailableLine } from './TensorRtNotes';

export interface ExportDialogProps {
  sessionId: string;
  buildId: number;
  shell: ShellApi | null;
  busy: boolean;
  run: (request: ExportRequest) => Promise<ExportedFiles>;
  /** This machine's TensorRT (null while unknown): the engine option is enabled only when it is available. */
  tensorRt: TensorRtStatus | null;
  /** Shown before the first export (tests). */
  initialResult?: ExportedFiles | null;
}

/** Export a build: out folder, which artifacts, overwrite; then the list of written files. */
export function ExportDialog(props: ExportDialogProps) {
  const [outDir, setOutDir] = useState('');
  const [kinds, setKinds] = useState<Set<ExportKind>>(() => new Set(EXPORT_KIND_LIST.map((k) => k.kind)));
  const [force, setForce] = useState(false);
  const [engine, setEngine] = useState(false);
  const [result, setResult] = useState<ExportedFiles | null>(props.initialResult ?? null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const toggle = (kind: ExportKind) => setKinds((k) => { const next = new Set(k); if (next.has(kind)) next.delete(kind); else next.add(kind); return next; });
  const submit = async () => {
    setError(null);
    try {
      setResult(await props.run(exportRequest({ sessionId: props.sessionId, buildId: props.buildId, outDir, force, kinds, engine }, props.tensorRt)));
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <section className="card export-dialog" aria-label="Export">
      <h2>Export build #{props.buildId}</h2>
      <p className="muted">Writes what TensorRT builds exactly as analysed: the Q/DQ ONNX, scripts for trtexec, the plan and the report.</p>
      <div className="field-row">
        <label className="grow">Output folder <input type="text" spellCheck={false} placeholder="export/resnet50-int8" value={outDir} onChange={(e) => setOutDir(e.target.value)} /></label>
        {props.shell ? <button type="button" onClick={async () => { const dir = await props.shell!.saveFolderDialog({ title: 'Export folder' }); if (dir) setOutDir(dir); }}>Choose…</button> : null}
      </div>
      <fieldset className="kinds">
        <legend>Artifacts</legend>
        {EXPORT_KIND_LIST.map((k) => (
          <label className="check" key={k.kind}><input type="checkbox" checked={kinds.has(k.kind)} onChange={() => toggle(k.kind)} /> {k.label}</label>
        ))}
      </fieldset>
      <EngineOption checked={engine} tensorRt={props.tensorRt} onChange={setEngine} />
      <label className="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Overwrite existing files</label>
      <div className="actions">
        <button type="button" className="primary" disabled={props.busy || !outDir.trim() || kinds.size === 0} onClick={() => void submit()}>Export</button>
      </div>
      {error ? <ErrorState error={error} /> : null}
      {result ? (
        <div className="export-result">
          <h3>Written to <code>{result.outDir}</code></h3>
          <table className="grid compact">
            <thead><tr><th>Kind</th><th>File</th><th className="num">Size</th></tr></thead>
            <tbody>
              {result.files.map((f) => (
                <tr key={f.path}>
                  <td>{f.kind}</td>
                  <td><code>{f.path}</code></td>
                  <td className="num">{formatBytes(f.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.warnings.length ? <ul className="warnings">{result.warnings.map((w) => <li key={w}>{w}</li>)}</ul> : null}
        </div>
      ) : null}
    </section>
  );
}

/** Also build model.engine with the TensorRT installed here; disabled, with the reason, where there is none. */
function EngineOption({ checked, tensorRt, onChange }: { checked: boolean; tensorRt: TensorRtStatus | null; onChange: (checked: boolean) => void }) {
  const usable = canUseTensorRt(tensorRt);
  return (
    <div className="engine-option">
      <label className={usable ? 'check' : 'check disabled'}>
        <input type="checkbox" checked={checked && usable} disabled={!usable} onChange={(e) => onChange(e.target.checked)} /> TensorRT engine (model.engine) — built with the TensorRT installed here
      </label>
      <TensorRtUnavailableLine status={tensorRt} />
    </div>
  );
}

/** @jsxRuntime automatic */
import { useEffect, useState } from 'react';
import type { SamplePreview } from '../../../app/contract/service';
import { CALIBRATORS_LIST } from '../format/choices';
import type { ShellApi } from '../host/host';
import { analyse, findAutosave, previewSample, reportError, restoreProject } from '../state/actions';
import type { WorkbenchProject } from '../../../app/contract/project';
import { DEFAULT_SETUP, requestFromForm, dataSpecFromForm, type SetupForm } from '../state/setup-form';
import { useWorkbench } from '../state/store';
import type { CalibratorName, Precision } from '../../../app/precision/plan';
import { BackendChoice } from './BackendChoice';
import { DataSourceFields } from './DataSourceFields';
import { PreprocessFields } from './PreprocessFields';
import { SamplePreviewCard } from './SamplePreviewCard';
import { describeError } from '../client/client-error';
import { ErrorState } from './EmptyState';

/** Start screen / calibration setup: model, data, preprocessing, calibrator, precision → Analyse. */
export function StartScreen({ shell, initial }: { shell: ShellApi | null; initial?: Partial<SetupForm> }) {
  const startup = useWorkbench((s) => s.startup);
  const busy = useWorkbench((s) => s.jobs.length > 0);
  const tensorRt = useWorkbench((s) => s.tensorRt);
  const [form, setForm] = useState<SetupForm>({ ...DEFAULT_SETUP, ...initial });
  const [problems, setProblems] = useState<string[]>([]);
  const [preview, setPreview] = useState<SamplePreview | null>(null);
  const [previewError, setPreviewError] = useState<{ code: string; message: string } | null>(null);
  const [recent, setRecent] = useState<string[]>([]);

  useEffect(() => {
    if (startup?.modelPath) setForm((f) => ({ ...f, modelPath: startup.modelPath ?? '' }));
  }, [startup]);
  useEffect(() => {
    shell?.recentFiles().then(setRecent, () => setRecent([]));
  }, [shell]);
  // An autosaved project of this model (from an earlier session or before a crash) can be restored in one click.
  const [autosaved, setAutosaved] = useState<{ path: string; project: WorkbenchProject } | null>(null);
  useEffect(() => {
    const modelPath = form.modelPath.trim();
    if (!modelPath.endsWith('.onnx')) return setAutosaved(null);
    let live = true;
    const timer = setTimeout(() => void findAutosave(modelPath).then((found) => live && setAutosaved(found)), 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [form.modelPath]);

  const patch = (change: Partial<SetupForm>) => setForm((f) => ({ ...f, ...change }));
  const browseModel = shell ? async () => { const path = await shell.openModelDialog(); if (path) patch({ modelPath: path }); } : undefined;
  const browseData = (which: 'calibration' | 'evaluation') =>
    shell ? async () => { const path = await shell.openFolderDialog({ title: `${which} data` }); if (path) patch({ [which]: { ...form[which], path } } as Partial<SetupForm>); } : undefined;

  const runPreview = async () => {
    const found: string[] = [];
    const data = dataSpecFromForm(form.calibration, form.preprocess, 'Calibration data', found);
    if (!form.modelPath.trim()) found.push('Model: give the path of an .onnx file');
    setProblems(found);
    if (found.length || !data) return;
    setPreviewError(null);
    try {
      setPreview(await previewSample({ modelPath: form.modelPath.trim(), data, index: 0 }));
    } catch (error) {
      setPreview(null);
      setPreviewError(describeError(error));
    }
  };
  const run = async () => {
    const { request, problems: found } = requestFromForm(form, tensorRt);
    setProblems(found);
    if (request) await analyse(request).catch((e) => reportError(e));
  };

  return (
    <div className="start-screen">
      <h1>Analyse a model</h1>
      <p className="muted">Calibrate, build the reduced-precision variant and compare every layer with FP32.</p>
      <div className="start-grid">
        <div className="start-form">
          <fieldset>
            <legend>Model</legend>
            <div className="field-row">
              <label className="grow">
                ONNX file
                <input type="text" spellCheck={false} placeholder="/models/resnet50.onnx" value={form.modelPath} onChange={(e) => patch({ modelPath: e.target.value })} />
              </label>
              {browseModel ? <button type="button" onClick={() => void browseModel()}>Open…</button> : null}
            </div>
            {recent.length ? (
              <div className="recent">Recent: {recent.slice(0, 5).map((p) => <button type="button" className="link" key={p} onClick={() => patch({ modelPath: p })}>{p.split(/[\\/]/).pop()}</button>)}</div>
            ) : null}
            <div className="field-row">
              <label>
                Precision
                <select value={form.precision} onChange={(e) => patch({ precision: e.target.value as Precision })}>
                  <option value="int8">INT8 (Q/DQ)</option>
                  <option value="fp16">FP16</option>
                </select>
              </label>
              <label>
                Calibrator
                <select value={form.calibrator} disabled={form.precision !== 'int8'} onChange={(e) => patch({ calibrator: e.target.value as CalibratorName })}>
                  {CALIBRATORS_LIST.map((c) => <option key={c.name} value={c.name}>{c.label}</option>)}
                </select>
              </label>
            </div>
          </fieldset>
          <BackendChoice value={form.backend} tensorRt={tensorRt} onChange={(backend) => patch({ backend })} fp32Reference={form.fp32Reference} onFp32ReferenceChange={(fp32Reference) => patch({ fp32Reference })} />
          <DataSourceFields legend="Calibration data" value={form.calibration} onChange={(calibration) => patch({ calibration })} onBrowse={browseData('calibration')} />
          <label className="check">
            <input type="checkbox" checked={form.evalSameAsCalibration} onChange={(e) => patch({ evalSameAsCalibration: e.target.checked })} /> Evaluate on the calibration data
          </label>
          {form.evalSameAsCalibration ? null : (
            <DataSourceFields legend="Evaluation data" value={form.evaluation} onChange={(evaluation) => patch({ evaluation })} onBrowse={browseData('evaluation')} showLabels />
          )}
          {form.calibration.kind === 'images' || (!form.evalSameAsCalibration && form.evaluation.kind === 'images') ? (
            <PreprocessFields value={form.preprocess} onChange={(preprocess) => patch({ preprocess })} />
          ) : null}
          {problems.length ? (
            <ul className="problems" role="alert">{problems.map((p) => <li key={p}>{p}</li>)}</ul>
          ) : null}
          {autosaved ? (
            <div className="notice" role="status">
              Autosaved project of this model: {autosaved.project.builds.length} build{autosaved.project.builds.length === 1 ? '' : 's'}
              {autosaved.project.plan ? `, plan with ${Object.keys(autosaved.project.plan.layers).length} pinned layer${Object.keys(autosaved.project.plan.layers).length === 1 ? '' : 's'}` : ''}
              {autosaved.project.open.backend === 'tensorrt' ? ', TensorRT backend' : ''}
              {autosaved.project.savedAt ? `, saved ${new Date(autosaved.project.savedAt).toLocaleString()}` : ''}.{' '}
              <button type="button" className="link" disabled={busy} onClick={() => void restoreProject(autosaved.project)}>Restore it</button>
            </div>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => void runPreview()} disabled={busy}>Preview a sample</button>
            <button type="button" className="primary" onClick={() => void run()} disabled={busy}>Analyse</button>
          </div>
        </div>
        <aside className="start-side">
          <h2>Preprocessed sample</h2>
          {previewError ? <ErrorState error={previewError} /> : null}
          {preview ? <SamplePreviewCard preview={preview} /> : <p className="muted">"Preview a sample" shows the first calibration sample as the model will see it — check colours (RGB/BGR), scale and crop before a long run.</p>}
        </aside>
      </div>
    </div>
  );
}

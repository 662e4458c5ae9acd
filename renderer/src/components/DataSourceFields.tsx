/** @jsxRuntime automatic */
import type { DataForm, DataKind } from '../state/setup-form';

const KINDS: { kind: DataKind; label: string }[] = [
  { kind: 'images', label: 'Image folder' },
  { kind: 'npz', label: '.npz file' },
  { kind: 'npy', label: '.npy file' },
  { kind: 'random', label: 'Random' },
];

/** Where samples come from: images | npz | npy | random N. `onBrowse` only in Electron. */
export function DataSourceFields({ legend, value, onChange, onBrowse, showLabels = false }: {
  legend: string;
  value: DataForm;
  onChange: (value: DataForm) => void;
  onBrowse?: () => void;
  showLabels?: boolean;
}) {
  const patch = (change: Partial<DataForm>) => onChange({ ...value, ...change });
  return (
    <fieldset className="data-source">
      <legend>{legend}</legend>
      <div className="segmented" role="radiogroup" aria-label={`${legend} kind`}>
        {KINDS.map((k) => (
          <button type="button" role="radio" aria-checked={value.kind === k.kind} className={value.kind === k.kind ? 'on' : ''} key={k.kind} onClick={() => patch({ kind: k.kind })}>
            {k.label}
          </button>
        ))}
      </div>
      {value.kind === 'random' ? (
        <div className="field-row">
          <label>Samples <input type="number" min={1} value={value.count} onChange={(e) => patch({ count: e.target.value })} /></label>
          <label>Seed <input type="number" value={value.seed} onChange={(e) => patch({ seed: e.target.value })} /></label>
        </div>
      ) : (
        <>
          <div className="field-row">
            <label className="grow">
              {value.kind === 'images' ? 'Folder' : 'File'}
              <input type="text" spellCheck={false} placeholder={value.kind === 'images' ? '/data/calib_images' : `/data/samples.${value.kind}`} value={value.path} onChange={(e) => patch({ path: e.target.value })} />
            </label>
            {onBrowse ? <button type="button" onClick={onBrowse}>Browse…</button> : null}
          </div>
          <div className="field-row">
            <label>Max samples <input type="number" min={1} placeholder="all" value={value.limit} onChange={(e) => patch({ limit: e.target.value })} /></label>
            {showLabels && value.kind === 'images' ? (
              <label className="grow">Labels file (optional) <input type="text" spellCheck={false} placeholder="labels.txt: file name → class index" value={value.labels} onChange={(e) => patch({ labels: e.target.value })} /></label>
            ) : null}
          </div>
        </>
      )}
    </fieldset>
  );
}

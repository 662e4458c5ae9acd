/** @jsxRuntime automatic */
import type { PreprocessForm } from '../state/setup-form';

/** Image preprocessing: resize, crop, mean/std, scale unit|byte, RGB/BGR, layout. "Auto" = inferred from the model input. */
export function PreprocessFields({ value, onChange }: { value: PreprocessForm; onChange: (value: PreprocessForm) => void }) {
  const patch = (change: Partial<PreprocessForm>) => onChange({ ...value, ...change });
  return (
    <fieldset className="preprocess">
      <legend>Preprocessing (images)</legend>
      <label className="check">
        <input type="checkbox" checked={value.auto} onChange={(e) => patch({ auto: e.target.checked })} /> Infer from the model input (resize to its size, 0–1 scale, RGB, its layout)
      </label>
      {value.auto ? null : (
        <>
          <div className="field-row">
            <label>
              Resize
              <select value={value.resizeMode} onChange={(e) => patch({ resizeMode: e.target.value as PreprocessForm['resizeMode'] })}>
                <option value="none">none</option>
                <option value="size">to width × height</option>
                <option value="shorter">shorter side to</option>
              </select>
            </label>
            {value.resizeMode === 'size' ? (
              <>
                <label>W <input type="number" min={1} value={value.width} onChange={(e) => patch({ width: e.target.value })} /></label>
                <label>H <input type="number" min={1} value={value.height} onChange={(e) => patch({ height: e.target.value })} /></label>
              </>
            ) : null}
            {value.resizeMode === 'shorter' ? <label>px <input type="number" min={1} value={value.shorterSide} onChange={(e) => patch({ shorterSide: e.target.value })} /></label> : null}
            <label>Center crop <input type="text" placeholder="224x224" value={value.crop} onChange={(e) => patch({ crop: e.target.value })} /></label>
          </div>
          <div className="field-row">
            <label className="grow">Mean <input type="text" placeholder="0.485, 0.456, 0.406" value={value.mean} onChange={(e) => patch({ mean: e.target.value })} /></label>
            <label className="grow">Std <input type="text" placeholder="0.229, 0.224, 0.225" value={value.std} onChange={(e) => patch({ std: e.target.value })} /></label>
          </div>
          <div className="field-row">
            <label>
              Scale
              <select value={value.scale} onChange={(e) => patch({ scale: e.target.value as PreprocessForm['scale'] })}>
                <option value="unit">unit (pixel / 255)</option>
                <option value="byte">byte (0–255)</option>
              </select>
            </label>
            <label>
              Channels
              <select value={value.channelOrder} onChange={(e) => patch({ channelOrder: e.target.value as PreprocessForm['channelOrder'] })}>
                <option value="RGB">RGB</option>
                <option value="BGR">BGR</option>
              </select>
            </label>
            <label>
              Layout
              <select value={value.layout} onChange={(e) => patch({ layout: e.target.value as PreprocessForm['layout'] })}>
                <option value="NCHW">NCHW</option>
                <option value="NHWC">NHWC</option>
              </select>
            </label>
          </div>
        </>
      )}
    </fieldset>
  );
}

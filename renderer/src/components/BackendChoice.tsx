/** @jsxRuntime automatic */
import type { InferenceBackend, TensorRtStatus } from '../../../app/contract/service';
import { canUseTensorRt, ORT_CHOICE_LABEL, tensorRtChoiceLabel } from '../state/backend-logic';
import { TensorRtUnavailableLine } from './TensorRtNotes';

export interface BackendChoiceProps {
  value: InferenceBackend;
  /** This machine's TensorRT (null while the engine has not answered): TensorRT is offered only when available. */
  tensorRt: TensorRtStatus | null;
  onChange: (backend: InferenceBackend) => void;
}

/** Where the reduced-precision model runs: ONNX Runtime emulation anywhere, or a real TensorRT engine on this GPU. */
export function BackendChoice({ value, tensorRt, onChange }: BackendChoiceProps) {
  const trtUsable = canUseTensorRt(tensorRt);
  return (
    <fieldset className="backend-choice">
      <legend>Backend</legend>
      <label className="check">
        <input type="radio" name="backend" value="onnxruntime" checked={value === 'onnxruntime'} onChange={() => onChange('onnxruntime')} /> {ORT_CHOICE_LABEL}
      </label>
      <label className={trtUsable ? 'check' : 'check disabled'}>
        <input type="radio" name="backend" value="tensorrt" checked={value === 'tensorrt'} disabled={!trtUsable} onChange={() => onChange('tensorrt')} /> {tensorRtChoiceLabel(tensorRt)}
      </label>
      <TensorRtUnavailableLine status={tensorRt} />
    </fieldset>
  );
}

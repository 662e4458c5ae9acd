/** @jsxRuntime automatic */
import type { InferenceBackend, TensorRtStatus } from '../../../app/contract/service';
import { canUseTensorRt, ORT_CHOICE_LABEL, tensorRtChoiceLabel } from '../state/backend-logic';
import { TensorRtUnavailableLine } from './TensorRtNotes';

export interface BackendChoiceProps {
  value: InferenceBackend;
  /** This machine's TensorRT (null while the engine has not answered): TensorRT is offered only when available. */
  tensorRt: TensorRtStatus | null;
  onChange: (backend: InferenceBackend) => void;
  /** With TensorRT: what the engine is compared with (ONNX Runtime FP32, or an FP32 TensorRT engine). */
  fp32Reference?: InferenceBackend;
  onFp32ReferenceChange?: (reference: InferenceBackend) => void;
}

/** Where the reduced-precision model runs: ONNX Runtime emulation anywhere, or a real TensorRT engine on this GPU. */
export function BackendChoice({ value, tensorRt, onChange, fp32Reference = 'onnxruntime', onFp32ReferenceChange }: BackendChoiceProps) {
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
      {value === 'tensorrt' && trtUsable && onFp32ReferenceChange ? (
        <label className="check sub-option" title="Engine against engine, as deployed: the layers are compared where both engines keep the tensor, and the TensorRT view diffs the FP32 engine against each build. Default: ONNX Runtime FP32.">
          <input type="checkbox" checked={fp32Reference === 'tensorrt'} onChange={(e) => onFp32ReferenceChange(e.target.checked ? 'tensorrt' : 'onnxruntime')} /> Compare with an FP32 TensorRT engine (instead of ONNX Runtime FP32)
        </label>
      ) : null}
      <TensorRtUnavailableLine status={tensorRt} />
    </fieldset>
  );
}

/** @jsxRuntime automatic */
import type { TensorRtStatus } from '../../../app/contract/service';
import { clipText, tensorRtStatusText, unavailableReason } from '../state/backend-logic';

/** Under a disabled TensorRT option: why it is disabled (long reasons clipped; the full text is the tooltip). */
export function TensorRtUnavailableLine({ status }: { status: TensorRtStatus | null }) {
  if (status === null) return <p className="muted small trt-reason" role="status">Checking whether TensorRT is available here…</p>;
  if (status.available) return null;
  const reason = unavailableReason(status);
  return (
    <p className="muted small trt-reason" title={`${status.code ? `${status.code}: ` : ''}${reason}`}>
      TensorRT unavailable here: {clipText(reason)}
    </p>
  );
}

/** The TensorRT view's first line: the TensorRT this machine has, or why there is none and what still works. */
export function TensorRtStatusLine({ status }: { status: TensorRtStatus | null }) {
  if (status === null) return <span className="muted">Checking whether TensorRT is available here…</span>;
  const { text, title } = tensorRtStatusText(status);
  return <span className={status.available ? 'trt-available' : 'muted'} title={title || undefined}>{text}</span>;
}

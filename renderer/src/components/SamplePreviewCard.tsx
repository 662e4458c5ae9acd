/** @jsxRuntime automatic */
import { useEffect, useRef } from 'react';
import type { SamplePreview } from '../../../app/contract/service';
import { formatDims, formatNumber } from '../format/units';

function decodeBase64(base64: string): Uint8ClampedArray<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8ClampedArray(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The RGBA thumbnail drawn on a canvas (no image encoding needed). */
function Thumbnail({ image }: { image: { width: number; height: number; rgbaBase64: string } }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const pixels = decodeBase64(image.rgbaBase64);
    if (pixels.length !== image.width * image.height * 4) return;
    context.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={canvas} className="thumbnail" width={image.width} height={image.height} aria-label="Preprocessed sample" />;
}

/** One preprocessed sample as the model sees it: thumbnail plus min/max/mean/std per input. */
export function SamplePreviewCard({ preview }: { preview: SamplePreview }) {
  return (
    <div className="sample-preview">
      <div className="muted">{preview.description} · sample {preview.index + 1} of {preview.sampleCount}</div>
      {preview.inputs.map((input) => (
        <div className="preview-input" key={input.name}>
          {input.image ? <Thumbnail image={input.image} /> : <div className="thumbnail none">not image-like</div>}
          <table className="kv">
            <tbody>
              <tr><th>Input</th><td><code>{input.name}</code> {formatDims(input.dims)}</td></tr>
              <tr><th>min / max</th><td>{formatNumber(input.stats.min)} / {formatNumber(input.stats.max)}</td></tr>
              <tr><th>mean ± std</th><td>{formatNumber(input.stats.mean)} ± {formatNumber(input.stats.std)}</td></tr>
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

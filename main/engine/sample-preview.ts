/**
 * One preprocessed sample as the model will see it: per input its dims and value statistics, and for the first
 * image-like input (N×3×H×W or N×H×W×3 float) an RGBA thumbnail ≤ 256 px a side, min–max scaled so that any
 * normalisation (ImageNet mean/std, 0..255, BGR) renders visibly; BGR is not swapped back, so a wrong channel
 * order shows as wrong colours.
 */
import type { SamplePreview } from '../../app/contract/service';
import { WorkbenchError } from '../../app/errors';
import type { SampleSource, TensorData } from '../data/types';

const MAX_SIDE = 256;

function stats(data: TensorData['data']): SamplePreview['inputs'][number]['stats'] {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  const n = data.length;
  for (let i = 0; i < n; i++) {
    const v = Number(data[i]);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  const mean = n ? sum / n : 0;
  return { min: n ? min : 0, max: n ? max : 0, mean, std: n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0 };
}

/** The image layout of a tensor, or null when it is not a 3-channel image batch. */
function imageLayout(dims: number[]): { channelsLast: boolean; height: number; width: number } | null {
  if (dims.length !== 4) return null;
  if (dims[1] === 3 && dims[2] > 1 && dims[3] > 1) return { channelsLast: false, height: dims[2], width: dims[3] };
  if (dims[3] === 3 && dims[1] > 1 && dims[2] > 1) return { channelsLast: true, height: dims[1], width: dims[2] };
  return null;
}

function thumbnail(tensor: TensorData, range: { min: number; max: number }): { width: number; height: number; rgbaBase64: string } | null {
  if (tensor.dataType !== 'float32' && tensor.dataType !== 'uint8' && tensor.dataType !== 'float64') return null;
  const layout = imageLayout(tensor.dims);
  if (!layout) return null;
  const { height, width, channelsLast } = layout;
  const step = Math.max(1, Math.ceil(Math.max(height, width) / MAX_SIDE));
  const outW = Math.ceil(width / step);
  const outH = Math.ceil(height / step);
  const rgba = new Uint8Array(outW * outH * 4);
  const span = range.max - range.min || 1;
  const plane = height * width;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const sy = y * step;
      const sx = x * step;
      for (let c = 0; c < 3; c++) {
        const index = channelsLast ? (sy * width + sx) * 3 + c : c * plane + sy * width + sx;
        const v = (Number(tensor.data[index]) - range.min) / span;
        rgba[(y * outW + x) * 4 + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
      rgba[(y * outW + x) * 4 + 3] = 255;
    }
  }
  return { width: outW, height: outH, rgbaBase64: Buffer.from(rgba).toString('base64') };
}

export async function samplePreview(source: SampleSource, index: number): Promise<SamplePreview> {
  if (!Number.isSafeInteger(index) || index < 0 || index >= source.count) {
    throw new WorkbenchError('data', 'SAMPLE_INDEX_INVALID', `sample ${index} does not exist: the data has ${source.count} samples (0..${source.count - 1})`);
  }
  let i = 0;
  for await (const sample of source.samples()) {
    if (i++ < index) continue;
    let imageShown = false;
    const inputs = Object.entries(sample.feeds).map(([name, tensor]) => {
      const s = stats(tensor.data);
      const image = imageShown ? null : thumbnail(tensor, s);
      if (image) imageShown = true;
      return { name, dims: tensor.dims, stats: s, image };
    });
    return { description: `${source.description} — sample ${index} (${sample.id})`, sampleCount: source.count, index, inputs };
  }
  throw new WorkbenchError('data', 'SAMPLE_INDEX_INVALID', `sample ${index} could not be read (the source ended early)`);
}

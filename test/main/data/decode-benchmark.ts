/**
 * Benchmark (not a test): decode + preprocess the 200 calibration images to 1×3×224×224 float32 with the default
 * torchvision-style pipeline, through openSampleSource exactly as calibration consumes them.
 * Run: npx tsx test/main/data/decode-benchmark.ts [folder]
 */
import { performance } from 'node:perf_hooks';
import { readImageFile } from '../../../main/data/image-decode';
import { preprocessImage, resolvePreprocessSpec } from '../../../main/data/preprocess';
import { openSampleSource } from '../../../main/data/sample-sources';
import type { ModelInputSpec } from '../../../main/data/types';
import { sharedImage } from './data-test-helpers';

const folder = process.argv[2] ?? sharedImage('calib');
const input: ModelInputSpec = { name: 'input', dataType: 'float32', dims: [1, 3, 224, 224] };

async function main() {
  // Warm-up (JIT) on a few images, not counted.
  for await (const _ of (await openSampleSource({ kind: 'images', dir: folder, limit: 5 }, [input])).samples()) void _;

  const started = performance.now();
  const source = await openSampleSource({ kind: 'images', dir: folder }, [input]);
  let count = 0;
  for await (const sample of source.samples()) if (sample.feeds.input.data.length === 3 * 224 * 224) count++;
  const total = performance.now() - started;

  // The same work split into its two phases.
  const spec = resolvePreprocessSpec(undefined, input);
  let decodeMs = 0;
  let preprocessMs = 0;
  const { listDataFiles } = await import('../../../main/data/folder-listing');
  for (const file of (await listDataFiles(folder, ['.jpg', '.jpeg', '.png'])).files) {
    const t0 = performance.now();
    const image = await readImageFile(file);
    const t1 = performance.now();
    preprocessImage(image, spec, file);
    decodeMs += t1 - t0;
    preprocessMs += performance.now() - t1;
  }
  console.log(`${count} images from ${folder} → float32[1,3,224,224]`);
  console.log(`total ${(total / 1000).toFixed(2)} s, ${(total / count).toFixed(1)} ms/image (openSampleSource, streaming)`);
  console.log(`  decode (read + jpeg-js) ${(decodeMs / 1000).toFixed(2)} s, preprocess (resize + crop + normalise) ${(preprocessMs / 1000).toFixed(2)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

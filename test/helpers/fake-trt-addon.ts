/**
 * The fake TensorRT of fake-tensorrt.ts in the shape of the native addon module (native/index.ts TrtAddonModule),
 * so a whole engine host can be started on it: PWB_TRT_ADDON=test/helpers/fake-trt-addon.ts. For end-to-end tests
 * of the TensorRT glue only — it is NOT TensorRT (the "engine" runs on ONNX Runtime CPU).
 */
import type { TrtAddonModule } from '../../native/index';
import { fakeTensorRt } from './fake-tensorrt';

const fake = fakeTensorRt({ builds: [], runs: [], released: 0 });

const addon: TrtAddonModule = {
  headerVersion: fake.headerVersion,
  features: fake.features,
  sonames: { infer: 'libnvinfer.so.10 (fake)', parser: 'libnvonnxparser.so.10 (fake)' },
  load: async () => ({ ...fake.library, inferLibrary: 'fake-tensorrt (ONNX Runtime CPU; not TensorRT)', parserLibrary: 'fake' }),
  build: async (onnx, options, onLog) => {
    const result = await fake.build(onnx, options, onLog);
    return { ...result, plan: result.plan.slice().buffer as ArrayBuffer, timingCache: undefined };
  },
  deserialize: (plan) => fake.deserialize(plan),
};

export = addon;

/**
 * The fake TensorRT of fake-tensorrt.ts in the shape of the native addon module (native/index.ts TrtAddonModule),
 * so a whole engine host can be started on it: PWB_TRT_ADDON=test/helpers/fake-trt-addon.ts. For end-to-end tests
 * of the TensorRT glue only — it is NOT TensorRT (the "engine" runs on ONNX Runtime CPU).
 */
import type { TrtAddonModule } from '../../native/index';
import { fakeTensorRt } from './fake-tensorrt';

const fake = fakeTensorRt({ builds: [], runs: [], released: 0 });

// Named exports: require() of this module (native/index.ts loads addons with require) yields the addon's shape.
export const headerVersion: TrtAddonModule['headerVersion'] = fake.headerVersion;
export const features: TrtAddonModule['features'] = fake.features;
export const sonames: TrtAddonModule['sonames'] = { infer: 'libnvinfer.so.10 (fake)', parser: 'libnvonnxparser.so.10 (fake)' };
export const load: TrtAddonModule['load'] = async () => ({ ...fake.library, inferLibrary: 'fake-tensorrt (ONNX Runtime CPU; not TensorRT)', parserLibrary: 'fake' });
export const build: TrtAddonModule['build'] = async (onnx, options, onLog) => {
  const result = await fake.build(onnx, options, onLog);
  return { ...result, plan: result.plan.slice().buffer as ArrayBuffer, timingCache: undefined };
};
export const deserialize: TrtAddonModule['deserialize'] = (plan) => fake.deserialize(plan);

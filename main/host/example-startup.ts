/**
 * The bundled example's open request (fixtures/bundled-example.ts, loaded at run time from the checkout — it is not
 * part of main/ and not shipped in packaged apps, which fall back to the fixture model on random data).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OpenSessionRequest } from '../../app/contract/service';
import type { StartupInfo } from '../../app/contract/shell';

/** The bundled example's open request (fixtures/bundled-example.ts, loaded at run time: it is not part of main/). */
export async function exampleStartup(root: string): Promise<StartupInfo> {
  const module = path.join(root, 'fixtures', 'bundled-example.ts');
  if (existsSync(module)) {
    const { exampleOpenRequest } = (await import(pathToFileURL(module).href)) as { exampleOpenRequest(root: string): OpenSessionRequest };
    const request = exampleOpenRequest(root);
    return { modelPath: request.modelPath, autoOpen: request };
  }
  const modelPath = path.join(root, 'fixtures', 'models', 'outlier-convnet.onnx');
  return { modelPath, autoOpen: { modelPath, precision: 'int8', calibration: { kind: 'random', count: 32, seed: 1 } } };
}


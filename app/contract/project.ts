/**
 * A workbench project: what the user set up and decided, so that closing the app (or a crash of the engine) loses
 * nothing — the model, the data and calibration settings, the current plan, and the final metrics of each build
 * made so far (the builds themselves are recomputed on reopen; they are derived data). Versioned JSON; readers
 * refuse versions they do not know.
 */
import { WorkbenchError } from '../errors';
import { parsePlan, type PrecisionPlan } from '../precision/plan';
import type { OpenSessionRequest } from './service';

export const PROJECT_SCHEMA = 'pwb.project';
export const PROJECT_VERSION = 1;
/** Projects are small; anything bigger is not one of ours. */
export const MAX_PROJECT_BYTES = 16 * 1024 * 1024;

export interface ProjectBuildNote {
  buildId: number;
  createdAt: string;
  plan: PrecisionPlan;
  /** Final-output metrics when the build was made (for the history list before anything is recomputed). */
  outputs: { name: string; cosineSimilarity: number | null; sqnrDb: number | null }[];
  top1Agreement: number | null;
}

export interface WorkbenchProject {
  schema: typeof PROJECT_SCHEMA;
  version: typeof PROJECT_VERSION;
  savedAt: string;
  open: OpenSessionRequest;
  plan: PrecisionPlan | null;
  builds: ProjectBuildNote[];
  /** UI state worth restoring (selected layer, sort); free-form but bounded by MAX_PROJECT_BYTES. */
  ui: Record<string, unknown>;
}

function fail(file: string, what: string): never {
  throw new WorkbenchError('io', 'PROJECT_INVALID', `${file}: not a valid workbench project (${what})`, { file });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseProject(json: unknown, file = 'project'): WorkbenchProject {
  if (!isObject(json)) fail(file, 'expected a JSON object');
  if (json.schema !== PROJECT_SCHEMA) fail(file, `"schema" must be "${PROJECT_SCHEMA}"`);
  if (json.version !== PROJECT_VERSION) {
    throw new WorkbenchError('io', 'PROJECT_VERSION_UNSUPPORTED', `${file}: project version ${JSON.stringify(json.version)} is not supported (this build reads version ${PROJECT_VERSION})`, { file });
  }
  const open = json.open;
  if (!isObject(open) || typeof open.modelPath !== 'string' || open.modelPath.length === 0 || open.modelPath.length > 4096) fail(file, '"open.modelPath" must be a path');
  if (open.precision !== 'int8' && open.precision !== 'fp16' && open.precision !== 'fp32') fail(file, '"open.precision" must be int8, fp16 or fp32');
  for (const key of ['backend', 'fp32Reference'] as const) {
    if (open[key] !== undefined && open[key] !== 'onnxruntime' && open[key] !== 'tensorrt') fail(file, `"open.${key}" must be onnxruntime or tensorrt`);
  }
  const plan = json.plan === null || json.plan === undefined ? null : parsePlan(json.plan, `${file} (plan)`);
  if (!Array.isArray(json.builds) || json.builds.length > 10_000) fail(file, '"builds" must be a list');
  const builds = (json.builds as unknown[]).map((b, i): ProjectBuildNote => {
    if (!isObject(b) || typeof b.buildId !== 'number' || !Array.isArray(b.outputs)) fail(file, `builds[${i}] is malformed`);
    return {
      buildId: b.buildId as number,
      createdAt: String(b.createdAt ?? ''),
      plan: parsePlan(b.plan, `${file} (builds[${i}].plan)`),
      outputs: (b.outputs as unknown[]).map((o) => (isObject(o) ? { name: String(o.name), cosineSimilarity: typeof o.cosineSimilarity === 'number' ? o.cosineSimilarity : null, sqnrDb: typeof o.sqnrDb === 'number' ? o.sqnrDb : null } : fail(file, `builds[${i}].outputs is malformed`))),
      top1Agreement: typeof b.top1Agreement === 'number' ? b.top1Agreement : null,
    };
  });
  return {
    schema: PROJECT_SCHEMA,
    version: PROJECT_VERSION,
    savedAt: typeof json.savedAt === 'string' ? json.savedAt : '',
    open: open as unknown as OpenSessionRequest,
    plan,
    builds,
    ui: isObject(json.ui) ? json.ui : {},
  };
}

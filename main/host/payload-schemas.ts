/**
 * Runtime validation of every request that crosses a process boundary: one zod schema per service method (shapes
 * from app/contract/service.ts) and per desktop shell method (app/contract/shell.ts). Electron main, the
 * browser-mode WebSocket server, the supervisor and the engine host all validate with these before forwarding.
 *
 * Every string and array is bounded; top-level request objects are strict (an unknown key is a bug or an attack,
 * not something to ignore); record keys that would reach Object.prototype ('__proto__', …) are refused. Callers
 * forward the PARSED value, never the raw one.
 */
import { z } from 'zod';
import { HEATMAP_MAX_COLUMNS } from '../../app/contract/views';
import { SERVICE_METHODS, type ServiceMethod, type ServiceRequest } from '../../app/contract/service';
import { SHELL_METHODS, TRANSPORT_ERRORS, type ClientMessage, type ShellMethod } from '../../app/contract/wire-protocol';
import type { ShellRequest } from '../../app/contract/shell';
import { WorkbenchError } from '../../app/errors';
import type { WorkbenchProject } from '../../app/contract/project';

export const LIMITS = {
  pathChars: 4096,
  idChars: 256,
  nameChars: 1024,
  layerIds: 100_000,
  planLayers: 100_000,
  recordKeys: 256,
  dims: 16,
  dimValue: 1_000_000,
  samples: 1_000_000,
  exportKinds: 32,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const path = z.string().min(1).max(LIMITS.pathChars).refine((p) => !p.includes('\0'), 'path contains a NUL character');
const id = z.string().min(1).max(LIMITS.idChars);
const key = (max: number) => z.string().min(1).max(max).refine((k) => !FORBIDDEN_KEYS.has(k), 'reserved key');
/** zod drops an own '__proto__' key silently; refuse it (and its friends) on the raw object instead. */
const noReservedKeys = z.unknown().refine((v) => !(v && typeof v === 'object' && [...FORBIDDEN_KEYS].some((k) => Object.hasOwn(v, k))), 'reserved key (__proto__, constructor, prototype)');
const boundedRecord = <T extends z.ZodType>(value: T, maxKeys: number, keyChars: number = LIMITS.nameChars) =>
  noReservedKeys.pipe(z.record(key(keyChars), value).refine((r) => Object.keys(r).length <= maxKeys, `at most ${maxKeys} entries`));
const count = (max: number) => z.number().int().min(1).max(max);
const buildId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const precisionSchema = z.enum(['int8', 'fp16', 'fp32']);
export const calibratorSchema = z.enum(['max', 'entropy', 'percentile', 'mse']);

export const planSchema = z.strictObject({
  schema: z.literal('pwb.precision-plan'),
  version: z.literal(1),
  defaultPrecision: precisionSchema,
  calibrator: calibratorSchema,
  layers: boundedRecord(
    z.strictObject({
      precision: precisionSchema.optional(),
      activationAmax: z.number().positive().finite().optional(),
      calibrator: calibratorSchema.optional(),
    }),
    LIMITS.planLayers,
  ),
});

/** Preprocessing options are interpreted (and fully checked) by main/data; here only size and key safety. */
const preprocess = boundedRecord(z.unknown(), 64, 64);

export const dataSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('images'), dir: path, limit: count(LIMITS.samples).optional(), labels: path.optional(), preprocess: preprocess.optional(), preprocessFile: path.optional() }),
  z.strictObject({ kind: z.enum(['npz', 'npy']), path, limit: count(LIMITS.samples).optional() }),
  z.strictObject({ kind: z.literal('random'), count: count(100_000), seed: z.number().int().min(0).max(2 ** 32 - 1) }),
]);

const inputShapes = boundedRecord(z.array(z.number().int().min(-1).max(LIMITS.dimValue)).max(LIMITS.dims), LIMITS.recordKeys);

export const openSessionSchema = z.strictObject({
  modelPath: path,
  precision: precisionSchema,
  backend: z.enum(['onnxruntime', 'tensorrt']).optional(),
  fp32Reference: z.enum(['onnxruntime', 'tensorrt']).optional(),
  calibration: dataSpecSchema.optional(),
  evaluation: dataSpecSchema.optional(),
  calibrator: calibratorSchema.optional(),
  calibrationCachePath: path.optional(),
  inputShapes: inputShapes.optional(),
  labelOffset: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  plan: planSchema.optional(),
});

const layerIds = z.array(id).min(1).max(LIMITS.layerIds);
export const planChangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pin'), layerIds, precision: precisionSchema }),
  z.strictObject({ kind: z.literal('unpin'), layerIds }),
  z.strictObject({ kind: z.literal('replace'), plan: planSchema }),
]);

/** Structure and size only; app/contract/project.ts parseProject checks the meaning before anything is written. */
const projectSchema = z.strictObject({
  schema: z.literal('pwb.project'),
  version: z.literal(1),
  savedAt: z.string().max(64),
  open: openSessionSchema,
  plan: planSchema.nullable(),
  builds: z.array(noReservedKeys.pipe(z.record(key(64), z.unknown()))).max(10_000),
  ui: boundedRecord(z.unknown(), 64, 64),
}) as unknown as z.ZodType<WorkbenchProject>;

const session = { sessionId: id };
const sessionBuild = { sessionId: id, buildId };

/** One schema per service method; the mapped type makes a missing or mistyped method a compile error. */
export const SERVICE_SCHEMAS: { [M in ServiceMethod]: z.ZodType<ServiceRequest<M>> } = {
  inspectModel: z.strictObject({ modelPath: path }),
  openSession: openSessionSchema,
  build: z.strictObject({ ...session, plan: planSchema.optional() }),
  applyPlanChange: z.strictObject({ ...session, change: planChangeSchema }),
  getBuild: z.strictObject(sessionBuild),
  report: z.strictObject(sessionBuild),
  layerDetail: z.strictObject({ ...sessionBuild, layerId: id }),
  heatmap: z.strictObject({ ...sessionBuild, columns: z.number().int().min(1).max(HEATMAP_MAX_COLUMNS).optional() }),
  graph: z.strictObject(session),
  history: z.strictObject(session),
  diff: z.strictObject({ ...session, fromBuildId: buildId, toBuildId: buildId }),
  sensitivity: z.strictObject({
    ...session,
    plan: planSchema.optional(),
    samples: count(100_000).optional(),
    target: z.string().min(1).max(256).optional(),
    compareSearches: z.boolean().optional(),
  }),
  previewSample: z.strictObject({ modelPath: path, data: dataSpecSchema, index: z.number().int().min(0).max(LIMITS.samples).optional(), inputShapes: inputShapes.optional() }),
  exportBuild: z.strictObject({ ...sessionBuild, outDir: path, force: z.boolean().optional(), kinds: z.array(z.string().min(1).max(64)).max(LIMITS.exportKinds).optional(), engine: z.boolean().optional() }),
  saveProject: z.strictObject({ path, project: projectSchema, force: z.boolean().optional() }),
  openProject: z.strictObject({ path }),
  autosaveProject: z.strictObject({ project: projectSchema }),
  recoverProject: z.strictObject({ modelPath: path }),
  trtImport: z.strictObject({ paths: z.array(path).min(1).max(1000), sessionId: id.optional(), modelPath: path.optional() }),
  tensorRtStatus: z.strictObject({}),
  trtBuildArtifacts: z.strictObject(sessionBuild),
  closeSession: z.strictObject(session),
};

const title = z.string().max(256).optional();
export const SHELL_SCHEMAS: { [M in ShellMethod]: z.ZodType<ShellRequest<M>> } = {
  openModelDialog: z.strictObject({ title }),
  openFolderDialog: z.strictObject({ title }),
  saveFolderDialog: z.strictObject({ title, defaultPath: path.optional() }),
  recentFiles: z.strictObject({}),
  openPath: z.strictObject({ path }),
  startup: z.strictObject({}),
};

export function isShellMethod(name: unknown): name is ShellMethod {
  return typeof name === 'string' && (SHELL_METHODS as readonly string[]).includes(name);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(request)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The validated params of one service call. Throws WorkbenchError('transport', UNKNOWN_METHOD | BAD_PARAMS) with a
 * message naming the first offending fields; the returned object is a fresh copy (unknown keys never pass).
 */
export function parseServiceParams<M extends ServiceMethod>(method: M, params: unknown): ServiceRequest<M>;
export function parseServiceParams(method: unknown, params: unknown): unknown;
export function parseServiceParams(method: unknown, params: unknown): unknown {
  if (typeof method !== 'string' || !(SERVICE_METHODS as readonly string[]).includes(method)) {
    throw new WorkbenchError('transport', TRANSPORT_ERRORS.unknownMethod, `unknown method ${JSON.stringify(String(method).slice(0, 64))}`);
  }
  const result = SERVICE_SCHEMAS[method as ServiceMethod].safeParse(params);
  if (!result.success) throw new WorkbenchError('transport', TRANSPORT_ERRORS.badParams, `${method}: invalid request — ${describeIssues(result.error)}`);
  return result.data;
}

export function parseShellParams<M extends ShellMethod>(method: M, params: unknown): ShellRequest<M> {
  if (!isShellMethod(method)) throw new WorkbenchError('transport', TRANSPORT_ERRORS.unknownMethod, `unknown shell method ${JSON.stringify(String(method).slice(0, 64))}`);
  const result = SHELL_SCHEMAS[method].safeParse(params);
  if (!result.success) throw new WorkbenchError('transport', TRANSPORT_ERRORS.badParams, `${method}: invalid request — ${describeIssues(result.error)}`);
  return result.data as ShellRequest<M>;
}

/** Call id chosen by a client: a positive safe integer (ids are echoed back, never interpreted). */
export const callIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call'), id: callIdSchema, method: z.string().max(64), params: z.unknown() }),
  z.strictObject({ type: z.literal('cancel'), id: callIdSchema }),
]);

/**
 * The envelope of a client message (WebSocket text frame, already JSON-parsed). The method name is checked by
 * parseServiceParams / parseShellParams, so a shell method may arrive here too (browser mode offers a few).
 */
export function parseClientEnvelope(value: unknown): { type: 'call'; id: number; method: string; params: unknown } | Extract<ClientMessage, { type: 'cancel' }> {
  const result = clientMessageSchema.safeParse(value);
  if (!result.success) throw new WorkbenchError('transport', TRANSPORT_ERRORS.badMessage, `malformed message — ${describeIssues(result.error)}`);
  return result.data as { type: 'call'; id: number; method: string; params: unknown };
}

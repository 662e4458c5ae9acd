import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { WorkbenchProject } from '../../../app/contract/project';
import { LocalWorkbenchService } from '../../../main/engine/workbench-service';

const project: WorkbenchProject = {
  schema: 'pwb.project', version: 1, savedAt: '',
  open: { modelPath: '/models/m.onnx', precision: 'int8', calibration: { kind: 'random', count: 4, seed: 1 } },
  plan: { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'max', layers: { 'a|Conv#0': { precision: 'fp16' } } },
  builds: [{ buildId: 1, createdAt: '2026-11-21T00:00:00Z', plan: { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'max', layers: {} }, outputs: [{ name: 'y', cosineSimilarity: 0.97, sqnrDb: 12.4 }], top1Agreement: 0.83 }],
  ui: { selectedLayer: 'a|Conv#0' },
};

test('projects round-trip, refuse to overwrite without force, and reject bad versions without writing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-project-'));
  const previousConfig = process.env.PWB_CONFIG_DIR;
  process.env.PWB_CONFIG_DIR = path.join(dir, 'config');
  const service = new LocalWorkbenchService();
  try {
    const file = path.join(dir, 'p.pwbproj.json');
    const saved = await service.saveProject({ path: file, project });
    assert.equal(saved.path, file);
    const back = await service.openProject({ path: file });
    assert.deepEqual({ ...back, savedAt: '' }, project);
    assert.ok(back.savedAt.length > 0);
    const bytes = readFileSync(file);
    await assert.rejects(service.saveProject({ path: file, project }), /FILE_EXISTS|already exists/);
    await service.saveProject({ path: file, project: { ...project, ui: {} }, force: true });
    assert.notDeepEqual(readFileSync(file), bytes);

    writeFileSync(path.join(dir, 'v9.json'), JSON.stringify({ ...project, version: 9 }));
    await assert.rejects(service.openProject({ path: path.join(dir, 'v9.json') }), (e: { code?: string }) => e.code === 'PROJECT_VERSION_UNSUPPORTED');
    writeFileSync(path.join(dir, 'broken.json'), '{"schema": "pwb.project", ');
    await assert.rejects(service.openProject({ path: path.join(dir, 'broken.json') }), (e: { code?: string }) => e.code === 'PROJECT_INVALID');
    const before = readFileSync(file);
    await assert.rejects(service.saveProject({ path: file, project: { ...project, version: 2 as 1 }, force: true }), (e: { code?: string }) => e.code === 'PROJECT_VERSION_UNSUPPORTED');
    assert.deepEqual(readFileSync(file), before, 'a refused save leaves the file as it was');

    // Autosave and recovery, one file per model.
    assert.equal(await service.recoverProject({ modelPath: '/models/m.onnx' }), null);
    const auto = await service.autosaveProject({ project });
    assert.ok(auto.path.startsWith(path.join(dir, 'config', 'autosave')));
    const recovered = await service.recoverProject({ modelPath: '/models/m.onnx' });
    assert.deepEqual(recovered!.project.plan, project.plan);
    assert.equal(await service.recoverProject({ modelPath: '/models/other.onnx' }), null);
  } finally {
    if (previousConfig === undefined) delete process.env.PWB_CONFIG_DIR;
    else process.env.PWB_CONFIG_DIR = previousConfig;
    rmSync(dir, { recursive: true, force: true });
  }
});

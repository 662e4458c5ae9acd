/**
 * `pwb pin PLAN --layer ID… --precision fp16|fp32|int8 [--model MODEL]`: edits a precision plan file (creating
 * it with the default INT8/entropy plan when it does not exist). With --model every id must name a layer of the
 * model (resolved the way analyses resolve them), so typos fail here rather than silently matching nothing.
 */
import { promises as fs } from 'node:fs';
import { WorkbenchError } from '../../../app/errors';
import { resolveLayerId } from '../../../app/precision/layers';
import { defaultPlan, parsePlan, PRECISIONS, type Precision, type PrecisionPlan } from '../../../app/precision/plan';
import { pinLayers, unpinLayers } from '../../../app/precision/plan-edit';
import { writeFileAtomic } from '../../io/atomic-write';
import { loadModel } from '../../io/model-file';

export interface PinFlags {
  layer?: string[];
  precision?: string;
  model?: string;
  unpin?: boolean;
}

export async function pinCommand(planPath: string, flags: PinFlags, out: { write(s: string): unknown }): Promise<number> {
  const ids = (flags.layer ?? []).flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
  if (ids.length === 0) throw new WorkbenchError('cli', 'FLAG_MISSING', 'pin needs at least one --layer ID (see `pwb inspect MODEL` for ids)');
  if (!flags.unpin && !PRECISIONS.includes(flags.precision as Precision)) {
    throw new WorkbenchError('cli', 'FLAG_INVALID', `--precision '${flags.precision ?? ''}': expected one of ${PRECISIONS.join(', ')} (or --unpin)`);
  }
  let plan: PrecisionPlan;
  const text = await fs.readFile(planPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new WorkbenchError('io', 'FILE_UNREADABLE', `${planPath}: cannot read the plan (${error.code})`, { file: planPath });
  });
  if (text === null) plan = defaultPlan('int8');
  else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new WorkbenchError('precision', 'PLAN_INVALID', `${planPath}: not valid JSON (${(error as Error).message})`, { file: planPath });
    }
    plan = parsePlan(json, planPath);
  }
  let resolvedIds = ids;
  if (flags.model) {
    const { layers } = await loadModel(flags.model);
    resolvedIds = ids.map((id) => {
      const layer = resolveLayerId(id, layers) ?? layers.find((l) => l.name === id || l.output === id);
      if (!layer) throw new WorkbenchError('precision', 'LAYER_NOT_FOUND', `${flags.model}: no layer '${id}' (see \`pwb inspect ${flags.model}\` for ids)`, { file: flags.model });
      return layer.id;
    });
  }
  const edited = flags.unpin ? unpinLayers(plan, resolvedIds) : pinLayers(plan, resolvedIds, flags.precision as Precision);
  await writeFileAtomic(planPath, JSON.stringify(edited, null, 2) + '\n');
  out.write(`${planPath}: ${flags.unpin ? 'unpinned' : `pinned to ${flags.precision}`} ${resolvedIds.join(', ')} (${Object.keys(edited.layers).length} layer entries, default ${edited.defaultPrecision})\n`);
  return 0;
}

/** Reading a precision plan file with clear errors (unreadable, not JSON, invalid plan). */
import { promises as fs } from 'node:fs';
import { WorkbenchError } from '../../../app/errors';
import { parsePlan, type PrecisionPlan } from '../../../app/precision/plan';

export async function readPlanFile(file: string): Promise<PrecisionPlan> {
  const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new WorkbenchError('io', error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${file}: cannot read the plan (${error.code})`, { file });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WorkbenchError('precision', 'PLAN_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { file });
  }
  return parsePlan(json, file);
}

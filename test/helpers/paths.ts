/** Paths tests use: the repo root and the shared data folder beside it (never copied into the project). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
export const sharedModel = (name: string) => path.join(sharedData, 'models', name);
export const fixtureModel = (name: string) => path.join(repoRoot, 'fixtures/models', name);

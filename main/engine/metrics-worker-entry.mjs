// Worker entry: registers the TypeScript loader (workers do not inherit a programmatic tsx registration), then
// loads the worker. Kept as plain JS because it must run before TypeScript can be loaded.
import { register } from 'tsx/esm/api';

register();
await import('./metrics-worker.ts');

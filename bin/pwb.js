#!/usr/bin/env node
// Entry point of the `pwb` command: runs the TypeScript CLI through tsx (no build step needed after npm ci).
import { register } from 'tsx/esm/api';

register();
// `pwb inspect big.onnx | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import('../main/cli/pwb.ts');
process.exitCode = await main(process.argv.slice(2));

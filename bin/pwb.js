#!/usr/bin/env node
// Entry point of the `pwb` command: runs the TypeScript CLI through tsx (no build step needed after npm ci).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/pwb.ts');
process.exitCode = await main(process.argv.slice(2));

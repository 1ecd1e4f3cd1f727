#!/usr/bin/env node
// The bazaar command. The platform is TypeScript run directly; tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

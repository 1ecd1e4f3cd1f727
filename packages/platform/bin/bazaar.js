#!/usr/bin/env -S node --max-semi-space-size=32
// The bazaar command. It runs the platform compiled into one JavaScript file (built from the sources
// when they are newer); BAZAAR_RUN_SOURCES=1 runs the TypeScript through tsx instead.
import { compiledCommand } from './compile.js';

const compiled = process.env.BAZAAR_RUN_SOURCES === '1' ? undefined : await compiledCommand();
// The processes this one starts (split's services) run the same file without checking the sources again.
if (compiled) process.env.BAZAAR_COMPILED = compiled;
let main;
if (compiled) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));

import { expect, it } from 'vitest';
import { profilingFlags } from '../src/split/supervisor.ts';

it('profiles each service of a supervisor run with --cpu-prof, into its directory, named after it', () => {
  const flags = profilingFlags(
    ['--max-semi-space-size=32', '--cpu-prof', '--cpu-prof-dir=/tmp/p'],
    'orders',
    2,
  );
  expect(flags.slice(0, 2)).toEqual(['--cpu-prof', '--cpu-prof-dir=/tmp/p']);
  expect(flags[2]).toMatch(/^--cpu-prof-name=orders-2-\d+\.cpuprofile$/);
  expect(profilingFlags(['--max-semi-space-size=32'], 'orders', 2)).toEqual([]);
});

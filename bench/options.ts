import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Scenario } from './scenarios.ts';

export const TOPOLOGIES = ['all-in-one', 'split'] as const;
export type Topology = (typeof TOPOLOGIES)[number];
const SPLIT_VS_ALL_IN_ONE = 'split-vs-all-in-one';

export const USAGE = `Usage: npm run bench -- [--scenario NAME] [--duration S] [--connections N] [--products N]
                        [--warmup S] [--events N] [--topology NAME] [--json FILE] [--cpu-prof DIR]

Starts the platform on a fresh data directory, seeds its demo catalog, then loads each scenario with
autocannon and measures it, and a bare Fastify server (the ceiling) the same way before the first
scenario and after each one: a scenario's ratio is to the mean of the ceilings around it.

  --scenario NAME    only this scenario; repeat it or use commas for several (default: all)
                     scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}, and
                     ${SPLIT_VS_ALL_IN_ONE} (catalog-list and checkout in both topologies, compared)
  --duration S       seconds measured per scenario (default 10)
  --warmup S         seconds of load before each measurement (default: a fifth of --duration, 1 to 5),
                     after a scenario that cycles through a set of requests has sent each one once
  --connections N    concurrent connections (default 50)
  --products N       demo products to seed (default 10000)
  --events N         events webhook-fanout publishes, as fast as the API takes them (default 10000)
  --topology NAME    all-in-one (default), split, or both as all-in-one,split: each topology is
                     started, seeded and measured in turn; split needs NATS (NATS_URL)
  --json FILE        also write the results as JSON to FILE (bench/results/ is git-ignored)
  --cpu-prof DIR     write V8 CPU profiles of the platform's processes to DIR when they stop (split:
                     one per service replica, named after it; open them in Chrome DevTools or
                     speedscope); profiling slows them down
`;

export class UsageError extends Error {}

export interface BenchOptions {
  scenarios: Scenario[];
  duration: number;
  warmup: number;
  connections: number;
  products: number;
  /** Events webhook-fanout publishes. */
  events: number;
  /** Each is started and measured in turn. */
  topologies: Topology[];
  json: string | undefined;
  /** Where the platform's CPU profile goes, if one is wanted. */
  cpuProf: string | undefined;
  help: boolean;
}

const count = (name: string, value: string | undefined, fallback: number, min: number, max = 1e9): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, got '${value}'.`);
  return n;
};

export const parseOptions = (args: string[]): BenchOptions => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        scenario: { type: 'string', multiple: true },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        products: { type: 'string' },
        events: { type: 'string' },
        topology: { type: 'string' },
        json: { type: 'string' },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let names = (parsed.scenario ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const compare = names.includes(SPLIT_VS_ALL_IN_ONE);
  if (compare) {
    names = [...new Set([...names.filter((n) => n !== SPLIT_VS_ALL_IN_ONE), 'catalog-list', 'checkout'])];
  }
  const topologies = compare
    ? [...TOPOLOGIES]
    : ((parsed.topology ?? 'all-in-one').split(',').filter(Boolean) as Topology[]);
  const badTopology = topologies.find((t) => !TOPOLOGIES.includes(t));
  if (badTopology || topologies.length === 0) {
    throw new UsageError(`--topology takes ${TOPOLOGIES.join(', ')} or both, got '${parsed.topology}'.`);
  }
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) {
    throw new UsageError(
      `Unknown scenario ${unknown.map((n) => `'${n}'`).join(', ')}; the scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}.`,
    );
  }
  const duration = count('duration', parsed.duration, 10, 1);
  return {
    scenarios: names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS,
    duration,
    warmup: count('warmup', parsed.warmup, Math.min(5, Math.max(1, Math.round(duration / 5))), 0),
    connections: count('connections', parsed.connections, 50, 1),
    products: count('products', parsed.products, 10_000, 1, 100_000),
    events: count('events', parsed.events, 10_000, 1, 1_000_000),
    topologies: [...new Set(topologies)],
    json: parsed.json,
    cpuProf: parsed['cpu-prof'] === undefined ? undefined : resolve(parsed['cpu-prof']),
    help: parsed.help ?? false,
  };
};

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import type { LoadSettings, Measurement } from './load.ts';
import type { Check } from './scenarios.ts';

/** The results: as a table for people, as JSON for files. */

export interface ScenarioResult extends Measurement {
  scenario: string;
  rotates_through: string;
  /** The mean requests/s of the ceilings measured just before and just after this scenario. */
  ceiling_requests_per_s?: number;
  /** Requests/s as a fraction of that ceiling's. */
  of_ceiling?: number;
  /** What the load left behind, checked after it ran; its problems are counted in `errors`. */
  check?: Check;
}

export interface Results {
  machine: ReturnType<typeof machine>;
  settings: LoadSettings & { products: number; events: number };
  platform: {
    topology: 'all-in-one' | 'split';
    /** First start on an empty data directory, seeding included. */
    first_start_ms: number;
    /** Start on the seeded data directory, from spawn until ready. */
    start_ms: number;
    rss_end_bytes: { node: number; postgres: number; total: number; total_pss: number };
  };
  /** The ceiling measurement with the median requests/s of those taken around the scenarios. */
  ceiling: Measurement & { serves: string; runs_requests_per_s: number[] };
  scenarios: ScenarioResult[];
}

const cpuModel = () => {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
  } catch {
    return cpus()[0]?.model;
  }
};

const gitCommit = () => {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return undefined;
  }
};

export const machine = (args: string[]) => ({
  cpu: cpuModel() ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
  command:
    `${process.env.npm_lifecycle_event === 'bench' ? 'npm run bench --' : 'tsx bench/run.ts'} ${args.join(' ')}`.trim(),
  git_commit: gitCommit(),
});

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const fixed = (n: number, digits: number) => n.toFixed(digits);
const whole = (n: number) => Math.round(n).toLocaleString('en-US');
/** autocannon records latency in whole milliseconds; 0 means under 1 ms. */
const ms = (n: number) => (n < 1 ? '<1' : whole(n));

export const table = (results: Results): string => {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS', 'ceiling', 'of ceiling'];
  const row = (name: string, m: Measurement, ceiling?: number, ratio?: number) => [
    name,
    whole(m.requests_per_s),
    ms(m.p50_ms),
    ms(m.p99_ms),
    whole(m.errors),
    mib(m.peak_rss_bytes),
    ceiling === undefined ? '–' : whole(ceiling),
    ratio === undefined ? '–' : fixed(ratio, 3),
  ];
  const unit = (s: ScenarioResult) => s.sequence?.unit ?? s.fanout?.unit;
  const rows = [
    header,
    ...results.scenarios.map((s) =>
      row(unit(s) ? `${s.scenario} (${unit(s)})` : s.scenario, s, s.ceiling_requests_per_s, s.of_ceiling),
    ),
    row('ceiling (bare Fastify, median)', results.ceiling),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((r) => r[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ');
  const rss = results.platform.rss_end_bytes;
  return [
    ...rows.map(line),
    '(latencies are whole milliseconds, as autocannon records them; a scenario’s ratio is to the mean ' +
      'of the ceilings measured just before and just after it)',
    ...results.scenarios.flatMap(({ scenario, sequence }) =>
      sequence
        ? [
            `(${scenario}: req/s counts ${sequence.unit}: sequences of ${sequence.calls} calls whose last ` +
              `one succeeded, ${whole(sequence.calls_per_s)} calls/s in all; p50 and p99 are of ${sequence.timed}, ` +
              `timed by the runner)`,
          ]
        : [],
    ),
    ...results.scenarios.flatMap(({ scenario, fanout: f }) =>
      f
        ? [
            `(${scenario}: req/s counts ${f.unit} to the ${f.healthy_receivers} healthy receivers per second, from ` +
              `the first event published to the last delivery; p50 and p99 are the lag from an event's commit ` +
              `to its first arrival at a receiver, max ${whole(f.max_lag_ms)} ms; ${whole(f.events)} events ` +
              `published at ${whole(f.events_per_s)}/s; ${whole(f.duplicates)} duplicate deliveries, ` +
              `${whole(f.dead_attempts)} attempts at the dead receiver)`,
          ]
        : [],
    ),
    ...results.scenarios.flatMap(({ check }) => (check ? ['', check.line, `  (${check.detail})`] : [])),
    '',
    `start on an existing data directory: ${Math.round(results.platform.start_ms)} ms`,
    `RSS at the end: ${mib(rss.total)} (platform ${mib(rss.node)}, PostgreSQL ${mib(rss.postgres)}; ` +
      `PSS, shared memory counted once: ${mib(rss.total_pss)})`,
  ].join('\n');
};

/** The same scenarios in each topology: split's figures as a ratio of all-in-one's. */
export const comparison = (runs: readonly Results[]): string => {
  const [base, other] = runs;
  if (!base || !other) return '';
  const header = [
    'scenario',
    `${base.platform.topology} req/s`,
    `${other.platform.topology} req/s`,
    'ratio',
    `${base.platform.topology} p99`,
    `${other.platform.topology} p99`,
  ];
  const rows = [
    header,
    ...base.scenarios.flatMap((a) => {
      const b = other.scenarios.find((s) => s.scenario === a.scenario);
      if (!b) return [];
      const ratio = a.requests_per_s ? b.requests_per_s / a.requests_per_s : 0;
      return [
        [
          a.scenario,
          whole(a.requests_per_s),
          whole(b.requests_per_s),
          fixed(ratio, 2),
          ms(a.p99_ms),
          ms(b.p99_ms),
        ],
      ];
    }),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((r) => r[column]!.length)));
  return [
    `${other.platform.topology} vs ${base.platform.topology}:`,
    ...rows.map((cells) =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   '),
    ),
  ].join('\n');
};

export const writeJson = async (file: string, results: Results | Results[]): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
};

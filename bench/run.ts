import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { send, type Response } from './api.ts';
import { portPicker } from '../packages/platform/src/split/ports.ts';
import { startCeiling } from './ceiling.ts';
import { measure, type LoadSettings, type Measurement } from './load.ts';
import { processTree, pss, rss } from './memory.ts';
import { parseOptions, USAGE, UsageError, type BenchOptions, type Topology } from './options.ts';
import { startPlatform, type Platform } from './platform.ts';
import { say, status } from './progress.ts';
import { comparison, machine, table, writeJson, type Results, type ScenarioResult } from './report.ts';
import { CEILING_SCENARIO, SCENARIOS, type Check, type Load } from './scenarios.ts';

/** `npm run bench`: see USAGE in options.ts. */

class Interrupted extends Error {}

/** `promise`, or a rejection as soon as `signal` aborts: a Ctrl-C interrupts any wait. */
const until = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted('interrupted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });

/** Shows `text()` now and every second until the returned function is called. */
const ticking = (text: () => string): (() => void) => {
  status(text());
  const timer = setInterval(() => status(text()), 1000);
  return () => clearInterval(timer);
};

/** A scenario's check; one that cannot be completed is a problem found, not the end of the run. */
const checkAfter = async (name: string, check: () => Promise<Check>, signal: AbortSignal): Promise<Check> => {
  try {
    return await until(check(), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return { line: `${name} check: could not be completed`, detail: (error as Error).message, problems: 1 };
  }
};

/** The measurement with the middle requests/s (the lower of the two middle ones). */
const median = (runs: Measurement[]): Measurement =>
  [...runs].sort((a, b) => a.requests_per_s - b.requests_per_s)[Math.floor((runs.length - 1) / 2)]!;

const seconds = (since: number) => Math.round((performance.now() - since) / 1000);
const isOk = (response: Response) => response.status >= 200 && response.status < 300;

const bench = async (
  options: BenchOptions,
  topology: Topology,
  dir: string,
  signal: AbortSignal,
  track: (stop: () => Promise<void>) => void,
): Promise<Results> => {
  const settings: LoadSettings = {
    connections: options.connections,
    duration: options.duration,
    warmup: options.warmup,
  };
  const dataDir = join(dir, topology);
  await mkdir(dataDir);
  // Under root, the embedded PostgreSQL runs as its own user and must reach its data.
  await chmod(dir, 0o755);
  await chmod(dataDir, 0o755);
  // Below the ephemeral range, as split picks its own: an outgoing connection cannot take them first.
  const freePort = portPicker();
  const [port, pgPort] = [await freePort(), await freePort()];
  let seeded = 'PostgreSQL, databases, migrations';
  const start = (): Platform => {
    const platform = startPlatform({
      dataDir,
      port,
      pgPort,
      products: options.products,
      topology,
      cpuProf: options.cpuProf,
      logFile: join(dir, `${topology}.log`),
      onSeedProgress: (done, total) => (seeded = `seeding the demo catalog: ${done}/${total} products`),
    });
    track(platform.stop);
    return platform;
  };

  // 1. First start on an empty data directory: creates the databases and seeds the catalog.
  const began = performance.now();
  const first = start();
  let stopTicking = ticking(() => `Starting the platform: ${seeded} (${seconds(began)} s)`);
  await until(first.ready, signal).finally(stopTicking);
  const firstStartMs = performance.now() - began;
  say(`First start, seeding ${options.products} products: ${Math.round(firstStartMs / 1000)} s`);
  status('Stopping the platform, to time a start on the seeded data directory…');
  await first.stop();

  // 2. The start that is timed; the benchmark runs against this one.
  const secondBegan = performance.now();
  const platform = start();
  stopTicking = ticking(
    () => `Starting the platform on the seeded data directory (${seconds(secondBegan)} s)`,
  );
  const ready = await until(platform.ready, signal).finally(stopTicking);
  say(`start on an existing data directory: ${Math.round(ready.startMs)} ms`);
  const alive = () => {
    const died = platform.died();
    if (died) throw new Error(died);
  };

  // 3. What each scenario sends, checked with one request; the ceiling serves catalog-list's answer.
  const context = { ...ready, events: options.events, signal, status };
  const wanted = SCENARIOS.filter((s) => options.scenarios.includes(s) || s.name === CEILING_SCENARIO);
  const loads = new Map<string, { load: Load; sample: Response }>();
  for (const scenario of wanted) {
    status(`${scenario.name}: collecting what its requests need…`);
    const load = await until(scenario.prepare(context), signal).finally(alive);
    const sample = await send(ready.url, load.sample, signal).finally(alive);
    if (!isOk(sample)) {
      throw new Error(
        `${scenario.name}: ${load.sample.method} ${load.sample.path} answered ${sample.status}, not 2xx:\n` +
          `${sample.body.toString().slice(0, 500)}\nFix the platform or the scenario (bench/scenarios.ts) first.`,
      );
    }
    loads.set(scenario.name, { load, sample });
    say(`${scenario.name}: requests rotate through ${load.summary}`);
  }

  // 4. The ceiling: a bare Fastify server answering catalog-list's bytes, loaded the same way.
  const { load: ceilingLoad, sample } = loads.get(CEILING_SCENARIO)!;
  status('Starting the ceiling server…');
  const ceilingServer = startCeiling(sample);
  track(ceilingServer.stop);
  const ceiling = await until(ceilingServer.ready, signal);
  const answered = await send(ceiling.url, ceilingLoad.sample, signal);
  if (!answered.body.equals(sample.body))
    throw new Error('The ceiling server answered other bytes than it was given.');
  const ceilings: Measurement[] = [];
  const measureCeiling = async (when: string) => {
    const measured = await measure(
      `ceiling (${when})`,
      ceiling.url,
      // Nothing to prime in a server that answers every request from memory.
      { ...ceilingLoad, distinct: undefined },
      settings,
      [ceiling.pid],
      signal,
      status,
    );
    ceilings.push(measured);
    return measured;
  };

  // 5. The scenarios, against the platform, with the ceiling measured before the first and after
  // each: this machine's speed drifts by the minute, so a scenario is compared with the mean of the
  // ceilings run just before and just after it.
  const scenarios: ScenarioResult[] = [];
  let before = await measureCeiling('before the scenarios');
  for (const scenario of options.scenarios) {
    const { load } = loads.get(scenario.name)!;
    const nodePids = processTree(ready.pid).node;
    const m = load.measure
      ? await load.measure(settings, nodePids)
      : await measure(scenario.name, ready.url, load, settings, nodePids, signal, status);
    alive();
    const check = load.check && (await checkAfter(scenario.name, load.check, signal).finally(alive));
    if (check) {
      say(check.line);
      m.errors += check.problems;
    }
    const after = await measureCeiling(`after ${scenario.name}`);
    // Deliveries to receivers are not the ceiling's kind of request.
    const around = m.fanout ? undefined : (before.requests_per_s + after.requests_per_s) / 2;
    before = after;
    say(
      `${scenario.name}: ${Math.round(m.requests_per_s)} ${m.sequence?.unit ?? m.fanout?.unit ?? 'req'}/s, ` +
        `p99 ${m.p99_ms} ms, ${m.errors} errors` +
        (around ? `; the ceiling around it: ${Math.round(around)} req/s` : ''),
    );
    scenarios.push({
      scenario: scenario.name,
      rotates_through: load.summary,
      ...m,
      ceiling_requests_per_s: around,
      of_ceiling: around ? m.requests_per_s / around : undefined,
      check,
    });
  }
  const top = median(ceilings);
  await ceilingServer.stop();
  const tree = processTree(ready.pid);
  const node = rss(tree.node);
  const postgres = rss(tree.postgres);
  const rssEnd = { node, postgres, total: node + postgres, total_pss: pss([...tree.node, ...tree.postgres]) };
  return {
    machine: machine(process.argv.slice(2)),
    settings: { ...settings, products: options.products, events: options.events },
    platform: { topology, first_start_ms: firstStartMs, start_ms: ready.startMs, rss_end_bytes: rssEnd },
    ceiling: {
      ...top,
      serves: `${CEILING_SCENARIO}: ${sample.contentType}, ${sample.body.length} bytes`,
      runs_requests_per_s: ceilings.map((c) => c.requests_per_s),
    },
    scenarios,
  };
};

const main = async (): Promise<number> => {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const dir = await mkdtemp(join(tmpdir(), 'bazaar-bench-'));
  const stops: (() => Promise<void>)[] = [];
  const interrupt = new AbortController();
  let interruptedAt = 0;
  const onSignal = () => {
    // One Ctrl-C can arrive twice: from the terminal, and relayed by tsx a moment later.
    if (interruptedAt && performance.now() - interruptedAt < 1000) return;
    if (interruptedAt) {
      say(`Quitting without waiting. Processes may be left running; their files are in ${dir}.`);
      process.exit(130);
    }
    interruptedAt = performance.now();
    say('Stopping (Ctrl-C again quits without waiting)…');
    interrupt.abort(new Interrupted('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  say(
    `Benchmark: ${options.scenarios.map((s) => s.name).join(', ')}; ${options.duration} s each after ` +
      `${options.warmup} s of warm-up, ${options.connections} connections, ${options.products} products` +
      (options.scenarios.some((s) => s.name === 'webhook-fanout') ? `, ${options.events} events.` : '.'),
  );
  say(`Working directory (removed at the end unless the run fails): ${dir}`);
  const runs: Results[] = [];
  let failure: Error | undefined;
  for (const topology of options.topologies) {
    if (options.topologies.length > 1) say(`Topology: ${topology}`);
    try {
      runs.push(await bench(options, topology, dir, interrupt.signal, (stop) => stops.push(stop)));
    } catch (error) {
      // After a Ctrl-C, what fails is what was stopped: not worth reporting.
      if (!interrupt.signal.aborted) failure = error as Error;
    } finally {
      status('Stopping the platform…');
      for (const stop of stops.splice(0).reverse()) await stop();
    }
    if (failure || interrupt.signal.aborted) break;
  }
  const results = runs.length === options.topologies.length ? runs : undefined;
  if (failure) {
    say();
    process.stderr.write(`The benchmark failed: ${failure.message}\n`);
    say(`Kept ${dir} to look into (platform.log, data/postgres.log); remove it with: rm -rf ${dir}`);
    return 1;
  }
  status('Removing the data directory…');
  await rm(dir, { recursive: true, force: true });
  if (!results) {
    say('Interrupted; the platform is stopped and its data directory removed.');
    return 130;
  }

  for (const run of results) {
    say();
    if (results.length > 1) say(`${run.platform.topology}:`);
    say(table(run));
  }
  if (results.length > 1) {
    say();
    say(comparison(results));
  }
  for (const s of results.flatMap((r) => r.scenarios).filter((s) => s.errors > 0)) {
    const codes = Object.entries(s.status_codes).filter(([code]) => !code.startsWith('2'));
    say(
      `${s.scenario}: ${s.errors} errors: ${codes.map(([code, n]) => `${n} × ${code}`).join(', ') || 'none by status'}` +
        `, ${s.socket_errors} socket errors (${s.timeouts} timeouts)` +
        (s.check ? `, ${s.check.problems} found by its check.` : '.'),
    );
  }
  if (options.json) {
    await writeJson(options.json, results.length === 1 ? results[0]! : results);
    say(`Results written to ${options.json}`);
  }
  return 0;
};

process.exitCode = await main();
